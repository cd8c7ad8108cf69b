//! [`ClientBuilder`]: a client's settings, read from the caller and the environment, checked
//! and turned into a [`ClientCore`]; [`ClientKind`] says which client handle it builds.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::{HeaderMap, HeaderValue};

use super::core::{ClientCore, Inner};
use super::credentials::Credentials;
use crate::error::{Error, Result, quoted, redact_url};
use crate::limits::Limits;
use crate::options::RequestOptions;
use crate::platform::Platform;
use crate::retry::Backoff;

const DEFAULT_BASE_URL: &str = "https://api.anthropic.com";
const DEFAULT_API_VERSION: &str = "2023-06-01";
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const DEFAULT_MAX_RETRIES: u32 = 2;

/// A client handle that a [`ClientBuilder`] can build: a cheap wrapper around a [`ClientCore`]
/// that says where its credentials come from. `anthropic-openapi`'s `Client` (an API key) and
/// `AdminClient` (an admin key) are the two kinds.
pub trait ClientKind: Sized {
    /// The environment variable [`ClientBuilder::from_env`] reads the key from.
    const KEY_VAR: &'static str;
    /// The environment variable [`ClientBuilder::from_env`] reads the bearer token from
    /// (`ANTHROPIC_AUTH_TOKEN`, or `ANTHROPIC_OAUTH_TOKEN` for the Admin API).
    const TOKEN_VAR: &'static str;
    /// What the error says when no credential was given: where one can be given.
    const MISSING_KEY: &'static str;
    /// Where a key can be given, said when an operation accepts only a key and the client
    /// holds only a token.
    const KEY_HINT: &'static str;
    /// Where a token can be given, said when an operation accepts only a bearer token and the
    /// client holds only a key.
    const TOKEN_HINT: &'static str;
    /// Wraps a built core.
    fn from_core(core: ClientCore) -> Self;
}

/// The settings of a client of kind `C`, checked and applied by [`build`](ClientBuilder::build).
///
/// `anthropic-openapi` names the two kinds `ClientBuilder` (for its `Client`) and
/// `AdminClientBuilder` (for its `AdminClient`):
///
/// ```no_run
/// # fn main() -> anthropic_openapi::Result<()> {
/// let client = anthropic_openapi::Client::builder()
///     .api_key("sk-ant-…")
///     .timeout(std::time::Duration::from_secs(120))
///     .build()?;
/// # Ok(()) }
/// ```
///
/// # Limits
///
/// Whatever a server sends, the memory a call takes stays bounded: a JSON body is read up to
/// [`max_json_body`](ClientBuilder::max_json_body) (256 MiB by default), a server-sent event
/// or a JSONL line up to [`max_stream_item`](ClientBuilder::max_stream_item) (64 MiB), and
/// [`max_error_body`](ClientBuilder::max_error_body) (64 KiB) of an error body is kept.
/// The timeout bounds each attempt and each pause of a stream; a
/// [`deadline`](ClientBuilder::deadline) bounds a whole call.
///
/// # Redirects and credentials
///
/// The client follows redirects only within the origin (scheme, host and port) of the
/// request, up to 10; a redirect to another origin is an [`Error::Redirect`], so the key, the
/// headers and the request body are never sent to another host. This holds for every client:
/// the `reqwest` client is always built here, and [`configure_http`](ClientBuilder::configure_http)
/// may adjust it but not its redirect policy.
pub struct ClientBuilder<C> {
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
    retry_after_send: Option<bool>,
    deadline: Option<Duration>,
    max_json_body: Option<usize>,
    max_stream_item: Option<usize>,
    max_error_body: Option<usize>,
    http_config: Option<HttpConfig>,
    /// Environment variables that [`ClientBuilder::from_env`] found set but could not read
    /// (not UTF-8); an error when the setting they give is still unset at `build`.
    bad_env: Vec<&'static str>,
    kind: PhantomData<fn() -> C>,
}

