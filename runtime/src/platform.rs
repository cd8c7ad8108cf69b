//! [`Platform`]: the hook through which a cloud platform (Amazon Bedrock, Google Vertex AI,
//! Microsoft Foundry) reuses the send path of the first-party client.
//!
//! A platform changes three things and nothing else:
//!
//! - **the request**, once per call, before the first attempt ([`Platform::rewrite`]): its
//!   path and JSON body (Bedrock moves `model` into the path and adds `anthropic_version`);
//! - **the credentials**, on every attempt ([`Platform::authorize`]): a SigV4 signature, a
//!   refreshed OAuth token or an API key, added to the headers of exactly what is sent;
//! - **a streamed body** ([`Platform::decode_stream`]): a body in the platform's own framing
//!   (AWS event streams) is turned into the server-sent events the first-party API sends, so
//!   that [`SseStream`](crate::SseStream) and the typed events work unchanged.
//!
//! Retries, timeouts, the deadline, typed errors, size limits, tracing and the masking of
//! secrets in `Debug` stay those of [`ClientCore`](crate::ClientCore). A platform's
//! `Debug` must not print its secrets either: the client's `Debug` includes it.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use bytes::Bytes;
use reqwest::Url;
use reqwest::header::HeaderMap;

use crate::error::Result;
use crate::request::{Body, ByteStream, Request};

/// The future of [`Platform::authorize`].
pub type AuthorizeFuture<'a> = Pin<Box<dyn Future<Output = Result<()>> + Send + 'a>>;

/// How a cloud platform (Amazon Bedrock, Google Vertex AI, Microsoft Foundry) sends the
/// requests of a client: it rewrites each request once, adds credentials to every attempt, and
/// may decode a streamed body of its own framing into server-sent events. Retries, timeouts,
/// the deadline, typed errors, size limits, tracing and the masking of secrets stay those of
/// [`ClientCore`](crate::ClientCore); `Debug` must not print the platform's secrets either, as
/// the client's `Debug` includes it.
pub trait Platform: fmt::Debug + Send + Sync + 'static {
    /// Rewrites a request once, before its first attempt. `betas` are the beta names the
    /// request would send in `anthropic-beta` (the client's, the per-request options' and the
    /// operation's), for a platform that wants them elsewhere.
    fn rewrite(&self, req: &mut Request, betas: &[String]) -> Result<()>;

    /// Whether beta names are still sent in the `anthropic-beta` header (true unless the
    /// platform takes them in the body).
    fn betas_in_header(&self) -> bool {
        true
    }

    /// Adds the credentials of one attempt to its headers, once every other header is set
    /// (a signature covers them). An error ends the call; it is not retried.
    fn authorize<'a>(&'a self, attempt: &'a mut Attempt<'_>) -> AuthorizeFuture<'a>;

    /// The content type of the platform's own stream framing, when it has one: a successful
    /// streaming response of that type goes through [`Platform::decode_stream`].
    fn stream_content_type(&self) -> Option<&'static str> {
        None
    }

    /// Turns a successful streamed body of [`Platform::stream_content_type`] into
    /// `text/event-stream` bytes. A frame that reports an error becomes an `Err` item
    /// (typed, such as an [`Error::Api`](crate::Error::Api)), which ends the stream.
    fn decode_stream(&self, body: ByteStream, request_id: Option<String>) -> ByteStream {
        let _ = request_id;
        body
    }
}

/// One attempt of a request, as it will be sent, for [`Platform::authorize`].
pub struct Attempt<'a> {
    /// The HTTP method.
    pub method: &'a reqwest::Method,
    /// The full URL, query included.
    pub url: &'a Url,
    /// The headers; credentials are added here.
    pub headers: &'a mut HeaderMap,
    /// The body (empty for a request without one).
    pub body: &'a [u8],
}

impl fmt::Debug for Attempt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Attempt")
            .field("method", self.method)
            .field("path", &self.url.path())
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl Request {
    /// Replaces the path (already encoded), for [`Platform::rewrite`].
    #[doc(hidden)]
    pub fn set_path(&mut self, path: String) {
        self.path = path;
    }

    /// The JSON body, if the request has one.
    #[doc(hidden)]
    pub fn json_bytes(&self) -> Option<&Bytes> {
        match &self.body {
            Body::Json(bytes) => Some(bytes),
            _ => None,
        }
    }

    /// Replaces the body with these JSON bytes.
    #[doc(hidden)]
    pub fn set_json_bytes(&mut self, bytes: Bytes) {
        self.body = Body::Json(bytes);
    }
}
