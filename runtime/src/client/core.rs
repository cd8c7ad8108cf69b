//! [`ClientCore`]: the configuration a client was built with, shared by its clones, and the
//! per-request settings laid over it.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::{HeaderMap, HeaderValue};

use super::builder::{split_beta_names, split_betas};
use super::credentials::Credentials;
use crate::error::{Error, Result};
use crate::limits::Limits;
use crate::options::RequestOptions;
use crate::platform::Platform;
use crate::request::{Body, Request};
use crate::retry::Backoff;

/// The longest expected duration of a non-streaming request allowed with the default timeout.
const NONSTREAMING_LIMIT_SECS: f64 = 600.0;

pub(super) struct Inner {
    pub(super) http: reqwest::Client,
    /// The base URL as configured, without a trailing slash, with its user info masked (for
    /// printing; requests are made from `base_url`).
    pub(super) base_str: String,
    /// The path of the base URL, without a trailing slash (empty for the default).
    pub(super) base_path: String,
    pub(super) base_url: Url,
    /// The key and bearer token requests may carry; both empty when a platform adds
    /// credentials.
    pub(super) credentials: Credentials,
    /// The cloud platform requests go through, if any (see [`Platform`]).
    pub(super) platform: Option<Arc<dyn Platform>>,
    pub(super) api_version: HeaderValue,
    pub(super) betas: Vec<String>,
    pub(super) default_headers: HeaderMap,
    pub(super) timeout: Duration,
    pub(super) timeout_is_explicit: bool,
    pub(super) max_retries: u32,
    pub(super) backoff: Backoff,
    pub(super) retry_after_send: bool,
    pub(super) deadline: Option<Duration>,
    pub(super) limits: Limits,
}

/// The shared state of a client and the methods that send requests.
///
/// A client handle wraps one; generated endpoint methods send their requests through it.
/// Cloning is cheap.
///
/// Every `send_*` method retries failed attempts (see [`ClientBuilder::max_retries`](crate::ClientBuilder::max_retries)); a
/// streamed response is never retried once its successful headers have arrived, and a request
/// whose upload comes from [`UploadFile::from_stream`](crate::UploadFile::from_stream) is not
/// retried once that stream has started to be sent.
#[derive(Clone)]
pub struct ClientCore {
    pub(super) inner: Arc<Inner>,
    /// Settings from [`ClientCore::with_options`], applied over the client's.
    pub(super) overrides: Arc<RequestOptions>,
}

impl fmt::Debug for ClientCore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("ClientCore")
            .field("base_url", &i.base_str)
            .field(
                "auth",
                &match &i.platform {
                    Some(_) => vec!["by the platform"],
                    None => i.credentials.kinds(),
                },
            )
            .field("platform", &i.platform)
            .field("api_version", &i.api_version)
            .field("betas", &self.betas())
            .field(
                "default_headers",
                &i.default_headers.keys().collect::<Vec<_>>(),
            )
            .field(
                "extra_headers",
                &self
                    .overrides
                    .headers
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .collect::<Vec<_>>(),
            )
            .field("timeout", &self.timeout())
            .field("max_retries", &self.max_retries())
            .field("retry_after_send", &self.retry_after_send())
            .field("deadline", &self.deadline())
            .field("limits", &self.limits())
            .finish()
    }
}

impl ClientCore {
    /// The base URL, without a trailing slash; user info in it (`user:password@`) is shown
    /// as `***@`.
    pub fn base_url(&self) -> &str {
        &self.inner.base_str
    }

    /// The `anthropic-version` sent.
    pub fn api_version(&self) -> &str {
        self.inner.api_version.to_str().unwrap_or_default()
    }

    /// The betas sent on every request: the client's, then those of
    /// [`ClientCore::with_options`].
    pub fn betas(&self) -> Vec<String> {
        split_betas(
            self.inner
                .betas
                .iter()
                .chain(&self.overrides.betas)
                .map(String::as_str),
        )
    }

    /// The timeout of each attempt of a request.
    pub fn timeout(&self) -> Duration {
        self.overrides.timeout.unwrap_or(self.inner.timeout)
    }

    /// How many times a failed request may be retried.
    pub fn max_retries(&self) -> u32 {
        self.overrides.max_retries.unwrap_or(self.inner.max_retries)
    }