/// What [`ClientBuilder::configure_http`] applies to the `reqwest` client builder.
type HttpConfig = Arc<dyn Fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + Sync>;

impl<C> Clone for ClientBuilder<C> {
    fn clone(&self) -> Self {
        ClientBuilder {
            api_key: self.api_key.clone(),
            auth_token: self.auth_token.clone(),
            base_url: self.base_url.clone(),
            api_version: self.api_version.clone(),
            betas: self.betas.clone(),
            default_headers: self.default_headers.clone(),
            timeout: self.timeout,
            connect_timeout: self.connect_timeout,
            max_retries: self.max_retries,
            backoff: self.backoff,
            retry_after_send: self.retry_after_send,
            deadline: self.deadline,
            max_json_body: self.max_json_body,
            max_stream_item: self.max_stream_item,
            max_error_body: self.max_error_body,
            http_config: self.http_config.clone(),
            bad_env: self.bad_env.clone(),
            kind: PhantomData,
        }
    }
}

impl<C> Default for ClientBuilder<C> {
    fn default() -> Self {
        ClientBuilder {
            api_key: None,
            auth_token: None,
            base_url: None,
            api_version: None,
            betas: Vec::new(),
            default_headers: Vec::new(),
            timeout: None,
            connect_timeout: None,
            max_retries: None,
            backoff: None,
            retry_after_send: None,
            deadline: None,
            max_json_body: None,
            max_stream_item: None,
            max_error_body: None,
            http_config: None,
            bad_env: Vec::new(),
            kind: PhantomData,
        }
    }
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secret = |s: &Option<String>| s.as_ref().map(|_| "***");
        f.debug_struct("ClientBuilder")
            .field("api_key", &secret(&self.api_key))
            .field("auth_token", &secret(&self.auth_token))
            .field("base_url", &self.base_url.as_deref().map(redact_url))
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
            .field("retry_after_send", &self.retry_after_send)
            .field("deadline", &self.deadline)
            .field("max_json_body", &self.max_json_body)
            .field("max_stream_item", &self.max_stream_item)
            .field("max_error_body", &self.max_error_body)
            .field("http_config", &self.http_config.as_ref().map(|_| "custom"))
            .field("unreadable_env", &self.bad_env)
            .finish()
    }
}

impl<C: ClientKind> ClientBuilder<C> {
    /// A builder with every setting at its default.
    pub fn new() -> Self {
        ClientBuilder::default()
    }

    /// The key sent in the `x-api-key` header (an admin key for an admin client).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// A token sent as `Authorization: Bearer …` instead of the `x-api-key` header (for an
    /// admin client, an OAuth token with the `org:admin` scope). When both a key and a token
    /// are given, the token is sent to the operations that accept either, the key to those
    /// that accept only a key.
    pub fn auth_token(mut self, token: impl Into<String>) -> Self {
        self.auth_token = Some(token.into());
        self
    }

    /// The API's base URL (default `https://api.anthropic.com`); a trailing slash is ignored,
    /// and a path prefix (for a proxy) is kept. It must be an `http://` or `https://` URL
    /// with a host, without a query or fragment. User info in it (`user:password@`) is sent
    /// as basic authentication and masked wherever the URL is printed.
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

    /// The time allowed to open a connection (default 5 s). Applied before
    /// [`ClientBuilder::configure_http`], which may set another.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How many times a failed request may be retried (default 2; `0` disables retries).
    ///
    /// As in the official SDKs, connection errors, timeouts and the statuses 408, 409, 429
    /// and 5xx are retried, for every method (POST included), unless the response has
    /// `x-should-retry: false` (`x-should-retry: true` forces a retry). The wait honours
    /// `retry-after-ms` / `retry-after` up to 60 s, else backs off exponentially from 0.5 s to
    /// at most 8 s, with jitter. A response that went over a size limit is not retried.
    ///
    /// A timeout or a connection reset can happen after the server has received the request
    /// and acted on it, so a retried POST may create a second message or batch: see
    /// [`retry_after_send`](ClientBuilder::retry_after_send) to avoid that.
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

