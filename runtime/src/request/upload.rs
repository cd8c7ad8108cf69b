//! [`UploadFile`]: a file to upload, from bytes, a path or a stream.

use std::fmt;
use std::path::Path;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures::StreamExt;

use crate::error::{Error, Result};

/// A streamed response body, chunk by chunk.
pub type ByteStream = Pin<Box<dyn futures::Stream<Item = Result<Bytes>> + Send>>;

/// An error from a caller's upload stream.
pub(super) type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A caller's upload stream, boxed.
pub(super) type SourceStream =
    Pin<Box<dyn futures::Stream<Item = std::result::Result<Bytes, BoxError>> + Send>>;

/// A file to upload: a name, a MIME type and where its contents come from.
///
/// | made with | memory | on a retry |
/// | --- | --- | --- |
/// | [`UploadFile::from_bytes`] | the bytes, shared by clones | sent again |
/// | [`UploadFile::from_path`] | a chunk at a time | the file is read again, and must still have the same size |
/// | [`UploadFile::from_stream`] | a chunk at a time | not retried once the body has started |
#[derive(Clone)]
pub struct UploadFile {
    pub(super) filename: String,
    pub(super) mime_type: String,
    pub(super) source: FileSource,
}

/// Where the contents come from.
#[derive(Clone)]
pub(super) enum FileSource {
    Bytes(Bytes),
    Path { path: Arc<Path>, len: u64 },
    Stream(OneShot),
}

/// A caller's stream that can be sent once; clones share it.
#[derive(Clone)]
pub(super) struct OneShot {
    pub(super) slot: Arc<Mutex<Option<SourceStream>>>,
    pub(super) len: Option<u64>,
}

impl OneShot {
    pub(super) fn take(&self) -> Option<SourceStream> {
        self.slot.lock().unwrap_or_else(|e| e.into_inner()).take()
    }

    pub(super) fn is_available(&self) -> bool {
        self.slot
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some()
    }
}

impl fmt::Debug for OneShot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OneShot")
            .field("len", &self.len)
            .field("available", &self.is_available())
            .finish()
    }
}

impl UploadFile {
    /// A file held in memory. The MIME type is guessed from the file name's extension.
    ///
    /// Clones share the bytes, and a retried request sends them again.
    pub fn from_bytes(filename: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        let filename = filename.into();
        UploadFile {
            mime_type: guess_mime(&filename).to_string(),
            filename,
            source: FileSource::Bytes(bytes.into()),
        }
    }

    /// A file on disk, streamed from it when the request is sent; its name is the last
    /// component of `path`, and the MIME type is guessed from its extension.
    ///
    /// Only the path and the file's current length are kept: every attempt of the request
    /// opens the file again and reads it in chunks, so memory does not grow with the file's
    /// size and a retry sends identical bytes. If the file's size has changed since this
    /// call (before or while an attempt sends it), the request fails with an [`Error::Io`]
    /// of kind [`InvalidData`](std::io::ErrorKind::InvalidData) and is not retried. The
    /// contents must not change either; only a change of size can be detected.
    pub async fn from_path(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let filename = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| Error::Config(format!("{} does not name a file", path.display())))?;
        let meta = tokio::fs::metadata(path).await.map_err(|e| {
            Error::Io(std::io::Error::new(
                e.kind(),
                format!("{}: {e}", path.display()),
            ))
        })?;
        if !meta.is_file() {
            return Err(Error::Io(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("{} is not a regular file", path.display()),
            )));
        }
        // Absolute, so that a later change of the working directory does not matter.
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        Ok(UploadFile {
            mime_type: guess_mime(&filename).to_string(),
            filename,
            source: FileSource::Path {
                path: Arc::from(path),
                len: meta.len(),
            },
        })
    }

    /// A file whose contents come from a stream of chunks, such as a body being received
    /// from elsewhere. The MIME type is guessed from the file name's extension.
    ///
    /// With `length` given, the request has that exact `Content-Length` (plus the form's
    /// own text), and a stream that yields more or fewer bytes aborts the request with an
    /// [`Error::Stream`]; without it the body is sent with chunked transfer encoding.
    ///
    /// The stream can be consumed only once, so such a request is **not retried** once its
    /// body has started to be sent: a failure after that (a connection error, a 5xx status)
    /// is returned as it is. A stream error aborts the request (the server never sees a
    /// complete body) and is returned as an [`Error::Io`] whose source is the stream's
    /// error. Clones share the one stream: after it has been sent, sending a clone fails
    /// with an [`Error::Stream`].
    pub fn from_stream<S, E>(filename: impl Into<String>, stream: S, length: Option<u64>) -> Self
    where
        S: futures::Stream<Item = std::result::Result<Bytes, E>> + Send + 'static,
        E: Into<BoxError>,
    {
        let filename = filename.into();
        let stream: SourceStream = Box::pin(stream.map(|r| r.map_err(Into::into)));
        UploadFile {
            mime_type: guess_mime(&filename).to_string(),
            filename,
            source: FileSource::Stream(OneShot {
                slot: Arc::new(Mutex::new(Some(stream))),
                len: length,
            }),
        }
    }

    /// Overrides the guessed MIME type.
    pub fn mime_type(mut self, mime: impl Into<String>) -> Self {
        self.mime_type = mime.into();
        self
    }

    /// The file name sent in the form.
    pub fn filename(&self) -> &str {
        &self.filename
    }

    /// The MIME type sent in the form.
    pub fn content_type(&self) -> &str {
        &self.mime_type
    }

    /// The size of the contents in bytes, when known (not for a stream without a declared
    /// length).
    pub fn size(&self) -> Option<u64> {
        match &self.source {
            FileSource::Bytes(b) => Some(b.len() as u64),
            FileSource::Path { len, .. } => Some(*len),
            FileSource::Stream(s) => s.len,
        }
    }

    /// Whether a retried request can send the contents again: true for bytes and files on
    /// disk, false for a stream.
    pub fn is_resendable(&self) -> bool {
        !matches!(self.source, FileSource::Stream(_))
    }

    pub(super) fn check_mime_type(&self) -> Result<()> {
        let m = &self.mime_type;
        let valid = m
            .split_once('/')
            .is_some_and(|(t, s)| !t.trim().is_empty() && !s.trim().is_empty())
            && m.bytes().all(|b| (b' '..=b'~').contains(&b) || b == b'\t');
        if valid {
            Ok(())
        } else {
            Err(Error::Config(format!("invalid MIME type {m:?}")))
        }
    }
}

impl fmt::Debug for UploadFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match &self.source {
            FileSource::Bytes(_) => "bytes",
            FileSource::Path { .. } => "path",
            FileSource::Stream(_) => "stream",
        };
        let mut d = f.debug_struct("UploadFile");
        d.field("filename", &self.filename)
            .field("mime_type", &self.mime_type)
            .field("source", &source);
        if let FileSource::Path { path, .. } = &self.source {
            d.field("path", path);
        }
        match self.size() {
            Some(len) => d.field("len", &len),
            None => d.field("len", &"unknown"),
        };
        d.finish()
    }
}

fn guess_mime(filename: &str) -> &'static str {
    let ext = filename
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "md" => "text/markdown",
        "csv" => "text/csv",
        "json" => "application/json",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        _ => "application/octet-stream",
    }
}
