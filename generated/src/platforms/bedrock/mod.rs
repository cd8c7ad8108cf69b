//! Claude on Amazon Bedrock (feature `bedrock`): [`BedrockClient`].
//!
//! Messages go to Bedrock Runtime's InvokeModel (`POST /model/{model}/invoke`) and
//! InvokeModelWithResponseStream (`…/invoke-with-response-stream`, an AWS event stream decoded
//! into the same typed events). Bedrock serves neither token counting nor the Batch, Files,
//! Models or Admin APIs, so the client has none of them:
//!
//! ```compile_fail,E0599
//! # async fn f(client: anthropic_openapi::bedrock::BedrockClient) {
//! let _ = client.messages().batches();
//! # }
//! ```
//!
//! ```compile_fail,E0599
//! # async fn f(client: anthropic_openapi::bedrock::BedrockClient, p: anthropic_openapi::MessageCountTokensParams) {
//! let _ = client.messages().count_tokens(p).await;
//! # }
//! ```
//!
//! ```compile_fail,E0599
//! # async fn f(client: anthropic_openapi::bedrock::BedrockClient) {
//! let _ = client.models();
//! # }
//! ```
//!
//! ```compile_fail,E0599
//! # async fn f(client: anthropic_openapi::bedrock::BedrockClient) {
//! let _ = client.files();
//! # }
//! ```
//!
//! ```compile_fail,E0599
//! # async fn f(client: anthropic_openapi::bedrock::BedrockClient) {
//! let _ = client.workspaces(); // the Admin API
//! # }
//! ```
//!
//! # Credentials and region
//!
//! [`BedrockClientBuilder::build`] takes, in this order: a Bedrock API key given with
//! [`api_key`](BedrockClientBuilder::api_key); credentials given with
//! [`credentials`](BedrockClientBuilder::credentials),
//! [`credentials_provider`](BedrockClientBuilder::credentials_provider) or
//! [`profile`](BedrockClientBuilder::profile); the API key in `AWS_BEARER_TOKEN_BEDROCK`; else
//! the standard AWS credential chain of `aws-config` (environment variables, the shared
//! config and credentials files, web identity, the container endpoint, EC2 instance metadata).
//! A key is sent as `Authorization: Bearer …`; credentials sign each attempt with SigV4
//! (service `bedrock`), and are fetched again when they expire within five minutes.
//!
//! The region is the one given with [`region`](BedrockClientBuilder::region), else that of
//! `aws-config`'s region chain (`AWS_REGION`, `AWS_DEFAULT_REGION`, the profile, instance
//! metadata), else `us-east-1`, as the official SDKs fall back to. The base URL is the one
//! given, else `ANTHROPIC_BEDROCK_BASE_URL`, else `https://bedrock-runtime.{region}.amazonaws.com`.
//!
//! | file | what |
//! | --- | --- |
//! | `mod.rs` | [`BedrockClient`], its builder, and the platform hook |
//! | `rewrite.rs` | the request as InvokeModel takes it |
//! | `auth.rs` | bearer keys, SigV4 signing, cached credentials |
//! | `event_stream.rs` | AWS event-stream frames into server-sent events and typed errors |
//! | `mantle.rs` | [`BedrockMantleClient`]: the Messages API as it is, on Bedrock's `bedrock-mantle` endpoint |

mod auth;
mod event_stream;
mod mantle;
mod rewrite;

use std::fmt;
use std::sync::Arc;

pub use aws_credential_types::Credentials;
pub use aws_credential_types::provider::ProvideCredentials;
use aws_credential_types::provider::SharedCredentialsProvider;

pub use self::mantle::BedrockMantleClient;
pub use self::rewrite::BEDROCK_VERSION;
use crate::runtime::{Attempt, AuthorizeFuture, ByteStream, Error, Platform, Request, Result};

/// The region used when none is given or found, as in the official SDKs.
pub const DEFAULT_REGION: &str = "us-east-1";

