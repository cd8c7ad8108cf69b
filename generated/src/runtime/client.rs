//! Client configuration and the one place where requests are sent.
//!
//! [`Client`] (regular API key) and [`AdminClient`] (admin key) are thin, cheaply cloneable
//! handles around a shared [`ClientCore`], which holds the configuration and the `reqwest`
//! client. Generated endpoint methods build a [`Request`] and call one of the `send_*`
//! methods of the core.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures::future::Either;
use futures::{FutureExt, StreamExt, TryFutureExt};
use reqwest::Url;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use super::error::{ApiError, Error, Result, from_json_slice};
use super::jsonl::JsonlStream;
use super::options::{ApiResponse, RequestOptions};
use super::request::{Body, BodyFault, ByteStream, EncodedMultipart, Request};
use super::retry::{Backoff, retry_delay, retryable_status, should_retry_header};
use super::sse::SseStream;

const DEFAULT_BASE_URL: &str = "https://api.anthropic.com";
const DEFAULT_API_VERSION: &str = "2023-06-01";
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const DEFAULT_MAX_RETRIES: u32 = 2;
/// The longest expected duration of a non-streaming request allowed with the default timeout.
const NONSTREAMING_LIMIT_SECS: f64 = 600.0;
const USER_AGENT: &str = concat!("anthropic-openapi/", env!("CARGO_PKG_VERSION"));

const ACCEPT_JSON: &str = "application/json";
const ACCEPT_SSE: &str = "text/event-stream";
const ACCEPT_JSONL: &str = "application/x-jsonl";
const ACCEPT_ANY: &str = "*/*";

const ANTHROPIC_VERSION: HeaderName = HeaderName::from_static("anthropic-version");
const ANTHROPIC_BETA: HeaderName = HeaderName::from_static("anthropic-beta");
const RETRY_COUNT: HeaderName = HeaderName::from_static("x-stainless-retry-count");
const REQUEST_ID: HeaderName = HeaderName::from_static("request-id");

/// Configuration for a [`Client`] or an [`AdminClient`].
///
/// ```no_run
/// # fn main() -> anthropic_openapi::Result<()> {
/// let client = anthropic_openapi::Client::builder()
///     .api_key("sk-ant-…")
///     .timeout(std::time::Duration::from_secs(120))
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone, Default)]
pub struct ClientBuilder {
    api_key: Option<String>,
    auth_token: Option<String>,
    base_url: Option<String>,
    api_version: Option<String>,
    betas: Vec<String>,
    default_headers: Vec<(String, String)>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    max_retries: Option<u32>,
    backoff: Option<Backoff>,
    http_client: Option<reqwest::Client>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secret = |s: &Option<String>| s.as_ref().map(|_| "***");
        f.debug_struct("ClientBuilder")
            .field("api_key", &secret(&self.api_key))
            .field("auth_token", &secret(&self.auth_token))
            .field("base_url", &self.base_url)
            .field("api_version", &self.api_version)
            .field("betas", &self.betas)
            .field(
                "default_headers",
                &self
                    .default_headers
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .collect::<Vec<_>>(),
            )
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_retries", &self.max_retries)
            .field("backoff", &self.backoff)
            .field("http_client", &self.http_client.as_ref().map(|_| "custom"))
            .finish()
    }
}

impl ClientBuilder {
    /// A builder with every setting at its default.
    pub fn new() -> Self {
        ClientBuilder::default()
    }

    /// The key sent in the `x-api-key` header (an admin key for [`ClientBuilder::build_admin`]).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// A token sent as `Authorization: Bearer …` instead of the `x-api-key` header.
    pub fn auth_token(mut self, token: impl Into<String>) -> Self {
        self.auth_token = Some(token.into());
        self
    }