    /// Whether a request may be retried once it has been sent (default `true`, as in the
    /// official SDKs).
    ///
    /// With `false`, only failures to connect are retried: they happen before any byte of the
    /// request is written, so the server cannot have acted on it. Timeouts, connection resets
    /// and error statuses (429 and 5xx included) are returned at once, since the server may
    /// already have created what the request asked for. Per request:
    /// [`RequestOptions::retry_after_send`].
    pub fn retry_after_send(mut self, retry: bool) -> Self {
        self.retry_after_send = Some(retry);
        self
    }

    /// The total time allowed for a call (default: none), over all its attempts, the waits
    /// between them and the reading of the response; when it passes, the call fails with
    /// [`Error::DeadlineExceeded`] and is not retried.
    ///
    /// The [`timeout`](ClientBuilder::timeout) bounds each attempt and each pause in a
    /// streamed body, so a server that keeps sending a byte now and then never reaches it;
    /// the deadline does. For a streamed response (server-sent events, JSONL, bytes) it also
    /// covers the body: the stream yields [`Error::DeadlineExceeded`] and ends when the
    /// deadline passes, however much of it was read, so a deadline meant for non-streaming
    /// calls is best set per request ([`RequestOptions::deadline`]).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// The largest JSON response body read, in bytes (default 256 MiB). A larger body is an
    /// [`Error::LimitExceeded`], found from its `content-length` before it is read, or else
    /// as soon as the limit is passed; it is not retried.
    ///
    /// The default is far above any response of the API (a message, even with documents, or
    /// a page of a list stays within tens of MB); a body is held whole while it is decoded.
    pub fn max_json_body(mut self, bytes: usize) -> Self {
        self.max_json_body = Some(bytes);
        self
    }

    /// The largest server-sent event (and any line of one) or JSONL line read, in bytes
    /// (default 64 MiB). Passing it ends the stream with an [`Error::LimitExceeded`].
    ///
    /// An event or a batch result line holds at most one message or content block, well
    /// within the default.
    pub fn max_stream_item(mut self, bytes: usize) -> Self {
        self.max_stream_item = Some(bytes);
        self
    }

    /// How much of an error response's body is kept in [`ApiError::body`](crate::ApiError),
    /// in bytes (default 64 KiB). The error JSON is decoded when the body fits; of a longer
    /// body only the start is kept, the rest is not downloaded, the error's message says so,
    /// and the request is not retried. Also bounds what is read of a streaming response that
    /// is not a stream (see the streaming methods).
    pub fn max_error_body(mut self, bytes: usize) -> Self {
        self.max_error_body = Some(bytes);
        self
    }

    /// Adjusts the `reqwest` client the runtime builds: a proxy, TLS roots, pool settings,
    /// a local address…
    ///
    /// The builder passed to `configure` has the connect timeout already set; after it
    /// returns, the runtime sets its redirect policy (same origin only, see the type's docs),
    /// which `configure` cannot change. There is no way to pass a ready-made `reqwest::Client`:
    /// its redirect policy could be neither read nor changed, and `reqwest`'s default one
    /// follows redirects to other hosts with the `x-api-key` header (and, on 307 and 308, the
    /// request body).
    ///
    /// ```no_run
    /// let client = anthropic_openapi::Client::builder()
    ///     .api_key("sk-ant-…")
    ///     .configure_http(|http| http.no_proxy().pool_max_idle_per_host(4))
    ///     .build()?;
    /// # Ok::<(), anthropic_openapi::Error>(())
    /// ```
    pub fn configure_http<F>(mut self, configure: F) -> Self
    where
        F: Fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + Sync + 'static,
    {
        self.http_config = Some(Arc::new(configure));
        self
    }