/// The settings shared with the first-party client (timeouts, retries, headers, limits…),
/// applied to the runtime's builder; see [`BedrockClientBuilder::settings`].
pub type BedrockSettings = crate::runtime::ClientBuilder<BedrockClient>;

type Configure = Box<dyn FnOnce(BedrockSettings) -> BedrockSettings + Send>;

crate::platforms::platform_client! {
    /// A client for Claude on Amazon Bedrock. Cheap to clone.
    ///
    /// ```no_run
    /// use anthropic_openapi::bedrock::BedrockClient;
    /// use anthropic_openapi::{MessageCreateParams, MessageParam};
    ///
    /// # async fn run() -> anthropic_openapi::Result<()> {
    /// let client = BedrockClient::builder().region("us-west-2").build().await?;
    /// let params = MessageCreateParams::new(
    ///     "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
    ///     vec![MessageParam::user("Hello from Bedrock")],
    ///     512,
    /// );
    /// let message = client.messages().create(params).await?;
    /// # let _ = message;
    /// # Ok(()) }
    /// ```
    BedrockClient {
        key_var: "AWS_BEARER_TOKEN_BEDROCK",
        missing_key: "no Bedrock credentials",
        messages: " The Messages methods Bedrock serves: `create`, `create_stream`, `stream`.",
    }
}

impl BedrockClient {
    /// A builder; see the [module](self) docs for where credentials and region come from.
    pub fn builder() -> BedrockClientBuilder {
        BedrockClientBuilder::default()
    }

    /// A client with every setting from the environment, as [`BedrockClientBuilder::build`]
    /// finds them.
    pub async fn from_env() -> Result<Self> {
        BedrockClient::builder().build().await
    }
}

/// The settings of a [`BedrockClient`]; every one is optional.
#[derive(Default)]
pub struct BedrockClientBuilder {
    region: Option<String>,
    api_key: Option<String>,
    provider: Option<SharedCredentialsProvider>,
    profile: Option<String>,
    base_url: Option<String>,
    configure: Option<Configure>,
}