    /// The API's base URL (default `https://api.anthropic.com`); a trailing slash is ignored,
    /// and a path prefix (for a proxy) is kept.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The `anthropic-version` header (default `2023-06-01`).
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = Some(version.into());
        self
    }

    /// Adds a beta name sent in `anthropic-beta` on every request.
    pub fn beta(mut self, beta: impl Into<String>) -> Self {
        self.betas.push(beta.into());
        self
    }

    /// Adds a header sent on every request to the API (not to other hosts).
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.default_headers.push((name.into(), value.into()));
        self
    }

    /// The time allowed for each attempt of a request (default 600 s). For streamed responses
    /// it bounds the wait for the response headers and every pause between two chunks of the
    /// body. A timed-out attempt is retried like a connection error.
    ///
    /// Setting it also lifts the guard against long non-streaming requests (see
    /// [`ClientCore::check_nonstreaming`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The time allowed to open a connection (default 5 s). Ignored with
    /// [`ClientBuilder::http_client`], whose own settings apply.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How many times a failed request may be retried (default 2; `0` disables retries).
    ///
    /// Connection errors, timeouts and the statuses 408, 409, 429 and 5xx are retried, unless
    /// the response has `x-should-retry: false` (`x-should-retry: true` forces a retry). The
    /// wait honours `retry-after-ms` / `retry-after` up to 60 s, else backs off exponentially
    /// from 0.5 s to at most 8 s, with jitter.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    /// The exponential backoff between retries: `initial * 2^n`, capped at `max` (defaults
    /// 0.5 s and 8 s). Meant for tests that must not wait.
    #[doc(hidden)]
    pub fn retry_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.backoff = Some(Backoff { initial, max });
        self
    }

    /// Uses this `reqwest` client instead of building one.
    ///
    /// The default client does not follow redirects to another host, since `reqwest` would
    /// forward the `x-api-key` header there; a custom client should use a similar
    /// [`reqwest::redirect::Policy`].
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Builds a client for the regular API.
    pub fn build(self) -> Result<Client> {
        let core = self.build_core(
            "no API key: pass one to Client::new or ClientBuilder::api_key / auth_token, \
             or set ANTHROPIC_API_KEY",
        )?;
        Ok(Client { core })
    }

    /// Builds a client for the Admin API, using the key as an admin key.
    pub fn build_admin(self) -> Result<AdminClient> {
        let core = self.build_core(
            "no admin API key: pass one to AdminClient::new or ClientBuilder::api_key, \
             or set ANTHROPIC_ADMIN_KEY",
        )?;
        Ok(AdminClient { core })
    }

    fn build_core(self, missing_key: &str) -> Result<ClientCore> {
        let non_empty = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
        let auth = match (non_empty(self.auth_token), non_empty(self.api_key)) {
            (Some(token), _) => (
                reqwest::header::AUTHORIZATION,
                secret_value(&format!("Bearer {token}"), "the auth token")?,
            ),
            (None, Some(key)) => (
                HeaderName::from_static("x-api-key"),
                secret_value(&key, "the API key")?,
            ),
            (None, None) => return Err(Error::Config(missing_key.to_string())),
        };

        let base = self
            .base_url
            .unwrap_or_else(|| DEFAULT_BASE_URL.to_string());
        let base_str = base.trim().trim_end_matches('/').to_string();
        let base_url = Url::parse(&base_str)
            .map_err(|e| Error::Config(format!("invalid base URL {base_str:?}: {e}")))?;
        if !matches!(base_url.scheme(), "http" | "https") || base_url.host().is_none() {
            return Err(Error::Config(format!(
                "base URL {base_str:?} is not an http(s) URL"
            )));
        }
        if base_url.query().is_some() || base_url.fragment().is_some() {
            return Err(Error::Config(format!(
                "base URL {base_str:?} must not have a query or fragment"
            )));
        }
        let base_path = base_url.path().trim_end_matches('/').to_string();

        let version = self
            .api_version
            .unwrap_or_else(|| DEFAULT_API_VERSION.to_string());
        let api_version = HeaderValue::from_str(&version)
            .map_err(|_| Error::Config(format!("invalid API version {version:?}")))?;

        let mut default_headers = HeaderMap::new();
        for (name, value) in &self.default_headers {
            let n = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::Config(format!("invalid header name {name:?}")))?;
            let v = HeaderValue::from_str(value)
                .map_err(|_| Error::Config(format!("invalid value for header {name:?}")))?;
            default_headers.append(n, v);
        }

        let http = match self.http_client {
            Some(client) => client,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                .redirect(same_origin_redirects())
                .build()
                .map_err(|e| Error::Config(format!("could not build the HTTP client: {e}")))?,
        };

        Ok(ClientCore {
            inner: Arc::new(Inner {
                http,
                base_str,
                base_path,
                base_url,
                auth,
                api_version,
                betas: split_betas(self.betas.iter().map(String::as_str)),
                default_headers,
                timeout: self.timeout.unwrap_or(DEFAULT_TIMEOUT),
                timeout_is_explicit: self.timeout.is_some(),
                max_retries: self.max_retries.unwrap_or(DEFAULT_MAX_RETRIES),
                backoff: self.backoff.unwrap_or_default(),
            }),
            overrides: Arc::new(RequestOptions::new()),
        })
    }
}

fn secret_value(s: &str, what: &str) -> Result<HeaderValue> {
    let mut v = HeaderValue::from_str(s.trim()).map_err(|_| {
        Error::Config(format!(
            "{what} contains characters not allowed in a header"
        ))
    })?;
    v.set_sensitive(true);
    Ok(v)
}

/// Follows at most 10 redirects, and only within the origin of the original request.
fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let same = attempt
            .previous()
            .first()
            .is_some_and(|first| first.origin() == attempt.url().origin());
        if attempt.previous().len() > 10 {
            attempt.error("too many redirects")
        } else if same {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}

