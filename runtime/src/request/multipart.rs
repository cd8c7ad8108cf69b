//! `multipart/form-data` bodies: described once, encoded part by part each time they are
//! sent, with files read from disk or a stream as they go.

use std::path::Path;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures::StreamExt;
use tokio::io::AsyncReadExt;

use super::upload::{FileSource, OneShot, SourceStream, UploadFile};
use crate::error::{Error, Result};

/// A `multipart/form-data` body: text fields and files, in order.
#[derive(Debug, Clone, Default)]
pub struct Multipart {
    parts: Vec<(&'static str, Part)>,
}

#[derive(Debug, Clone)]
enum Part {
    Text(String),
    File(UploadFile),
}

impl Multipart {
    /// How many fields and files the body has.
    pub(crate) fn len(&self) -> usize {
        self.parts.len()
    }
}

impl Multipart {
    /// An empty form.
    pub fn new() -> Self {
        Multipart::default()
    }

    /// Adds a text field.
    pub fn text(mut self, name: &'static str, value: String) -> Self {
        self.parts.push((name, Part::Text(value)));
        self
    }

    /// Adds a file field.
    pub fn file(mut self, name: &'static str, file: UploadFile) -> Self {
        self.parts.push((name, Part::File(file)));
        self
    }

    /// Encodes the form once, with a fresh random boundary, so that every attempt of a
    /// request sends identical bytes: the text around the files is built here, and file
    /// contents are referred to (shared bytes, a path, or a one-shot stream), never copied.
    pub(crate) fn encode(&self) -> Result<EncodedMultipart> {
        let boundary = format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..));
        let mut segments = Vec::new();
        let mut head = String::new();
        for (name, part) in &self.parts {
            head.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"",
                escape_form_name(name)
            ));
            match part {
                Part::Text(v) => {
                    head.push_str("\r\n\r\n");
                    head.push_str(v);
                    head.push_str("\r\n");
                }
                Part::File(f) => {
                    f.check_mime_type()?;
                    head.push_str(&format!(
                        "; filename=\"{}\"\r\nContent-Type: {}\r\n\r\n",
                        escape_form_name(&f.filename),
                        f.mime_type
                    ));
                    segments.push(Segment::Bytes(Bytes::from(std::mem::take(&mut head))));
                    segments.push(match &f.source {
                        FileSource::Bytes(b) => Segment::Bytes(b.clone()),
                        FileSource::Path { path, len } => Segment::File {
                            path: path.clone(),
                            len: *len,
                        },
                        FileSource::Stream(s) => Segment::Stream {
                            filename: f.filename.clone(),
                            source: s.clone(),
                        },
                    });
                    head.push_str("\r\n");
                }
            }
        }
        head.push_str(&format!("--{boundary}--\r\n"));
        segments.push(Segment::Bytes(Bytes::from(head)));
        let len = segments.iter().try_fold(0u64, |sum, s| match s {
            Segment::Bytes(b) => Some(sum + b.len() as u64),
            Segment::File { len, .. } => Some(sum + len),
            Segment::Stream { source, .. } => source.len.map(|l| sum + l),
        });
        Ok(EncodedMultipart {
            content_type: format!("multipart/form-data; boundary={boundary}"),
            len,
            segments,
        })
    }
}

/// One piece of an encoded multipart body.
#[derive(Debug, Clone)]
enum Segment {
    /// Bytes in memory (form text, or the contents of [`UploadFile::from_bytes`]).
    Bytes(Bytes),
    /// A file read from disk on every attempt; it must still have this length.
    File { path: Arc<Path>, len: u64 },
    /// The stream of [`UploadFile::from_stream`], sent at most once.
    Stream { filename: String, source: OneShot },
}

/// A multipart body ready to be sent, possibly several times.
#[derive(Debug, Clone)]
pub(crate) struct EncodedMultipart {
    /// The `Content-Type` header, with the boundary.
    pub(crate) content_type: String,
    /// The body, in pieces.
    segments: Vec<Segment>,
    /// The total length of the body, unless a streamed file has no declared length.
    pub(crate) len: Option<u64>,
}

/// How many bytes of a file are read at a time.
const FILE_CHUNK: usize = 128 * 1024;

/// A boxed body stream, as handed to `reqwest`.
type BodyStream = Pin<Box<dyn futures::Stream<Item = std::io::Result<Bytes>> + Send>>;

impl EncodedMultipart {
    /// Whether the body can be sent by another attempt: false once a one-shot stream in it
    /// has started to be sent (or was sent by an earlier request).
    pub(crate) fn can_resend(&self) -> bool {
        self.segments.iter().all(|s| match s {
            Segment::Stream { source, .. } => source.is_available(),
            _ => true,
        })
    }

    /// A fresh `reqwest` body for one attempt.
    ///
    /// Files are opened here, and must still have the length they had when the
    /// [`UploadFile`] was made. A failure while the body is being sent (a file that changed,
    /// an error from a caller's stream, a stream of the wrong length) is recorded in `fault`,
    /// and the body stream fails, so that the server never receives a complete-looking body.
    pub(crate) async fn body(&self, fault: &BodyFault) -> Result<reqwest::Body> {
        if let [Segment::Bytes(only)] = self.segments.as_slice() {
            return Ok(reqwest::Body::from(only.clone()));
        }
        let mut parts: Vec<BodyStream> = Vec::with_capacity(self.segments.len());
        for segment in &self.segments {
            parts.push(match segment {
                Segment::Bytes(b) => {
                    Box::pin(futures::stream::once(futures::future::ready(Ok(b.clone()))))
                }
                Segment::File { path, len } => {
                    let file = open_checked(path, *len).await?;
                    file_stream(file, path.clone(), *len, fault.clone())
                }
                Segment::Stream { filename, source } => {
                    if !source.is_available() {
                        return Err(Error::Stream(format!(
                            "the streamed upload {filename:?} was already sent once; a stream \
                             can be sent only once, so make a new UploadFile to send it again"
                        )));
                    }
                    one_shot_stream(filename.clone(), source.clone(), fault.clone())
                }
            });
        }
        Ok(reqwest::Body::wrap_stream(
            futures::stream::iter(parts).flatten(),
        ))
    }
}

