//! Which TLS implementation the HTTP client uses, from the crate's features.
//!
//! - `rustls` (on by default): rustls with the `ring` crypto provider, which builds much less
//!   C than the `aws-lc-rs` provider that `reqwest` picks on its own (no CMake, no Go; a C
//!   compiler for `ring`'s small C and assembly parts). Certificates are checked against the
//!   platform's trust store (`rustls-platform-verifier`, as `reqwest` does).
//! - `native-tls`: the platform's TLS library (OpenSSL on Linux, which needs its headers to
//!   build). When both features are on, `native-tls` is used: it is the one a program asks
//!   for on purpose.
//! - neither: plain `http://` only; a client with an `https://` base URL is refused when it is
//!   built, with an error that names the features.
//!
//! `reqwest` takes the process-wide rustls provider when one is installed. When none is,
//! building a client installs `ring`'s as the process default, so a program that installs a
//! provider of its own must do it before it builds its first client (rustls allows one
//! `install_default` per process).

use crate::Result;

/// The TLS setup of a `reqwest` builder, before the caller's `configure_http` runs (which can
/// still add root certificates or change the backend).
pub(super) fn configure(
    http: reqwest::ClientBuilder,
    scheme_is_https: bool,
) -> Result<reqwest::ClientBuilder> {
    #[cfg(feature = "native-tls")]
    {
        let _ = scheme_is_https;
        Ok(http.tls_backend_native())
    }
    #[cfg(all(feature = "rustls", not(feature = "native-tls")))]
    {
        let _ = scheme_is_https;
        install_rustls_provider();
        Ok(http.tls_backend_rustls())
    }
    #[cfg(not(any(feature = "rustls", feature = "native-tls")))]
    {
        if scheme_is_https {
            Err(crate::Error::Config(NO_TLS.to_string()))
        } else {
            Ok(http)
        }
    }
}

/// Installs `ring`'s rustls crypto provider as the process default, unless one is installed.
///
/// Building a client does this itself. A program that builds a `reqwest::Client` of its own
/// before its first client, in a build where no crate turns on one of `reqwest`'s own rustls
/// providers (through the re-exported `anthropic_openapi::reqwest`, say), calls it first:
/// `reqwest` panics when it finds no provider.
#[cfg(feature = "rustls")]
pub fn install_rustls_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Fails only when another thread installed one meanwhile, which is as good.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

/// Why an `https://` base URL cannot be used by a build without TLS.
#[cfg_attr(any(feature = "rustls", feature = "native-tls"), allow(dead_code))]
const NO_TLS: &str = "this build has no TLS, so it cannot reach an https:// base URL: enable the \
     `rustls` feature (the default) or `native-tls` of anthropic-openapi, or use an http:// base \
     URL";

#[cfg(test)]
mod tests {
    #[cfg(feature = "rustls")]
    #[test]
    fn a_bare_reqwest_client_builds_once_the_provider_is_installed() {
        super::install_rustls_provider();
        let _client = reqwest::Client::new();
        assert!(rustls::crypto::CryptoProvider::get_default().is_some());
    }

    #[test]
    fn the_error_names_both_features() {
        assert!(super::NO_TLS.contains("`rustls`") && super::NO_TLS.contains("`native-tls`"));
    }
}
