//! The client handles, [`Client`] and [`AdminClient`]: what a program holds, and what the
//! generated resource accessors (`client.messages()`, `admin.workspaces()`, …) are methods of.
//! Each is a cheap wrapper around the runtime's shared client core.

use std::fmt;

use crate::runtime::{ClientCore, ClientKind, RequestOptions, Result};

/// The builder of a [`Client`]; its settings are described on the runtime's generic
/// [`ClientBuilder`](crate::runtime::ClientBuilder).
pub type ClientBuilder = crate::runtime::ClientBuilder<Client>;

/// The builder of an [`AdminClient`]: the same settings as a [`ClientBuilder`], where the key is
/// an admin key and the bearer token (`auth_token`) an OAuth token with the `org:admin` scope.
pub type AdminClientBuilder = crate::runtime::ClientBuilder<AdminClient>;

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

/// A client for the Admin API (organization, workspaces, keys, usage), authenticated with an
/// admin key, an OAuth bearer token with the `org:admin` scope, or both.
///
/// Most operations accept either credential (the token is sent when the client has both).
/// The analytics reports accept only an admin key; service accounts and workload identity
/// federation only an OAuth token. Calling an operation whose credential the client lacks
/// fails before anything is sent, with an [`Error::Config`](crate::Error::Config) that says
/// which credential it needs.
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

impl ClientKind for AdminClient {
    const KEY_VAR: &'static str = "ANTHROPIC_ADMIN_KEY";
    const TOKEN_VAR: &'static str = "ANTHROPIC_OAUTH_TOKEN";
    const MISSING_KEY: &'static str = "no admin API key or OAuth token: pass a key to \
         AdminClient::new or AdminClientBuilder::api_key, or a token to \
         AdminClient::with_oauth_token or AdminClientBuilder::auth_token, or set \
         ANTHROPIC_ADMIN_KEY or ANTHROPIC_OAUTH_TOKEN";
    const KEY_HINT: &'static str =
        "pass an admin key to AdminClientBuilder::api_key or set ANTHROPIC_ADMIN_KEY";
    const TOKEN_HINT: &'static str = "pass an org:admin OAuth token to \
         AdminClientBuilder::auth_token or set ANTHROPIC_OAUTH_TOKEN";

    fn from_core(core: ClientCore) -> Self {
        AdminClient { core }
    }
}

impl AdminClient {
    /// A builder for a client with custom settings.
    pub fn builder() -> AdminClientBuilder {
        AdminClientBuilder::new()
    }

    /// A client with default settings and this admin key.
    pub fn new(admin_key: impl Into<String>) -> Result<Self> {
        AdminClient::builder().api_key(admin_key).build()
    }

    /// A client with default settings and this OAuth bearer token (`org:admin` scope).
    pub fn with_oauth_token(token: impl Into<String>) -> Result<Self> {
        AdminClient::builder().auth_token(token).build()
    }

    /// A client configured from the environment: `ANTHROPIC_ADMIN_KEY`, `ANTHROPIC_OAUTH_TOKEN`
    /// (either or both), and optionally `ANTHROPIC_BASE_URL`.
    pub fn from_env() -> Result<Self> {
        AdminClientBuilder::from_env().build()
    }

    /// The shared core the generated endpoint methods send their requests through.
    #[doc(hidden)]
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
