//! [`BedrockMantleClient`]: Claude on Bedrock's `bedrock-mantle` endpoint, which speaks the
//! Messages API as it is (`POST /anthropic/v1/messages`, server-sent events), authorized with
//! SigV4 for the service `bedrock-mantle` or a Bedrock API key, as the official Python SDK's
//! `AnthropicBedrockMantle` does (see PLATFORMS.md).
//!
//! It has the Messages methods only (`create`, `create_stream`, `stream`):
//!
//! ```compile_fail,E0599
//! # async fn f(client: anthropic_openapi::bedrock::BedrockMantleClient) {
//! let _ = client.messages().batches();
//! # }
//! ```

use std::fmt;
use std::sync::Arc;

use super::{BedrockClientBuilder, BedrockSettings, auth};
use crate::platforms::PlatformMessages;
use crate::runtime::{
    Attempt, AuthorizeFuture, ClientCore, Error, Platform, Request, RequestOptions, Result,
};

/// A client for Claude on Bedrock's `bedrock-mantle` endpoint, built by
/// [`BedrockClientBuilder::build_mantle`]. Cheap to clone.
#[derive(Clone)]
pub struct BedrockMantleClient {
    core: ClientCore,
}

impl fmt::Debug for BedrockMantleClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("BedrockMantleClient")
            .field(&self.core)
            .finish()
    }
}

impl BedrockMantleClient {
    /// The Messages methods: `create`, `create_stream`, `stream`.
    pub fn messages(&self) -> PlatformMessages<'_, BedrockMantleClient> {
        PlatformMessages::new(&self.core)
    }

    /// A derived client whose requests use `options` over this client's settings.
    pub fn with_options(&self, options: RequestOptions) -> BedrockMantleClient {
        BedrockMantleClient {
            core: self.core.with_options(options),
        }
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        self.core.base_url()
    }
}

impl BedrockClientBuilder {
    /// Builds a client for the `bedrock-mantle` endpoint instead of InvokeModel: the same
    /// settings, credentials and order as [`build`](Self::build), plus the key variable
    /// `ANTHROPIC_AWS_API_KEY`; SigV4 is for the service `bedrock-mantle`. A region is
    /// required (there is no default). The base URL is the one given, else
    /// `ANTHROPIC_BEDROCK_MANTLE_BASE_URL`, else
    /// `https://bedrock-mantle.{region}.api.aws/anthropic`.
    pub async fn build_mantle(self) -> Result<BedrockMantleClient> {
        let (region, auth, base_url, configure) = self
            .resolve(auth::MANTLE_SERVICE, &["ANTHROPIC_AWS_API_KEY"], None)
            .await?;
        let base_url = base_url
            .or_else(|| crate::platforms::env_var("ANTHROPIC_BEDROCK_MANTLE_BASE_URL"))
            .unwrap_or_else(|| format!("https://bedrock-mantle.{region}.api.aws/anthropic"));
        let mut settings = BedrockSettings::new().base_url(base_url);
        if let Some(configure) = configure {
            settings = configure(settings);
        }
        let client: super::BedrockClient =
            settings.build_for_platform(Arc::new(Mantle { region, auth }))?;
        Ok(BedrockMantleClient { core: client.core })
    }
}

/// The platform hook of `bedrock-mantle`: the request as it is, only credentials added.
struct Mantle {
    region: String,
    auth: auth::Auth,
}

impl fmt::Debug for Mantle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BedrockMantle")
            .field("region", &self.region)
            .field("auth", &self.auth)
            .finish()
    }
}

impl Platform for Mantle {
    fn rewrite(&self, req: &mut Request, _betas: &[String]) -> Result<()> {
        match (req.method().as_str(), req.path()) {
            ("POST", "/v1/messages") => Ok(()),
            (method, path) => Err(Error::Config(format!(
                "{method} {path} is not served by the bedrock-mantle endpoint"
            ))),
        }
    }

    fn authorize<'a>(&'a self, attempt: &'a mut Attempt<'_>) -> AuthorizeFuture<'a> {
        Box::pin(self.auth.authorize(attempt))
    }
}
