//! The error type of the crate: API errors, transport failures, decoding and stream problems.
//!
//! Nothing in here ever holds or prints a credential: API keys live only in the client's
//! header map, marked sensitive, and URLs are printed with their user info masked.
//!
//! Every error's text is bounded: values that come from the caller or the server (ids, URLs,
//! decoder messages, the API's error messages) are shortened with [`clip`] when they are long,
//! keeping their start, an ellipsis and their length.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderMap;

use crate::ratelimit::RateLimits;
use crate::retry::{retryable_response, retryable_transport, server_delay};

/// The longest value quoted in an error message before it is shortened by [`clip`].
pub(crate) const MAX_QUOTED: usize = 256;
/// The longest message (from `serde_json` or the API) kept whole in an error's text.
pub(crate) const MAX_MESSAGE: usize = 1024;

/// A result whose error defaults to this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong when calling the API.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with a non-success status (or sent an `error` event in a stream).
    Api(ApiError),
    /// The request could not be sent or the response could not be read.
    Transport(reqwest::Error),
    /// The request (or a pause in a streamed body) took longer than the configured timeout.
    Timeout,
    /// A successful response whose body did not match the expected shape.
    Decode {
        /// What the JSON decoder reported (with the line number for JSONL streams).
        message: String,
        /// Where in the document the error is, such as `content[2].input` (`.` for the
        /// document itself; empty when no document was being decoded).
        path: String,
        /// Up to about 200 characters of the body around the place of the error.
        snippet: String,
    },
    /// The client is misconfigured (missing key, invalid base URL or header); no request was sent.
    Config(String),
    /// A streamed body was malformed or ended too early: server-sent events, JSON Lines, a
    /// download that ended before the file's size, a streaming call answered with something
    /// other than a stream, or a paginated list whose cursor came round again.
    Stream(String),
    /// A local I/O error, such as reading a file to upload.
    Io(std::io::Error),
    /// A response went over one of the client's size limits. Reading stopped there (the rest
    /// of the body was not downloaded) and the request is not retried.
    ///
    /// The limits guard against a server that sends far more than any real response (a body
    /// of gigabytes, an event that never ends); their defaults are well above what the API
    /// sends, and [`setting`](Error::LimitExceeded::setting) names the setting that raises
    /// the one that was passed.
    LimitExceeded {
        /// What went over the limit: `"JSON response body"`, `"server-sent event"` or
        /// `"JSONL line"`.
        what: &'static str,
        /// The limit, in bytes.
        limit: usize,
        /// The setting of [`ClientBuilder`](crate::ClientBuilder) and
        /// [`RequestOptions`](crate::RequestOptions) that raises it, such as
        /// `"max_json_body"`.
        setting: &'static str,
    },
    /// The call did not finish within its deadline
    /// ([`ClientBuilder::deadline`](crate::ClientBuilder::deadline) or
    /// [`RequestOptions::deadline`](crate::RequestOptions::deadline)), which covers every
    /// attempt, the waits between them and the reading of the response. Not retried.
    DeadlineExceeded(Duration),
    /// The server answered with a redirect that the client does not follow: to another
    /// origin (scheme, host and port) than the request's. The client never sends the
    /// credentials or the request body to another origin; redirects within the origin are
    /// followed (up to 10).
    Redirect {
        /// The redirect's status (301, 302, 303, 307 or 308).
        status: u16,
        /// The `Location` it pointed to, with any user info masked and shortened if long.
        location: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => write!(f, "API error: {e}"),
            Error::Transport(e) => write!(f, "transport error: {e}"),
            Error::Timeout => f.write_str("request timed out"),
            Error::Decode {
                message,
                path,
                snippet,
            } => {
                f.write_str("could not decode the response")?;
                if !path.is_empty() {
                    write!(f, " at `{path}`")?;
                }
                write!(f, ": {message}")?;
                if !snippet.is_empty() {
                    write!(f, " (near: {snippet:?})")?;
                }
                Ok(())
            }
            Error::Config(m) => write!(f, "client configuration error: {m}"),
            Error::Stream(m) => write!(f, "stream error: {m}"),
            Error::Io(e) => write!(f, "I/O error: {e}"),
            Error::LimitExceeded {
                what,
                limit,
                setting,
            } => write!(
                f,
                "the {what} is larger than the limit of {} and was not read further; raise \
                 the limit with ClientBuilder::{setting} or RequestOptions::{setting}",
                describe_size(*limit)
            ),
            Error::DeadlineExceeded(d) => write!(
                f,
                "the call did not finish within its deadline of {d:?} (ClientBuilder::deadline \
                 or RequestOptions::deadline)"
            ),
            Error::Redirect { status, location } => write!(
                f,
                "the server redirected ({status}) to another origin, {location:?}; the client \
                 does not follow redirects across origins, so that the credentials and the \
                 request body are never sent elsewhere"
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Api(e) => Some(e),
            Error::Transport(e) => Some(e),
            Error::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Error::Api(e)
    }
}

