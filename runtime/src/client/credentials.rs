//! [`Credentials`]: the key and the bearer token a client holds, and which of them an
//! operation's request carries ([`Auth`]).

use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};

use crate::error::{Error, Result};

const X_API_KEY: HeaderName = HeaderName::from_static("x-api-key");

/// The credentials an operation accepts, from its OpenAPI `security`.
///
/// Most operations accept whichever credential the client holds; some Admin API operations
/// accept only one kind: the analytics reports only an admin key, the service-account and
/// federation operations only an OAuth bearer token with the `org:admin` scope.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Auth {
    /// The client's bearer token when it has one, otherwise its key.
    #[default]
    Any,
    /// Only the key, sent in `x-api-key`.
    Key,
    /// Only the bearer token, sent as `Authorization: Bearer …`.
    Bearer,
}

/// The credentials of a client: a key, a bearer token, or both; and what to say when an
/// operation needs the one that is missing.
pub(super) struct Credentials {
    pub(super) key: Option<HeaderValue>,
    pub(super) token: Option<HeaderValue>,
    /// Where a key can be given (`ANTHROPIC_ADMIN_KEY`, the builder's `api_key`).
    pub(super) key_hint: &'static str,
    /// Where a bearer token can be given (`ANTHROPIC_OAUTH_TOKEN`, the builder's `auth_token`).
    pub(super) token_hint: &'static str,
}

impl Credentials {
    /// The header an operation accepting `auth` is sent with, or an [`Error::Config`] saying
    /// which credential the operation needs and where to give it.
    pub(super) fn header(&self, auth: Auth) -> Result<(HeaderName, &HeaderValue)> {
        match (auth, &self.token, &self.key) {
            (Auth::Any | Auth::Bearer, Some(token), _) => Ok((AUTHORIZATION, token)),
            (Auth::Any | Auth::Key, _, Some(key)) => Ok((X_API_KEY, key)),
            (Auth::Bearer, None, _) => Err(Error::Config(format!(
                "this operation accepts only an OAuth bearer token (for the Admin API, one \
                 with the org:admin scope), not a key, and the client has no token: {}",
                self.token_hint
            ))),
            (Auth::Key | Auth::Any, _, None) => Err(Error::Config(format!(
                "this operation accepts only a key sent in x-api-key (for the Admin API, an \
                 admin key), not a bearer token, and the client has no key: {}",
                self.key_hint
            ))),
        }
    }

    /// The names of the headers the client can send, for `Debug`.
    pub(super) fn kinds(&self) -> Vec<&'static str> {
        let mut kinds = Vec::new();
        if self.key.is_some() {
            kinds.push("x-api-key: ***");
        }
        if self.token.is_some() {
            kinds.push("authorization: ***");
        }
        kinds
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds(key: bool, token: bool) -> Credentials {
        Credentials {
            key: key.then(|| HeaderValue::from_static("k")),
            token: token.then(|| HeaderValue::from_static("Bearer t")),
            key_hint: "set KEY",
            token_hint: "set TOKEN",
        }
    }

    #[test]
    fn each_operation_gets_the_credential_it_accepts() {
        let both = creds(true, true);
        assert_eq!(both.header(Auth::Any).unwrap().0, AUTHORIZATION);
        assert_eq!(both.header(Auth::Bearer).unwrap().0, AUTHORIZATION);
        assert_eq!(both.header(Auth::Key).unwrap().0, X_API_KEY);
        let key = creds(true, false);
        assert_eq!(key.header(Auth::Any).unwrap().0, X_API_KEY);
        let err = key.header(Auth::Bearer).unwrap_err().to_string();
        assert!(
            err.contains("only an OAuth bearer token") && err.contains("set TOKEN"),
            "{err}"
        );
        let token = creds(false, true);
        let err = token.header(Auth::Key).unwrap_err().to_string();
        assert!(
            err.contains("only a key") && err.contains("set KEY"),
            "{err}"
        );
    }
}