    /// Whether a request may be retried once it has been sent.
    pub fn retry_after_send(&self) -> bool {
        self.overrides
            .retry_after_send
            .unwrap_or(self.inner.retry_after_send)
    }

    /// The total time allowed for a call, if any.
    pub fn deadline(&self) -> Option<Duration> {
        self.overrides.deadline.or(self.inner.deadline)
    }

    /// The size limits of the requests.
    pub(crate) fn limits(&self) -> Limits {
        let (o, i) = (&self.overrides, &self.inner.limits);
        Limits {
            json_body: o.max_json_body.unwrap_or(i.json_body),
            stream_item: o.max_stream_item.unwrap_or(i.stream_item),
            error_body: o.max_error_body.unwrap_or(i.error_body),
        }
    }

    /// A derived core whose requests use `options` over this core's settings; it shares the
    /// configuration and the connection pool. Options given here come after (and so win
    /// over) the ones this core already has.
    pub fn with_options(&self, options: RequestOptions) -> ClientCore {
        let old = &self.overrides;
        let merged = RequestOptions {
            headers: old.headers.iter().cloned().chain(options.headers).collect(),
            betas: old.betas.iter().cloned().chain(options.betas).collect(),
            timeout: options.timeout.or(old.timeout),
            max_retries: options.max_retries.or(old.max_retries),
            retry_after_send: options.retry_after_send.or(old.retry_after_send),
            deadline: options.deadline.or(old.deadline),
            max_json_body: options.max_json_body.or(old.max_json_body),
            max_stream_item: options.max_stream_item.or(old.max_stream_item),
            max_error_body: options.max_error_body.or(old.max_error_body),
        };
        ClientCore {
            inner: self.inner.clone(),
            overrides: Arc::new(merged),
        }
    }

    /// The request as the client's platform sends it (see [`Platform::rewrite`]); `None`
    /// without a platform, when the request goes as it is.
    pub(super) fn for_platform(&self, req: &Request) -> Result<Option<Request>> {
        let Some(platform) = &self.inner.platform else {
            return Ok(None);
        };
        let body = match &req.body {
            Body::Empty => Body::Empty,
            Body::Json(bytes) => Body::Json(bytes.clone()),
            Body::Multipart(_) => {
                return Err(Error::Config(
                    "multipart requests are not sent through a cloud platform".into(),
                ));
            }
        };
        let mut out = Request {
            method: req.method.clone(),
            path: req.path.clone(),
            query: req.query.clone(),
            headers: req.headers.clone(),
            body,
            betas: req.betas.clone(),
            auth: req.auth,
        };
        let betas: Vec<String> = split_beta_names(
            self.inner
                .betas
                .iter()
                .chain(&self.overrides.betas)
                .map(String::as_str)
                .chain(req.betas.iter().copied()),
        )
        .into_iter()
        .map(str::to_string)
        .collect();
        platform.rewrite(&mut out, &betas)?;
        Ok(Some(out))
    }

    /// The platform requests go through, if any.
    pub(super) fn platform(&self) -> Option<&Arc<dyn Platform>> {
        self.inner.platform.as_ref()
    }

    /// Refuses a non-streaming request that could outlast the default timeout.
    ///
    /// Called by the generated non-streaming Messages `create` methods. As in the official
    /// SDKs, a request is expected to take up to `3600 s * max_tokens / 128000`; when that
    /// exceeds 10 minutes and no timeout was set (with [`ClientBuilder::timeout`] or
    /// [`RequestOptions::timeout`]), this returns an [`Error::Config`] recommending a
    /// streaming request instead.
    pub fn check_nonstreaming(&self, max_tokens: i64) -> Result<()> {
        if self.inner.timeout_is_explicit || self.overrides.timeout.is_some() {
            return Ok(());
        }
        let expected_secs = 3600.0 * max_tokens as f64 / 128_000.0;
        if expected_secs > NONSTREAMING_LIMIT_SECS {
            return Err(Error::Config(format!(
                "a non-streaming request with max_tokens = {max_tokens} can take longer than \
                 10 minutes; stream it with messages().stream(..) or create_stream(..) \
                 (streaming is strongly recommended for long requests), or set an explicit \
                 timeout with ClientBuilder::timeout or RequestOptions::timeout"
            )));
        }
        Ok(())
    }
}
