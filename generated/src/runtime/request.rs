//! Describing a request: method, path, query, headers, body and betas.
//!
//! Generated endpoint methods build a [`Request`] and hand it to
//! [`ClientCore`](super::ClientCore). The body is serialized once into [`Bytes`] (or kept as a
//! [`Multipart`] description) so that the same request can be sent again by a retry. Files
//! to upload are streamed from disk on each attempt rather than held in memory; see
//! [`UploadFile`].

use std::fmt;
use std::path::Path;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures::StreamExt;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use tokio::io::AsyncReadExt;

use super::error::{Error, Result};

/// A streamed response body, chunk by chunk.
pub type ByteStream = Pin<Box<dyn futures::Stream<Item = Result<Bytes>> + Send>>;

/// Everything except the RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`).
const UNRESERVED_ONLY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Query keys keep `[` and `]` readable (`group_by[]`); everything else is encoded as in values.
const QUERY_KEY: &AsciiSet = &UNRESERVED_ONLY.remove(b'[').remove(b']');

/// Percent-encodes one path segment (an id) so that it cannot leave its segment.
///
/// Every byte except the RFC 3986 unreserved characters is encoded, so `/`, `?`, `#` and `%`
/// stay inside the segment. A segment made only of dots (`.` or `..`) is encoded entirely
/// (`..` becomes `%2E%2E`); the client additionally refuses to send a path with such a segment,
/// because URL parsers treat `%2E%2E` as `..`.
pub fn encode_path_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_path_segment(&mut out, s);
    out
}

/// A request path from a path template: its literal pieces with the parameters between them,
/// each parameter encoded as by [`encode_path_segment`].
///
/// `pieces` has one element more than `params`: `pieces[0]`, then `params[0]`, then
/// `pieces[1]`, and so on. For `/v1/files/{file_id}/content`, generated code calls
/// `encode_path(&["/v1/files/", "/content"], &[file_id])`. The path is written into a single
/// allocation (`format!` with [`encode_path_segment`] makes one string per parameter and
/// another for the result).
///
/// # Panics
///
/// If `pieces` does not have exactly one element more than `params`.
pub fn encode_path(pieces: &[&str], params: &[&str]) -> String {
    assert_eq!(
        pieces.len(),
        params.len() + 1,
        "a path has one piece more than parameters"
    );
    let len = pieces.iter().chain(params).map(|s| s.len()).sum();
    let mut path = String::with_capacity(len);
    let mut params = params.iter();
    for piece in pieces {
        path.push_str(piece);
        if let Some(param) = params.next() {
            push_path_segment(&mut path, param);
        }
    }
    path
}

/// Appends `s` to `out`, encoded as by [`encode_path_segment`].
fn push_path_segment(out: &mut String, s: &str) {
    if !s.is_empty() && s.bytes().all(|b| b == b'.') {
        for _ in 0..s.len() {
            out.push_str("%2E");
        }
    } else {
        out.extend(utf8_percent_encode(s, UNRESERVED_ONLY));
    }
}

/// A request to the API, built by generated code and sent by [`ClientCore`](super::ClientCore).
pub struct Request {
    pub(crate) method: reqwest::Method,
    pub(crate) path: String,
    pub(crate) query: Query,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Body,
    pub(crate) betas: Vec<&'static str>,
}

/// The body of a [`Request`], kept in a form that can be sent more than once.
pub(crate) enum Body {
    Empty,
    Json(Bytes),
    Multipart(Multipart),
}

impl Request {
    /// A request without query, body or extra headers. `path` starts with `/v1/` and its
    /// parameters are already encoded (see [`encode_path`] and [`encode_path_segment`]).
    pub fn new(method: reqwest::Method, path: String) -> Self {
        Request {
            method,
            path,
            query: Query::new(),
            headers: Vec::new(),
            body: Body::Empty,
            betas: Vec::new(),
        }
    }

    /// Sets the query string.
    pub fn query(mut self, q: Query) -> Self {
        self.query = q;
        self
    }

    /// Adds a header for this request only; it overrides a client default of the same name.
    pub fn header(mut self, name: &'static str, value: String) -> Self {
        self.headers.push((name, value));
        self
    }

    /// Serializes `body` as JSON (once, so a retry can send the same bytes).
    pub fn json_body<B: serde::Serialize + ?Sized>(mut self, body: &B) -> Result<Self> {
        let bytes = serde_json::to_vec(body).map_err(|e| Error::Decode {
            message: format!("could not serialize the request body: {e}"),
            path: String::new(),
            snippet: String::new(),
        })?;
        self.body = Body::Json(Bytes::from(bytes));
        Ok(self)
    }

