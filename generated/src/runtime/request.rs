//! Describing a request: method, path, query, headers, body and betas.
//!
//! Generated endpoint methods build a [`Request`] and hand it to
//! [`ClientCore`](super::ClientCore). The body is serialized once into [`Bytes`] (or kept as a
//! [`Multipart`] description) so that the same request can be sent again by a retry.

use std::fmt;
use std::path::Path;
use std::pin::Pin;

use bytes::Bytes;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

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
    if !s.is_empty() && s.bytes().all(|b| b == b'.') {
        return "%2E".repeat(s.len());
    }
    utf8_percent_encode(s, UNRESERVED_ONLY).to_string()
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
    /// parameters are already encoded with [`encode_path_segment`].
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
    /// request sends identical bytes.
    pub(crate) fn encode(&self) -> Result<EncodedMultipart> {
        let boundary = format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..));
        let mut chunks = Vec::new();
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
                    chunks.push(Bytes::from(std::mem::take(&mut head)));
                    match &f.source {
                        FileSource::Bytes(b) => chunks.push(b.clone()),
                    }
                    head.push_str("\r\n");
                }
            }
        }
        head.push_str(&format!("--{boundary}--\r\n"));
        chunks.push(Bytes::from(head));
        Ok(EncodedMultipart {
            content_type: format!("multipart/form-data; boundary={boundary}"),
            len: chunks.iter().map(|c| c.len() as u64).sum(),
            chunks,
        })
    }
}

/// A multipart body ready to be sent, possibly several times.
#[derive(Debug, Clone)]
pub(crate) struct EncodedMultipart {
    /// The `Content-Type` header, with the boundary.
    pub(crate) content_type: String,
    /// The body, in pieces (file contents are shared, not copied).
    pub(crate) chunks: Vec<Bytes>,
    /// The total length of `chunks`.
    pub(crate) len: u64,
}

impl EncodedMultipart {
    /// A fresh `reqwest` body for one attempt.
    pub(crate) fn to_body(&self) -> reqwest::Body {
        if let [only] = self.chunks.as_slice() {
            return reqwest::Body::from(only.clone());
        }
        let chunks = self.chunks.clone();
        reqwest::Body::wrap_stream(futures::stream::iter(
            chunks.into_iter().map(Ok::<Bytes, std::io::Error>),
        ))
    }
}

/// Escapes a field name or file name for a `Content-Disposition` header as browsers do:
/// `"`, CR and LF become `%22`, `%0D` and `%0A`.
fn escape_form_name(name: &str) -> String {
    name.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A file to upload: a name, a MIME type and its contents.
#[derive(Clone)]
pub struct UploadFile {
    filename: String,
    mime_type: String,
    source: FileSource,
}

/// Where the contents come from. A streamed source can be added here without changing the
/// public API of [`UploadFile`].
#[derive(Clone)]
enum FileSource {
    Bytes(Bytes),
}

impl UploadFile {
    /// A file held in memory. The MIME type is guessed from the file name's extension.
    pub fn from_bytes(filename: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        let filename = filename.into();
        UploadFile {
            mime_type: guess_mime(&filename).to_string(),
            filename,
            source: FileSource::Bytes(bytes.into()),
        }
    }

    /// A file read from disk; its name is the last component of `path`, and the MIME type is
    /// guessed from its extension.
    pub async fn from_path(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let filename = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| Error::Config(format!("{} does not name a file", path.display())))?;
        let bytes = tokio::fs::read(path).await?;
        Ok(UploadFile::from_bytes(filename, bytes))
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
        let len = match &self.source {
            FileSource::Bytes(b) => b.len(),
        };
        f.debug_struct("UploadFile")
            .field("filename", &self.filename)
            .field("mime_type", &self.mime_type)
            .field("len", &len)
            .finish()
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
