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
    /// Before any request, `path` is checked: it must name a file (not a directory) in a
    /// directory that exists and where a file can be created. The temporary file the body
    /// goes into, `.{name}.part-{random}` in that directory, is created then, so a path that
    /// cannot be written fails without touching the network.
    ///
    /// Two requests follow: [`FilesApi::retrieve_metadata`] for the file's `size_bytes`, then
    /// [`FilesApi::download`]. The body is streamed (never held in memory) into the temporary
    /// file and must be exactly `size_bytes` long: the content endpoint serves the file's
    /// bytes, and a response body that ends with the connection carries no length of its own,
    /// so a body cut short could not be told from a whole one without the metadata. A body
    /// that breaks off (including one shorter than its `content-length`, which the HTTP layer
    /// reports), that ends early or that runs past that size is an [`Error::Stream`] saying
    /// after how many of how many bytes the download ended.
    ///
    /// The complete file is flushed and synced to disk, then renamed over `path`, replacing
    /// any file there in one step. Until then `path` is not touched: if a request fails, the
    /// body is interrupted or has the wrong length, or a write fails, the temporary file is
    /// removed (also when the returned future is dropped) and an existing file at `path`
    /// stays as it was. On Unix, a file that is replaced passes its permission bits (`rwx` for
    /// owner, group and others, without set-id or sticky bits) to the new one; a new file gets
    /// the default permissions of a newly created file. A symbolic link at `path` is replaced,
    /// not followed.
    ///
    /// Each request is retried like any other until its response headers arrive; a body
    /// interrupted after that is an error (call again to restart the download).
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
        if let Ok(meta) = tokio::fs::symlink_metadata(path).await
            && meta.is_dir()
        {
            return Err(Error::Config(format!(
                "{} is a directory; download_to needs the path of a file",
                path.display()
            )));
        }
        let (file, temp) = create_temp(&dir, name).await?;
        let metadata = self.retrieve_metadata(file_id).await?;
        // `size_bytes` has `minimum: 0` in the spec; a negative one says nothing usable.
        let expected = u64::try_from(metadata.size_bytes).ok();
        let body = self.download(file_id).await?;
        let download = Download {
            file_id,
            expected,
            dest: path,
            dir: &dir,
        };
        download.write(body, file, temp).await
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
            Err(e) => return Err(cannot_create(dir, e)),
        }
    }
    let e = last.unwrap_or_else(|| std::io::Error::other("no temporary name was free"));
    Err(cannot_create(dir, e))
}

/// The error for a directory where the temporary file could not be created.
fn cannot_create(dir: &Path, e: std::io::Error) -> Error {
    Error::Io(std::io::Error::new(
        e.kind(),
        format!(
            "{}: cannot create a file to download into (nothing was requested): {e}",
            dir.display()
        ),
    ))
}

/// One download in progress: what it is of, how long it must be, and where it goes.
struct Download<'a> {
    file_id: &'a str,
    /// The file's `size_bytes`, when the metadata gave a usable one.
    expected: Option<u64>,
    dest: &'a Path,
    dir: &'a Path,
}

impl Download<'_> {
    /// Streams `body` into the temporary file, checks its length, syncs it and renames it to
    /// the destination.
    async fn write(
        &self,
        mut body: ByteStream,
        file: tokio::fs::File,
        mut temp: TempFile,
    ) -> Result<u64> {
        let mut out = tokio::io::BufWriter::with_capacity(WRITE_BUFFER, file);
        let mut written: u64 = 0;
        while let Some(chunk) = body.next().await {
            let chunk = match chunk {
                Ok(chunk) => chunk,
                Err(Error::Transport(e)) => return Err(self.cut(written, &e)),
                Err(e) => return Err(e),
            };
            let total = written + chunk.len() as u64;
            if let Some(expected) = self.expected
                && total > expected
            {
                return Err(self.too_long(total));
            }
            out.write_all(&chunk)
                .await
                .map_err(|e| io_error(&temp.path, e))?;
            written = total;
        }
        if let Some(expected) = self.expected
            && written != expected
        {
            return Err(self.short(written, expected));
        }
        out.flush().await.map_err(|e| io_error(&temp.path, e))?;
        let file = out.into_inner();
        self.keep_permissions(&file, &temp.path).await?;
        file.sync_all().await.map_err(|e| io_error(&temp.path, e))?;
        drop(file);
        tokio::fs::rename(&temp.path, self.dest)
            .await
            .map_err(|e| io_error(self.dest, e))?;
        temp.keep = true;
        sync_dir(self.dir).await;
        Ok(written)
    }

    /// "of M bytes" when the size is known.
    fn of_expected(&self) -> String {
        match self.expected {
            Some(m) => format!(" of {m}"),
            None => String::new(),
        }
    }

    /// The body broke off after `written` bytes: the connection failed or closed before the
    /// `content-length` it announced.
    fn cut(&self, written: u64, cause: &reqwest::Error) -> Error {
        let mut cause_text = cause.to_string();
        let mut source = std::error::Error::source(cause);
        while let Some(s) = source {
            cause_text.push_str(": ");
            cause_text.push_str(&s.to_string());
            source = s.source();
        }
        Error::Stream(format!(
            "the download of {} was cut: it ended after {written}{} bytes ({cause_text}); {} \
             was not touched",
            self.file_id,
            self.of_expected(),
            self.dest.display()
        ))
    }

    /// The body ended cleanly, but not at the size the metadata gives.
    fn short(&self, written: u64, expected: u64) -> Error {
        Error::Stream(format!(
            "the download of {} ended after {written} of {expected} bytes (the file's \
             size_bytes); {} was not touched",
            self.file_id,
            self.dest.display()
        ))
    }

    /// The body went past the size the metadata gives.
    fn too_long(&self, received: u64) -> Error {
        Error::Stream(format!(
            "the download of {} sent at least {received} bytes, more than the file's size_bytes \
             ({}); {} was not touched",
            self.file_id,
            self.expected.unwrap_or_default(),
            self.dest.display()
        ))
    }

    /// On Unix, gives the new file the permission bits of the file it is about to replace.
    async fn keep_permissions(&self, file: &tokio::fs::File, temp: &Path) -> Result<()> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            if let Ok(old) = tokio::fs::symlink_metadata(self.dest).await
                && old.is_file()
            {
                let mode = old.permissions().mode() & 0o777;
                file.set_permissions(std::fs::Permissions::from_mode(mode))
                    .await
                    .map_err(|e| io_error(temp, e))?;
            }
        }
        #[cfg(not(unix))]
        let _ = (file, temp);
        Ok(())
    }
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