/// Splits comma-joined names, trims them and drops empty ones and duplicates, keeping order.
fn split_betas<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    split_beta_names(names)
        .into_iter()
        .map(str::to_string)
        .collect()
}

/// [`split_betas`], borrowing the names.
fn split_beta_names<'a>(names: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for name in names.flat_map(|n| n.split(',')).map(str::trim) {
        if !name.is_empty() && !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

struct Inner {
    http: reqwest::Client,
    /// The base URL as configured, without a trailing slash; paths are appended to it.
    base_str: String,
    /// The path of the base URL, without a trailing slash (empty for the default).
    base_path: String,
    base_url: Url,
    auth: (HeaderName, HeaderValue),
    api_version: HeaderValue,
    betas: Vec<String>,
    default_headers: HeaderMap,
    timeout: Duration,
    timeout_is_explicit: bool,
    max_retries: u32,
    backoff: Backoff,
}

/// The shared state of a client and the methods that send requests.
///
/// Used by generated endpoint methods, reached through [`Client::core`] or
/// [`AdminClient::core`]. Cloning is cheap.
///
/// Every `send_*` method retries failed attempts (see [`ClientBuilder::max_retries`]); a
/// streamed response is never retried once its successful headers have arrived, and a request
/// whose upload comes from [`UploadFile::from_stream`](super::UploadFile::from_stream) is not
/// retried once that stream has started to be sent.
#[derive(Clone)]
pub struct ClientCore {
    inner: Arc<Inner>,
    /// Settings from [`ClientCore::with_options`], applied over the client's.
    overrides: Arc<RequestOptions>,
}

impl fmt::Debug for ClientCore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("ClientCore")
            .field("base_url", &i.base_str)
            .field("auth", &format_args!("{}: ***", i.auth.0))
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
            .finish()
    }
}

/// Where a request goes and whether it may carry the client's credentials.
struct Target {
    url: Url,
    credentials: bool,
}

