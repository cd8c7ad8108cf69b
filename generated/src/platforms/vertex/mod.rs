//! Claude on Google Vertex AI (feature `vertex`): [`VertexClient`].
//!
//! Messages go to `rawPredict` and `streamRawPredict` (server-sent events, as on the
//! first-party API) under `projects/{project}/locations/{region}/publishers/anthropic/models/`,
//! and token counting to `count-tokens:rawPredict`. Vertex AI serves neither the Batch,
//! Files, Models nor Admin APIs, so the client has none of them:
//!
//! ```compile_fail,E0599
//! # fn f(client: anthropic_openapi::vertex::VertexClient) {
//! let _ = client.messages().batches();
//! # }
//! ```
//!
//! ```compile_fail,E0599
//! # fn f(client: anthropic_openapi::vertex::VertexClient) {
//! let _ = client.models();
//! # }
//! ```
//!
//! ```compile_fail,E0599
//! # fn f(client: anthropic_openapi::vertex::VertexClient) {
//! let _ = client.files();
//! # }
//! ```
//!
//! # Credentials, project and region
//!
//! Each attempt carries `Authorization: Bearer <OAuth access token>` for the `cloud-platform`
//! scope. The token comes from, in this order: a fixed token given with
//! [`access_token`](VertexClientBuilder::access_token); a service-account key given with
//! [`service_account_key`](VertexClientBuilder::service_account_key); a
//! [`token_provider`](VertexClientBuilder::token_provider); else Google's application default
//! credentials through `gcp_auth` (the key file named by `GOOGLE_APPLICATION_CREDENTIALS`, the
//! gcloud user credentials file, the metadata server, the `gcloud` command). Tokens are
//! cached by `gcp_auth` and fetched again 20 seconds before they expire.
//!
//! The region is the one given with [`region`](VertexClientBuilder::region), else
//! `CLOUD_ML_REGION`; there is no default. The project is the one given, else
//! `ANTHROPIC_VERTEX_PROJECT_ID`, else the credentials' project. The base URL is the one
//! given, else `ANTHROPIC_VERTEX_BASE_URL`, else `https://aiplatform.googleapis.com/v1` for
//! the `global` region, `https://aiplatform.{us,eu}.rep.googleapis.com/v1` for the `us` and
//! `eu` multi-regions, and `https://{region}-aiplatform.googleapis.com/v1` otherwise.
//!
//! | file | what |
//! | --- | --- |
//! | `mod.rs` | [`VertexClient`], its builder, the platform hook and its tokens |
//! | `rewrite.rs` | the request as `rawPredict` takes it |

mod rewrite;

use std::fmt;
use std::sync::Arc;

pub use gcp_auth;
use gcp_auth::TokenProvider;
use reqwest::header::HeaderValue;

pub use self::rewrite::VERTEX_VERSION;
use crate::platforms::{CountsTokens, env_var, error_chain};
use crate::runtime::{Attempt, AuthorizeFuture, Error, Platform, Request, Result};

/// The OAuth scope of the tokens, as in the official SDKs.
pub const CLOUD_PLATFORM_SCOPE: &str = "https://www.googleapis.com/auth/cloud-platform";

/// The settings shared with the first-party client; see [`VertexClientBuilder::settings`].
pub type VertexSettings = crate::runtime::ClientBuilder<VertexClient>;

type Configure = Box<dyn FnOnce(VertexSettings) -> VertexSettings + Send>;

crate::platforms::platform_client! {
    /// A client for Claude on Google Vertex AI. Cheap to clone.
    ///
    /// ```no_run
    /// use anthropic_openapi::vertex::VertexClient;
    /// use anthropic_openapi::{MessageCreateParams, MessageParam};
    ///
    /// # async fn run() -> anthropic_openapi::Result<()> {
    /// let client = VertexClient::builder()
    ///     .region("global")
    ///     .project_id("my-project")
    ///     .build()
    ///     .await?;
    /// let params = MessageCreateParams::new(
    ///     "claude-sonnet-4-5@20250929",
    ///     vec![MessageParam::user("Hello from Vertex AI")],
    ///     512,
    /// );
    /// let message = client.messages().create(params).await?;
    /// # let _ = message;
    /// # Ok(()) }
    /// ```
    VertexClient {
        key_var: "GOOGLE_APPLICATION_CREDENTIALS",
        missing_key: "no Google credentials",
        messages: " The Messages methods Vertex AI serves: `create`, `create_stream`, `stream`, `count_tokens`.",
    }
}

impl CountsTokens for VertexClient {}

impl VertexClient {
    /// A builder; see the [module](self) docs for where credentials, project and region come
    /// from.
    pub fn builder() -> VertexClientBuilder {
        VertexClientBuilder::default()
    }

    /// A client with every setting from the environment.
    pub async fn from_env() -> Result<Self> {
        VertexClient::builder().build().await
    }
}

/// The settings of a [`VertexClient`].
#[derive(Default)]
pub struct VertexClientBuilder {
    region: Option<String>,
    project_id: Option<String>,
    access_token: Option<String>,
    service_account_key: Option<String>,
    provider: Option<Arc<dyn TokenProvider>>,
    base_url: Option<String>,
    configure: Option<Configure>,
}

