//! Claude in Microsoft Foundry (feature `foundry`): [`FoundryClient`].
//!
//! Foundry serves the Messages API as it is (server-sent events included) under
//! `https://{resource}.services.ai.azure.com/anthropic/`; only the credentials differ. It
//! serves neither the Batch nor the Models API (nor Files or Admin), so the client has none
//! of them:
//!
//! ```compile_fail,E0599
//! # fn f(client: anthropic_openapi::foundry::FoundryClient) {
//! let _ = client.messages().batches();
//! # }
//! ```
//!
//! ```compile_fail,E0599
//! # fn f(client: anthropic_openapi::foundry::FoundryClient) {
//! let _ = client.models();
//! # }
//! ```
//!
//! # Credentials and endpoint
//!
//! Either a Foundry API key ([`api_key`](FoundryClientBuilder::api_key), else
//! `ANTHROPIC_FOUNDRY_API_KEY`), sent as `x-api-key` and, for older deployments, `api-key`;
//! or a Microsoft Entra ID token from an [`EntraTokenProvider`] you implement (for the scope
//! [`FOUNDRY_SCOPE`]), asked on every attempt and sent as `Authorization: Bearer …`. The
//! endpoint is the resource's ([`resource`](FoundryClientBuilder::resource), else
//! `ANTHROPIC_FOUNDRY_RESOURCE`) or a base URL
//! ([`base_url`](FoundryClientBuilder::base_url), else `ANTHROPIC_FOUNDRY_BASE_URL`).

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use reqwest::header::{HeaderName, HeaderValue};

use crate::platforms::{CountsTokens, env_var};
use crate::runtime::{Attempt, AuthorizeFuture, Error, Platform, Request, Result};

/// The scope of the Entra ID tokens Foundry takes, as the official SDKs document it.
pub const FOUNDRY_SCOPE: &str = "https://ai.azure.com/.default";

/// The future of [`EntraTokenProvider::token`].
pub type TokenFuture<'a> = Pin<
    Box<
        dyn Future<Output = std::result::Result<String, Box<dyn StdError + Send + Sync>>>
            + Send
            + 'a,
    >,
>;

/// Gives Microsoft Entra ID access tokens (for [`FOUNDRY_SCOPE`]), such as those of the
/// `azure_identity` credentials. It is asked on every attempt, so it should cache its tokens
/// until they near expiry.
///
/// ```
/// use anthropic_openapi::foundry::{EntraTokenProvider, TokenFuture};
///
/// struct Fixed(String);
///
/// impl EntraTokenProvider for Fixed {
///     fn token(&self) -> TokenFuture<'_> {
///         Box::pin(async move { Ok(self.0.clone()) })
///     }
/// }
/// ```
pub trait EntraTokenProvider: Send + Sync + 'static {
    /// A valid access token.
    fn token(&self) -> TokenFuture<'_>;
}

/// The settings shared with the first-party client; see [`FoundryClientBuilder::settings`].
pub type FoundrySettings = crate::runtime::ClientBuilder<FoundryClient>;

type Configure = Box<dyn FnOnce(FoundrySettings) -> FoundrySettings + Send>;

crate::platforms::platform_client! {
    /// A client for Claude in Microsoft Foundry. Cheap to clone.
    ///
    /// ```no_run
    /// use anthropic_openapi::foundry::FoundryClient;
    /// use anthropic_openapi::{MessageCreateParams, MessageParam};
    ///
    /// # async fn run() -> anthropic_openapi::Result<()> {
    /// let client = FoundryClient::builder()
    ///     .resource("my-resource")
    ///     .api_key("…")
    ///     .build()?;
    /// let params =
    ///     MessageCreateParams::new("claude-sonnet-4-5", vec![MessageParam::user("Hello")], 512);
    /// let message = client.messages().create(params).await?;
    /// # let _ = message;
    /// # Ok(()) }
    /// ```
    FoundryClient {
        key_var: "ANTHROPIC_FOUNDRY_API_KEY",
        missing_key: "no Foundry credentials",
        messages: " The Messages methods Foundry serves: `create`, `create_stream`, `stream`, `count_tokens`.",
    }
}

impl CountsTokens for FoundryClient {}

impl FoundryClient {
    /// A builder; see the [module](self) docs.
    pub fn builder() -> FoundryClientBuilder {
        FoundryClientBuilder::default()
    }

    /// A client from `ANTHROPIC_FOUNDRY_API_KEY` and `ANTHROPIC_FOUNDRY_RESOURCE` (or
    /// `ANTHROPIC_FOUNDRY_BASE_URL`).
    pub fn from_env() -> Result<Self> {
        FoundryClient::builder().build()
    }
}

/// The settings of a [`FoundryClient`].
#[derive(Default)]
pub struct FoundryClientBuilder {
    resource: Option<String>,
    base_url: Option<String>,
    api_key: Option<String>,
    provider: Option<Arc<dyn EntraTokenProvider>>,
    configure: Option<Configure>,
}

impl fmt::Debug for FoundryClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FoundryClientBuilder")
            .field("resource", &self.resource)
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key.as_ref().map(|_| "***"))
            .field("token_provider", &self.provider.is_some())
            .finish_non_exhaustive()
    }
}

