//! Per-request overrides of a client's settings, and responses that keep their metadata.
//!
//! [`RequestOptions`] is applied with `anthropic-openapi`'s `Client::with_options` (or
//! `AdminClient::with_options`), which returns a cheap derived client sharing the connection
//! pool:
//!
//! ```no_run
//! use std::time::Duration;
//!
//! use anthropic_openapi::RequestOptions;
//! use anthropic_openapi::{Client, MessageCreateParams, MessageParam};
//!
//! # async fn run() -> anthropic_openapi::Result<()> {
//! let client = Client::from_env()?;
//! let params = MessageCreateParams::new(
//!     "claude-sonnet-4-5",
//!     vec![MessageParam::user("Hello, Claude")],
//!     1024,
//! );
//! let message = client
//!     .with_options(RequestOptions::new().timeout(Duration::from_secs(30)).max_retries(5))
//!     .messages()
//!     .create(params)
//!     .await?;
//! # let _ = message;
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderMap;

use crate::ratelimit::RateLimits;

/// Settings that override a client's for the requests of a derived client.
///
/// Built with [`RequestOptions::new`] and the builder methods, then applied with
/// `Client::with_options` in `anthropic-openapi`. Extra headers replace the client's
/// default headers of the same name; betas are added to the client's; every other setting
/// replaces the client's (see the methods of the same name on
/// [`ClientBuilder`](crate::ClientBuilder) for what each one does and its default).
///
/// Its `Debug` output shows the names of the extra headers, never their values, which may
/// be credentials.
#[derive(Clone, Default)]
pub struct RequestOptions {
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) betas: Vec<String>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) max_retries: Option<u32>,
    pub(crate) retry_after_send: Option<bool>,
    pub(crate) deadline: Option<Duration>,
    pub(crate) max_json_body: Option<usize>,
    pub(crate) max_stream_item: Option<usize>,
    pub(crate) max_error_body: Option<usize>,
}

impl fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestOptions")
            .field(
                "headers",
                &self
                    .headers
                    .iter()
                    .map(|(n, _)| format!("{n}: ***"))
                    .collect::<Vec<_>>(),
            )
            .field("betas", &self.betas)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("retry_after_send", &self.retry_after_send)
            .field("deadline", &self.deadline)
            .field("max_json_body", &self.max_json_body)
            .field("max_stream_item", &self.max_stream_item)
            .field("max_error_body", &self.max_error_body)
            .finish()
    }
}

impl RequestOptions {
    /// Options that override nothing.
    pub fn new() -> Self {
        RequestOptions::default()
    }

    /// Adds a header sent on every request of the derived client; it replaces a default header
    /// of the same name. Like default headers, it is sent only to the API's origin.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Adds a beta name sent in `anthropic-beta`, after the client's betas.
    pub fn beta(mut self, name: impl Into<String>) -> Self {
        self.betas.push(name.into());
        self
    }

    /// The time allowed for each attempt of a request, replacing the client's timeout (see
    /// [`ClientBuilder::timeout`](crate::ClientBuilder::timeout)).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How many times a failed request may be retried, replacing the client's setting
    /// (`0` disables retries).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    /// Whether a request may be retried after it was sent, replacing the client's setting
    /// (see [`ClientBuilder::retry_after_send`](crate::ClientBuilder::retry_after_send)).
    ///
    /// `false` retries only failures to connect, which happen before any byte of the request
    /// is written: a timeout, a connection reset or an error status is returned at once. Use
    /// it for requests that must not be repeated, such as creating a message or a batch, when
    /// a duplicate would cost more than a failure.
    pub fn retry_after_send(mut self, retry: bool) -> Self {
        self.retry_after_send = Some(retry);
        self
    }

    /// The total time allowed for each call, replacing the client's deadline (see
    /// [`ClientBuilder::deadline`](crate::ClientBuilder::deadline)).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// The largest JSON response body read, in bytes, replacing the client's limit (see
    /// [`ClientBuilder::max_json_body`](crate::ClientBuilder::max_json_body)).
    pub fn max_json_body(mut self, bytes: usize) -> Self {
        self.max_json_body = Some(bytes);
        self
    }

    /// The largest server-sent event or JSONL line read, in bytes, replacing the client's
    /// limit (see [`ClientBuilder::max_stream_item`](crate::ClientBuilder::max_stream_item)).
    pub fn max_stream_item(mut self, bytes: usize) -> Self {
        self.max_stream_item = Some(bytes);
        self
    }

    /// How much of an error response's body is kept, in bytes, replacing the client's limit
    /// (see [`ClientBuilder::max_error_body`](crate::ClientBuilder::max_error_body)).
    pub fn max_error_body(mut self, bytes: usize) -> Self {
        self.max_error_body = Some(bytes);
        self
    }
}

/// A decoded response body together with the response's status and headers.
///
/// Returned by `.with_response()` on a [`Call`](crate::Call).
#[derive(Debug, Clone)]
pub struct ApiResponse<T> {
    /// The decoded body.
    pub data: T,
    /// The HTTP status of the response (a 2xx).
    pub status: u16,
    /// The response headers, as received.
    pub headers: HeaderMap,
    /// The `request-id` response header, for support requests.
    pub request_id: Option<String>,
}

impl<T> ApiResponse<T> {
    /// The rate limits the response reported in its `anthropic-ratelimit-*` headers; what is
    /// absent or unreadable is `None`.
    pub fn rate_limits(&self) -> RateLimits {
        RateLimits::from_headers(&self.headers)
    }

    /// Keeps only the decoded body.
    pub fn into_data(self) -> T {
        self.data
    }

    /// Transforms the body, keeping the metadata.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> ApiResponse<U> {
        ApiResponse {
            data: f(self.data),
            status: self.status,
            headers: self.headers,
            request_id: self.request_id,
        }
    }
}
