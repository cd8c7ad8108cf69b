//! Sorting responses: a success goes to the caller, an error status becomes a [`Failure`]
//! that says whether the attempt may be retried.

use bytes::Bytes;
use futures::{FutureExt, TryFutureExt};
use reqwest::header::{HeaderMap, HeaderName};

use crate::error::{ApiError, Error};
use crate::retry::{retryable_status, should_retry_header};

const REQUEST_ID: HeaderName = HeaderName::from_static("request-id");

/// A failed attempt: its error, whether it may be retried, and the response headers (which
/// may ask for a delay) when a response arrived.
pub(super) struct Failure {
    pub(super) error: Error,
    pub(super) retry: bool,
    pub(super) headers: Option<HeaderMap>,
}

impl Failure {
    /// A failure to send the request or to read the response: retried, except for errors
    /// that another attempt would repeat (an unbuildable request, a redirect loop).
    pub(super) fn transport(e: reqwest::Error) -> Self {
        let retry = !(e.is_builder() || e.is_redirect());
        Failure {
            error: Error::from(e),
            retry,
            headers: None,
        }
    }

    /// A failure that another attempt would repeat, such as an upload whose file changed.
    pub(super) fn fatal(error: Error) -> Self {
        Failure {
            error,
            retry: false,
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

/// Reads a successful JSON response: its status, headers and body.
pub(super) fn read_json_response(
    mut resp: reqwest::Response,
) -> impl Future<Output = std::result::Result<(u16, HeaderMap, Bytes), Failure>> {
    let status = resp.status().as_u16();
    // Moved out rather than cloned: reading the body does not need them.
    let headers = std::mem::take(resp.headers_mut());
    resp.bytes()
        // A failure while reading the body is a connection error: retried.
        .map_err(Failure::transport)
        .map_ok(move |body| (status, headers, body))
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

/// Reads the body of an error response into the attempt's [`Failure`].
pub(super) fn read_error_response(failed: ErrorResponse) -> impl Future<Output = Failure> {
    let ErrorResponse {
        resp,
        status,
        request_id,
        retry,
        headers,
    } = failed;
    resp.bytes().map(move |body| {
        let error = match body {
            Ok(body) => Error::Api(ApiError::from_response(status, request_id, &body)),
            Err(e) => Error::from(e),
        };
        Failure {
            error,
            retry,
            headers: Some(headers),
        }
    })
}

/// A response, once its status has been looked at.
pub(super) enum Inspected {
    /// A success status: the response, for `on_success`.
    Success(reqwest::Response),
    /// An error status, before the body is read.
    Error(ErrorResponse),
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
    let request_id = id.map(str::to_string);
    let retry = should_retry_header(resp.headers()).unwrap_or_else(|| retryable_status(status));
    let headers = resp.headers().clone();
    Inspected::Error(ErrorResponse {
        resp,
        status,
        request_id,
        retry,
        headers,
    })
}

/// The `request-id` response header, when it is text.
pub(super) fn request_id(headers: &HeaderMap) -> Option<&str> {
    headers.get(&REQUEST_ID).and_then(|v| v.to_str().ok())
}

pub(super) fn header_request_id(headers: &HeaderMap) -> Option<String> {
    request_id(headers).map(str::to_string)
}
