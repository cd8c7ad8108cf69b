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
//!     vec![MessageParam::new("Hello, Claude", "user")],
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

use std::time::Duration;

use reqwest::header::HeaderMap;

/// Settings that override a client's for the requests of a derived client.
///
/// Built with [`RequestOptions::new`] and the builder methods, then applied with
/// `Client::with_options` in `anthropic-openapi`. Extra headers replace the client's
/// default headers of the same name; betas are added to the client's; the timeout and the
/// number of retries replace the client's.
#[derive(Debug, Clone, Default)]
pub struct RequestOptions {
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) betas: Vec<String>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) max_retries: Option<u32>,
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

    /// The time allowed for each attempt of a request, replacing the client's timeout.
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