impl FoundryClientBuilder {
    /// The Foundry resource: requests go to `https://{resource}.services.ai.azure.com/anthropic`.
    pub fn resource(mut self, resource: impl Into<String>) -> Self {
        self.resource = Some(resource.into());
        self
    }

    /// The base URL, instead of a resource.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// A Foundry API key.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// A provider of Entra ID tokens, instead of an API key.
    pub fn token_provider(mut self, provider: impl EntraTokenProvider) -> Self {
        self.provider = Some(Arc::new(provider));
        self
    }

    /// The settings shared with the first-party client: timeouts, retries, the deadline,
    /// default headers, betas, size limits, the HTTP client.
    pub fn settings<F>(mut self, configure: F) -> Self
    where
        F: FnOnce(FoundrySettings) -> FoundrySettings + Send + 'static,
    {
        self.configure = Some(Box::new(configure));
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<FoundryClient> {
        let auth = match (self.provider, self.api_key) {
            (Some(_), Some(_)) => {
                return Err(Error::Config(
                    "give either a Foundry API key or a token provider, not both".into(),
                ));
            }
            (Some(provider), None) => Auth::Entra(provider),
            (None, Some(key)) => Auth::key(&key)?,
            (None, None) => match env_var("ANTHROPIC_FOUNDRY_API_KEY") {
                Some(key) => Auth::key(&key)?,
                None => {
                    return Err(Error::Config(
                        "no Foundry credentials: pass an API key or a token provider, or set \
                         ANTHROPIC_FOUNDRY_API_KEY"
                            .into(),
                    ));
                }
            },
        };
        let base_url = match (self.base_url, self.resource) {
            (Some(_), Some(_)) => {
                return Err(Error::Config(
                    "give either a Foundry resource or a base URL, not both".into(),
                ));
            }
            (Some(url), None) => url,
            (None, Some(resource)) => resource_url(&resource),
            (None, None) => match (
                env_var("ANTHROPIC_FOUNDRY_BASE_URL"),
                env_var("ANTHROPIC_FOUNDRY_RESOURCE"),
            ) {
                (Some(url), _) => url,
                (None, Some(resource)) => resource_url(&resource),
                (None, None) => {
                    return Err(Error::Config(
                        "no Foundry endpoint: pass a resource or a base URL, or set \
                         ANTHROPIC_FOUNDRY_RESOURCE or ANTHROPIC_FOUNDRY_BASE_URL"
                            .into(),
                    ));
                }
            },
        };
        let mut settings = FoundrySettings::new().base_url(base_url);
        if let Some(configure) = self.configure {
            settings = configure(settings);
        }
        settings.build_for_platform(Arc::new(Foundry { auth }))
    }
}

fn resource_url(resource: &str) -> String {
    format!(
        "https://{}.services.ai.azure.com/anthropic",
        resource.trim()
    )
}

fn secret(text: &str) -> Result<HeaderValue> {
    let mut value = HeaderValue::from_str(text.trim()).map_err(|_| {
        Error::Config("a Foundry credential contains characters not allowed in a header".into())
    })?;
    value.set_sensitive(true);
    Ok(value)
}

enum Auth {
    Key(HeaderValue),
    Entra(Arc<dyn EntraTokenProvider>),
}

impl Auth {
    fn key(key: &str) -> Result<Auth> {
        Ok(Auth::Key(secret(key)?))
    }
}

/// The platform hook of Foundry.
struct Foundry {
    auth: Auth,
}

impl fmt::Debug for Foundry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let auth = match self.auth {
            Auth::Key(_) => "api key (***)",
            Auth::Entra(_) => "Entra ID token provider",
        };
        f.debug_struct("Foundry").field("auth", &auth).finish()
    }
}

impl Platform for Foundry {
    fn rewrite(&self, req: &mut Request, _betas: &[String]) -> Result<()> {
        match (req.method().as_str(), req.path()) {
            ("POST", "/v1/messages" | "/v1/messages/count_tokens") => Ok(()),
            (method, path) => Err(Error::Config(format!(
                "{method} {path} is not served by Microsoft Foundry"
            ))),
        }
    }

    fn authorize<'a>(&'a self, attempt: &'a mut Attempt<'_>) -> AuthorizeFuture<'a> {
        Box::pin(async move {
            match &self.auth {
                Auth::Key(key) => {
                    attempt
                        .headers
                        .insert(HeaderName::from_static("x-api-key"), key.clone());
                    attempt
                        .headers
                        .insert(HeaderName::from_static("api-key"), key.clone());
                }
                Auth::Entra(provider) => {
                    let token = provider.token().await.map_err(|e| {
                        Error::Config(format!("could not get an Entra ID token: {e}"))
                    })?;
                    if token.trim().is_empty() {
                        return Err(Error::Config(
                            "the Entra ID token provider returned an empty token".into(),
                        ));
                    }
                    attempt.headers.insert(
                        reqwest::header::AUTHORIZATION,
                        secret(&format!("Bearer {token}"))?,
                    );
                }
            }
            Ok(())
        })
    }
}
