//! How a Bedrock request is authorized: a Bedrock API key sent as a bearer token, or an AWS
//! SigV4 signature (service `bedrock`, or `bedrock-mantle`; the client's region) made with `aws-sigv4` from
//! credentials of a provider (by default the standard chain of `aws-config`), which are
//! cached and fetched again before they expire.

use std::fmt;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use futures::lock::Mutex;
use reqwest::header::{HeaderName, HeaderValue};

use crate::runtime::{Attempt, Error, Result};

/// The SigV4 signing name of Bedrock Runtime (InvokeModel).
pub(super) const BEDROCK_SERVICE: &str = "bedrock";

/// The SigV4 signing name of the `bedrock-mantle` endpoint (the Messages API as it is).
pub(super) const MANTLE_SERVICE: &str = "bedrock-mantle";

/// Credentials this close to their expiry are fetched again before a request is signed.
pub(super) const REFRESH_BEFORE: Duration = Duration::from_secs(5 * 60);

/// How requests are authorized.
pub(super) enum Auth {
    /// `Authorization: Bearer <Bedrock API key>`.
    Bearer(HeaderValue),
    /// A SigV4 signature.
    SigV4(Signer),
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Bearer(_) => f.write_str("Bearer(***)"),
            Auth::SigV4(signer) => f
                .debug_struct("SigV4")
                .field("service", &signer.service)
                .field("region", &signer.region)
                .field("credentials", &signer.provider)
                .finish(),
        }
    }
}

impl Auth {
    /// A bearer token, marked sensitive.
    pub(super) fn bearer(token: &str) -> Result<Auth> {
        let mut value =
            HeaderValue::from_str(&format!("Bearer {}", token.trim())).map_err(|_| {
                Error::Config(
                    "the Bedrock API key contains characters not allowed in a header".into(),
                )
            })?;
        value.set_sensitive(true);
        Ok(Auth::Bearer(value))
    }

    pub(super) async fn authorize(&self, attempt: &mut Attempt<'_>) -> Result<()> {
        match self {
            Auth::Bearer(value) => {
                attempt
                    .headers
                    .insert(reqwest::header::AUTHORIZATION, value.clone());
                Ok(())
            }
            Auth::SigV4(signer) => signer.sign(attempt).await,
        }
    }
}

/// Signs requests with the credentials of a provider, cached until shortly before expiry.
pub(super) struct Signer {
    pub(super) service: &'static str,
    pub(super) region: String,
    pub(super) provider: SharedCredentialsProvider,
    cached: Mutex<Option<Credentials>>,
}

impl Signer {
    pub(super) fn new(
        service: &'static str,
        region: String,
        provider: SharedCredentialsProvider,
    ) -> Signer {
        Signer {
            service,
            region,
            provider,
            cached: Mutex::new(None),
        }
    }

    /// The credentials to sign with: the cached ones unless they expire within
    /// [`REFRESH_BEFORE`], else new ones from the provider (one fetch at a time).
    async fn credentials(&self) -> Result<Credentials> {
        let mut cached = self.cached.lock().await;
        if let Some(credentials) = cached.as_ref()
            && is_fresh(credentials, SystemTime::now())
        {
            return Ok(credentials.clone());
        }
        let fresh = self.provider.provide_credentials().await.map_err(|e| {
            Error::Config(format!(
                "could not load AWS credentials: {}",
                crate::platforms::error_chain(&e)
            ))
        })?;
        *cached = Some(fresh.clone());
        Ok(fresh)
    }

    async fn sign(&self, attempt: &mut Attempt<'_>) -> Result<()> {
        let credentials = self.credentials().await?;
        let identity = credentials.into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name(self.service)
            .time(SystemTime::now())
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| Error::Config(format!("could not sign the request: {e}")))?
            .into();
        let headers: Vec<(&str, &str)> = attempt
            .headers
            .iter()
            .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)))
            .collect();
        let signable = SignableRequest::new(
            attempt.method.as_str(),
            attempt.url.as_str(),
            headers.into_iter(),
            SignableBody::Bytes(attempt.body),
        )
        .map_err(|e| Error::Config(format!("could not sign the request: {e}")))?;
        let (instructions, _signature) = sign(signable, &params)
            .map_err(|e| Error::Config(format!("could not sign the request: {e}")))?
            .into_parts();
        let (signed_headers, _) = instructions.into_parts();
        for header in signed_headers {
            let name = HeaderName::from_bytes(header.name().as_bytes())
                .map_err(|_| Error::Config("a signing header has an invalid name".into()))?;
            let mut value = HeaderValue::from_str(header.value())
                .map_err(|_| Error::Config("a signing header is not a valid header".into()))?;
            value.set_sensitive(header.sensitive() || name == reqwest::header::AUTHORIZATION);
            attempt.headers.insert(name, value);
        }
        Ok(())
    }
}

/// Whether credentials can sign at `now` without a refresh: they never expire, or expire
/// more than [`REFRESH_BEFORE`] later.
fn is_fresh(credentials: &Credentials, now: SystemTime) -> bool {
    credentials
        .expiry()
        .is_none_or(|expiry| expiry.duration_since(now).is_ok_and(|d| d > REFRESH_BEFORE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freshness() {
        let now = SystemTime::now();
        let at =
            |secs| Credentials::new("a", "b", None, Some(now + Duration::from_secs(secs)), "t");
        assert!(is_fresh(&Credentials::new("a", "b", None, None, "t"), now));
        assert!(is_fresh(&at(3600), now));
        assert!(!is_fresh(&at(60), now));
        assert!(!is_fresh(
            &Credentials::new("a", "b", None, Some(now - Duration::from_secs(1)), "t"),
            now
        ));
    }
}
