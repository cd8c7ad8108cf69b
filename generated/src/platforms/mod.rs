//! Claude on the cloud platforms: Amazon Bedrock, Google Vertex AI and Microsoft Foundry, each
//! behind its own Cargo feature (`bedrock`, `vertex`, `foundry`; all off by default).
//!
//! Each platform has its own client handle (`BedrockClient`, `VertexClient`,
//! `FoundryClient`) built on the same runtime core as [`Client`](crate::Client): retries,
//! timeouts, the deadline, typed errors, size limits, tracing and the masking of secrets in
//! `Debug` are the first-party client's. What differs goes through the runtime's `Platform`
//! hook, one implementation per platform: how a request is rewritten (path, body), how each
//! attempt is authorized (SigV4, an OAuth token, an API key) and how a streamed body is
//! decoded (AWS event streams into the API's server-sent events). Where each fact comes from
//! (the official SDKs' source) is recorded in `PLATFORMS.md` at the repository root.
//!
//! A platform client has only the methods its platform serves: [`PlatformMessages`] gives
//! `create`, `create_stream` and `stream` everywhere, and `count_tokens` where the platform
//! counts tokens (Vertex AI, Foundry). Batches, files, models and the Admin API are not
//! there, so calling them does not compile.
//!
//! | file | what |
//! | --- | --- |
//! | `client_handle.rs` | `platform_client!`: the parts every platform's client handle shares |
//! | `messages.rs` | [`PlatformMessages`]: the typed Messages methods over any platform |
//! | `bedrock/` | Amazon Bedrock: rewrite, SigV4 and credentials, event-stream decoding |
//! | `vertex/` | Google Vertex AI: rewrite, application default credentials |
//! | `foundry.rs` | Microsoft Foundry: an API key or an Entra ID token provider |

mod client_handle;
mod messages;

#[cfg(feature = "bedrock")]
pub mod bedrock;
#[cfg(feature = "foundry")]
pub mod foundry;
#[cfg(feature = "vertex")]
pub mod vertex;

pub(crate) use client_handle::platform_client;
pub use messages::{CountsTokens, PlatformMessages};

/// Reads an environment variable as the clients' `from_env` do: unset, empty or not UTF-8
/// all count as unset.
pub(crate) fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// An error and its sources, joined with `: ` (credential providers nest the cause).
#[cfg(any(feature = "bedrock", feature = "vertex"))]
pub(crate) fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let next = s.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = s.source();
    }
    text
}