impl From<reqwest::Error> for Error {
    /// Timeouts reported by `reqwest` become [`Error::Timeout`], everything else
    /// [`Error::Transport`], whose URL has its user info masked and, when long, its path and
    /// query shortened.
    fn from(mut e: reqwest::Error) -> Self {
        if e.is_timeout() {
            Error::Timeout
        } else {
            if let Some(url) = e.url_mut() {
                sanitize_url(url);
            }
            Error::Transport(e)
        }
    }
}

/// Makes a URL fit for an error message: its user info masked (`reqwest` already takes it
/// out of request URLs) and, when it is long, its path and query shortened as [`clip`] does.
pub(crate) fn sanitize_url(url: &mut reqwest::Url) {
    if !url.username().is_empty() || url.password().is_some() {
        let _ = url.set_username("***");
        let _ = url.set_password(None);
    }
    if url.as_str().len() <= 2 * MAX_QUOTED {
        return;
    }
    if url.path().len() > MAX_QUOTED {
        let clipped = format!(
            "{}...({}-bytes)",
            prefix(url.path(), MAX_QUOTED),
            url.path().len()
        );
        url.set_path(&clipped);
    }
    if let Some(query) = url.query()
        && query.len() > MAX_QUOTED
    {
        let clipped = format!("{}...({}-bytes)", prefix(query, MAX_QUOTED), query.len());
        url.set_query(Some(&clipped));
    }
}

/// The longest start of `text` of at most `max` bytes that ends on a character boundary.
fn prefix(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// `text` as it is when it has at most `max` bytes, else its start followed by an ellipsis
/// and its length in bytes, such as `aaaa… (1048576 bytes)`.
pub(crate) fn clip(text: &str, max: usize) -> Cow<'_, str> {
    if text.len() <= max {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(format!("{}… ({} bytes)", prefix(text, max), text.len()))
    }
}

/// A value from the caller quoted in a configuration error: `Debug`-quoted, and shortened by
/// [`clip`] when long.
pub(crate) fn quoted(text: &str) -> String {
    format!("{:?}", clip(text, MAX_QUOTED))
}

/// A URL as it may be printed: the user info (`user:password@`) of its authority replaced by
/// `***@`, then shortened by [`clip`]. Works on text that is not a valid URL too, so that a
/// configuration error about a malformed URL does not show its password.
pub(crate) fn redact_url(text: &str) -> String {
    let redacted = match text.find("://") {
        Some(i) => {
            let start = i + 3;
            let rest = &text[start..];
            let end = rest.find(['/', '\\', '?', '#']).unwrap_or(rest.len());
            match rest[..end].rfind('@') {
                Some(at) => format!("{}***{}", &text[..start], &rest[at..]),
                None => text.to_string(),
            }
        }
        None => text.to_string(),
    };
    clip(&redacted, 2 * MAX_QUOTED).into_owned()
}

/// A size in bytes for a message: `268435456 bytes (256 MiB)`.
pub(crate) fn describe_size(bytes: usize) -> String {
    const KIB: usize = 1024;
    const MIB: usize = 1024 * KIB;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{bytes} bytes ({} MiB)", bytes / MIB)
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{bytes} bytes ({} KiB)", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(e)
    }
}

