//! What the examples share: choosing between the real API and a local stand-in.
//!
//! This folder is not an example of its own: Cargo builds `examples/*.rs` and
//! `examples/*/main.rs` as examples, and there is no `main.rs` here. Each example includes it
//! as a module with `mod support;`.
//!
//! [`client`] and [`admin_client`] read the environment. With a key set, they return a client
//! for the real API (honouring `ANTHROPIC_BASE_URL`). Without one, they start the
//! [`stand_in`], a small simulation of the API on a free port of `127.0.0.1`, say so on
//! standard output, and return a client pointed at it.

// Every example compiles this whole module but uses only part of it.
#![allow(dead_code)]

pub mod stand_in;

use anthropic_openapi::{AdminClient, Client};

/// The model the examples ask for.
pub const MODEL: &str = "claude-sonnet-4-5";

/// Where an example's requests go. Keep it alive until the example is done: dropping it stops
/// the stand-in.
pub struct Backend {
    stand_in: Option<stand_in::StandIn>,
}

impl Backend {
    /// Whether requests go to the local stand-in rather than to the API.
    pub fn is_stand_in(&self) -> bool {
        self.stand_in.is_some()
    }
}

/// A client for the regular API: the real one when `ANTHROPIC_API_KEY` (or
/// `ANTHROPIC_AUTH_TOKEN`) is set, otherwise the local stand-in.
pub async fn client() -> anthropic_openapi::Result<(Client, Backend)> {
    if is_set("ANTHROPIC_API_KEY") || is_set("ANTHROPIC_AUTH_TOKEN") {
        let client = Client::from_env()?;
        println!("Using the Anthropic API at {}.", client.core().base_url());
        return Ok((client, Backend { stand_in: None }));
    }
    let stand_in = stand_in::StandIn::start().await;
    announce("ANTHROPIC_API_KEY", stand_in.base_url());
    let client = Client::builder()
        .api_key(stand_in::API_KEY)
        .base_url(stand_in.base_url())
        .configure_http(loopback_http)
        .build()?;
    Ok((
        client,
        Backend {
            stand_in: Some(stand_in),
        },
    ))
}

/// A client for the Admin API: the real one when `ANTHROPIC_ADMIN_KEY` or
/// `ANTHROPIC_OAUTH_TOKEN` is set, otherwise the local stand-in (with both credentials).
pub async fn admin_client() -> anthropic_openapi::Result<(AdminClient, Backend)> {
    if is_set("ANTHROPIC_ADMIN_KEY") || is_set("ANTHROPIC_OAUTH_TOKEN") {
        let admin = AdminClient::from_env()?;
        println!(
            "Using the Anthropic Admin API at {}.",
            admin.core().base_url()
        );
        return Ok((admin, Backend { stand_in: None }));
    }
    let stand_in = stand_in::StandIn::start().await;
    announce(
        "ANTHROPIC_ADMIN_KEY (or ANTHROPIC_OAUTH_TOKEN)",
        stand_in.base_url(),
    );
    let admin = AdminClient::builder()
        .api_key(stand_in::ADMIN_KEY)
        .auth_token(stand_in::OAUTH_TOKEN)
        .base_url(stand_in.base_url())
        .configure_http(loopback_http)
        .build()?;
    Ok((
        admin,
        Backend {
            stand_in: Some(stand_in),
        },
    ))
}

fn is_set(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|v| !v.is_empty())
}

fn announce(variable: &str, base_url: &str) {
    println!(
        "{variable} is not set: using a local stand-in for the API at {base_url}.\n\
         Its answers are simulated; set {variable} to talk to the real API.\n"
    );
}

/// The stand-in is on the loopback interface: a proxy configured in the environment for the
/// real API must not be asked to reach it.
fn loopback_http(http: reqwest::ClientBuilder) -> reqwest::ClientBuilder {
    http.no_proxy()
}