    /// Sets a `multipart/form-data` body.
    pub fn multipart_body(mut self, form: Multipart) -> Self {
        self.body = Body::Multipart(form);
        self
    }

    /// Adds beta names this operation needs; they are sent in `anthropic-beta` after the
    /// client's default betas.
    pub fn betas(mut self, betas: &'static [&'static str]) -> Self {
        self.betas.extend_from_slice(betas);
        self
    }

    /// The HTTP method.
    pub fn method(&self) -> &reqwest::Method {
        &self.method
    }

    /// The path (encoded), without the query.
    pub fn path(&self) -> &str {
        &self.path
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let body = match &self.body {
            Body::Empty => "empty".to_string(),
            Body::Json(b) => format!("json ({} bytes)", b.len()),
            Body::Multipart(m) => format!("multipart ({} parts)", m.parts.len()),
        };
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query.to_query_string())
            .field(
                "headers",
                &self.headers.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            )
            .field("betas", &self.betas)
            .field("body", &body)
            .finish()
    }
}

/// A query string under construction: ordered key/value pairs, percent-encoded on output.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    /// An empty query.
    pub fn new() -> Self {
        Query::default()
    }

    /// Adds `key=value`.
    pub fn push<V: QueryValue + ?Sized>(&mut self, key: &str, value: &V) {
        self.pairs.push((key.to_string(), value.to_query_value()));
    }

    /// Adds `key=value` when the value is present.
    pub fn push_opt<V: QueryValue>(&mut self, key: &str, value: &Option<V>) {
        if let Some(v) = value {
            self.push(key, v);
        }
    }

    /// Adds `key=value` once per value, repeating the key (`group_by[]=a&group_by[]=b`).
    pub fn push_each<V: QueryValue>(&mut self, key: &str, values: &[V]) {
        for v in values {
            self.push(key, v);
        }
    }

    /// Whether no pair was added.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// The pairs, unencoded, in insertion order.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// The encoded query string, without the leading `?`.
    pub fn to_query_string(&self) -> String {
        let mut out = String::new();
        for (k, v) in &self.pairs {
            if !out.is_empty() {
                out.push('&');
            }
            out.extend(utf8_percent_encode(k, QUERY_KEY));
            out.push('=');
            out.extend(utf8_percent_encode(v, UNRESERVED_ONLY));
        }
        out
    }
}

/// A value that can appear in a query string.
pub trait QueryValue {
    /// The value as text, before percent-encoding.
    fn to_query_value(&self) -> String;
}

impl QueryValue for str {
    fn to_query_value(&self) -> String {
        self.to_string()
    }
}

impl QueryValue for String {
    fn to_query_value(&self) -> String {
        self.clone()
    }
}

macro_rules! display_query_value {
    ($($t:ty),*) => {$(
        impl QueryValue for $t {
            fn to_query_value(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
display_query_value!(bool, i32, i64, u32, u64, f64);

impl QueryValue for chrono::DateTime<chrono::Utc> {
    /// RFC 3339 with a `Z` suffix; seconds precision unless the time has a fractional part.
    fn to_query_value(&self) -> String {
        self.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
    }
}

impl QueryValue for chrono::NaiveDate {
    /// `YYYY-MM-DD`.
    fn to_query_value(&self) -> String {
        self.format("%Y-%m-%d").to_string()
    }
}

impl<T: QueryValue + ?Sized> QueryValue for &T {
    fn to_query_value(&self) -> String {
        (**self).to_query_value()
    }
}

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

/// An error from a caller's upload stream.
type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A caller's upload stream, boxed.
type SourceStream =
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
    filename: String,
    mime_type: String,
    source: FileSource,
}

/// Where the contents come from.
#[derive(Clone)]
enum FileSource {
    Bytes(Bytes),
    Path { path: Arc<Path>, len: u64 },
    Stream(OneShot),
}

/// A caller's stream that can be sent once; clones share it.
#[derive(Clone)]
struct OneShot {
    slot: Arc<Mutex<Option<SourceStream>>>,
    len: Option<u64>,
}

impl OneShot {
    fn take(&self) -> Option<SourceStream> {
        self.slot.lock().unwrap_or_else(|e| e.into_inner()).take()
    }

    fn is_available(&self) -> bool {
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

    fn check_mime_type(&self) -> Result<()> {
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