impl Error {
    /// The API error, when this is one.
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The HTTP status of the response the error came from: that of an [`Error::Api`] (200 for
    /// an `error` event inside a stream) or of an [`Error::Redirect`]; `None` for errors
    /// without a response, such as a timeout or a connection failure.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Redirect { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The request id of an [`Error::Api`] (its `request-id` header, or the body's
    /// `request_id`), to quote in support requests.
    pub fn request_id(&self) -> Option<&str> {
        self.as_api()?.request_id.as_deref()
    }

    /// Whether the client's retry loop treats this kind of failure as worth another attempt,
    /// by the same rule: timeouts and transport failures (except a request that cannot be
    /// built and a redirect loop), and API errors as their `x-should-retry` header says, or else
    /// by status (408, 409, 429 and 5xx). Everything else (decoding, configuration, stream,
    /// size-limit, deadline and redirect errors) is not.
    ///
    /// The error returned by a call has already been through the client's retries (if any
    /// were left); this says whether trying again later makes sense. Two cases the loop also
    /// refuses are not visible here: an error body cut at the `max_error_body` limit, and a
    /// request whose one-shot upload stream cannot be sent again. An `error` event inside a
    /// stream (status 200, no headers) is not retryable.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => retryable_response(e.status, &e.headers),
            Error::Transport(e) => retryable_transport(e),
            Error::Timeout => true,
            _ => false,
        }
    }

    /// The wait the server asked for before another attempt, from the `retry-after-ms`
    /// (milliseconds) or else `retry-after` (seconds, or an HTTP date) header of an
    /// [`Error::Api`]'s response. `None` without such a header, when it cannot be read, or for
    /// a date already past. The value is returned as sent, even when it is longer than the
    /// 60 seconds up to which the client's own retries honour it.
    pub fn retry_after(&self) -> Option<Duration> {
        server_delay(&self.as_api()?.headers, chrono::Utc::now())
    }

    /// Builds a [`Error::Decode`] from a `serde_json` error, the path where it happened and
    /// the text it was decoding.
    pub(crate) fn decode(err: &serde_json::Error, path: String, body: &[u8]) -> Self {
        Error::Decode {
            message: clip(&err.to_string(), MAX_MESSAGE).into_owned(),
            path: clip(&path, MAX_QUOTED).into_owned(),
            snippet: snippet_at(body, err.line(), err.column()),
        }
    }
}