impl ClientCore {
    /// The base URL, without a trailing slash.
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
        };
        ClientCore {
            inner: self.inner.clone(),
            overrides: Arc::new(merged),
        }
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
                 10 minutes; use create_stream (streaming is strongly recommended for long \
                 requests), or set an explicit timeout with ClientBuilder::timeout or \
                 RequestOptions::timeout"
            )));
        }
        Ok(())
    }

    /// Sends `req` and decodes the JSON response body into `T`.
    pub async fn send_json<T: DeserializeOwned>(&self, req: Request) -> Result<T> {
        let (data, _, _) = self.receive_json(&req).await?;
        Ok(data)
    }

    /// Sends `req` and decodes the JSON response body into `T`, keeping the response's status,
    /// headers and `request-id`.
    pub async fn send_json_with_response<T: DeserializeOwned>(
        &self,
        req: Request,
    ) -> Result<ApiResponse<T>> {
        let (data, status, headers) = self.receive_json(&req).await?;
        let request_id = header_request_id(&headers);
        Ok(ApiResponse {
            data,
            status,
            headers,
            request_id,
        })
    }

    /// Sends `req` and decodes the JSON response body into `T`; also returns the status and
    /// the response headers. (Used by [`Call`](super::Call) directly, which saves a layer of
    /// futures: each layer is moved into the next when it starts.)
    pub(crate) async fn receive_json<T: DeserializeOwned>(
        &self,
        req: &Request,
    ) -> Result<(T, u16, HeaderMap)> {
        let target = self.target_for(req)?;
        let (status, headers, body) = self
            .execute(req, &target, ACCEPT_JSON, read_json_response)
            .await?;
        let text: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
            b"null"
        } else {
            &body
        };
        let data = from_json_slice(text)?;
        Ok((data, status, headers))
    }

    /// Sends `req` and decodes the `text/event-stream` response as it arrives.
    pub async fn send_sse<T: DeserializeOwned + Send + 'static>(
        &self,
        req: Request,
    ) -> Result<SseStream<T>> {
        let target = self.target_for(&req)?;
        let resp = self.send_streaming(&req, &target, ACCEPT_SSE).await?;
        let request_id = header_request_id(resp.headers());
        Ok(SseStream::from_byte_stream(self.body_stream(resp)).with_request_id(request_id))
    }

    /// Sends `req` and decodes the `application/x-jsonl` response line by line.
    pub async fn send_jsonl<T: DeserializeOwned + Send + 'static>(
        &self,
        req: Request,
    ) -> Result<JsonlStream<T>> {
        let target = self.target_for(&req)?;
        let resp = self.send_streaming(&req, &target, ACCEPT_JSONL).await?;
        let request_id = header_request_id(resp.headers());
        Ok(JsonlStream::from_byte_stream(self.body_stream(resp)).with_request_id(request_id))
    }

    /// Sends `req` and returns the response body as a stream of chunks.
    pub async fn send_bytes(&self, req: Request) -> Result<ByteStream> {
        let target = self.target_for(&req)?;
        let resp = self.send_streaming(&req, &target, ACCEPT_ANY).await?;
        Ok(self.body_stream(resp))
    }

    /// Fetches an absolute URL (such as a batch's `results_url`) and decodes it as JSONL.
    ///
    /// The client's credentials and default headers are sent only when the URL has the same
    /// scheme, host and port as the base URL.
    pub async fn get_url_jsonl<T: DeserializeOwned + Send + 'static>(
        &self,
        url: &str,
    ) -> Result<JsonlStream<T>> {
        let parsed =
            Url::parse(url).map_err(|e| Error::Config(format!("invalid URL {url:?}: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(Error::Config(format!("URL {url:?} is not an http(s) URL")));
        }
        let credentials = parsed.origin() == self.inner.base_url.origin();
        let target = Target {
            url: parsed,
            credentials,
        };
        let req = Request::new(reqwest::Method::GET, target.url.path().to_string());
        let resp = self.send_streaming(&req, &target, ACCEPT_JSONL).await?;
        let request_id = header_request_id(resp.headers());
        Ok(JsonlStream::from_byte_stream(self.body_stream(resp)).with_request_id(request_id))
    }

    /// The URL of an API request, refusing paths that would not reach the intended endpoint.
    fn target_for(&self, req: &Request) -> Result<Target> {
        let path = &req.path;
        let Some(segments) = path.strip_prefix('/') else {
            return Err(Error::Config(format!(
                "request path {path:?} does not start with '/'"
            )));
        };
        for segment in segments.as_bytes().split(|&b| b == b'/') {
            if segment.is_empty() {
                return Err(Error::Config(format!(
                    "request path {path:?} has an empty segment (an empty id?)"
                )));
            }
            if is_dot_segment(segment) {
                return Err(Error::Config(format!(
                    "request path {path:?} has a dot segment, which would change the endpoint"
                )));
            }
        }
        // The base URL was parsed when the client was built: only the path and query are
        // parsed here (parsing the whole URL again, host included, was the largest cost of
        // preparing a request).
        let base_path = &self.inner.base_path;
        let expected: std::borrow::Cow<'_, str> = if base_path.is_empty() {
            path.into()
        } else {
            [base_path, path.as_str()].concat().into()
        };
        let mut url = self.inner.base_url.clone();
        url.set_path(&expected);
        if !req.query.is_empty() {
            url.set_query(Some(&req.query.to_query_string()));
        }
        if url.path() != expected {
            return Err(Error::Config(format!(
                "request path {path:?} is not a valid encoded path"
            )));
        }
        Ok(Target {
            url,
            credentials: true,
        })
    }

    /// The headers of every attempt, except those of a multipart body (see
    /// [`set_multipart_headers`]) and `x-stainless-retry-count`. The map has room for those
    /// too, so that adding them does not grow it.
    fn headers(&self, req: &Request, accept: &'static str, credentials: bool) -> Result<HeaderMap> {
        let inner = &self.inner;
        let betas = split_beta_names(
            inner
                .betas
                .iter()
                .chain(&self.overrides.betas)
                .map(String::as_str)
                .chain(req.betas.iter().copied()),
        );
        // The most entries the map gets: user agent, accept, version and retry count; betas;
        // the content type (and length, for a multipart body); the credentials and the
        // headers of the client and of its options; those of the request.
        let mut capacity = 4 + usize::from(!betas.is_empty()) + req.headers.len();
        capacity += match req.body {
            Body::Empty => 0,
            Body::Json(_) => 1,
            Body::Multipart(_) => 2,
        };
        if credentials {
            capacity += 1 + inner.default_headers.len() + self.overrides.headers.len();
        }
        let mut h = HeaderMap::try_with_capacity(capacity).unwrap_or_default();
        h.insert(
            reqwest::header::USER_AGENT,
            HeaderValue::from_static(USER_AGENT),
        );
        h.insert(reqwest::header::ACCEPT, HeaderValue::from_static(accept));
        h.insert(ANTHROPIC_VERSION, inner.api_version.clone());
        if !betas.is_empty() {
            let joined = betas.join(",");
            let v = HeaderValue::from_str(&joined)
                .map_err(|_| Error::Config(format!("invalid beta names {joined:?}")))?;
            h.insert(ANTHROPIC_BETA, v);
        }
        if let Body::Json(_) = req.body {
            h.insert(
                reqwest::header::CONTENT_TYPE,
                HeaderValue::from_static(ACCEPT_JSON),
            );
        }
        if credentials {
            h.insert(inner.auth.0.clone(), inner.auth.1.clone());
            for (name, value) in &inner.default_headers {
                h.insert(name.clone(), value.clone());
            }
            for (name, value) in &self.overrides.headers {
                let (n, v) = parse_header(name, value)?;
                h.insert(n, v);
            }
        }
        for (name, value) in &req.headers {
            let (n, v) = parse_header(name, value)?;
            h.insert(n, v);
        }
        Ok(h)
    }

    /// Sends a request whose successful response is streamed to the caller: retried until
    /// response headers with a success status arrive, never after.
    async fn send_streaming(
        &self,
        req: &Request,
        target: &Target,
        accept: &'static str,
    ) -> Result<reqwest::Response> {
        self.execute(req, target, accept, |resp| async move { Ok(resp) })
            .await
    }

    /// Sends a request with retries. Each attempt (sending, then `on_success` for a success
    /// status) is bounded by the timeout; a failed attempt is retried when its [`Failure`]
    /// allows it and retries remain, after the delay the rules give. The last failure's
    /// error is returned.
    async fn execute<T, F, Fut>(
        &self,
        req: &Request,
        target: &Target,
        accept: &'static str,
        on_success: F,
    ) -> Result<T>
    where
        F: Fn(reqwest::Response) -> Fut,
        Fut: Future<Output = std::result::Result<T, Failure>>,
    {
        // In a block, so that the future does not keep room for this map once it is moved.
        let (headers, multipart) = {
            let mut headers = self.headers(req, accept, target.credentials)?;
            let multipart = match &req.body {
                Body::Multipart(form) => {
                    let encoded = form.encode()?;
                    set_multipart_headers(&mut headers, &encoded)?;
                    Some(encoded)
                }
                _ => None,
            };
            (headers, multipart)
        };
        // The first attempt hands this map over to `reqwest`; a retry builds it again.
        let mut first_headers = Some(headers);
        let timeout = self.timeout();
        let max_retries = self.max_retries();
        let path = target.url.path();
        let mut retry: u32 = 0;
        loop {
            let span = tracing::debug_span!(
                "anthropic_request",
                method = %req.method,
                path = %path,
                attempt = retry,
                status = tracing::field::Empty,
                request_id = tracing::field::Empty,
            );
            let headers = match first_headers.take() {
                Some(headers) => headers,
                // Built as for the first attempt, from the same inputs: it cannot fail now.
                None => {
                    let mut headers = self.headers(req, accept, target.credentials)?;
                    if let Some(encoded) = &multipart {
                        set_multipart_headers(&mut headers, encoded)?;
                    }
                    headers
                }
            };
            let attempt = self.attempt(
                req,
                target,
                headers,
                multipart.as_ref(),
                (retry, &span),
                &on_success,
            );
            let failure = match tokio::time::timeout(timeout, attempt)
                .instrument(span.clone())
                .await
            {
                Ok(Ok(value)) => return Ok(value),
                Ok(Err(failure)) => failure,
                Err(_) => Failure {
                    error: Error::Timeout,
                    retry: true,
                    headers: None,
                },
            };
            let reason = failure.reason();
            // A one-shot upload stream that has started to be sent cannot be sent again.
            let resendable = multipart.as_ref().is_none_or(EncodedMultipart::can_resend);
            if !failure.retry || retry >= max_retries || !resendable {
                tracing::debug!(
                    parent: &span,
                    reason = %reason,
                    retryable = failure.retry,
                    resendable,
                    "request failed"
                );
                return Err(failure.error);
            }
            let delay = retry_delay(failure.headers.as_ref(), retry, &self.inner.backoff);
            tracing::debug!(
                parent: &span,
                delay_ms = delay.as_secs_f64() * 1000.0,
                reason = %reason,
                retry = retry + 1,
                max_retries,
                "retrying request"
            );
            tokio::time::sleep(delay).await;
            retry += 1;
        }
    }

    /// One attempt: builds the `reqwest` request, sends it, and hands a success response to
    /// `on_success`; an error response is read into [`Error::Api`].
    ///
    /// The future of an attempt keeps room for every local that is borrowed before an
    /// `.await` and still in scope after it, so the request and the response are handled by
    /// the plain functions [`ClientCore::send_http`] and [`inspect_response`], which take
    /// them by value.
    async fn attempt<T, F, Fut>(
        &self,
        req: &Request,
        target: &Target,
        headers: HeaderMap,
        multipart: Option<&EncodedMultipart>,
        (retry, span): (u32, &tracing::Span),
        on_success: &F,
    ) -> std::result::Result<T, Failure>
    where
        F: Fn(reqwest::Response) -> Fut,
        Fut: Future<Output = std::result::Result<T, Failure>>,
    {
        let fault = BodyFault::default();
        let body = match (&req.body, multipart) {
            (Body::Json(bytes), _) => Some(reqwest::Body::from(bytes.clone())),
            (_, Some(form)) => Some(form.body(&fault).await.map_err(Failure::fatal)?),
            _ => None,
        };
        let sent = self.send_http(req, &target.url, headers, retry, body).await;
        // A body that failed on its own (a file that changed size, a caller's stream error)
        // is reported as such and not retried; otherwise it is a connection error.
        let resp = sent.map_err(|e| match fault.take() {
            Some(error) => Failure::fatal(error),
            None => Failure::transport(e),
        })?;
        // Awaited after the `match`, which would otherwise keep its value alive meanwhile.
        let rest = match inspect_response(resp, span) {
            Inspected::Success(resp) => Either::Left(on_success(resp)),
            Inspected::Error(failed) => Either::Right(read_error_response(failed).map(Err)),
        };
        rest.await
    }

    /// Sends the `reqwest` request of one attempt: `headers` and the retry count, `body`.
    fn send_http(
        &self,
        req: &Request,
        url: &Url,
        mut headers: HeaderMap,
        retry: u32,
        body: Option<reqwest::Body>,
    ) -> impl Future<Output = reqwest::Result<reqwest::Response>> + use<> {
        headers.insert(RETRY_COUNT, retry_count_value(retry));
        let url = url.clone();
        if url.has_host() && url.username().is_empty() && url.password().is_none() {
            // What `RequestBuilder` makes (it also refuses a URL without a host), without
            // copying the headers one by one into a new map.
            let mut request = reqwest::Request::new(req.method.clone(), url);
            *request.headers_mut() = headers;
            *request.body_mut() = body;
            Either::Left(self.inner.http.execute(request))
        } else {
            // The builder turns the user name and password of the URL into basic
            // authentication (unless the headers have their own `Authorization`).
            let mut builder = self
                .inner
                .http
                .request(req.method.clone(), url)
                .headers(headers);
            if let Some(body) = body {
                builder = builder.body(body);
            }
            Either::Right(builder.send())
        }
    }

    /// The response body as chunks, each awaited at most the timeout.
    fn body_stream(&self, resp: reqwest::Response) -> ByteStream {
        let idle = self.timeout();
        let body = resp.bytes_stream().boxed();
        Box::pin(futures::stream::unfold(
            Some(body),
            move |state| async move {
                let mut body = state?;
                match tokio::time::timeout(idle, body.next()).await {
                    Err(_) => Some((Err(Error::Timeout), None)),
                    Ok(None) => None,
                    Ok(Some(Ok(chunk))) => Some((Ok(chunk), Some(body))),
                    Ok(Some(Err(e))) => Some((Err(Error::from(e)), None)),
                }
            },
        ))
    }
}