impl fmt::Debug for VertexClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VertexClientBuilder")
            .field("region", &self.region)
            .field("project_id", &self.project_id)
            .field("access_token", &self.access_token.as_ref().map(|_| "***"))
            .field(
                "service_account_key",
                &self.service_account_key.as_ref().map(|_| "***"),
            )
            .field("token_provider", &self.provider.is_some())
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl VertexClientBuilder {
    /// The region (`us-east5`, `europe-west1`, `global`, `us`, `eu`…).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// The Google Cloud project.
    pub fn project_id(mut self, project: impl Into<String>) -> Self {
        self.project_id = Some(project.into());
        self
    }

    /// A fixed OAuth access token (not refreshed).
    pub fn access_token(mut self, token: impl Into<String>) -> Self {
        self.access_token = Some(token.into());
        self
    }

    /// A service-account key (the JSON file's text): tokens come from its `token_uri` with a
    /// signed JWT, as Google's libraries get them.
    pub fn service_account_key(mut self, json: impl Into<String>) -> Self {
        self.service_account_key = Some(json.into());
        self
    }

    /// A provider of tokens, such as one of `gcp_auth`'s.
    pub fn token_provider(mut self, provider: Arc<dyn TokenProvider>) -> Self {
        self.provider = Some(provider);
        self
    }

    /// The base URL (see the [module](self) docs for the default).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The settings shared with the first-party client: timeouts, retries, the deadline,
    /// default headers, betas, size limits, the HTTP client.
    pub fn settings<F>(mut self, configure: F) -> Self
    where
        F: FnOnce(VertexSettings) -> VertexSettings + Send + 'static,
    {
        self.configure = Some(Box::new(configure));
        self
    }

    /// Finds the region, the credentials and the project, and builds the client. The
    /// first token is fetched by the first request.
    pub async fn build(self) -> Result<VertexClient> {
        let region = self
            .region
            .filter(|r| !r.trim().is_empty())
            .or_else(|| env_var("CLOUD_ML_REGION"))
            .ok_or_else(|| {
                Error::Config(
                    "no Vertex AI region: pass one to VertexClientBuilder::region or set \
                     CLOUD_ML_REGION"
                        .into(),
                )
            })?;
        let google =
            |e: gcp_auth::Error| Error::Config(format!("Google credentials: {}", error_chain(&e)));
        let tokens = match (self.access_token, self.service_account_key, self.provider) {
            (Some(token), _, _) => Tokens::Fixed(bearer(&token)?),
            (None, Some(key), _) => Tokens::Provider(Arc::new(
                gcp_auth::CustomServiceAccount::from_json(&key).map_err(google)?,
            )),
            (None, None, Some(provider)) => Tokens::Provider(provider),
            (None, None, None) => Tokens::Provider(gcp_auth::provider().await.map_err(google)?),
        };
        let project = match self
            .project_id
            .filter(|p| !p.trim().is_empty())
            .or_else(|| env_var("ANTHROPIC_VERTEX_PROJECT_ID"))
        {
            Some(project) => project,
            None => match &tokens {
                Tokens::Provider(provider) => provider
                    .project_id()
                    .await
                    .map(|p| p.to_string())
                    .map_err(|e| {
                        Error::Config(format!(
                            "no Vertex AI project: pass one to VertexClientBuilder::project_id \
                             or set ANTHROPIC_VERTEX_PROJECT_ID (the credentials have none: {})",
                            error_chain(&e)
                        ))
                    })?,
                Tokens::Fixed(_) => {
                    return Err(Error::Config(
                        "no Vertex AI project: pass one to VertexClientBuilder::project_id or \
                         set ANTHROPIC_VERTEX_PROJECT_ID"
                            .into(),
                    ));
                }
            },
        };
        let base_url = self
            .base_url
            .or_else(|| env_var("ANTHROPIC_VERTEX_BASE_URL"))
            .unwrap_or_else(|| default_base_url(&region));
        let mut settings = VertexSettings::new().base_url(base_url);
        if let Some(configure) = self.configure {
            settings = configure(settings);
        }
        let location = rewrite::Location { project, region };
        settings.build_for_platform(Arc::new(Vertex { location, tokens }))
    }
}

/// The base URL of a region, as the official SDKs choose it.
pub fn default_base_url(region: &str) -> String {
    match region {
        "global" => "https://aiplatform.googleapis.com/v1".to_string(),
        "us" | "eu" => format!("https://aiplatform.{region}.rep.googleapis.com/v1"),
        _ => format!("https://{region}-aiplatform.googleapis.com/v1"),
    }
}

fn bearer(token: &str) -> Result<HeaderValue> {
    let mut value = HeaderValue::from_str(&format!("Bearer {}", token.trim())).map_err(|_| {
        Error::Config("the access token contains characters not allowed in a header".into())
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// Where the bearer tokens come from.
enum Tokens {
    Fixed(HeaderValue),
    Provider(Arc<dyn TokenProvider>),
}

/// The platform hook of Vertex AI.
struct Vertex {
    location: rewrite::Location,
    tokens: Tokens,
}

impl fmt::Debug for Vertex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Vertex")
            .field("project", &self.location.project)
            .field("region", &self.location.region)
            .field(
                "tokens",
                &match self.tokens {
                    Tokens::Fixed(_) => "fixed (***)",
                    Tokens::Provider(_) => "provider",
                },
            )
            .finish()
    }
}

impl Platform for Vertex {
    fn rewrite(&self, req: &mut Request, _betas: &[String]) -> Result<()> {
        rewrite::rewrite(req, &self.location)
    }

    fn authorize<'a>(&'a self, attempt: &'a mut Attempt<'_>) -> AuthorizeFuture<'a> {
        Box::pin(async move {
            let value = match &self.tokens {
                Tokens::Fixed(value) => value.clone(),
                Tokens::Provider(provider) => {
                    let token = provider.token(&[CLOUD_PLATFORM_SCOPE]).await.map_err(|e| {
                        Error::Config(format!(
                            "could not get a Google access token: {}",
                            error_chain(&e)
                        ))
                    })?;
                    bearer(token.as_str())?
                }
            };
            attempt
                .headers
                .insert(reqwest::header::AUTHORIZATION, value);
            Ok(())
        })
    }
}