/// Decodes one JSON document, reporting where in it a failure happened.
///
/// The path of a failure is worked out from the place in the text where the decoder stopped
/// (see [`path_at`]), so decoding needs no path tracking, and each type's decoder is compiled
/// for one kind of input only.
///
/// The body's UTF-8 is checked once, as a whole, and the text is then read by `serde_json`'s
/// `&str` reader: its byte-slice reader would check every string again as it reads it, which
/// was about a third of the decoding of a text-heavy message. Every JSON input of the crate
/// goes through this reader, so each type's decoder is still compiled once.
///
/// Public only for the benchmarks (`bench/`), which measure the decoding path responses take.
#[doc(hidden)]
pub fn from_json_slice<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T> {
    let text = match simdutf8::basic::from_utf8(body) {
        Ok(text) => text,
        Err(_) => return Err(not_utf8(body)),
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let value = T::deserialize(&mut de).map_err(|e| {
        let path = path_at(body, offset_of(body, e.line(), e.column()));
        Error::decode(&e, path, body)
    })?;
    de.end()
        .map_err(|e| Error::decode(&e, String::from("."), body))?;
    Ok(value)
}

/// The decode error of a body that is not UTF-8: where the first bad byte is, and the path
/// there.
fn not_utf8(body: &[u8]) -> Error {
    let at = match std::str::from_utf8(body) {
        Err(e) => e.valid_up_to(),
        Ok(_) => body.len(),
    };
    let line = 1 + body[..at].iter().filter(|&&b| b == b'\n').count();
    let column = at
        - body[..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
    Error::Decode {
        message: format!(
            "invalid unicode code point (the text is not UTF-8) at line {line} column {}",
            column + 1
        ),
        path: clip(&path_at(body, at), MAX_QUOTED).into_owned(),
        snippet: snippet_at(body, line, column + 1),
    }
}

/// The byte offset of a 1-based `line` and a `column` as `serde_json` reports them (the
/// number of bytes of the line read when the error was raised).
fn offset_of(body: &[u8], line: usize, column: usize) -> usize {
    let mut start = 0;
    if line > 1 {
        let mut newlines = body.iter().enumerate().filter(|&(_, &b)| b == b'\n');
        if let Some((i, _)) = newlines.nth(line - 2) {
            start = i + 1;
        }
    }
    (start + column).min(body.len())
}

/// Where in a JSON document the byte offset `end` lies, as a path such as
/// `content[2].input` (`.` for the document itself).
///
/// The text before `end` is scanned for its containers: for each open object the last key
/// read, for each open array the index of the current element. An error that `serde_json`
/// raises after a value (a wrong type, an unknown variant) is placed just past that value,
/// so the path names it; one raised when an object ends (a missing property) is placed past
/// the closing brace, so the path names the object.
pub(crate) fn path_at(body: &[u8], end: usize) -> String {
    enum Frame {
        /// An object, with its last key read (raw, without the quotes).
        Object(Option<(usize, usize)>),
        /// An array, with the index of the current element (`None` before the first).
        Array(Option<usize>),
    }
    let text = &body[..end.min(body.len())];
    let mut stack: Vec<Frame> = Vec::new();
    // Whether the next string in the current object is a key.
    let mut expect_key = false;
    let mut i = 0;
    while i < text.len() {
        let b = text[i];
        // A value starts here: the element of an array, if in one.
        let separator = matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b',' | b':' | b'}' | b']');
        let starts_value = !(separator || expect_key && b == b'"');
        if starts_value && let Some(Frame::Array(index @ None)) = stack.last_mut() {
            *index = Some(0);
        }
        match b {
            b'{' => {
                stack.push(Frame::Object(None));
                expect_key = true;
            }
            b'[' => {
                stack.push(Frame::Array(None));
                expect_key = false;
            }
            b'}' | b']' => {
                stack.pop();
                expect_key = false;
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array(Some(index))) => *index += 1,
                Some(Frame::Object(_)) => expect_key = true,
                _ => {}
            },
            b':' => expect_key = false,
            b'"' => {
                let start = i + 1;
                i = start;
                while i < text.len() && text[i] != b'"' {
                    i += if text[i] == b'\\' { 2 } else { 1 };
                }
                if expect_key && let Some(Frame::Object(key)) = stack.last_mut() {
                    *key = Some((start, i.min(text.len())));
                }
            }
            _ => {}
        }
        i += 1;
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object(Some((start, end))) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&key_text(&text[*start..*end]));
            }
            Frame::Array(Some(index)) => {
                path.push('[');
                path.push_str(&index.to_string());
                path.push(']');
            }
            Frame::Object(None) | Frame::Array(None) => {}
        }
    }
    if path.is_empty() {
        path.push('.');
    }
    path
}

/// The text of a raw JSON key, its escapes decoded (as written, if they are invalid).
fn key_text(raw: &[u8]) -> String {
    if raw.contains(&b'\\') {
        let mut quoted = Vec::with_capacity(raw.len() + 2);
        quoted.push(b'"');
        quoted.extend_from_slice(raw);
        quoted.push(b'"');
        if let Ok(key) = serde_json::from_slice::<String>(&quoted) {
            return key;
        }
    }
    String::from_utf8_lossy(raw).into_owned()
}

/// Up to about 200 characters of `body` centred on the 1-based `line` / `column` of an error.
pub(crate) fn snippet_at(body: &[u8], line: usize, column: usize) -> String {
    const HALF: usize = 100;
    let text = String::from_utf8_lossy(body);
    // The last byte read when the error was raised.
    let offset = offset_of(body, line, column)
        .saturating_sub(1)
        .min(text.len());
    let mut start = offset.saturating_sub(HALF);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (offset + HALF).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    text[start..end].to_string()
}