/// A failed attempt: its error, whether it may be retried, and the response headers (which
/// may ask for a delay) when a response arrived.
struct Failure {
    error: Error,
    retry: bool,
    headers: Option<HeaderMap>,
}

impl Failure {
    /// A failure to send the request or to read the response: retried, except for errors
    /// that another attempt would repeat (an unbuildable request, a redirect loop).
    fn transport(e: reqwest::Error) -> Self {
        let retry = !(e.is_builder() || e.is_redirect());
        Failure {
            error: Error::from(e),
            retry,
            headers: None,
        }
    }

    /// A failure that another attempt would repeat, such as an upload whose file changed.
    fn fatal(error: Error) -> Self {
        Failure {
            error,
            retry: false,
            headers: None,
        }
    }

    /// A short description for logs, without the URL (whose query could hold secrets).
    fn reason(&self) -> String {
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
fn read_json_response(
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
struct ErrorResponse {
    resp: reqwest::Response,
    status: u16,
    request_id: Option<String>,
    /// Whether the attempt may be retried, by `x-should-retry` or else by the status.
    retry: bool,
    /// A copy of the response headers, which may ask for a delay before a retry.
    headers: HeaderMap,
}

/// Reads the body of an error response into the attempt's [`Failure`].
fn read_error_response(failed: ErrorResponse) -> impl Future<Output = Failure> {
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
enum Inspected {
    /// A success status: the response, for `on_success`.
    Success(reqwest::Response),
    /// An error status, before the body is read.
    Error(ErrorResponse),
}

/// Records the status and the `request-id` of a response in the attempt's span and logs
/// them; returns a success response as it is, and the details of an error response.
fn inspect_response(resp: reqwest::Response, span: &tracing::Span) -> Inspected {
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

fn parse_header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue)> {
    let n = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| Error::Config(format!("invalid header name {name:?}")))?;
    let v = HeaderValue::from_str(value)
        .map_err(|_| Error::Config(format!("invalid value for header {name:?}")))?;
    Ok((n, v))
}

/// The `request-id` response header, when it is text.
fn request_id(headers: &HeaderMap) -> Option<&str> {
    headers.get(&REQUEST_ID).and_then(|v| v.to_str().ok())
}

fn header_request_id(headers: &HeaderMap) -> Option<String> {
    request_id(headers).map(str::to_string)
}

/// The value of `x-stainless-retry-count`; the usual ones are not formatted each time.
fn retry_count_value(retry: u32) -> HeaderValue {
    match retry {
        0 => HeaderValue::from_static("0"),
        1 => HeaderValue::from_static("1"),
        2 => HeaderValue::from_static("2"),
        n => HeaderValue::from(n),
    }
}

/// The `Content-Type` (with the boundary) and, when known, the `Content-Length` of a
/// multipart body; they replace any the request had.
fn set_multipart_headers(headers: &mut HeaderMap, encoded: &EncodedMultipart) -> Result<()> {
    let content_type = HeaderValue::from_str(&encoded.content_type)
        .map_err(|_| Error::Config("invalid multipart content type".into()))?;
    headers.insert(reqwest::header::CONTENT_TYPE, content_type);
    // Without a length (a stream of unknown size) the body is sent chunked.
    if let Some(len) = encoded.len {
        headers.insert(reqwest::header::CONTENT_LENGTH, len.into());
    }
    Ok(())
}

/// Whether a path segment is `.` or `..` once percent-decoded (`%2E`, `.%2e`, …), which URL
/// parsers resolve, changing the endpoint. Only `.` and `%2E` (either case) decode to a dot,
/// and any other byte makes the segment something else.
fn is_dot_segment(segment: &[u8]) -> bool {
    let mut rest = segment;
    let mut dots = 0;
    while !rest.is_empty() {
        rest = match rest {
            [b'.', tail @ ..] | [b'%', b'2', b'e' | b'E', tail @ ..] => tail,
            _ => return false,
        };
        dots += 1;
    }
    matches!(dots, 1 | 2)
}

/// A client for the regular Anthropic API, authenticated with an API key.
///
/// Cheap to clone: clones share the configuration and the connection pool.
#[derive(Clone)]
pub struct Client {
    core: ClientCore,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Client").field(&self.core).finish()
    }
}

impl Client {
    /// A builder for a client with custom settings.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client with default settings and this API key.
    pub fn new(api_key: impl Into<String>) -> Result<Self> {
        Client::builder().api_key(api_key).build()
    }

    /// A client configured from the environment: `ANTHROPIC_API_KEY`, or `ANTHROPIC_AUTH_TOKEN`
    /// (sent as a bearer token), and optionally `ANTHROPIC_BASE_URL`.
    pub fn from_env() -> Result<Self> {
        ClientBuilder::from_env().build()
    }

    /// The shared core; used by generated endpoint methods to send requests.
    pub fn core(&self) -> &ClientCore {
        &self.core
    }

    /// A derived client whose requests use `options` over this client's settings; it shares
    /// the configuration and the connection pool, so it is cheap to make per request:
    ///
    /// ```no_run
    /// # use std::time::Duration;
    /// # use anthropic_openapi::runtime::RequestOptions;
    /// # async fn run(
    /// #     client: anthropic_openapi::Client,
    /// #     params: anthropic_openapi::MessageCreateParams,
    /// # ) -> anthropic_openapi::Result<()> {
    /// let message = client
    ///     .with_options(RequestOptions::new().timeout(Duration::from_secs(30)))
    ///     .messages()
    ///     .create(params)
    ///     .await?;
    /// # let _ = message;
    /// # Ok(()) }
    /// ```
    pub fn with_options(&self, options: RequestOptions) -> Client {
        Client {
            core: self.core.with_options(options),
        }
    }
}

/// A client for the Admin API (organization, workspaces, keys, usage), authenticated with an
/// admin key.
///
/// Cheap to clone: clones share the configuration and the connection pool.
#[derive(Clone)]
pub struct AdminClient {
    core: ClientCore,
}

impl fmt::Debug for AdminClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("AdminClient").field(&self.core).finish()
    }
}

