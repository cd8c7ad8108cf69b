//! The client handle, [`Client`]: what a program holds, and what the generated resource
//! accessors (`client.messages()`, `client.models()`, …) are methods of. A cheap wrapper around
//! the runtime's shared client core. The Admin API's handle is in `admin_client.rs`.

use std::fmt;

use crate::runtime::{ClientCore, ClientKind, RequestOptions, Result};

/// The builder of a [`Client`]; its settings are described on the runtime's generic
/// [`ClientBuilder`](crate::runtime::ClientBuilder).
pub type ClientBuilder = crate::runtime::ClientBuilder<Client>;

/// A client for the regular Anthropic API, authenticated with an API key (or a bearer token).
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

impl ClientKind for Client {
    const KEY_VAR: &'static str = "ANTHROPIC_API_KEY";
    const TOKEN_VAR: &'static str = "ANTHROPIC_AUTH_TOKEN";
    const MISSING_KEY: &'static str = "no API key: pass one to Client::new or \
         ClientBuilder::api_key / auth_token, or set ANTHROPIC_API_KEY";
    const KEY_HINT: &'static str = "pass one to ClientBuilder::api_key or set ANTHROPIC_API_KEY";
    const TOKEN_HINT: &'static str =
        "pass one to ClientBuilder::auth_token or set ANTHROPIC_AUTH_TOKEN";

    fn from_core(core: ClientCore) -> Self {
        Client { core }
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

    /// The shared core the generated endpoint methods send their requests through.
    #[doc(hidden)]
    pub fn core(&self) -> &ClientCore {
        &self.core
    }

    /// A derived client whose requests use `options` over this client's settings; it shares
    /// the configuration and the connection pool, so it is cheap to make per request:
    ///
    /// ```no_run
    /// # use std::time::Duration;
    /// # use anthropic_openapi::RequestOptions;
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
