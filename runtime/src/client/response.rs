//! Sorting responses: a success goes to the caller, an error status becomes a [`Failure`]
//! that says whether the attempt may be retried.

use bytes::{Bytes, BytesMut};
use reqwest::header::{HeaderMap, HeaderName};

use crate::error::{ApiError, Error, MAX_QUOTED, clip, redact_url};
use crate::retry::{retryable_response, retryable_transport};

/// The most memory reserved ahead for a body, from its announced length: a larger body
/// grows the buffer as it arrives, so a false `content-length` cannot reserve the whole limit.
const MAX_RESERVE: usize = 16 * 1024 * 1024;

const REQUEST_ID: HeaderName = HeaderName::from_static("request-id");
const AMZN_REQUEST_ID: HeaderName = HeaderName::from_static("x-amzn-requestid");

/// A failed attempt: its error, whether it may be retried, and the response headers (which
/// may ask for a delay) when a response arrived.
pub(super) struct Failure {
    pub(super) error: Error,
    pub(super) retry: bool,
    /// The failure happened before any byte of the request was written (a failure to
    /// connect), so the server cannot have acted on the request.
    pub(super) before_send: bool,
    /// The headers of a response whose body could not be read; an API error keeps its own.
    pub(super) headers: Option<HeaderMap>,
}

impl Failure {
    /// The headers of the response that failed, if one arrived: they may ask for a delay
    /// before the next attempt.
    pub(super) fn response_headers(&self) -> Option<&HeaderMap> {
        self.headers
            .as_ref()
            .or_else(|| self.error.as_api().map(|api| &*api.headers))
    }

    /// A failure to send the request or to read the response: retried, except for errors
    /// that another attempt would repeat (an unbuildable request, a redirect loop).
    pub(super) fn transport(e: reqwest::Error) -> Self {
        let retry = retryable_transport(&e);
        let before_send = e.is_connect();
        Failure {
            error: Error::from(e),
            retry,
            before_send,
            headers: None,
        }
    }

    /// A failure that another attempt would repeat, such as an upload whose file changed.
    pub(super) fn fatal(error: Error) -> Self {
        Failure {
            error,
            retry: false,
            before_send: false,
            headers: None,
        }
    }

    /// A short description for logs, without the URL (whose query could hold secrets).
    pub(super) fn reason(&self) -> String {
        match &self.error {
            Error::Api(api) => format!("HTTP {}", api.status),
            Error::Timeout => "timed out".to_string(),
            Error::Transport(e) => {
                let mut text = String::from("connection error");
                let mut source = std::error::Error::source(e);
                while let Some(s) = source {
                    text.push_str(": ");
                    text.push_str(&s.to_string());
                    source = s.source();
                }
                text
            }
            other => other.to_string(),
        }
    }
}

/// A body read up to a limit.
pub(super) enum Limited {
    /// The whole body, within the limit.
    Whole(Bytes),
    /// A body longer than the limit: its first `limit` bytes when they were asked for (else
    /// nothing). The rest was not read.
    Over(Bytes),
}

/// Reads `resp`'s body up to `limit` bytes and stops as soon as it is longer (dropping the
/// response then closes the connection, so the rest is not downloaded). With `keep_prefix`,
/// the first `limit` bytes of a longer body are returned; without it, a body whose announced
/// length is over the limit is not read at all.
pub(super) async fn read_limited(
    resp: &mut reqwest::Response,
    limit: usize,
    keep_prefix: bool,
) -> reqwest::Result<Limited> {
    let announced = resp.content_length();
    if !keep_prefix && announced.is_some_and(|n| n > limit as u64) {
        return Ok(Limited::Over(Bytes::new()));
    }
    // The first chunk is kept as it is: a body in one chunk is not copied.
    let mut first: Option<Bytes> = None;
    let mut buf = BytesMut::new();
    let mut total = 0usize;
    while let Some(chunk) = resp.chunk().await? {
        let room = limit - total;
        let over = chunk.len() > room;
        let chunk = if over {
            if !keep_prefix {
                return Ok(Limited::Over(Bytes::new()));
            }
            chunk.slice(..room)
        } else {
            chunk
        };
        total += chunk.len();
        match first.take() {
            None if buf.is_empty() && !over => first = Some(chunk),
            held => {
                if buf.is_empty() {
                    let expected = announced.map_or(0, |n| n.min(limit as u64) as usize);
                    buf.reserve(expected.clamp(total, MAX_RESERVE.max(total)));
                }
                if let Some(held) = held {
                    buf.extend_from_slice(&held);
                }
                buf.extend_from_slice(&chunk);
            }
        }
        if over {
            return Ok(Limited::Over(buf.freeze()));
        }
    }
    Ok(Limited::Whole(first.unwrap_or_else(|| buf.freeze())))
}

