//! Hand-written additions to the generated `files` operations: downloading to a path safely.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use futures::StreamExt;
use tokio::io::AsyncWriteExt;

use crate::resources::FilesApi;
use crate::runtime::{ByteStream, Error, Result};

/// How much of a download is gathered before each write to disk.
const WRITE_BUFFER: usize = 256 * 1024;

/// How many temporary names are tried before giving up.
const TEMP_NAME_TRIES: u32 = 16;

impl FilesApi<'_> {
    /// Downloads a file's contents into `path`, returning the number of bytes written.
    ///
    /// The body is streamed (never held in memory) into a new temporary file in the same
    /// directory, named `.{name}.part-{random}`, which is flushed and synced to disk, then
    /// renamed over `path`, replacing any file there in one step. Until then `path` is not
    /// touched: if the request fails, the body is interrupted or a write fails, the
    /// temporary file is removed (also when the returned future is dropped) and an existing
    /// file at `path` stays as it was. The new file gets the default permissions of a newly
    /// created file, not those of the file it replaces; a symbolic link at `path` is replaced,
    /// not followed.
    ///
    /// The request is retried like [`FilesApi::download`] until its response headers arrive;
    /// a body interrupted after that is an error (call again to restart the download).
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_openapi::Client) -> anthropic_openapi::Result<()> {
    /// let bytes = client.files().download_to("file_011CNha8iCJcU1wXNR6q4V8w", "report.pdf").await?;
    /// println!("wrote {bytes} bytes");
    /// # Ok(()) }
    /// ```
    pub async fn download_to(&self, file_id: &str, path: impl AsRef<Path>) -> Result<u64> {
        let path = path.as_ref();
        let name = path
            .file_name()
            .ok_or_else(|| Error::Config(format!("{} does not name a file", path.display())))?;
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let body = self.download(file_id).await?;
        write_atomically(body, &dir, name, path).await
    }
}

/// A temporary file that is removed when dropped, unless it was kept.
struct TempFile {
    path: PathBuf,
    keep: bool,
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Creates a new temporary file named after `name` in `dir`.
async fn create_temp(dir: &Path, name: &OsStr) -> Result<(tokio::fs::File, TempFile)> {
    let mut last = None;
    for _ in 0..TEMP_NAME_TRIES {
        let mut temp_name = std::ffi::OsString::from(".");
        temp_name.push(name);
        temp_name.push(format!(".part-{:016x}", fastrand::u64(..)));
        let path = dir.join(temp_name);
        match tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .await
        {
            Ok(file) => return Ok((file, TempFile { path, keep: false })),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(io_error(&path, e)),
        }
    }
    let e = last.unwrap_or_else(|| std::io::Error::other("no temporary name was free"));
    Err(io_error(dir, e))
}

/// Streams `body` into a temporary file in `dir`, syncs it and renames it to `dest`.
async fn write_atomically(
    mut body: ByteStream,
    dir: &Path,
    name: &OsStr,
    dest: &Path,
) -> Result<u64> {
    let (file, mut temp) = create_temp(dir, name).await?;
    let mut out = tokio::io::BufWriter::with_capacity(WRITE_BUFFER, file);
    let mut written: u64 = 0;
    while let Some(chunk) = body.next().await {
        let chunk = chunk?;
        out.write_all(&chunk)
            .await
            .map_err(|e| io_error(&temp.path, e))?;
        written += chunk.len() as u64;
    }
    out.flush().await.map_err(|e| io_error(&temp.path, e))?;
    let file = out.into_inner();
    file.sync_all().await.map_err(|e| io_error(&temp.path, e))?;
    drop(file);
    tokio::fs::rename(&temp.path, dest)
        .await
        .map_err(|e| io_error(dest, e))?;
    temp.keep = true;
    sync_dir(dir).await;
    Ok(written)
}

/// Makes the rename durable where the platform allows it; a failure is not an error, since
/// the file itself is complete.
async fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = tokio::fs::File::open(dir).await {
        let _ = d.sync_all().await;
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// An I/O error that names the path it happened on.
fn io_error(path: &Path, e: std::io::Error) -> Error {
    Error::Io(std::io::Error::new(
        e.kind(),
        format!("{}: {e}", path.display()),
    ))
}