impl AdminClient {
    /// A builder for a client with custom settings; finish it with
    /// [`ClientBuilder::build_admin`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client with default settings and this admin key.
    pub fn new(admin_key: impl Into<String>) -> Result<Self> {
        AdminClient::builder().api_key(admin_key).build_admin()
    }

    /// A client configured from the environment: `ANTHROPIC_ADMIN_KEY` and optionally
    /// `ANTHROPIC_BASE_URL`.
    pub fn from_env() -> Result<Self> {
        ClientBuilder::admin_from_env().build_admin()
    }

    /// The shared core; used by generated endpoint methods to send requests.
    pub fn core(&self) -> &ClientCore {
        &self.core
    }

    /// A derived client whose requests use `options` over this client's settings (see
    /// [`Client::with_options`]).
    pub fn with_options(&self, options: RequestOptions) -> AdminClient {
        AdminClient {
            core: self.core.with_options(options),
        }
    }
}

impl ClientBuilder {
    /// A builder filled from the environment as [`Client::from_env`] reads it
    /// (`ANTHROPIC_API_KEY`, `ANTHROPIC_AUTH_TOKEN`, `ANTHROPIC_BASE_URL`), to adjust before
    /// [`build`](ClientBuilder::build):
    ///
    /// ```no_run
    /// # use std::time::Duration;
    /// let client = anthropic_openapi::ClientBuilder::from_env()
    ///     .timeout(Duration::from_secs(60))
    ///     .max_retries(5)
    ///     .build()?;
    /// # Ok::<(), anthropic_openapi::Error>(())
    /// ```
    pub fn from_env() -> ClientBuilder {
        builder_from_vars(|name| std::env::var(name).ok(), "ANTHROPIC_API_KEY", true)
    }

