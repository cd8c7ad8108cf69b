//! [`ClientBuilder`]: a client's settings, read from the caller and the environment, checked
//! and turned into a [`ClientCore`]; [`ClientKind`] says which client handle it builds.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::core::{ClientCore, Inner};
use crate::error::{Error, Result};
use crate::options::RequestOptions;
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
    /// Whether [`ClientBuilder::from_env`] also reads `ANTHROPIC_AUTH_TOKEN` (a bearer token,
    /// which wins over the key).
    const READS_AUTH_TOKEN: bool;
    /// What the error says when no credential was given: where one can be given.
    const MISSING_KEY: &'static str;
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
    http_client: Option<reqwest::Client>,
    kind: PhantomData<fn() -> C>,
}

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
            http_client: self.http_client.clone(),
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
            http_client: None,
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

    /// Checks the settings and builds the client. Fails with [`Error::Config`] when no key or
    /// token was given, or a setting is invalid (a base URL that is not http(s), a header
    /// that cannot be sent).
    pub fn build(self) -> Result<C> {
        self.build_core(C::MISSING_KEY).map(C::from_core)
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
    /// `ANTHROPIC_ADMIN_KEY` for `AdminClient`), `ANTHROPIC_AUTH_TOKEN` where the kind reads
    /// it, and `ANTHROPIC_BASE_URL`; to adjust before [`build`](ClientBuilder::build):
    ///
    /// ```no_run
    /// # use std::time::Duration;
    /// let client = anthropic_openapi::ClientBuilder::from_env()
    ///     .timeout(Duration::from_secs(60))
    ///     .max_retries(5)
    ///     .build()?;
    /// # Ok::<(), anthropic_openapi::Error>(())
    /// ```
    pub fn from_env() -> Self {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// A builder filled from environment variables, read through `var`; empty ones count as
    /// unset.
    fn from_vars(var: impl Fn(&str) -> Option<String>) -> Self {
        let var = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        let mut b = Self::new();
        if let Some(key) = var(C::KEY_VAR) {
            b = b.api_key(key);
        }
        if C::READS_AUTH_TOKEN
            && let Some(token) = var("ANTHROPIC_AUTH_TOKEN")
        {
            b = b.auth_token(token);
        }
        if let Some(url) = var("ANTHROPIC_BASE_URL") {
            b = b.base_url(url);
        }
        b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A client kind as `anthropic-openapi`'s `Client` is.
    struct Regular(ClientCore);
    impl ClientKind for Regular {
        const KEY_VAR: &'static str = "ANTHROPIC_API_KEY";
        const READS_AUTH_TOKEN: bool = true;
        const MISSING_KEY: &'static str = "no API key: set ANTHROPIC_API_KEY";
        fn from_core(core: ClientCore) -> Self {
            Regular(core)
        }
    }

    /// A client kind as `anthropic-openapi`'s `AdminClient` is.
    #[derive(Debug)]
    struct Admin;
    impl ClientKind for Admin {
        const KEY_VAR: &'static str = "ANTHROPIC_ADMIN_KEY";
        const READS_AUTH_TOKEN: bool = false;
        const MISSING_KEY: &'static str = "no admin API key: set ANTHROPIC_ADMIN_KEY";
        fn from_core(_: ClientCore) -> Self {
            Admin
        }
    }

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
        let Regular(core) = ClientBuilder::<Regular>::from_vars(vars(&[
            ("ANTHROPIC_API_KEY", "k1"),
            ("ANTHROPIC_BASE_URL", "http://127.0.0.1:9/"),
        ]))
        .build()
        .unwrap();
        assert_eq!(core.base_url(), "http://127.0.0.1:9");
        assert_eq!(core.inner.auth.0.as_str(), "x-api-key");
    }

    #[test]
    fn env_auth_token_wins() {
        let Regular(core) = ClientBuilder::<Regular>::from_vars(vars(&[
            ("ANTHROPIC_API_KEY", "k1"),
            ("ANTHROPIC_AUTH_TOKEN", "t1"),
        ]))
        .build()
        .unwrap();
        assert_eq!(core.inner.auth.0.as_str(), "authorization");
        assert_eq!(core.base_url(), DEFAULT_BASE_URL);
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

    #[test]
    fn betas_are_split_and_deduplicated() {
        assert_eq!(
            split_betas(["a, b", "b", "", "c"].into_iter()),
            vec!["a", "b", "c"]
        );
    }
}