/// Where a body stream records why it failed, so that the attempt reports that error (and
/// does not retry) instead of the transport error `reqwest` makes of it.
#[derive(Debug, Clone, Default)]
pub(crate) struct BodyFault(Arc<Mutex<Option<Error>>>);

impl BodyFault {
    /// Records `error` (the first one wins) and returns an I/O error to end the body with.
    fn fail(&self, error: Error) -> std::io::Error {
        let message = error.to_string();
        let mut slot = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if slot.is_none() {
            *slot = Some(error);
        }
        std::io::Error::other(message)
    }

    /// The recorded error, if the body failed.
    pub(crate) fn take(&self) -> Option<Error> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

/// The error for a file whose size is no longer the one it had when the upload was made.
fn size_changed(path: &Path, expected: u64, found: &str) -> Error {
    Error::Io(std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        format!(
            "{} changed size since the upload was prepared: it had {expected} bytes, {found}; \
             make a new UploadFile to upload its current contents",
            path.display()
        ),
    ))
}

/// Opens a file to upload and checks that it still has `len` bytes.
async fn open_checked(path: &Path, len: u64) -> Result<tokio::fs::File> {
    let with_path = |e: std::io::Error| {
        Error::Io(std::io::Error::new(
            e.kind(),
            format!("{}: {e}", path.display()),
        ))
    };
    let file = tokio::fs::File::open(path).await.map_err(with_path)?;
    let now = file.metadata().await.map_err(with_path)?.len();
    if now != len {
        return Err(size_changed(path, len, &format!("it now has {now}")));
    }
    Ok(file)
}

/// The contents of an open file, read in chunks of [`FILE_CHUNK`] bytes; exactly `len`
/// bytes, or an error if the file turns out shorter or longer.
fn file_stream(file: tokio::fs::File, path: Arc<Path>, len: u64, fault: BodyFault) -> BodyStream {
    Box::pin(futures::stream::unfold(Some((file, 0u64)), move |state| {
        let (path, fault) = (path.clone(), fault.clone());
        async move {
            let (mut file, sent) = state?;
            let remaining = len - sent;
            // At the expected end, one more read must find the end of the file.
            let mut buf = vec![0u8; remaining.clamp(1, FILE_CHUNK as u64) as usize];
            let n = match file.read(&mut buf).await {
                Ok(n) => n,
                Err(e) => {
                    let e = std::io::Error::new(e.kind(), format!("{}: {e}", path.display()));
                    return Some((Err(fault.fail(Error::Io(e))), None));
                }
            };
            if remaining == 0 {
                return (n > 0).then(|| {
                    let e = size_changed(&path, len, "it has grown while being sent");
                    (Err(fault.fail(e)), None)
                });
            }
            if n == 0 {
                let found = format!("it ended after {sent} while being sent");
                return Some((Err(fault.fail(size_changed(&path, len, &found))), None));
            }
            buf.truncate(n);
            Some((Ok(Bytes::from(buf)), Some((file, sent + n as u64))))
        }
    }))
}

/// The caller's stream of an [`UploadFile::from_stream`], taken out of its slot on the first
/// poll (so an attempt that fails before sending its body leaves it available for a retry),
/// and checked against the declared length.
fn one_shot_stream(filename: String, source: OneShot, fault: BodyFault) -> BodyStream {
    enum State {
        Start,
        Sending(SourceStream, u64),
        Done,
    }
    let expected = source.len;
    Box::pin(futures::stream::unfold(State::Start, move |state| {
        let (filename, source, fault) = (filename.clone(), source.clone(), fault.clone());
        async move {
            let (mut stream, sent) = match state {
                State::Done => return None,
                State::Sending(stream, sent) => (stream, sent),
                State::Start => match source.take() {
                    Some(stream) => (stream, 0),
                    None => {
                        let e = Error::Stream(format!(
                            "the streamed upload {filename:?} was already sent once"
                        ));
                        return Some((Err(fault.fail(e)), State::Done));
                    }
                },
            };
            let wrong_length = |found: String| {
                Error::Stream(format!(
                    "the streamed upload {filename:?} was declared with {} bytes but {found}; \
                     the request was aborted",
                    expected.unwrap_or_default()
                ))
            };
            match stream.next().await {
                Some(Ok(chunk)) => {
                    let sent = sent + chunk.len() as u64;
                    match expected {
                        Some(len) if sent > len => {
                            let e = wrong_length(format!("yielded at least {sent}"));
                            Some((Err(fault.fail(e)), State::Done))
                        }
                        _ => Some((Ok(chunk), State::Sending(stream, sent))),
                    }
                }
                Some(Err(e)) => {
                    let e = Error::Io(std::io::Error::other(e));
                    Some((Err(fault.fail(e)), State::Done))
                }
                None => match expected {
                    Some(len) if sent != len => {
                        let e = wrong_length(format!("ended after {sent}"));
                        Some((Err(fault.fail(e)), State::Done))
                    }
                    _ => None,
                },
            }
        }
    }))
}

/// Escapes a field name or file name for a `Content-Disposition` header as browsers do:
/// `"`, CR and LF become `%22`, `%0D` and `%0A`.
fn escape_form_name(name: &str) -> String {
    name.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}