impl fmt::Debug for BedrockClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BedrockClientBuilder")
            .field("region", &self.region)
            .field("api_key", &self.api_key.as_ref().map(|_| "***"))
            .field("credentials_provider", &self.provider)
            .field("profile", &self.profile)
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl BedrockClientBuilder {
    /// The AWS region (`us-east-1`, …).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// A Bedrock API key, sent as `Authorization: Bearer …` instead of a SigV4 signature.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// Fixed AWS credentials (access key id, secret, optional session token).
    pub fn credentials(self, credentials: Credentials) -> Self {
        self.credentials_provider(credentials)
    }

    /// A provider of AWS credentials, asked again when its credentials near their expiry.
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.provider = Some(SharedCredentialsProvider::new(provider));
        self
    }

    /// The profile of the shared config and credentials files to take credentials (and the
    /// region) from, instead of the default one.
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// The base URL (default `https://bedrock-runtime.{region}.amazonaws.com`).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The settings shared with the first-party client: timeouts, retries, the deadline,
    /// default headers, betas, size limits, the HTTP client.
    ///
    /// ```no_run
    /// # async fn run() -> anthropic_openapi::Result<()> {
    /// let client = anthropic_openapi::bedrock::BedrockClient::builder()
    ///     .settings(|s| s.max_retries(4).timeout(std::time::Duration::from_secs(120)))
    ///     .build()
    ///     .await?;
    /// # let _ = client; Ok(()) }
    /// ```
    pub fn settings<F>(mut self, configure: F) -> Self
    where
        F: FnOnce(BedrockSettings) -> BedrockSettings + Send + 'static,
    {
        self.configure = Some(Box::new(configure));
        self
    }

    /// Resolves the region and credentials (see the [module](self) docs) and builds the
    /// client. No credentials are fetched here: the first request fetches them.
    pub async fn build(self) -> Result<BedrockClient> {
        let (region, auth, base_url, configure) = self
            .resolve(auth::BEDROCK_SERVICE, &[], Some(DEFAULT_REGION))
            .await?;
        let base_url = base_url
            .or_else(|| super::env_var("ANTHROPIC_BEDROCK_BASE_URL"))
            .unwrap_or_else(|| format!("https://bedrock-runtime.{region}.amazonaws.com"));
        let mut settings = BedrockSettings::new().base_url(base_url);
        if let Some(configure) = configure {
            settings = configure(settings);
        }
        settings.build_for_platform(Arc::new(Bedrock { region, auth }))
    }

    /// The region, the credentials (SigV4 for `service`, or a key from the builder or the
    /// first of `AWS_BEARER_TOKEN_BEDROCK` and `extra_key_vars` that is set), the base URL
    /// given and the shared settings. Without a region given or found, `default_region`, or
    /// an error.
    async fn resolve(
        self,
        service: &'static str,
        extra_key_vars: &[&str],
        default_region: Option<&str>,
    ) -> Result<(String, auth::Auth, Option<String>, Option<Configure>)> {
        let region = match self.region.filter(|r| !r.trim().is_empty()) {
            Some(region) => region,
            None => {
                let mut chain = aws_config::default_provider::region::DefaultRegionChain::builder();
                if let Some(profile) = &self.profile {
                    chain = chain.profile_name(profile);
                }
                match (chain.build().region().await, default_region) {
                    (Some(region), _) => region.to_string(),
                    (None, Some(default)) => {
                        tracing::warn!("no AWS region given or found; using {default}");
                        default.to_string()
                    }
                    (None, None) => {
                        return Err(Error::Config(
                            "no AWS region: pass one to the builder's region or set AWS_REGION"
                                .into(),
                        ));
                    }
                }
            }
        };
        let env_key = || {
            std::iter::once("AWS_BEARER_TOKEN_BEDROCK")
                .chain(extra_key_vars.iter().copied())
                .find_map(super::env_var)
        };
        let signer =
            |provider| auth::Auth::SigV4(auth::Signer::new(service, region.clone(), provider));
        let auth = match (self.api_key, self.provider, self.profile) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
                return Err(Error::Config(
                    "give either a Bedrock API key or AWS credentials, not both".into(),
                ));
            }
            (Some(key), None, None) => auth::Auth::bearer(&key)?,
            (None, Some(provider), _) => signer(provider),
            (None, None, profile) => match (profile, env_key()) {
                (None, Some(key)) => auth::Auth::bearer(&key)?,
                (profile, _) => {
                    let mut chain =
                        aws_config::default_provider::credentials::DefaultCredentialsChain::builder()
                            .region(aws_config::Region::new(region.clone()));
                    if let Some(profile) = &profile {
                        chain = chain.profile_name(profile);
                    }
                    signer(SharedCredentialsProvider::new(chain.build().await))
                }
            },
        };
        Ok((region, auth, self.base_url, self.configure))
    }
}

/// The platform hook of Bedrock.
struct Bedrock {
    region: String,
    auth: auth::Auth,
}

impl fmt::Debug for Bedrock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bedrock")
            .field("region", &self.region)
            .field("auth", &self.auth)
            .finish()
    }
}

impl Platform for Bedrock {
    fn rewrite(&self, req: &mut Request, betas: &[String]) -> Result<()> {
        rewrite::rewrite(req, betas)
    }

    fn betas_in_header(&self) -> bool {
        false
    }

    fn authorize<'a>(&'a self, attempt: &'a mut Attempt<'_>) -> AuthorizeFuture<'a> {
        Box::pin(self.auth.authorize(attempt))
    }

    fn stream_content_type(&self) -> Option<&'static str> {
        Some(event_stream::EVENT_STREAM)
    }

    fn decode_stream(&self, body: ByteStream, request_id: Option<String>) -> ByteStream {
        event_stream::decode(body, request_id)
    }
}
