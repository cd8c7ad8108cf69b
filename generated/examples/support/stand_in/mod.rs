//! A local stand-in for the Anthropic API, for running the examples without a key.
//!
//! It is a [`testkit::Server`] (the workspace's loopback test server) whose handler simulates
//! the endpoints the examples call, with responses shaped as the API documents them:
//!
//! | endpoints | simulated behaviour |
//! | --- | --- |
//! | `POST /v1/messages` | a scripted "model" ([`messages`]): canned answers to the examples' questions, tool calls when tools are offered, a summary of tool results, JSON of the schema when a structured output is asked for, a thinking block when thinking is on; JSON or server-sent events |
//! | `POST /v1/messages/count_tokens` | the same token estimate as a reply's usage ([`messages`]) |
//! | `/v1/models` | a fixed catalogue of five models, paged; an unknown model is a 404 ([`models`]) |
//! | `/v1/messages/batches` | batches that stay `in_progress` for a few polls while their counts advance, then end with a `results_url` serving JSON Lines ([`batches`]) |
//! | `/v1/files` | multipart upload, listing, metadata, download, delete, kept in memory ([`files`]) |
//! | `/v1/organizations/…` | three workspaces, and usage and cost reports computed from one deterministic usage table ([`admin`]) |
//! | `/v1/organizations/rate_limits`, `…/workspaces/{id}/rate_limits` | fixed rate-limit groups and one workspace override ([`rate_limits`]) |
//! | `/v1/organizations/service_accounts` | service accounts and workspace memberships, kept in memory; OAuth token only ([`service_accounts`]) |
//!
//! Like the API, it checks the credentials (the admin key or OAuth token of the Admin API, and
//! only the token on the service-account endpoints), the `anthropic-version` header (and the
//! Files beta header), answers errors with the API's error envelope, and sends a `request-id`
//! header and request rate-limit headers (a fixed 49 of 50 left).
//! Anything else is a `404 not_found_error`.

mod admin;
// The batch endpoints decode their requests with the crate's batch types (the `batches`
// feature); without them, the stand-in answers those paths as unknown.
#[cfg(feature = "batches")]
mod batches;
mod files;
mod messages;
mod models;
mod rate_limits;
mod service_accounts;
mod structured;
mod wire;

use std::sync::{Arc, Mutex, PoisonError};

use testkit::{Recorded, Reply, Server};

use wire::Ids;

/// The key the examples send to the stand-in.
pub const API_KEY: &str = "sk-ant-api03-local-stand-in";
/// The admin key the examples send to the stand-in.
pub const ADMIN_KEY: &str = "sk-ant-admin01-local-stand-in";
/// The `org:admin` OAuth token the examples send to the stand-in.
pub const OAUTH_TOKEN: &str = "sk-ant-oat01-local-stand-in";

/// The running stand-in; it stops when dropped.
pub struct StandIn {
    server: Server,
}

impl StandIn {
    /// Starts the stand-in on a free port of `127.0.0.1`. Must be called inside a Tokio
    /// runtime.
    pub async fn start() -> StandIn {
        let state = Arc::new(Mutex::new(State::new()));
        let server = Server::start(move |request| {
            let mut state = state.lock().unwrap_or_else(PoisonError::into_inner);
            state.handle(request)
        })
        .await;
        StandIn { server }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> &str {
        self.server.base_url()
    }
}

/// Everything the stand-in remembers between requests.
struct State {
    ids: Ids,
    #[cfg(feature = "batches")]
    batches: batches::Batches,
    files: files::Files,
    org: admin::Organization,
    service_accounts: service_accounts::ServiceAccounts,
}

impl State {
    fn new() -> State {
        let mut ids = Ids::new();
        let files = files::Files::new(&mut ids);
        State {
            ids,
            #[cfg(feature = "batches")]
            batches: batches::Batches::default(),
            files,
            org: admin::Organization::new(),
            service_accounts: service_accounts::ServiceAccounts::default(),
        }
    }

    fn handle(&mut self, request: &Recorded) -> Reply {
        let call = wire::Call::new(request, self.ids.next("req"));
        let reply = match call.check_headers() {
            Err(refused) => refused,
            Ok(()) => self.route(&call),
        };
        reply
            .request_id(call.request_id.clone())
            .header("anthropic-ratelimit-requests-limit", "50")
            .header("anthropic-ratelimit-requests-remaining", "49")
            .header("anthropic-ratelimit-requests-reset", "2026-01-01T00:00:01Z")
    }

    fn route(&mut self, call: &wire::Call<'_>) -> Reply {
        let path = call.request.path().trim_end_matches('/');
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        match (call.request.method.as_str(), segments.as_slice()) {
            ("POST", ["v1", "messages"]) => messages::create(call, &mut self.ids),
            ("POST", ["v1", "messages", "count_tokens"]) => messages::count_tokens(call),
            ("GET", ["v1", "models"]) => models::list(call),
            ("GET", ["v1", "models", id]) => models::retrieve(call, id),
            #[cfg(feature = "batches")]
            ("POST", ["v1", "messages", "batches"]) => self.batches.create(call, &mut self.ids),
            #[cfg(feature = "batches")]
            ("GET", ["v1", "messages", "batches", id]) => self.batches.retrieve(call, id),
            #[cfg(feature = "batches")]
            ("GET", ["v1", "messages", "batches", id, "results"]) => self.batches.results(call, id),
            ("POST", ["v1", "files"]) => self.files.upload(call, &mut self.ids),
            ("GET", ["v1", "files"]) => self.files.list(call),
            ("GET", ["v1", "files", id]) => self.files.metadata(call, id),
            ("GET", ["v1", "files", id, "content"]) => self.files.download(call, id),
            ("DELETE", ["v1", "files", id]) => self.files.delete(call, id),
            ("GET", ["v1", "organizations", "workspaces"]) => self.org.workspaces(call),
            ("GET", ["v1", "organizations", "usage_report", "messages"]) => {
                self.org.usage_report(call)
            }
            ("GET", ["v1", "organizations", "cost_report"]) => self.org.cost_report(call),
            ("GET", ["v1", "organizations", "rate_limits"]) => rate_limits::organization(call),
            ("GET", ["v1", "organizations", "workspaces", id, "rate_limits"]) => {
                rate_limits::workspace(call, id)
            }
            ("POST", ["v1", "organizations", "service_accounts"]) => {
                self.service_accounts.create(call, &mut self.ids)
            }
            ("GET", ["v1", "organizations", "service_accounts"]) => {
                self.service_accounts.list(call)
            }
            ("POST", ["v1", "organizations", "service_accounts", id, "workspaces"]) => {
                self.service_accounts.join(call, id)
            }
            ("GET", ["v1", "organizations", "service_accounts", id, "workspaces"]) => {
                self.service_accounts.workspaces(call, id)
            }
            (method, _) => call.error(
                404,
                "not_found_error",
                &format!(
                    "{method} {path} is not one of the endpoints this local stand-in simulates"
                ),
            ),
        }
    }
}