/// An error reported by the API: a non-success HTTP status, or an `error` event in a stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status (200 for an `error` event inside a successful event stream).
    pub status: u16,
    /// The `error.type` of the body, or one derived from the status when the body is not JSON.
    pub error_type: ErrorType,
    /// The `error.message` of the body, or a short description when the body is not JSON.
    pub message: String,
    /// The `request-id` response header (or the body's `request_id`), for support requests.
    pub request_id: Option<String>,
    /// The raw response body (or event data), as received, up to the client's
    /// `max_error_body` limit (64 KiB by default, see
    /// [`ClientBuilder::max_error_body`](crate::ClientBuilder::max_error_body)): of a longer
    /// body only the start is kept, and [`message`](ApiError::message) says so.
    pub body: String,
    /// The response headers, as received; empty for an `error` event inside a stream (the
    /// stream's own response was a success) and for errors built with
    /// [`ApiError::from_response`] (see [`ApiError::with_headers`]). Boxed so that every
    /// `Result` of the crate stays small.
    pub headers: Box<HeaderMap>,
}

/// The API's error envelope: `{"type":"error","error":{"type":…,"message":…},"request_id":…}`.
#[derive(serde::Deserialize)]
struct Envelope {
    #[serde(default, rename = "type")]
    kind: Option<String>,
    error: EnvelopeError,
    #[serde(default)]
    request_id: Option<String>,
}

#[derive(serde::Deserialize)]
struct EnvelopeError {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    message: Option<String>,
}

impl ApiError {
    /// Builds an error from a status, the `request-id` header and the raw body, with no
    /// headers (add them with [`ApiError::with_headers`]).
    ///
    /// A body of the form `{"type":"error","error":{"type":…,"message":…},"request_id":…}` gives
    /// the error type, message and (when the header is absent) the request id; any other body is
    /// kept raw, the type is derived from the status and the message describes the response.
    pub fn from_response(status: u16, request_id: Option<String>, body: &[u8]) -> Self {
        ApiError::from_body(status, request_id, body, None)
    }

    /// The same error with `headers` as its response headers.
    pub fn with_headers(mut self, headers: HeaderMap) -> Self {
        *self.headers = headers;
        self
    }

    /// The rate limits the error response reported in its `anthropic-ratelimit-*` headers
    /// (a 429 tells which limit was reached and when it resets); what is absent or unreadable
    /// is `None`, and all of it for an `error` event inside a stream.
    pub fn rate_limits(&self) -> RateLimits {
        RateLimits::from_headers(&self.headers)
    }

    /// [`ApiError::from_response`] for a body of which only the start may have been kept:
    /// `truncated_at` is the limit it was cut at, if it was.
    pub(crate) fn from_body(
        status: u16,
        request_id: Option<String>,
        body: &[u8],
        truncated_at: Option<usize>,
    ) -> Self {
        let body_text = String::from_utf8_lossy(body).into_owned();
        if truncated_at.is_none()
            && let Ok(env) = serde_json::from_slice::<Envelope>(body)
        {
            return ApiError::from_envelope(status, request_id, env, body_text);
        }
        let reason = reqwest::StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("unknown status");
        let message = match truncated_at {
            Some(limit) => format!(
                "HTTP {status} {reason} with a body longer than {}; only its start is kept \
                 (raise ClientBuilder::max_error_body or RequestOptions::max_error_body to keep \
                 more)",
                describe_size(limit)
            ),
            None if body_text.trim().is_empty() => {
                format!("HTTP {status} {reason} with an empty body")
            }
            None => format!("HTTP {status} {reason} with a non-JSON body"),
        };
        ApiError {
            status,
            error_type: ErrorType::from_status(status),
            message,
            request_id,
            body: body_text,
            headers: Box::default(),
        }
    }

    /// The error a body carries when it is the API's error envelope with `"type": "error"`
    /// (as some gateways send with a success status); `None` for any other body.
    pub(crate) fn from_error_body(
        status: u16,
        request_id: Option<String>,
        body: &[u8],
    ) -> Option<Self> {
        let env = serde_json::from_slice::<Envelope>(body).ok()?;
        if env.kind.as_deref() != Some("error") {
            return None;
        }
        let body_text = String::from_utf8_lossy(body).into_owned();
        Some(ApiError::from_envelope(status, request_id, env, body_text))
    }

    fn from_envelope(status: u16, request_id: Option<String>, env: Envelope, body: String) -> Self {
        ApiError {
            status,
            error_type: ErrorType::from(env.error.kind.as_str()),
            message: env.error.message.unwrap_or_default(),
            request_id: request_id.or(env.request_id),
            body,
            headers: Box::default(),
        }
    }
}