/// Reads a successful JSON response, up to `limit` bytes: its status, headers and body.
pub(super) async fn read_json_response(
    mut resp: reqwest::Response,
    limit: usize,
) -> std::result::Result<(u16, HeaderMap, Bytes), Failure> {
    let status = resp.status().as_u16();
    // Moved out rather than cloned: reading the body does not need them.
    let headers = std::mem::take(resp.headers_mut());
    match read_limited(&mut resp, limit, false).await {
        Ok(Limited::Whole(body)) => Ok((status, headers, body)),
        Ok(Limited::Over(_)) => Err(Failure::fatal(Error::LimitExceeded {
            what: "JSON response body",
            limit,
            setting: "max_json_body",
        })),
        // A failure while reading the body is a connection error: retried.
        Err(e) => Err(Failure::transport(e)),
    }
}

/// What a streaming method expects its response to be.
#[derive(Debug, Clone, Copy)]
pub(super) enum StreamKind {
    /// `text/event-stream`.
    Events,
    /// JSON Lines, under any of the names servers give it.
    Lines,
    /// `text/event-stream`, or a cloud platform's own framing of events (such as
    /// `application/vnd.amazon.eventstream`), which the platform decodes.
    EventsOr(&'static str),
}

impl StreamKind {
    /// Whether a response of this content type (without parameters, lower case) can be read
    /// as this kind of stream. A response without a content type is read.
    ///
    /// Events must be `text/event-stream`. JSON Lines go by many names
    /// (`application/x-jsonl`, `application/jsonl`, `application/x-ndjson`, and storage
    /// services often send `application/octet-stream` or `application/binary`), so only the
    /// types that say the body is something else are refused: HTML, XML and JSON (a JSON
    /// document, such as an error, rather than lines of JSON).
    fn accepts(self, essence: &str) -> bool {
        match self {
            StreamKind::Events => essence == "text/event-stream",
            StreamKind::EventsOr(framing) => essence == "text/event-stream" || essence == framing,
            StreamKind::Lines => {
                !(matches!(
                    essence,
                    "text/html"
                        | "application/xhtml+xml"
                        | "text/xml"
                        | "application/xml"
                        | "application/json"
                        | "text/json"
                ) || essence.ends_with("+json")
                    || essence.ends_with("+xml"))
            }
        }
    }

    fn expected(self) -> &'static str {
        match self {
            StreamKind::Events | StreamKind::EventsOr(_) => "an event stream (text/event-stream)",
            StreamKind::Lines => "JSON Lines (application/x-jsonl)",
        }
    }
}

/// Checks the content type of a successful streaming response. A response that is not the
/// expected kind of stream (a JSON error from a gateway, an HTML page) is not read as one:
/// up to `limit` bytes of it are read, and it becomes the [`Error::Api`] it carries when it is
/// the API's error JSON, else an [`Error::Stream`] that names its content type and quotes
/// its start. Neither is retried.
pub(super) async fn check_stream_response(
    mut resp: reqwest::Response,
    kind: StreamKind,
    limit: usize,
) -> std::result::Result<reqwest::Response, Failure> {
    let content_type = match resp.headers().get(reqwest::header::CONTENT_TYPE) {
        None => return Ok(resp),
        Some(v) => String::from_utf8_lossy(v.as_bytes()).into_owned(),
    };
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if kind.accepts(&essence) {
        return Ok(resp);
    }
    let status = resp.status().as_u16();
    let request_id = header_request_id(resp.headers());
    let headers = resp.headers().clone();
    let (body, whole) = match read_limited(&mut resp, limit, true).await {
        Ok(Limited::Whole(body)) => (body, true),
        Ok(Limited::Over(body)) => (body, false),
        Err(e) => return Err(Failure::transport(e)),
    };
    if whole && let Some(api) = ApiError::from_error_body(status, request_id.clone(), &body) {
        return Err(Failure::fatal(Error::Api(api.with_headers(headers))));
    }
    let text = String::from_utf8_lossy(&body);
    let start = clip(text.trim(), 200);
    let mut message = format!(
        "expected {} but the response (HTTP {status}) has content type {}",
        kind.expected(),
        crate::error::quoted(&content_type)
    );
    if start.is_empty() {
        message.push_str(" and an empty body");
    } else {
        message.push_str(&format!("; its body starts with {start:?}"));
    }
    if let Some(id) = request_id {
        message.push_str(&format!(" (request-id: {})", clip(&id, MAX_QUOTED)));
    }
    Err(Failure::fatal(Error::Stream(message)))
}