    /// A builder filled from the environment as [`AdminClient::from_env`] reads it
    /// (`ANTHROPIC_ADMIN_KEY`, `ANTHROPIC_BASE_URL`), to adjust before
    /// [`build_admin`](ClientBuilder::build_admin).
    pub fn admin_from_env() -> ClientBuilder {
        builder_from_vars(
            |name| std::env::var(name).ok(),
            "ANTHROPIC_ADMIN_KEY",
            false,
        )
    }
}

/// A builder filled from environment variables, read through `var`.
fn builder_from_vars(
    var: impl Fn(&str) -> Option<String>,
    key_var: &str,
    auth_token: bool,
) -> ClientBuilder {
    let var = |name: &str| var(name).filter(|v| !v.trim().is_empty());
    let mut b = ClientBuilder::new();
    if let Some(key) = var(key_var) {
        b = b.api_key(key);
    }
    if auth_token && let Some(token) = var("ANTHROPIC_AUTH_TOKEN") {
        b = b.auth_token(token);
    }
    if let Some(url) = var("ANTHROPIC_BASE_URL") {
        b = b.base_url(url);
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn env_api_key_and_base_url() {
        let c = builder_from_vars(
            vars(&[
                ("ANTHROPIC_API_KEY", "k1"),
                ("ANTHROPIC_BASE_URL", "http://127.0.0.1:9/"),
            ]),
            "ANTHROPIC_API_KEY",
            true,
        )
        .build()
        .unwrap();
        assert_eq!(c.core().base_url(), "http://127.0.0.1:9");
        assert_eq!(c.core().inner.auth.0.as_str(), "x-api-key");
    }

    #[test]
    fn env_auth_token_wins() {
        let c = builder_from_vars(
            vars(&[("ANTHROPIC_API_KEY", "k1"), ("ANTHROPIC_AUTH_TOKEN", "t1")]),
            "ANTHROPIC_API_KEY",
            true,
        )
        .build()
        .unwrap();
        assert_eq!(c.core().inner.auth.0.as_str(), "authorization");
        assert_eq!(c.core().base_url(), DEFAULT_BASE_URL);
    }

    #[test]
    fn env_admin_ignores_regular_key() {
        let b = builder_from_vars(
            vars(&[("ANTHROPIC_API_KEY", "k1"), ("ANTHROPIC_AUTH_TOKEN", "t1")]),
            "ANTHROPIC_ADMIN_KEY",
            false,
        );
        match b.build_admin() {
            Err(Error::Config(m)) => assert!(m.contains("ANTHROPIC_ADMIN_KEY"), "{m}"),
            other => panic!("expected a config error, got {other:?}"),
        }
    }

    #[test]
    fn dot_segments_are_found_as_percent_decoding_finds_them() {
        for segment in [
            "",
            ".",
            "..",
            "...",
            "%2e",
            "%2E",
            ".%2e",
            "%2E.",
            "%2e%2E",
            "%2e%2e%2e",
            "%2",
            "%2f",
            "%25%2e",
            "%2e%",
            "%",
            "a",
            ".a",
            "a.",
            "%C0%AE",
            "%2e%2e%2f",
            "%2E%2",
            "%%2e",
            "%2e %2e",
        ] {
            let decoded = percent_encoding::percent_decode_str(segment).decode_utf8_lossy();
            assert_eq!(
                is_dot_segment(segment.as_bytes()),
                decoded == "." || decoded == "..",
                "{segment:?}"
            );
        }
    }

    #[test]
    fn retry_count_values() {
        for n in [0, 1, 2, 3, 10, u32::MAX] {
            assert_eq!(retry_count_value(n), HeaderValue::from(n));
        }
    }

    #[test]
    fn betas_are_split_and_deduplicated() {
        assert_eq!(
            split_betas(["a, b", "b", "", "c"].into_iter()),
            vec!["a", "b", "c"]
        );
    }
}