impl fmt::Display for ApiError {
    /// The status, type and message; a long message or request id is shortened to its start,
    /// an ellipsis and its length (the fields keep them whole).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status,
            clip(self.error_type.as_str(), MAX_QUOTED),
            clip(&self.message, MAX_MESSAGE)
        )?;
        if let Some(id) = &self.request_id {
            write!(f, " (request-id: {})", clip(id, MAX_QUOTED))?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// The `error.type` of an API error. Open: unknown values are kept in [`ErrorType::Other`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorType {
    /// `invalid_request_error` (400).
    InvalidRequestError,
    /// `authentication_error` (401).
    AuthenticationError,
    /// `billing_error` (402).
    BillingError,
    /// `permission_error` (403).
    PermissionError,
    /// `not_found_error` (404).
    NotFoundError,
    /// `request_too_large` (413).
    RequestTooLarge,
    /// `rate_limit_error` (429).
    RateLimitError,
    /// `api_error` (500): an unexpected error inside the API. Named after what it means, so
    /// that `ApiError` names only the error struct.
    InternalServerError,
    /// `overloaded_error` (529).
    OverloadedError,
    /// `timeout_error` (504).
    TimeoutError,
    /// Any other value, as sent.
    Other(String),
}

impl ErrorType {
    /// The wire name, such as `"not_found_error"`.
    pub fn as_str(&self) -> &str {
        match self {
            ErrorType::InvalidRequestError => "invalid_request_error",
            ErrorType::AuthenticationError => "authentication_error",
            ErrorType::BillingError => "billing_error",
            ErrorType::PermissionError => "permission_error",
            ErrorType::NotFoundError => "not_found_error",
            ErrorType::RequestTooLarge => "request_too_large",
            ErrorType::RateLimitError => "rate_limit_error",
            ErrorType::InternalServerError => "api_error",
            ErrorType::OverloadedError => "overloaded_error",
            ErrorType::TimeoutError => "timeout_error",
            ErrorType::Other(s) => s,
        }
    }

    /// The type the API documents for an HTTP status, used when the body says nothing.
    pub fn from_status(status: u16) -> Self {
        match status {
            400 => ErrorType::InvalidRequestError,
            401 => ErrorType::AuthenticationError,
            402 => ErrorType::BillingError,
            403 => ErrorType::PermissionError,
            404 => ErrorType::NotFoundError,
            413 => ErrorType::RequestTooLarge,
            429 => ErrorType::RateLimitError,
            504 => ErrorType::TimeoutError,
            529 => ErrorType::OverloadedError,
            500..=599 => ErrorType::InternalServerError,
            _ => ErrorType::Other(format!("http_{status}")),
        }
    }
}

impl From<&str> for ErrorType {
    fn from(s: &str) -> Self {
        match s {
            "invalid_request_error" => ErrorType::InvalidRequestError,
            "authentication_error" => ErrorType::AuthenticationError,
            "billing_error" => ErrorType::BillingError,
            "permission_error" => ErrorType::PermissionError,
            "not_found_error" => ErrorType::NotFoundError,
            "request_too_large" => ErrorType::RequestTooLarge,
            "rate_limit_error" => ErrorType::RateLimitError,
            "api_error" => ErrorType::InternalServerError,
            "overloaded_error" => ErrorType::OverloadedError,
            "timeout_error" => ErrorType::TimeoutError,
            other => ErrorType::Other(other.to_string()),
        }
    }
}

