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

#[cfg(feature = "admin")]
use anthropic_openapi::AdminClient;
use anthropic_openapi::Client;

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
/// `ANTHROPIC_OAUTH_TOKEN` is set, otherwise the local stand-in (with both credentials). Needs
/// the `admin` feature.
#[cfg(feature = "admin")]
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

/// Writes `chart.png` and `report.pdf` into `dir` (created if missing), for the examples that
/// send an image and a PDF: the smallest valid files of each kind, a 1×1 PNG and a one-page PDF
/// that says "Sales rose 12% in Q3".
pub fn write_sample_media(dir: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("chart.png"), SAMPLE_PNG)?;
    std::fs::write(dir.join("report.pdf"), SAMPLE_PDF)
}

/// A 1×1 grey PNG.
const SAMPLE_PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x00, 0x00, 0x00, 0x3a, 0x7e, 0x9b,
    0x55, 0x00, 0x00, 0x00, 0x0a, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x68, 0x00, 0x00, 0x00,
    0x82, 0x00, 0x81, 0x77, 0xcd, 0x72, 0xb6, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
    0x42, 0x60, 0x82,
];

/// A one-page PDF with one line of text.
const SAMPLE_PDF: &[u8] = b"%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 300 100] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >> endobj
4 0 obj << /Length 50 >> stream
BT /F1 12 Tf 20 50 Td (Sales rose 12% in Q3) Tj ET
endstream endobj
5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj
trailer << /Root 1 0 R >>
%%EOF
";
