//! The Admin API's client handle, [`AdminClient`] (the `admin` feature): what the generated
//! admin resource accessors (`admin.workspaces()`, `admin.users()`, …) are methods of. A cheap
//! wrapper around the runtime's shared client core, like [`Client`](crate::Client).

use std::fmt;

use crate::runtime::{ClientCore, ClientKind, RequestOptions, Result};

/// The builder of an [`AdminClient`]: the same settings as a
/// [`ClientBuilder`](crate::ClientBuilder), where the key is an admin key and the bearer token
/// (`auth_token`) an OAuth token with the `org:admin` scope.
pub type AdminClientBuilder = crate::runtime::ClientBuilder<AdminClient>;

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
    /// [`Client::with_options`](crate::Client::with_options)).
    pub fn with_options(&self, options: RequestOptions) -> AdminClient {
        AdminClient {
            core: self.core.with_options(options),
        }
    }
}