impl fmt::Display for ErrorType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::{ApiError, Error, from_json_slice, path_at};
    use reqwest::header::{HeaderMap, HeaderValue};
    use std::time::Duration;

    fn api_error(status: u16, pairs: &[(&'static str, &'static str)]) -> Error {
        let mut headers = HeaderMap::new();
        for (n, v) in pairs {
            headers.insert(*n, HeaderValue::from_static(v));
        }
        let body = br#"{"type":"error","error":{"type":"x","message":"m"},"request_id":"req_1"}"#;
        Error::Api(ApiError::from_response(status, None, body).with_headers(headers))
    }

    #[test]
    fn accessors_of_api_errors() {
        let e = api_error(429, &[("retry-after", "7")]);
        assert_eq!(e.status(), Some(429));
        assert_eq!(e.request_id(), Some("req_1"));
        assert!(e.is_retryable());
        assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));

        let e = api_error(503, &[("x-should-retry", "false")]);
        assert!(!e.is_retryable());
        assert_eq!(e.retry_after(), None);
        let e = api_error(
            400,
            &[("x-should-retry", "true"), ("retry-after-ms", "250")],
        );
        assert!(e.is_retryable());
        assert_eq!(e.retry_after(), Some(Duration::from_millis(250)));
        assert!(!api_error(404, &[]).is_retryable());
        // An `error` event inside a stream: status 200, no headers.
        assert!(!api_error(200, &[]).is_retryable());
    }

    #[test]
    fn accessors_of_other_errors() {
        assert!(Error::Timeout.is_retryable());
        assert_eq!(Error::Timeout.status(), None);
        assert_eq!(Error::Timeout.request_id(), None);
        assert_eq!(Error::Timeout.retry_after(), None);
        let redirect = Error::Redirect {
            status: 302,
            location: "https://elsewhere.example/".into(),
        };
        assert_eq!(redirect.status(), Some(302));
        assert!(!redirect.is_retryable());
        assert!(!Error::Config("no key".into()).is_retryable());
        assert!(!Error::DeadlineExceeded(Duration::from_secs(1)).is_retryable());
    }

    fn path_of<T: serde::de::DeserializeOwned + std::fmt::Debug>(body: &str) -> String {
        match from_json_slice::<T>(body.as_bytes()) {
            Err(Error::Decode { path, .. }) => path,
            other => panic!("{body}: {other:?}"),
        }
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Outer {
        a: Inner,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        b: Vec<String>,
        c: i64,
    }

    /// The path of a failure names the value that failed, or the object that lacks a property.
    #[test]
    fn a_body_that_is_not_utf8_is_a_decode_error_at_the_bad_byte() {
        let body = b"{\"a\": {\"b\": [\"ok\", \"bad \xff\"], \"c\": 1}}";
        match from_json_slice::<serde_json::Value>(body) {
            Err(Error::Decode {
                message,
                path,
                snippet,
            }) => {
                assert_eq!(
                    message,
                    "invalid unicode code point (the text is not UTF-8) at line 1 column 25"
                );
                assert_eq!(path, "a.b[1]");
                assert!(snippet.contains("bad"), "{snippet}");
            }
            other => panic!("{other:?}"),
        }
        // Valid multi-byte text decodes as before.
        let ok: serde_json::Value = from_json_slice("{\"t\": \"é ✓\"}".as_bytes()).unwrap();
        assert_eq!(ok["t"], "é ✓");
    }

    #[test]
    fn decode_errors_name_the_place() {
        // A value of the wrong type, in arrays and objects, on one line or several.
        assert_eq!(
            path_of::<Outer>("{\n  \"a\": {\n    \"b\": [\"x\", 7],\n    \"c\": 1\n  }\n}"),
            "a.b[1]"
        );
        assert_eq!(path_of::<Outer>(r#"{"a": {"b": [], "c": "one"}}"#), "a.c");
        // A missing property: the object.
        assert_eq!(path_of::<Outer>(r#"{"a": {"b": []}}"#), "a");
        // Text that is not JSON.
        assert_eq!(path_of::<Outer>(r#"{"a": {"b": [tru"#), "a.b[0]");
        assert_eq!(path_of::<Outer>("{\"a\": {\"b\": [\"\\u12"), "a.b[0]");
    }

    #[test]
    fn path_at_reads_keys_and_indexes() {
        let body = br#"{"a\"b": [true, {"c": "x,]}"}], "d": 1}"#;
        let after = |s: &str| {
            let text = std::str::from_utf8(body).unwrap();
            text.find(s).unwrap() + s.len()
        };
        assert_eq!(path_at(body, 0), ".");
        assert_eq!(path_at(body, after("true")), "a\"b[0]");
        assert_eq!(path_at(body, after(r#""x,]}""#)), "a\"b[1].c");
        assert_eq!(path_at(body, after("}]")), "a\"b");
        assert_eq!(path_at(body, after("1")), "d");
        assert_eq!(path_at(body, body.len()), ".");
        assert_eq!(path_at(body, body.len() + 10), ".");
    }
}