    /// Checks the settings and builds the client. Fails with [`Error::Config`] when no key or
    /// token was given, or a setting is invalid (a base URL that is not http(s) or has no
    /// host, a header that cannot be sent, an environment variable read by
    /// [`from_env`](ClientBuilder::from_env) that is not UTF-8).
    pub fn build(self) -> Result<C> {
        self.build_core::<C>().map(C::from_core)
    }

    /// Builds a client whose requests go through `platform`, which adds their credentials:
    /// an API key or token set here is not sent. The cloud platforms' builders call this.
    #[doc(hidden)]
    pub fn build_for_platform(self, platform: Arc<dyn Platform>) -> Result<C> {
        self.build_core_for::<C>(Some(platform)).map(C::from_core)
    }

    fn build_core<K: ClientKind>(self) -> Result<ClientCore> {
        self.build_core_for::<K>(None)
    }

    fn build_core_for<K: ClientKind>(
        self,
        platform: Option<Arc<dyn Platform>>,
    ) -> Result<ClientCore> {
        for &var in &self.bad_env {
            let unset = match var {
                "ANTHROPIC_BASE_URL" => self.base_url.is_none(),
                "ANTHROPIC_AUTH_TOKEN" | "ANTHROPIC_OAUTH_TOKEN" => self.auth_token.is_none(),
                _ => self.api_key.is_none() && self.auth_token.is_none(),
            };
            if unset {
                return Err(Error::Config(format!(
                    "the environment variable {var} is not valid UTF-8; fix or unset it, or \
                     pass the setting to the builder"
                )));
            }
        }
        let non_empty = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
        // Through a platform, the platform authorizes each attempt: no key or token is sent.
        let (token, key) = match platform {
            Some(_) => (None, None),
            None => (non_empty(self.auth_token), non_empty(self.api_key)),
        };
        let token = token
            .map(|token| secret_value(&format!("Bearer {}", token.trim()), "the auth token"))
            .transpose()?;
        let key = key
            .map(|key| secret_value(&key, "the API key"))
            .transpose()?;
        if token.is_none() && key.is_none() && platform.is_none() {
            return Err(Error::Config(K::MISSING_KEY.to_string()));
        }
        let credentials = Credentials {
            key,
            token,
            key_hint: K::KEY_HINT,
            token_hint: K::TOKEN_HINT,
        };

        let base = self
            .base_url
            .unwrap_or_else(|| DEFAULT_BASE_URL.to_string());
        let base_str = base.trim().trim_end_matches('/').to_string();
        let shown = redact_url(&base_str);
        let base_url = Url::parse(&base_str)
            .map_err(|e| Error::Config(format!("invalid base URL {shown:?}: {e}")))?;
        if !matches!(base_url.scheme(), "http" | "https") || base_url.host().is_none() {
            return Err(Error::Config(format!(
                "base URL {shown:?} is not an http(s) URL"
            )));
        }
        if !has_authority(&base_str) {
            return Err(Error::Config(format!(
                "base URL {shown:?} has no host: it must start with http:// or https:// \
                 followed by the host"
            )));
        }
        if base_url.query().is_some() || base_url.fragment().is_some() {
            return Err(Error::Config(format!(
                "base URL {shown:?} must not have a query or fragment"
            )));
        }
        let base_path = base_url.path().trim_end_matches('/').to_string();

        let version = self
            .api_version
            .unwrap_or_else(|| DEFAULT_API_VERSION.to_string());
        let api_version = HeaderValue::from_str(&version)
            .map_err(|_| Error::Config(format!("invalid API version {}", quoted(&version))))?;

        let mut default_headers = HeaderMap::new();
        for (name, value) in &self.default_headers {
            let (n, v) = super::prepare::parse_header(name, value)?;
            default_headers.append(n, v);
        }

        let http = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT));
        let mut http = super::tls::configure(http, base_url.scheme() == "https")?;
        if let Some(configure) = &self.http_config {
            http = configure(http);
        }
        // Last, so that no configuration can change it.
        let http = http
            .redirect(same_origin_redirects())
            .build()
            .map_err(|e| Error::Config(format!("could not build the HTTP client: {e}")))?;
        let defaults = Limits::default();

        Ok(ClientCore {
            inner: Arc::new(Inner {
                http,
                base_str: shown,
                base_path,
                base_url,
                credentials,
                platform,
                api_version,
                betas: split_betas(self.betas.iter().map(String::as_str)),
                default_headers,
                timeout: self.timeout.unwrap_or(DEFAULT_TIMEOUT),
                timeout_is_explicit: self.timeout.is_some(),
                max_retries: self.max_retries.unwrap_or(DEFAULT_MAX_RETRIES),
                backoff: self.backoff.unwrap_or_default(),
                retry_after_send: self.retry_after_send.unwrap_or(true),
                deadline: self.deadline,
                limits: Limits {
                    json_body: self.max_json_body.unwrap_or(defaults.json_body),
                    stream_item: self.max_stream_item.unwrap_or(defaults.stream_item),
                    error_body: self.max_error_body.unwrap_or(defaults.error_body),
                },
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

/// Whether the text of a URL has a non-empty authority after its `scheme://`: the URL parser
/// reads `http:///path` or `http:/path` as the host `path`, which is not what was meant.
fn has_authority(url: &str) -> bool {
    let Some((_, rest)) = url.split_once("://") else {
        return false;
    };
    let end = rest.find(['/', '\\', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    !host.is_empty() && !host.starts_with(':')
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
pub(super) fn split_betas<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    split_beta_names(names)
        .into_iter()
        .map(str::to_string)
        .collect()
}

/// [`split_betas`], borrowing the names.
pub(super) fn split_beta_names<'a>(names: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for name in names.flat_map(|n| n.split(',')).map(str::trim) {
        if !name.is_empty() && !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

impl<C: ClientKind> ClientBuilder<C> {
    /// A builder filled from the environment as the client kind's `from_env` reads it: the
    /// key from [`ClientKind::KEY_VAR`] (`ANTHROPIC_API_KEY` for `Client`,
    /// `ANTHROPIC_ADMIN_KEY` for `AdminClient`), the bearer token from [`ClientKind::TOKEN_VAR`]
    /// (`ANTHROPIC_AUTH_TOKEN`, `ANTHROPIC_OAUTH_TOKEN`), and `ANTHROPIC_BASE_URL`; to adjust
    /// before [`build`](ClientBuilder::build):
    ///
    /// ```no_run
    /// # use std::time::Duration;
    /// let client = anthropic_openapi::ClientBuilder::from_env()
    ///     .timeout(Duration::from_secs(60))
    ///     .max_retries(5)
    ///     .build()?;
    /// # Ok::<(), anthropic_openapi::Error>(())
    /// ```
    ///
    /// Empty variables count as unset. A variable that is set but not valid UTF-8 makes
    /// [`build`](ClientBuilder::build) fail with an [`Error::Config`] naming it (never
    /// showing its value), unless the setting it would give is set on the builder.
    pub fn from_env() -> Self {
        Self::from_vars(|name| std::env::var_os(name))
    }

    /// A builder filled from environment variables, read through `var`; empty ones count as
    /// unset, and the names of those that are not UTF-8 are kept for `build` to report.
    fn from_vars(var: impl Fn(&str) -> Option<std::ffi::OsString>) -> Self {
        let mut b = Self::new();
        let mut read = |name: &'static str| match var(name)?.into_string() {
            Ok(v) if v.trim().is_empty() => None,
            Ok(v) => Some(v),
            Err(raw) if raw.is_empty() => None,
            Err(_) => {
                b.bad_env.push(name);
                None
            }
        };
        let key = read(C::KEY_VAR);
        let token = read(C::TOKEN_VAR);
        let url = read("ANTHROPIC_BASE_URL");
        if let Some(key) = key {
            b = b.api_key(key);
        }
        if let Some(token) = token {
            b = b.auth_token(token);
        }
        if let Some(url) = url {
            b = b.base_url(url);
        }
        b
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::Auth;

    /// A client kind as `anthropic-openapi`'s `Client` is.
    struct Regular(ClientCore);
    impl ClientKind for Regular {
        const KEY_VAR: &'static str = "ANTHROPIC_API_KEY";
        const TOKEN_VAR: &'static str = "ANTHROPIC_AUTH_TOKEN";
        const MISSING_KEY: &'static str = "no API key: set ANTHROPIC_API_KEY";
        const KEY_HINT: &'static str = "set ANTHROPIC_API_KEY";
        const TOKEN_HINT: &'static str = "set ANTHROPIC_AUTH_TOKEN";
        fn from_core(core: ClientCore) -> Self {
            Regular(core)
        }
    }

    /// A client kind as `anthropic-openapi`'s `AdminClient` is.
    #[derive(Debug)]
    struct Admin;
    impl ClientKind for Admin {
        const KEY_VAR: &'static str = "ANTHROPIC_ADMIN_KEY";
        const TOKEN_VAR: &'static str = "ANTHROPIC_OAUTH_TOKEN";
        const MISSING_KEY: &'static str = "no admin API key: set ANTHROPIC_ADMIN_KEY";
        const KEY_HINT: &'static str = "set ANTHROPIC_ADMIN_KEY";
        const TOKEN_HINT: &'static str = "set ANTHROPIC_OAUTH_TOKEN";
        fn from_core(_: ClientCore) -> Self {
            Admin
        }
    }

    fn vars(
        pairs: &'static [(&'static str, &'static str)],
    ) -> impl Fn(&str) -> Option<std::ffi::OsString> {
        move |name| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.into())
        }
    }

    #[test]
    fn env_api_key_and_base_url() {
        let Regular(core) = ClientBuilder::<Regular>::from_vars(vars(&[
            ("ANTHROPIC_API_KEY", "k1"),
            ("ANTHROPIC_BASE_URL", "http://127.0.0.1:9/"),
        ]))
        .build()
        .unwrap();
        assert_eq!(core.base_url(), "http://127.0.0.1:9");
        let (name, _) = core.inner.credentials.header(Auth::Any).unwrap();
        assert_eq!(name.as_str(), "x-api-key");
    }

    #[test]
    fn env_auth_token_wins() {
        let Regular(core) = ClientBuilder::<Regular>::from_vars(vars(&[
            ("ANTHROPIC_API_KEY", "k1"),
            ("ANTHROPIC_AUTH_TOKEN", "t1"),
        ]))
        .build()
        .unwrap();
        let (name, _) = core.inner.credentials.header(Auth::Any).unwrap();
        assert_eq!(name.as_str(), "authorization");
        assert_eq!(core.base_url(), DEFAULT_BASE_URL);
    }

    #[test]
    fn env_admin_reads_the_oauth_token_beside_the_key() {
        let core = ClientBuilder::<Admin>::from_vars(vars(&[
            ("ANTHROPIC_ADMIN_KEY", "sk-ant-admin01-k"),
            ("ANTHROPIC_OAUTH_TOKEN", "t1"),
        ]))
        .build_core::<Admin>()
        .unwrap();
        let creds = &core.inner.credentials;
        let (name, value) = creds.header(Auth::Bearer).unwrap();
        assert_eq!(
            (name.as_str(), value.to_str().unwrap()),
            ("authorization", "Bearer t1")
        );
        let (name, value) = creds.header(Auth::Key).unwrap();
        assert_eq!(
            (name.as_str(), value.to_str().unwrap()),
            ("x-api-key", "sk-ant-admin01-k")
        );

        let token_only =
            ClientBuilder::<Admin>::from_vars(vars(&[("ANTHROPIC_OAUTH_TOKEN", "t1")]))
                .build_core::<Admin>()
                .unwrap();
        let err = token_only.inner.credentials.header(Auth::Key).unwrap_err();
        assert!(err.to_string().contains("ANTHROPIC_ADMIN_KEY"), "{err}");
    }

    #[test]
    fn env_admin_ignores_regular_key() {
        let b = ClientBuilder::<Admin>::from_vars(vars(&[
            ("ANTHROPIC_API_KEY", "k1"),
            ("ANTHROPIC_AUTH_TOKEN", "t1"),
        ]));
        match b.build() {
            Err(Error::Config(m)) => assert!(m.contains("ANTHROPIC_ADMIN_KEY"), "{m}"),
            other => panic!("expected a config error, got {other:?}"),
        }
    }

    /// Variables given as raw bytes, as a Unix environment holds them.
    #[cfg(unix)]
    fn raw_vars(
        pairs: &'static [(&'static str, &'static [u8])],
    ) -> impl Fn(&str) -> Option<std::ffi::OsString> {
        use std::os::unix::ffi::OsStringExt;
        move |name| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| std::ffi::OsString::from_vec(v.to_vec()))
        }
    }

    #[cfg(unix)]
    #[test]
    fn env_not_utf8_is_a_config_error_naming_the_variable() {
        let b = ClientBuilder::<Regular>::from_vars(raw_vars(&[
            ("ANTHROPIC_API_KEY", b"k1"),
            ("ANTHROPIC_BASE_URL", b"http://h\xff\xfe.example"),
        ]));
        match b.clone().build() {
            Err(Error::Config(m)) => {
                assert!(
                    m.contains("ANTHROPIC_BASE_URL") && m.contains("UTF-8"),
                    "{m}"
                );
            }
            Err(other) => panic!("expected a config error, got {other:?}"),
            Ok(_) => panic!("expected a config error"),
        }
        // Set on the builder, the setting no longer comes from the variable.
        assert!(b.base_url("http://127.0.0.1:9").build().is_ok());

        let b = ClientBuilder::<Regular>::from_vars(raw_vars(&[("ANTHROPIC_API_KEY", b"k\xff")]));
        match b.build() {
            Err(Error::Config(m)) => {
                assert!(m.contains("ANTHROPIC_API_KEY") && !m.contains('k'), "{m}")
            }
            Err(other) => panic!("expected a config error, got {other:?}"),
            Ok(_) => panic!("expected a config error"),
        }
        // Empty stays unset: the usual missing-key error.
        let b = ClientBuilder::<Regular>::from_vars(raw_vars(&[("ANTHROPIC_API_KEY", b"")]));
        match b.build() {
            Err(Error::Config(m)) => assert!(m.starts_with("no API key"), "{m}"),
            Err(other) => panic!("expected a config error, got {other:?}"),
            Ok(_) => panic!("expected a config error"),
        }
    }

    #[test]
    fn env_base_url_errors_mask_the_password() {
        for url in [
            "http://user:s3cr3t@127.0.0.1:9/v1?q=1",
            "http://user:s3cr3t@/v1",
            "http:///v1",
            "gopher://user:s3cr3t@host",
        ] {
            let pairs: &'static [(&'static str, &'static str)] = Box::leak(Box::new([
                ("ANTHROPIC_API_KEY", "k1"),
                ("ANTHROPIC_BASE_URL", url),
            ]));
            match ClientBuilder::<Regular>::from_vars(vars(pairs)).build() {
                Err(Error::Config(m)) => assert!(!m.contains("s3cr3t"), "{url}: {m}"),
                Err(other) => panic!("{url}: expected a config error, got {other:?}"),
                Ok(_) => panic!("{url}: expected a config error"),
            }
        }
    }

    #[test]
    fn authority_is_required() {
        for url in [
            "http:///p",
            "http:/p",
            "http:p",
            "https://",
            "http://u:p@/x",
            "http://:1",
        ] {
            assert!(!has_authority(url), "{url}");
        }
        for url in [
            "http://h",
            "http://u:p@h:1/x",
            "https://[::1]:8/x",
            "http://h?x",
        ] {
            assert!(has_authority(url), "{url}");
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