/// A response with an error status, before its body is read.
pub(super) struct ErrorResponse {
    pub(super) resp: reqwest::Response,
    pub(super) status: u16,
    pub(super) request_id: Option<String>,
    /// Whether the attempt may be retried, by `x-should-retry` or else by the status.
    pub(super) retry: bool,
    /// A copy of the response headers, which may ask for a delay before a retry.
    pub(super) headers: HeaderMap,
}

/// Reads the body of an error response, keeping at most `limit` bytes, into the attempt's
/// [`Failure`]. A body longer than that is cut (the rest is not downloaded), and the attempt
/// is not retried: another one could bring the same flood.
pub(super) async fn read_error_response(failed: ErrorResponse, limit: usize) -> Failure {
    let ErrorResponse {
        mut resp,
        status,
        request_id,
        retry,
        headers,
    } = failed;
    // The headers go into the API error, where the retry delay is read from too; only a
    // failure to read the body keeps them beside its error.
    let (error, retry, headers) = match read_limited(&mut resp, limit, true).await {
        Ok(Limited::Whole(body)) => (
            Error::Api(ApiError::from_body(status, request_id, &body, None).with_headers(headers)),
            retry,
            None,
        ),
        Ok(Limited::Over(body)) => (
            Error::Api(
                ApiError::from_body(status, request_id, &body, Some(limit)).with_headers(headers),
            ),
            false,
            None,
        ),
        Err(e) => (Error::from(e), retry, Some(headers)),
    };
    Failure {
        error,
        retry,
        before_send: false,
        headers,
    }
}

/// A response, once its status has been looked at.
pub(super) enum Inspected {
    /// A success status: the response, for `on_success`.
    Success(reqwest::Response),
    /// An error status, before the body is read.
    Error(ErrorResponse),
    /// A redirect that was not followed (to another origin).
    Redirect(Failure),
}

/// Records the status and the `request-id` of a response in the attempt's span and logs
/// them; returns a success response as it is, and the details of an error response.
pub(super) fn inspect_response(resp: reqwest::Response, span: &tracing::Span) -> Inspected {
    let status = resp.status().as_u16();
    // Borrowed for the logs; copied only for an error.
    let id = request_id(resp.headers());
    span.record("status", status);
    if let Some(id) = id {
        span.record("request_id", id);
    }
    tracing::debug!(parent: span, status, request_id = id, "response received");
    if resp.status().is_success() {
        return Inspected::Success(resp);
    }
    // The redirect policy follows redirects within the origin and returns the others.
    if resp.status().is_redirection()
        && let Some(location) = resp.headers().get(reqwest::header::LOCATION)
    {
        let location = redact_url(&String::from_utf8_lossy(location.as_bytes()));
        return Inspected::Redirect(Failure::fatal(Error::Redirect { status, location }));
    }
    let request_id = id.map(str::to_string);
    let retry = retryable_response(status, resp.headers());
    let headers = resp.headers().clone();
    Inspected::Error(ErrorResponse {
        resp,
        status,
        request_id,
        retry,
        headers,
    })
}

/// The request id of a response, when it is text: the API's `request-id` header, else the
/// header a cloud platform puts its own id in (`x-amzn-requestid` on Amazon Bedrock).
pub(super) fn request_id(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(&REQUEST_ID)
        .or_else(|| headers.get(&AMZN_REQUEST_ID))
        .and_then(|v| v.to_str().ok())
}

/// Whether the response's content type, without parameters, is `essence`.
pub(super) fn content_type_is(headers: &HeaderMap, essence: &str) -> bool {
    headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case(essence))
}

pub(super) fn header_request_id(headers: &HeaderMap) -> Option<String> {
    request_id(headers).map(str::to_string)
}
