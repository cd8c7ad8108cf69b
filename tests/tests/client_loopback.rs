//! Every generated endpoint method against a loopback HTTP/1.1 server.
//!
//! The server records each request (method, target, headers, body) and answers with a scripted
//! response: whole JSON bodies, or chunked bodies for server-sent events, JSON Lines and
//! downloads. Each test checks what the client sent (method, percent-encoded path, query,
//! headers, JSON or multipart body) and what came back (the typed values).
//!
//! The paginated lists are served by small fakes of the API's paging rules (`cursor_list`,
//! `token_pages`), so the `*_stream` paginators are checked against real cursor chains.

use anthropic_openapi::UploadFile;
use anthropic_openapi::types::*;
use anthropic_openapi::{AdminClient, Client, Error, ErrorType};
use futures::{Stream, StreamExt, TryStreamExt};
use serde_json::{Value, json};
use testkit::{Recorded, Server};

const API_KEY: &str = "sk-test";
const ADMIN_KEY: &str = "sk-ant-admin01-test";
const VERSION: &str = "2023-06-01";
const FILES_BETA: &str = "files-api-2025-04-14";
/// An id with characters that must stay inside their path segment.
const ODD_ID: &str = "odd/id?x=1#frag %";
/// `ODD_ID` as one percent-encoded path segment.
const ODD_ID_ENCODED: &str = "odd%2Fid%3Fx%3D1%23frag%20%25";
const REQUEST_ID: &str = "req_011CSHoEeqs5C35K2UUqR7Fy";
const CREATED: &str = "2025-01-15T10:30:00Z";
const EXPIRES: &str = "2025-01-16T10:30:00Z";

// ---------------------------------------------------------------- loopback server

/// Clients of a test server.
trait Clients {
    /// A client with the regular key.
    fn client(&self) -> Client;
    /// An admin client with the admin key.
    fn admin(&self) -> AdminClient;
}

impl Clients for Server {
    fn client(&self) -> Client {
        Client::builder()
            .api_key(API_KEY)
            .base_url(self.base_url())
            .build()
            .unwrap()
    }

    fn admin(&self) -> AdminClient {
        AdminClient::builder()
            .api_key(ADMIN_KEY)
            .base_url(self.base_url())
            .build()
            .unwrap()
    }
}

/// Replies shaped as the API sends them: with a `request-id`.
mod reply {
    use super::REQUEST_ID;
    use serde_json::{Value, json};
    use testkit::Reply;

    /// 200 with a JSON body and a `request-id`.
    pub fn json(body: Value) -> Reply {
        Reply::json(body).request_id(REQUEST_ID)
    }

    /// An API error: `status` with the error envelope and a `request-id` header.
    pub fn error(status: u16, kind: &str, message: &str) -> Reply {
        json(json!({
            "type": "error",
            "error": {"type": kind, "message": message},
            "request_id": REQUEST_ID,
        }))
        .status(status)
    }

    /// A 200 sent as HTTP chunks of at most `chunk` bytes, cut anywhere (mid-line,
    /// mid-UTF-8).
    pub fn streamed(content_type: &str, body: &[u8], chunk: usize) -> Reply {
        Reply::new(200, body)
            .content_type(content_type)
            .request_id(REQUEST_ID)
            .split(chunk)
            .chunked()
    }
}

/// What every request is checked for.
trait Checks {
    /// Checks the method and the exact target (path and raw query).
    fn assert_target(&self, method: &str, target: &str) -> &Self;
    /// Checks the headers every request carries: the key, the API version, a user agent,
    /// and `anthropic-beta` exactly when `beta` is given.
    fn assert_headers(&self, key: &str, beta: Option<&str>, accept: &str) -> &Self;
    /// A regular-key JSON request.
    fn assert_api(&self) -> &Self;
    /// A Files API JSON request: regular key and the files beta.
    fn assert_files(&self) -> &Self;
    /// An Admin API request: the admin key, no beta.
    fn assert_admin(&self) -> &Self;
    /// A JSON body equal to `expected`, with its content type.
    fn assert_json_body(&self, expected: Value) -> &Self;
    /// No body and no content type.
    fn assert_no_body(&self) -> &Self;
}

impl Checks for Recorded {
    fn assert_target(&self, method: &str, target: &str) -> &Self {
        assert_eq!(
            (self.method.as_str(), self.target.as_str()),
            (method, target),
            "request line"
        );
        self
    }

    fn assert_headers(&self, key: &str, beta: Option<&str>, accept: &str) -> &Self {
        assert_eq!(self.header("x-api-key"), Some(key), "x-api-key");
        assert_eq!(self.header("authorization"), None);
        assert_eq!(self.header("anthropic-version"), Some(VERSION));
        assert_eq!(self.header("anthropic-beta"), beta, "anthropic-beta");
        assert_eq!(self.header("accept"), Some(accept), "accept");
        assert!(
            self.header("user-agent")
                .is_some_and(|ua| ua.starts_with("anthropic-openapi/")),
            "user-agent {:?}",
            self.header("user-agent")
        );
        self
    }

    fn assert_api(&self) -> &Self {
        self.assert_headers(API_KEY, None, "application/json")
    }

    fn assert_files(&self) -> &Self {
        self.assert_headers(API_KEY, Some(FILES_BETA), "application/json")
    }

    fn assert_admin(&self) -> &Self {
        self.assert_headers(ADMIN_KEY, None, "application/json")
    }

    fn assert_json_body(&self, expected: Value) -> &Self {
        assert_eq!(self.header("content-type"), Some("application/json"));
        assert_eq!(self.json(), expected, "request body");
        self
    }

    fn assert_no_body(&self) -> &Self {
        assert!(
            self.body.is_empty(),
            "unexpected body {:?}",
            String::from_utf8_lossy(&self.body)
        );
        assert_eq!(self.header("content-type"), None);
        self
    }
}

// ---------------------------------------------------------------- paging fakes

/// Answers a cursor-paginated list the way the API does: `limit` items right after
/// `after_id`, right before `before_id`, or from the start; `first_id` / `last_id` name the
/// page's ends (by `id_key`) and `has_more` says whether items remain in the paging direction.
fn cursor_list(items: &[Value], id_key: &str, seen: &Recorded) -> Value {
    let ids: Vec<&str> = items.iter().map(|v| v[id_key].as_str().unwrap()).collect();
    let pos = |id: &str| {
        ids.iter()
            .position(|i| *i == id)
            .expect("cursor names an item")
    };
    let limit: usize = seen.query("limit").map_or(20, |l| l.parse().unwrap());
    let (start, end, has_more) = match (seen.query("after_id"), seen.query("before_id")) {
        (Some(after), _) => {
            let start = pos(&after) + 1;
            let end = (start + limit).min(ids.len());
            (start, end, end < ids.len())
        }
        (None, Some(before)) => {
            let end = pos(&before);
            let start = end.saturating_sub(limit);
            (start, end, start > 0)
        }
        (None, None) => {
            let end = limit.min(ids.len());
            (0, end, end < ids.len())
        }
    };
    let page = &items[start..end];
    json!({
        "data": page,
        "first_id": page.first().map(|v| v[id_key].clone()),
        "last_id": page.last().map(|v| v[id_key].clone()),
        "has_more": has_more,
    })
}

/// Opaque `next_page` tokens, with characters that must be encoded in a query.
fn page_token(n: usize) -> String {
    format!("cGFnZV8{n}/+=")
}

/// Answers a page-token report: page `n` is served for the token `page_token(n)` (page 0 for
/// no token), with the token of the next page while there is one.
fn token_pages(pages: &[Vec<Value>], seen: &Recorded) -> Value {
    let n = match seen.query("page") {
        None => 0,
        Some(token) => (1..pages.len())
            .find(|n| page_token(*n) == token)
            .expect("a token the server handed out"),
    };
    let more = n + 1 < pages.len();
    json!({
        "data": pages[n],
        "has_more": more,
        "next_page": more.then(|| page_token(n + 1)),
    })
}

/// The keys of a paginator's items, failing on the first error.
async fn keys<T>(
    stream: impl Stream<Item = anthropic_openapi::Result<T>>,
    key: impl Fn(&T) -> String,
) -> Vec<String> {
    let items: Vec<T> = stream.try_collect().await.expect("paginator");
    items.iter().map(key).collect()
}

/// Serves `items` (5 of them) two per page and walks `list_stream` forward from the start,
/// then backward from `before_id` = the last item, checking the cursor chain on both walks.
///
/// `walk(server, before_id)` runs the paginator with `limit(2)` and returns the item ids.
async fn check_cursor_paging<F>(
    items: Vec<Value>,
    id_key: &'static str,
    path: &str,
    check: fn(&Recorded),
    walk: impl Fn(&Server, Option<String>) -> F,
) where
    F: Future<Output = Vec<String>>,
{
    assert_eq!(items.len(), 5);
    let ids: Vec<String> = items
        .iter()
        .map(|v| v[id_key].as_str().unwrap().to_string())
        .collect();
    let served = items.clone();
    let server = Server::start(move |seen| reply::json(cursor_list(&served, id_key, seen))).await;

    // Forward: three pages, each `after_id` the previous page's `last_id`.
    let got = walk(&server, None).await;
    assert_eq!(got, ids, "forward items in order");
    let seen = server.take();
    assert_eq!(seen.len(), 3, "forward pages: {seen:#?}");
    assert_eq!(seen[0].target, format!("{path}?limit=2"));
    for (i, s) in seen.iter().enumerate() {
        assert_eq!((s.method.as_str(), s.path()), ("GET", path));
        assert_eq!(
            s.query("limit").as_deref(),
            Some("2"),
            "limit kept on page {i}"
        );
        assert_eq!(s.query("before_id"), None);
        check(s);
        if i > 0 {
            let prev = seen[i - 1].answered_json();
            assert_eq!(
                s.query("after_id").as_deref(),
                prev["last_id"].as_str(),
                "after_id of page {} is the last_id of page {i}",
                i + 1
            );
        }
    }
    assert_eq!(seen[1].query("after_id").as_deref(), Some(ids[1].as_str()));
    assert_eq!(seen[2].answered_json()["has_more"], json!(false));

    // Backward from before the last item: pages [2, 3] then [0, 1].
    let got = walk(&server, Some(ids[4].clone())).await;
    assert_eq!(
        got,
        [&*ids[2], &*ids[3], &*ids[0], &*ids[1]],
        "backward pages, items in page order"
    );
    let seen = server.take();
    assert_eq!(seen.len(), 2, "backward pages: {seen:#?}");
    assert_eq!(seen[0].query("before_id").as_deref(), Some(ids[4].as_str()));
    for (i, s) in seen.iter().enumerate() {
        assert_eq!((s.method.as_str(), s.path()), ("GET", path));
        assert_eq!(s.query("limit").as_deref(), Some("2"));
        assert_eq!(
            s.query("after_id"),
            None,
            "a backward walk sends no after_id"
        );
        check(s);
        if i > 0 {
            let prev = seen[i - 1].answered_json();
            assert_eq!(
                s.query("before_id").as_deref(),
                prev["first_id"].as_str(),
                "before_id of page {} is the first_id of page {i}",
                i + 1
            );
        }
    }
    assert_eq!(seen[1].answered_json()["has_more"], json!(false));
}

/// Serves three report pages and checks `*_stream` follows `next_page` with the other
/// parameters unchanged; `walk` runs the paginator and returns a distinguishing key of each
/// item, which `item_key` reads from the served JSON.
async fn check_token_paging<F>(
    pages: Vec<Vec<Value>>,
    expected_first_target: &str,
    walk: impl FnOnce(&Server) -> F,
    item_key: impl Fn(&Value) -> String,
) where
    F: Future<Output = Vec<String>>,
{
    let expected: Vec<String> = pages.iter().flatten().map(&item_key).collect();
    let served = pages.clone();
    let server = Server::start(move |seen| reply::json(token_pages(&served, seen))).await;
    let got = walk(&server).await;
    assert_eq!(got, expected, "items of every page, in order");
    let seen = server.take();
    assert_eq!(seen.len(), pages.len());
    assert_eq!(seen[0].target, expected_first_target);
    for (i, s) in seen.iter().enumerate() {
        s.assert_admin().assert_no_body();
        if i == 0 {
            continue;
        }
        let prev = seen[i - 1].answered_json();
        assert_eq!(s.query("page").as_deref(), prev["next_page"].as_str());
        // Same query as the first request, plus the encoded token.
        let token = prev["next_page"].as_str().unwrap().replace('/', "%2F");
        let token = token.replace('+', "%2B").replace('=', "%3D");
        assert_eq!(
            s.target,
            format!("{expected_first_target}&page={token}"),
            "page {} keeps the other parameters",
            i + 1
        );
    }
}

// ---------------------------------------------------------------- realistic bodies

fn usage(input: i64, output: i64) -> Value {
    json!({
        "input_tokens": input,
        "output_tokens": output,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
        "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
        "inference_geo": "global",
        "output_tokens_details": null,
        "server_tool_use": null,
        "service_tier": "standard",
    })
}

fn message(id: &str, text: &str) -> Value {
    json!({
        "id": id,
        "type": "message",
        "role": "assistant",
        "content": [{"type": "text", "text": text, "citations": null}],
        "model": "claude-sonnet-4-5-20250929",
        "stop_reason": "end_turn",
        "stop_sequence": null,
        "stop_details": null,
        "usage": usage(12, 8),
        "container": null,
    })
}

fn batch(id: &str, status: &str) -> Value {
    let ended = status == "ended";
    json!({
        "id": id,
        "type": "message_batch",
        "processing_status": status,
        "request_counts": {
            "processing": if ended { 0 } else { 2 },
            "succeeded": if ended { 2 } else { 0 },
            "errored": 0,
            "canceled": 0,
            "expired": 0,
        },
        "ended_at": if ended { json!(EXPIRES) } else { Value::Null },
        "created_at": CREATED,
        "expires_at": EXPIRES,
        "archived_at": null,
        "cancel_initiated_at": null,
        "results_url": if ended {
            json!(format!("https://api.anthropic.com/v1/messages/batches/{id}/results"))
        } else {
            Value::Null
        },
    })
}

fn model_info(id: &str, name: &str) -> Value {
    json!({
        "type": "model",
        "id": id,
        "display_name": name,
        "created_at": "2025-09-29T00:00:00Z",
        "max_input_tokens": 200000,
        "max_tokens": 64000,
        "capabilities": null,
    })
}

fn file_meta(id: &str, filename: &str, mime: &str, size: usize) -> Value {
    json!({
        "type": "file",
        "id": id,
        "filename": filename,
        "mime_type": mime,
        "size_bytes": size,
        "created_at": CREATED,
        "downloadable": true,
    })
}

fn user(id: &str, email: &str, role: &str) -> Value {
    json!({
        "type": "user",
        "id": id,
        "email": email,
        "name": "Ada Lovelace",
        "role": role,
        "added_at": CREATED,
    })
}

fn invite(id: &str, email: &str) -> Value {
    json!({
        "type": "invite",
        "id": id,
        "email": email,
        "role": "developer",
        "status": "pending",
        "invited_at": CREATED,
        "expires_at": "2025-02-05T10:30:00Z",
        "accepted_at": null,
        "rbac_group_ids": [],
    })
}

fn workspace(id: &str, name: &str) -> Value {
    json!({
        "type": "workspace",
        "id": id,
        "name": name,
        "created_at": CREATED,
        "archived_at": null,
        "display_color": "#6C5BB9",
        "compartment_id": "compartment_01",
        "external_key_id": null,
        "data_residency": {
            "workspace_geo": "us",
            "default_inference_geo": "global",
            "allowed_inference_geos": "unrestricted",
        },
        "tags": {"team": "research"},
    })
}

fn member(workspace_id: &str, user_id: &str, role: &str) -> Value {
    json!({
        "type": "workspace_member",
        "workspace_id": workspace_id,
        "user_id": user_id,
        "workspace_role": role,
    })
}

fn api_key(id: &str, name: &str) -> Value {
    json!({
        "type": "api_key",
        "id": id,
        "name": name,
        "status": "active",
        "created_at": CREATED,
        "created_by": {"id": "user_01WCz1FkmYMm4gnmykNKUu3Q", "type": "user"},
        "expires_at": null,
        "partial_key_hint": "sk-ant-api03-R2D...igAA",
        "principal": {"id": "user_01WCz1FkmYMm4gnmykNKUu3Q", "type": "user"},
        "workspace_id": "wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ",
    })
}

/// One page of a cursor list holding `items`.
fn page(items: &[Value], id_key: &str, has_more: bool) -> Value {
    json!({
        "data": items,
        "first_id": items.first().map(|v| v[id_key].clone()),
        "last_id": items.last().map(|v| v[id_key].clone()),
        "has_more": has_more,
    })
}

fn usage_bucket(start: &str, end: &str, model: &str, workspace: &str) -> Value {
    json!({
        "starting_at": start,
        "ending_at": end,
        "results": [{
            "uncached_input_tokens": 1520,
            "cache_creation": {"ephemeral_1h_input_tokens": 0, "ephemeral_5m_input_tokens": 230},
            "cache_read_input_tokens": 4096,
            "output_tokens": 880,
            "server_tool_use": {"web_search_requests": 3},
            "api_key_id": null,
            "workspace_id": workspace,
            "model": model,
            "service_tier": null,
            "context_window": null,
            "inference_geo": null,
            "account_id": null,
            "service_account_id": null,
        }],
    })
}

fn claude_code_record(email: &str) -> Value {
    json!({
        "date": "2025-01-15T00:00:00Z",
        "actor": {"type": "user_actor", "email_address": email},
        "organization_id": "12345678-1234-5678-1234-567812345678",
        "customer_type": "api",
        "terminal_type": "vscode",
        "is_remote": false,
        "core_metrics": {
            "num_sessions": 4,
            "lines_of_code": {"added": 310, "removed": 42},
            "commits_by_claude_code": 3,
            "pull_requests_by_claude_code": 1,
        },
        "tool_actions": {
            "edit_tool": {"accepted": 25, "rejected": 2},
            "write_tool": {"accepted": 5, "rejected": 0},
        },
        "model_breakdown": [{
            "model": "claude-sonnet-4-5-20250929",
            "tokens": {"input": 10000, "output": 5000, "cache_read": 20000, "cache_creation": 1000},
            "estimated_cost": {"currency": "USD", "amount": 186},
        }],
        "subscription_type": null,
    })
}

fn cost_bucket(start: &str, end: &str, amount: &str) -> Value {
    json!({
        "starting_at": start,
        "ending_at": end,
        "results": [{
            "currency": "USD",
            "amount": amount,
            "workspace_id": "wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ",
            "description": "Claude Sonnet 4.5 Usage - Input Tokens",
            "cost_type": "tokens",
            "context_window": "0-200k",
            "model": "claude-sonnet-4-5-20250929",
            "service_tier": "standard",
            "token_type": "uncached_input_tokens",
            "inference_geo": "global",
        }],
    })
}

/// Server-sent events as the API writes them: `event:` line, `data:` line, blank line.
fn sse(events: &[Value]) -> Vec<u8> {
    let mut out = String::new();
    for ev in events {
        let kind = ev["type"].as_str().unwrap();
        out.push_str(&format!("event: {kind}\ndata: {ev}\n\n"));
    }
    out.into_bytes()
}

fn time(s: &str) -> chrono::DateTime<chrono::Utc> {
    s.parse().unwrap()
}

fn hello() -> Vec<MessageParam> {
    vec![MessageParam::user("Hello, Claude")]
}

fn text_of(message: &Message) -> String {
    message
        .content
        .iter()
        .map(|block| match block {
            ContentBlock::Text(t) => t.text.as_str(),
            other => panic!("unexpected block {other:?}"),
        })
        .collect()
}

fn api_error(err: Error) -> anthropic_openapi::ApiError {
    match err {
        Error::Api(e) => e,
        other => panic!("expected an API error, got {other:?}"),
    }
}

// ---------------------------------------------------------------- messages

#[tokio::test]
async fn messages_create_sends_no_stream_flag_and_decodes_the_message() {
    let server = Server::replying(reply::json(message(
        "msg_013Zva2CMHLNnXjNJJKqJ2EF",
        "Hi! How can I help?",
    )))
    .await;
    let params = MessageCreateParams::new("claude-sonnet-4-5", hello(), 1024)
        .system("Be brief.")
        .temperature(0.5)
        .stop_sequences(["\n\nHuman:"]);
    // `stream` is not a setter; a request decoded with `"stream": true` has it, and `create`
    // must not send it.
    let mut json = serde_json::to_value(&params).unwrap();
    json["stream"] = json!(true);
    let params: MessageCreateParams = serde_json::from_value(json).unwrap();
    assert_eq!(params.stream(), Some(true));
    let msg = server.client().messages().create(params).await.unwrap();

    server
        .take_one()
        .assert_target("POST", "/v1/messages")
        .assert_api()
        .assert_json_body(json!({
            "model": "claude-sonnet-4-5",
            "messages": [{"role": "user", "content": "Hello, Claude"}],
            "max_tokens": 1024,
            "system": "Be brief.",
            "temperature": 0.5,
            "stop_sequences": ["\n\nHuman:"],
        }));
    assert_eq!(msg.id, "msg_013Zva2CMHLNnXjNJJKqJ2EF");
    assert_eq!(text_of(&msg), "Hi! How can I help?");
    assert_eq!(msg.model, Model::ClaudeSonnet4_5_20250929);
    assert_eq!(msg.stop_reason, Some(StopReason::EndTurn));
    assert_eq!((msg.usage.input_tokens, msg.usage.output_tokens), (12, 8));
    assert!(msg.container.is_none());
}

/// `create` forces the stream flag off, also when it was put in `extra`.
#[tokio::test]
async fn messages_create_drops_a_stream_flag_given_in_extra() {
    let server = Server::replying(reply::json(message("msg_01", "ok"))).await;
    let mut params = MessageCreateParams::new("claude-sonnet-4-5", hello(), 16);
    params.extra.insert("stream".into(), json!(true));
    server.client().messages().create(params).await.unwrap();
    let body = server.take_one().json();
    assert_eq!(body.get("stream"), None, "create sent {body}");
}

fn message_stream_events() -> Vec<Value> {
    let mut start = message("msg_01XFDUDYJgAACzvnptvVoYEL", "");
    start["content"] = json!([]);
    start["stop_reason"] = Value::Null;
    start["usage"] = usage(25, 1);
    vec![
        json!({"type": "message_start", "message": start}),
        json!({"type": "content_block_start", "index": 0,
               "content_block": {"type": "text", "text": "", "citations": null}}),
        json!({"type": "ping"}),
        json!({"type": "content_block_delta", "index": 0,
               "delta": {"type": "text_delta", "text": "Hello"}}),
        json!({"type": "content_block_delta", "index": 0,
               "delta": {"type": "text_delta", "text": ", wörld ✓"}}),
        json!({"type": "content_block_stop", "index": 0}),
        json!({"type": "message_delta",
               "delta": {"stop_reason": "end_turn", "stop_sequence": null,
                         "stop_details": null, "container": null},
               "usage": {"input_tokens": 25, "output_tokens": 15,
                         "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0,
                         "output_tokens_details": null, "server_tool_use": null}}),
        json!({"type": "message_stop"}),
    ]
}

#[tokio::test]
async fn messages_create_stream_sends_stream_true_and_yields_typed_events_in_order() {
    let body = sse(&message_stream_events());
    let server = Server::replying(reply::streamed("text/event-stream", &body, 7)).await;
    let params = MessageCreateParams::new("claude-sonnet-4-5", hello(), 256);
    let stream = server
        .client()
        .messages()
        .create_stream(params)
        .await
        .unwrap();
    assert_eq!(stream.request_id(), Some(REQUEST_ID));
    let events: Vec<MessageStreamEvent> = stream.try_collect().await.unwrap();

    server
        .take_one()
        .assert_target("POST", "/v1/messages")
        .assert_headers(API_KEY, None, "text/event-stream")
        .assert_json_body(json!({
            "model": "claude-sonnet-4-5",
            "messages": [{"role": "user", "content": "Hello, Claude"}],
            "max_tokens": 256,
            "stream": true,
        }));

    let tags: Vec<&str> = events.iter().map(MessageStreamEvent::tag).collect();
    assert_eq!(
        tags,
        [
            "message_start",
            "content_block_start",
            "content_block_delta",
            "content_block_delta",
            "content_block_stop",
            "message_delta",
            "message_stop",
        ],
        "typed events in order (pings are skipped)"
    );
    let MessageStreamEvent::MessageStart(start) = &events[0] else {
        unreachable!()
    };
    assert_eq!(start.message.id, "msg_01XFDUDYJgAACzvnptvVoYEL");
    assert_eq!(start.message.usage.input_tokens, 25);
    let text: String = events
        .iter()
        .filter_map(|ev| match ev {
            MessageStreamEvent::ContentBlockDelta(d) => match &d.delta {
                ContentBlockDelta::TextDelta(t) => {
                    assert_eq!(d.index, 0);
                    Some(t.text.as_str())
                }
                other => panic!("unexpected delta {other:?}"),
            },
            _ => None,
        })
        .collect();
    assert_eq!(text, "Hello, wörld ✓");
    let MessageStreamEvent::MessageDelta(delta) = &events[5] else {
        unreachable!()
    };
    assert_eq!(delta.delta.stop_reason, Some(StopReason::EndTurn));
    assert_eq!(delta.usage.output_tokens, 15);
}

#[tokio::test]
async fn messages_count_tokens() {
    let server = Server::replying(reply::json(json!({"input_tokens": 2095}))).await;
    let params =
        MessageCountTokensParams::new("claude-opus-4-1", hello()).system("You are a pirate.");
    let count = server
        .client()
        .messages()
        .count_tokens(params)
        .await
        .unwrap();
    server
        .take_one()
        .assert_target("POST", "/v1/messages/count_tokens")
        .assert_api()
        .assert_json_body(json!({
            "model": "claude-opus-4-1",
            "messages": [{"role": "user", "content": "Hello, Claude"}],
            "system": "You are a pirate.",
        }));
    assert_eq!(count.input_tokens, 2095);
}

// ---------------------------------------------------------------- message batches

#[tokio::test]
async fn batches_create_retrieve_cancel_delete() {
    let id = "msgbatch_01HkcTjaV5uDC8jWR4ZsDV8d";
    let server = Server::start(move |seen| match (seen.method.as_str(), seen.path()) {
        ("POST", "/v1/messages/batches") => reply::json(batch(id, "in_progress")),
        ("GET", _) => reply::json(batch(ODD_ID, "ended")),
        ("POST", _) => reply::json(batch(id, "canceling")),
        ("DELETE", _) => reply::json(json!({"id": id, "type": "message_batch_deleted"})),
        other => panic!("unexpected {other:?}"),
    })
    .await;
    let client = server.client();
    let batches = client.messages().batches();

    let created = batches
        .create(MessageBatchCreateParams::new(vec![
            MessageBatchRequest::new(
                "req-1",
                MessageCreateParams::new("claude-haiku-4-5", hello(), 64),
            ),
            MessageBatchRequest::new(
                "req-2",
                MessageCreateParams::new("claude-haiku-4-5", vec![MessageParam::user("Bye")], 64),
            ),
        ]))
        .await
        .unwrap();
    server
        .take_one()
        .assert_target("POST", "/v1/messages/batches")
        .assert_api()
        .assert_json_body(json!({"requests": [
            {"custom_id": "req-1", "params": {"model": "claude-haiku-4-5", "max_tokens": 64,
                "messages": [{"role": "user", "content": "Hello, Claude"}]}},
            {"custom_id": "req-2", "params": {"model": "claude-haiku-4-5", "max_tokens": 64,
                "messages": [{"role": "user", "content": "Bye"}]}},
        ]}));
    assert_eq!(created.id, id);
    assert_eq!(
        created.processing_status,
        MessageBatchProcessingStatus::InProgress
    );
    assert_eq!(created.request_counts.processing, 2);
    assert_eq!(created.created_at, time(CREATED));
    assert_eq!(created.results_url, None);

    let got = batches.retrieve(ODD_ID).await.unwrap();
    server
        .take_one()
        .assert_target("GET", &format!("/v1/messages/batches/{ODD_ID_ENCODED}"))
        .assert_api()
        .assert_no_body();
    assert_eq!(got.id, ODD_ID);
    assert_eq!(got.processing_status, MessageBatchProcessingStatus::Ended);
    assert_eq!(got.ended_at, Some(time(EXPIRES)));
    assert_eq!(got.request_counts.succeeded, 2);
    assert!(got.results_url.unwrap().ends_with("/results"));

    let canceled = batches.cancel(id).await.unwrap();
    server
        .take_one()
        .assert_target("POST", &format!("/v1/messages/batches/{id}/cancel"))
        .assert_api()
        .assert_no_body();
    assert_eq!(
        canceled.processing_status,
        MessageBatchProcessingStatus::Canceling
    );

    let deleted = batches.delete(id).await.unwrap();
    server
        .take_one()
        .assert_target("DELETE", &format!("/v1/messages/batches/{id}"))
        .assert_api()
        .assert_no_body();
    assert_eq!(deleted.id, id);
}

fn batch_ids() -> Vec<Value> {
    (1..=5)
        .map(|n| batch(&format!("msgbatch_0{n}"), "ended"))
        .collect()
}

#[tokio::test]
async fn batches_list_one_page() {
    let items = batch_ids();
    let server = Server::replying(reply::json(page(&items[..2], "id", true))).await;
    let list = server
        .client()
        .messages()
        .batches()
        .list(
            MessagesBatchesListParams::new()
                .after_id("msgbatch_00")
                .limit(2),
        )
        .await
        .unwrap();
    server
        .take_one()
        .assert_target("GET", "/v1/messages/batches?after_id=msgbatch_00&limit=2")
        .assert_api()
        .assert_no_body();
    assert_eq!(list.data.len(), 2);
    assert!(list.has_more);
    assert_eq!(list.first_id.as_deref(), Some("msgbatch_01"));
    assert_eq!(list.last_id.as_deref(), Some("msgbatch_02"));
}

#[tokio::test]
async fn batches_list_stream_pages_forward_and_backward() {
    check_cursor_paging(
        batch_ids(),
        "id",
        "/v1/messages/batches",
        |s| {
            s.assert_api();
        },
        |server, before| {
            let client = server.client();
            let mut p = MessagesBatchesListParams::new().limit(2);
            if let Some(b) = before {
                p = p.before_id(b);
            }
            async move {
                keys(
                    client.messages().batches().list_stream(p),
                    |b: &MessageBatch| b.id.clone(),
                )
                .await
            }
        },
    )
    .await;
}

#[tokio::test]
async fn batches_results_yields_each_result_variant() {
    let lines = [
        json!({"custom_id": "req-ok", "result": {"type": "succeeded",
            "message": message("msg_014VwiXbi91y3JMjcpyGBHX5", "Paris.")}}),
        json!({"custom_id": "req-bad", "result": {"type": "errored", "error": {
            "type": "error",
            "error": {"type": "invalid_request_error", "message": "max_tokens: Field required"},
            "request_id": null}}}),
        json!({"custom_id": "req-canceled", "result": {"type": "canceled"}}),
        json!({"custom_id": "req-expired", "result": {"type": "expired"}}),
    ];
    let body: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let server =
        Server::replying(reply::streamed("application/x-jsonl", body.as_bytes(), 50)).await;
    let results: Vec<MessageBatchIndividualResponse> = server
        .client()
        .messages()
        .batches()
        .results(ODD_ID)
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();

    server
        .take_one()
        .assert_target(
            "GET",
            &format!("/v1/messages/batches/{ODD_ID_ENCODED}/results"),
        )
        .assert_headers(API_KEY, None, "application/x-jsonl")
        .assert_no_body();
    let ids: Vec<&str> = results.iter().map(|r| r.custom_id.as_str()).collect();
    assert_eq!(ids, ["req-ok", "req-bad", "req-canceled", "req-expired"]);
    match &results[0].result {
        MessageBatchResult::Succeeded(ok) => {
            assert_eq!(ok.message.id, "msg_014VwiXbi91y3JMjcpyGBHX5");
            assert_eq!(text_of(&ok.message), "Paris.");
        }
        other => panic!("expected succeeded, got {other:?}"),
    }
    match &results[1].result {
        MessageBatchResult::Errored(e) => match &e.error.error {
            ErrorObject::InvalidRequestError(inner) => {
                assert_eq!(inner.message, "max_tokens: Field required")
            }
            other => panic!("expected invalid_request_error, got {other:?}"),
        },
        other => panic!("expected errored, got {other:?}"),
    }
    assert!(matches!(results[2].result, MessageBatchResult::Canceled(_)));
    assert!(matches!(results[3].result, MessageBatchResult::Expired(_)));
}

// ---------------------------------------------------------------- completions

#[tokio::test]
async fn completions_create_and_create_stream() {
    let server = Server::start(|seen| {
        if seen.json().get("stream") == Some(&json!(true)) {
            let events = [
                json!({"type": "completion", "id": "compl_01", "completion": " Hello",
                       "stop_reason": null, "model": "claude-2.1"}),
                json!({"type": "ping"}),
                json!({"type": "completion", "id": "compl_01", "completion": " there!",
                       "stop_reason": "stop_sequence", "model": "claude-2.1"}),
            ];
            reply::streamed("text/event-stream", &sse(&events), 16)
        } else {
            reply::json(
                json!({"type": "completion", "id": "compl_018CKm6gsux7P8yMcwZbeCPw",
                "completion": " Hello! My name is Claude.", "stop_reason": "stop_sequence",
                "model": "claude-2.1"}),
            )
        }
    })
    .await;
    let client = server.client();
    let params = || {
        CompletionCreateParams::new(CompletionCreateParamsRequired {
            model: "claude-2.1".into(),
            prompt: "\n\nHuman: Hello\n\nAssistant:".into(),
            max_tokens_to_sample: 256,
        })
        .stop_sequences(["\n\nHuman:"])
    };
    let expected_body = json!({
        "model": "claude-2.1",
        "prompt": "\n\nHuman: Hello\n\nAssistant:",
        "max_tokens_to_sample": 256,
        "stop_sequences": ["\n\nHuman:"],
    });

    let done = client.completions().create(params()).await.unwrap();
    server
        .take_one()
        .assert_target("POST", "/v1/complete")
        .assert_api()
        .assert_json_body(expected_body.clone());
    assert_eq!(done.id, "compl_018CKm6gsux7P8yMcwZbeCPw");
    assert_eq!(done.completion, " Hello! My name is Claude.");
    assert_eq!(done.model, Model::Other("claude-2.1".into()));
    assert_eq!(done.stop_reason.as_deref(), Some("stop_sequence"));

    let events: Vec<CompletionStreamEvent> = client
        .completions()
        .create_stream(params())
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    let mut streamed_body = expected_body;
    streamed_body["stream"] = json!(true);
    server
        .take_one()
        .assert_target("POST", "/v1/complete")
        .assert_headers(API_KEY, None, "text/event-stream")
        .assert_json_body(streamed_body);
    let parts: Vec<(&str, Option<&str>)> = events
        .iter()
        .map(|ev| match ev {
            CompletionStreamEvent::Completion(c) => {
                (c.completion.as_str(), c.stop_reason.as_deref())
            }
            other => panic!("unexpected event {other:?}"),
        })
        .collect();
    assert_eq!(
        parts,
        [(" Hello", None), (" there!", Some("stop_sequence"))]
    );
}

// ---------------------------------------------------------------- models

fn model_items() -> Vec<Value> {
    [
        ("claude-opus-4-1-20250805", "Claude Opus 4.1"),
        ("claude-sonnet-4-5-20250929", "Claude Sonnet 4.5"),
        ("claude-haiku-4-5-20251001", "Claude Haiku 4.5"),
        ("claude-opus-4-5-20251101", "Claude Opus 4.5"),
        ("claude-sonnet-4-6", "Claude Sonnet 4.6"),
    ]
    .iter()
    .map(|(id, name)| model_info(id, name))
    .collect()
}

#[tokio::test]
async fn models_list_and_retrieve() {
    let server = Server::start(|seen| {
        if seen.path() == "/v1/models" {
            reply::json(page(&model_items()[..2], "id", false))
        } else {
            let mut info = model_info("claude-sonnet-4-5-20250929", "Claude Sonnet 4.5");
            let yes = json!({"supported": true});
            let no = json!({"supported": false});
            info["capabilities"] = json!({
                "batch": yes, "citations": yes, "code_execution": yes,
                "image_input": yes, "pdf_input": yes, "structured_outputs": no,
                "context_management": {"supported": true, "clear_thinking_20251015": yes,
                    "clear_tool_uses_20250919": yes, "compact_20260112": null},
                "effort": {"supported": false, "low": no, "medium": no, "high": no,
                    "max": no, "xhigh": null},
                "thinking": {"supported": true, "types": {"enabled": yes, "adaptive": no}},
            });
            reply::json(info)
        }
    })
    .await;
    let client = server.client();

    let list = client
        .models()
        .list(ModelsListParams::new().before_id("claude-x").limit(20))
        .await
        .unwrap();
    server
        .take_one()
        .assert_target("GET", "/v1/models?before_id=claude-x&limit=20")
        .assert_api()
        .assert_no_body();
    let names: Vec<&str> = list.data.iter().map(|m| m.display_name.as_str()).collect();
    assert_eq!(names, ["Claude Opus 4.1", "Claude Sonnet 4.5"]);
    assert!(!list.has_more);

    let info = client.models().retrieve("claude-sonnet-4-5").await.unwrap();
    server
        .take_one()
        .assert_target("GET", "/v1/models/claude-sonnet-4-5")
        .assert_api()
        .assert_no_body();
    assert_eq!(info.id, "claude-sonnet-4-5-20250929");
    assert_eq!(info.max_input_tokens, Some(200000));
    assert_eq!(info.created_at, time("2025-09-29T00:00:00Z"));
    let caps = info.capabilities.expect("capabilities");
    assert!(caps.batch.supported);
    assert!(!caps.structured_outputs.supported);
    assert!(caps.thinking.types.enabled.supported);
}

#[tokio::test]
async fn models_list_stream_pages_forward_and_backward() {
    check_cursor_paging(
        model_items(),
        "id",
        "/v1/models",
        |s| {
            s.assert_api();
        },
        |server, before| {
            let client = server.client();
            let mut p = ModelsListParams::new().limit(2);
            if let Some(b) = before {
                p = p.before_id(b);
            }
            // The paginator owns what it needs: it outlives the client it came from.
            let stream = all_models(&client, p);
            drop(client);
            async move { keys(stream, |m: &ModelInfo| m.id.clone()).await }
        },
    )
    .await;
}

/// A paginator can be returned from a function: it borrows neither the client nor the
/// resource handle it was made from.
fn all_models(
    client: &Client,
    params: ModelsListParams,
) -> impl futures::Stream<Item = anthropic_openapi::Result<ModelInfo>> + Send + 'static + use<> {
    client.models().list_stream(params)
}

// ---------------------------------------------------------------- files

/// Splits a `multipart/form-data` body into (part headers, part body).
fn multipart_parts(content_type: &str, body: &[u8]) -> Vec<(String, Vec<u8>)> {
    let boundary = content_type
        .split_once("boundary=")
        .expect("a boundary")
        .1
        .trim_matches('"');
    let delimiter = format!("--{boundary}").into_bytes();
    let find = |from: usize| {
        body[from..]
            .windows(delimiter.len())
            .position(|w| w == delimiter.as_slice())
            .map(|p| p + from)
    };
    let mut parts = Vec::new();
    let mut at = find(0).expect("first delimiter");
    loop {
        let start = at + delimiter.len();
        if body[start..].starts_with(b"--") {
            break; // closing delimiter
        }
        assert!(body[start..].starts_with(b"\r\n"));
        let next = find(start).expect("closing delimiter");
        let part = &body[start + 2..next - 2]; // between CRLFs around the delimiters
        let split = part
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("part headers end");
        parts.push((
            String::from_utf8(part[..split].to_vec()).unwrap(),
            part[split + 4..].to_vec(),
        ));
        at = next;
    }
    parts
}

#[tokio::test]
async fn files_upload_sends_multipart_with_name_type_and_exact_bytes() {
    // Binary content with CRLFs and dashes, so a sloppy multipart encoder would show.
    let mut content = b"%PDF-1.7\r\n--not-a-boundary\r\n\r\n".to_vec();
    content.extend((0..=255u8).chain((0..=255u8).rev()));
    let size = content.len();
    let server = Server::replying(reply::json(file_meta(
        "file_011CNha8iCJcU1wXNR6q4V8w",
        "quarterly-report.pdf",
        "application/pdf",
        size,
    )))
    .await;
    let meta = server
        .client()
        .files()
        .upload(FilesUploadParams::new(UploadFile::from_bytes(
            "quarterly-report.pdf",
            content.clone(),
        )))
        .await
        .unwrap();

    let seen = server.take_one();
    seen.assert_target("POST", "/v1/files").assert_files();
    let content_type = seen.header("content-type").unwrap();
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    let parts = multipart_parts(content_type, &seen.body);
    assert_eq!(parts.len(), 1, "one part: {parts:?}");
    let (headers, bytes) = &parts[0];
    let headers = headers.to_ascii_lowercase();
    assert!(
        headers.contains(
            r#"content-disposition: form-data; name="file"; filename="quarterly-report.pdf""#
        ),
        "{headers}"
    );
    assert!(
        headers.contains("content-type: application/pdf"),
        "{headers}"
    );
    assert_eq!(bytes, &content, "file bytes sent exactly");

    assert_eq!(meta.id, "file_011CNha8iCJcU1wXNR6q4V8w");
    assert_eq!(meta.filename, "quarterly-report.pdf");
    assert_eq!(meta.mime_type, "application/pdf");
    assert_eq!(meta.size_bytes, size as i64);
    assert_eq!(meta.downloadable, Some(true));
}

#[tokio::test]
async fn files_upload_with_explicit_mime_type() {
    let server =
        Server::replying(reply::json(file_meta("file_02", "data.bin", "text/csv", 6))).await;
    let file = UploadFile::from_bytes("data.bin", &b"a,b\n1,"[..]).mime_type("text/csv");
    server
        .client()
        .files()
        .upload(FilesUploadParams::new(file))
        .await
        .unwrap();
    let seen = server.take_one();
    let parts = multipart_parts(seen.header("content-type").unwrap(), &seen.body);
    let (headers, bytes) = &parts[0];
    assert!(
        headers
            .to_ascii_lowercase()
            .contains("content-type: text/csv"),
        "{headers}"
    );
    assert!(headers.contains(r#"filename="data.bin""#), "{headers}");
    assert_eq!(bytes, b"a,b\n1,");
}

fn file_items() -> Vec<Value> {
    (1..=5)
        .map(|n| {
            file_meta(
                &format!("file_0{n}"),
                &format!("doc-{n}.txt"),
                "text/plain",
                n * 100,
            )
        })
        .collect()
}

#[tokio::test]
async fn files_list_retrieve_delete() {
    let server = Server::start(|seen| match (seen.method.as_str(), seen.path()) {
        ("GET", "/v1/files") => {
            // `has_more` may be absent; it defaults to false.
            let mut p = page(&file_items()[..2], "id", false);
            p.as_object_mut().unwrap().remove("has_more");
            reply::json(p)
        }
        ("GET", _) => reply::json(file_meta(ODD_ID, "notes.txt", "text/plain", 42)),
        ("DELETE", _) => reply::json(json!({"id": "file_01", "type": "file_deleted"})),
        other => panic!("unexpected {other:?}"),
    })
    .await;
    let files = server.client();
    let files = files.files();

    let list = files
        .list(
            FilesListParams::new()
                .limit(2)
                .scope_id("sesn_011CZkZHJ6bxTvvsPqHtS5Ez"),
        )
        .await
        .unwrap();
    server
        .take_one()
        .assert_target(
            "GET",
            "/v1/files?limit=2&scope_id=sesn_011CZkZHJ6bxTvvsPqHtS5Ez",
        )
        .assert_files()
        .assert_no_body();
    let ids: Vec<&str> = list.data.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, ["file_01", "file_02"]);
    assert_eq!(list.has_more, None);

    let meta = files.retrieve_metadata(ODD_ID).await.unwrap();
    server
        .take_one()
        .assert_target("GET", &format!("/v1/files/{ODD_ID_ENCODED}"))
        .assert_files()
        .assert_no_body();
    assert_eq!((meta.id.as_str(), meta.size_bytes), (ODD_ID, 42));

    let deleted = files.delete("file_01").await.unwrap();
    server
        .take_one()
        .assert_target("DELETE", "/v1/files/file_01")
        .assert_files()
        .assert_no_body();
    assert_eq!(deleted.id, "file_01");
}

#[tokio::test]
async fn files_download_streams_the_exact_bytes() {
    let content: Vec<u8> = (0..10_000u32).map(|i| (i * 7 % 256) as u8).collect();
    let server = Server::replying(reply::streamed("application/octet-stream", &content, 999)).await;
    let chunks: Vec<bytes::Bytes> = server
        .client()
        .files()
        .download(ODD_ID)
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    server
        .take_one()
        .assert_target("GET", &format!("/v1/files/{ODD_ID_ENCODED}/content"))
        .assert_headers(API_KEY, Some(FILES_BETA), "*/*")
        .assert_no_body();
    assert_eq!(chunks.concat(), content);
}

#[tokio::test]
async fn files_list_stream_pages_forward_and_backward() {
    check_cursor_paging(
        file_items(),
        "id",
        "/v1/files",
        |s| {
            s.assert_files();
        },
        |server, before| {
            let client = server.client();
            let mut p = FilesListParams::new().limit(2);
            if let Some(b) = before {
                p = p.before_id(b);
            }
            async move {
                keys(client.files().list_stream(p), |f: &FileMetadata| {
                    f.id.clone()
                })
                .await
            }
        },
    )
    .await;
}

// ---------------------------------------------------------------- admin: organization, users

#[tokio::test]
async fn organization_me_sends_the_admin_key() {
    let server = Server::replying(reply::json(json!({
        "type": "organization",
        "id": "12345678-1234-5678-1234-567812345678",
        "name": "Example Org",
    })))
    .await;
    let org = server.admin().organization().me().await.unwrap();
    server
        .take_one()
        .assert_target("GET", "/v1/organizations/me")
        .assert_admin()
        .assert_no_body();
    assert_eq!(org.id, "12345678-1234-5678-1234-567812345678");
    assert_eq!(org.name, "Example Org");
}

fn user_items() -> Vec<Value> {
    (1..=5)
        .map(|n| {
            user(
                &format!("user_0{n}"),
                &format!("u{n}@example.com"),
                "developer",
            )
        })
        .collect()
}

#[tokio::test]
async fn users_list_retrieve_update_delete() {
    let server = Server::start(|seen| match (seen.method.as_str(), seen.path()) {
        ("GET", "/v1/organizations/users") => reply::json(page(&user_items()[..1], "id", false)),
        ("GET", _) => reply::json(user(
            "user_01WCz1FkmYMm4gnmykNKUu3Q",
            "ada@example.com",
            "admin",
        )),
        ("POST", _) => reply::json(user(
            "user_01WCz1FkmYMm4gnmykNKUu3Q",
            "ada@example.com",
            "billing",
        )),
        ("DELETE", _) => {
            reply::json(json!({"id": "user_01WCz1FkmYMm4gnmykNKUu3Q", "type": "user_deleted"}))
        }
        other => panic!("unexpected {other:?}"),
    })
    .await;
    let admin = server.admin();
    let id = "user_01WCz1FkmYMm4gnmykNKUu3Q";

    let list = admin
        .users()
        .list(
            UsersListParams::new()
                .email("u1+test@example.com")
                .limit(10)
                .roles(vec!["developer".to_string(), "admin".to_string()]),
        )
        .await
        .unwrap();
    server
        .take_one()
        .assert_target(
            "GET",
            "/v1/organizations/users?email=u1%2Btest%40example.com&limit=10&roles[]=developer&roles[]=admin",
        )
        .assert_admin()
        .assert_no_body();
    assert_eq!(list.data[0].email, "u1@example.com");
    assert_eq!(list.data[0].role, OrganizationRole::Developer);

    let got = admin.users().retrieve(id).await.unwrap();
    server
        .take_one()
        .assert_target("GET", &format!("/v1/organizations/users/{id}"))
        .assert_admin()
        .assert_no_body();
    assert_eq!(
        (got.id.as_str(), got.role.clone()),
        (id, OrganizationRole::Admin)
    );
    assert_eq!(got.added_at, time(CREATED));

    let updated = admin
        .users()
        .update(id, UserUpdateParams::new(OrganizationRoleParam::Billing))
        .await
        .unwrap();
    server
        .take_one()
        .assert_target("POST", &format!("/v1/organizations/users/{id}"))
        .assert_admin()
        .assert_json_body(json!({"role": "billing"}));
    assert_eq!(updated.role, OrganizationRole::Billing);

    let deleted = admin.users().delete(id).await.unwrap();
    server
        .take_one()
        .assert_target("DELETE", &format!("/v1/organizations/users/{id}"))
        .assert_admin()
        .assert_no_body();
    assert_eq!(deleted.id, id);
}

#[tokio::test]
async fn users_list_stream_pages_forward_and_backward() {
    check_cursor_paging(
        user_items(),
        "id",
        "/v1/organizations/users",
        |s| {
            s.assert_admin();
        },
        |server, before| {
            let client = server.admin();
            let mut p = UsersListParams::new().limit(2);
            if let Some(b) = before {
                p = p.before_id(b);
            }
            async move { keys(client.users().list_stream(p), |u: &User| u.id.clone()).await }
        },
    )
    .await;
}

// ---------------------------------------------------------------- admin: invites

fn invite_items() -> Vec<Value> {
    (1..=5)
        .map(|n| invite(&format!("invite_0{n}"), &format!("new{n}@example.com")))
        .collect()
}

#[tokio::test]
async fn invites_list_create_retrieve_delete() {
    let id = "invite_015gWxCN9Hfg2QhZwTK7Mdeu";
    let server = Server::start(move |seen| match (seen.method.as_str(), seen.path()) {
        ("GET", "/v1/organizations/invites") => reply::json(page(&invite_items()[..2], "id", true)),
        ("POST", _) | ("GET", _) => reply::json(invite(id, "grace@example.com")),
        ("DELETE", _) => reply::json(json!({"id": id, "type": "invite_deleted"})),
        other => panic!("unexpected {other:?}"),
    })
    .await;
    let admin = server.admin();

    let list = admin
        .invites()
        .list(InvitesListParams::new().limit(2).statuses(vec![
            InviteStatusFilter::Pending,
            InviteStatusFilter::Expired,
        ]))
        .await
        .unwrap();
    server
        .take_one()
        .assert_target(
            "GET",
            "/v1/organizations/invites?limit=2&statuses[]=pending&statuses[]=expired",
        )
        .assert_admin()
        .assert_no_body();
    assert_eq!(list.data.len(), 2);
    assert_eq!(list.last_id.as_deref(), Some("invite_02"));

    let created = admin
        .invites()
        .create(InviteCreateParams::new(
            "grace@example.com",
            OrganizationRoleParam::Developer,
        ))
        .await
        .unwrap();
    server
        .take_one()
        .assert_target("POST", "/v1/organizations/invites")
        .assert_admin()
        .assert_json_body(json!({"email": "grace@example.com", "role": "developer"}));
    assert_eq!(created.id, id);
    assert_eq!(created.status, InviteStatus::Pending);
    assert_eq!(created.role, OrganizationRole::Developer);
    assert_eq!(created.accepted_at, None);
    assert_eq!(created.expires_at, time("2025-02-05T10:30:00Z"));

    let got = admin.invites().retrieve(id).await.unwrap();
    server
        .take_one()
        .assert_target("GET", &format!("/v1/organizations/invites/{id}"))
        .assert_admin()
        .assert_no_body();
    assert_eq!(got.email, "grace@example.com");

    let deleted = admin.invites().delete(id).await.unwrap();
    server
        .take_one()
        .assert_target("DELETE", &format!("/v1/organizations/invites/{id}"))
        .assert_admin()
        .assert_no_body();
    assert_eq!(deleted.id, id);
}

#[tokio::test]
async fn invites_list_stream_pages_forward_and_backward() {
    check_cursor_paging(
        invite_items(),
        "id",
        "/v1/organizations/invites",
        |s| {
            s.assert_admin();
        },
        |server, before| {
            let client = server.admin();
            let mut p = InvitesListParams::new().limit(2);
            if let Some(b) = before {
                p = p.before_id(b);
            }
            async move { keys(client.invites().list_stream(p), |i: &Invite| i.id.clone()).await }
        },
    )
    .await;
}

// ---------------------------------------------------------------- admin: workspaces

fn workspace_items() -> Vec<Value> {
    (1..=5)
        .map(|n| workspace(&format!("wrkspc_0{n}"), &format!("Workspace {n}")))
        .collect()
}

#[tokio::test]
async fn workspaces_list_create_retrieve_update_archive() {
    let id = "wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ";
    let server = Server::start(move |seen| match (seen.method.as_str(), seen.path()) {
        ("GET", "/v1/organizations/workspaces") => {
            reply::json(page(&workspace_items()[..3], "id", false))
        }
        ("POST", p) if p.ends_with("/archive") => {
            let mut w = workspace(id, "Research");
            w["archived_at"] = json!("2025-03-01T12:00:00Z");
            reply::json(w)
        }
        ("POST", "/v1/organizations/workspaces") | ("GET", _) => {
            reply::json(workspace(id, "Research"))
        }
        ("POST", _) => reply::json(workspace(id, "Research (renamed)")),
        other => panic!("unexpected {other:?}"),
    })
    .await;
    let admin = server.admin();

    let list = admin
        .workspaces()
        .list(WorkspacesListParams::new().include_archived(true).limit(3))
        .await
        .unwrap();
    server
        .take_one()
        .assert_target(
            "GET",
            "/v1/organizations/workspaces?include_archived=true&limit=3",
        )
        .assert_admin()
        .assert_no_body();
    assert_eq!(list.data.len(), 3);
    assert_eq!(list.data[2].name, "Workspace 3");

    let mut tags = std::collections::BTreeMap::new();
    tags.insert("team".to_string(), "research".to_string());
    let created = admin
        .workspaces()
        .create(WorkspaceCreateParams::new("Research").tags(tags))
        .await
        .unwrap();
    server
        .take_one()
        .assert_target("POST", "/v1/organizations/workspaces")
        .assert_admin()
        .assert_json_body(json!({"name": "Research", "tags": {"team": "research"}}));
    assert_eq!(created.id, id);
    assert_eq!(created.display_color, "#6C5BB9");
    assert_eq!(
        created.tags.get("team").map(String::as_str),
        Some("research")
    );
    assert!(matches!(
        created.data_residency.allowed_inference_geos,
        WorkspaceAllowedInferenceGeos::Unrestricted(_)
    ));
    assert_eq!(created.archived_at, None);

    let got = admin.workspaces().retrieve(id).await.unwrap();
    server
        .take_one()
        .assert_target("GET", &format!("/v1/organizations/workspaces/{id}"))
        .assert_admin()
        .assert_no_body();
    assert_eq!(got.data_residency.workspace_geo, "us");

    let updated = admin
        .workspaces()
        .update(id, WorkspaceUpdateParams::new().name("Research (renamed)"))
        .await
        .unwrap();
    server
        .take_one()
        .assert_target("POST", &format!("/v1/organizations/workspaces/{id}"))
        .assert_admin()
        .assert_json_body(json!({"name": "Research (renamed)"}));
    assert_eq!(updated.name, "Research (renamed)");

    let archived = admin.workspaces().archive(id).await.unwrap();
    server
        .take_one()
        .assert_target(
            "POST",
            &format!("/v1/organizations/workspaces/{id}/archive"),
        )
        .assert_admin()
        .assert_no_body();
    assert_eq!(archived.archived_at, Some(time("2025-03-01T12:00:00Z")));
}

#[tokio::test]
async fn workspaces_list_stream_pages_forward_and_backward() {
    check_cursor_paging(
        workspace_items(),
        "id",
        "/v1/organizations/workspaces",
        |s| {
            s.assert_admin();
        },
        |server, before| {
            let client = server.admin();
            let mut p = WorkspacesListParams::new().limit(2);
            if let Some(b) = before {
                p = p.before_id(b);
            }
            async move {
                keys(client.workspaces().list_stream(p), |w: &Workspace| {
                    w.id.clone()
                })
                .await
            }
        },
    )
    .await;
}

fn member_items() -> Vec<Value> {
    (1..=5)
        .map(|n| member(ODD_ID, &format!("user_0{n}"), "workspace_developer"))
        .collect()
}

#[tokio::test]
async fn workspace_members_list_create_retrieve_update_delete() {
    let ws = "wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ";
    let server = Server::start(move |seen| {
        let path = seen.path();
        match seen.method.as_str() {
            "GET" if path.ends_with("/members") => {
                reply::json(page(&member_items()[..2], "user_id", true))
            }
            "POST" if path.ends_with("/members") => {
                reply::json(member(ws, "user_02", "workspace_user"))
            }
            "GET" => reply::json(member(ws, ODD_ID, "workspace_developer")),
            "POST" => reply::json(member(ws, ODD_ID, "workspace_admin")),
            "DELETE" => reply::json(json!({"type": "workspace_member_deleted",
                "workspace_id": ws, "user_id": ODD_ID})),
            other => panic!("unexpected {other}"),
        }
    })
    .await;
    let admin = server.admin();
    let members = admin.workspaces().members();

    let list = members
        .list(
            ODD_ID,
            WorkspacesMembersListParams::new()
                .after_id("user_00")
                .limit(2),
        )
        .await
        .unwrap();
    server
        .take_one()
        .assert_target(
            "GET",
            &format!(
                "/v1/organizations/workspaces/{ODD_ID_ENCODED}/members?after_id=user_00&limit=2"
            ),
        )
        .assert_admin()
        .assert_no_body();
    let users: Vec<&str> = list.data.iter().map(|m| m.user_id.as_str()).collect();
    assert_eq!(users, ["user_01", "user_02"]);
    assert_eq!(list.data[0].workspace_id, ODD_ID);

    let created = members
        .create(
            ws,
            WorkspaceMemberCreateParams::new("user_02", WorkspaceRoleParam::WorkspaceUser),
        )
        .await
        .unwrap();
    server
        .take_one()
        .assert_target(
            "POST",
            &format!("/v1/organizations/workspaces/{ws}/members"),
        )
        .assert_admin()
        .assert_json_body(json!({"user_id": "user_02", "workspace_role": "workspace_user"}));
    assert_eq!(created.workspace_role, WorkspaceRole::WorkspaceUser);

    let member_path = format!("/v1/organizations/workspaces/{ws}/members/{ODD_ID_ENCODED}");
    let got = members.retrieve(ws, ODD_ID).await.unwrap();
    server
        .take_one()
        .assert_target("GET", &member_path)
        .assert_admin()
        .assert_no_body();
    assert_eq!(
        (got.user_id.as_str(), got.workspace_id.as_str()),
        (ODD_ID, ws)
    );

    let updated = members
        .update(
            ws,
            ODD_ID,
            WorkspaceMemberUpdateParams::new(WorkspaceRole::WorkspaceAdmin),
        )
        .await
        .unwrap();
    server
        .take_one()
        .assert_target("POST", &member_path)
        .assert_admin()
        .assert_json_body(json!({"workspace_role": "workspace_admin"}));
    assert_eq!(updated.workspace_role, WorkspaceRole::WorkspaceAdmin);

    let deleted = members.delete(ws, ODD_ID).await.unwrap();
    server
        .take_one()
        .assert_target("DELETE", &member_path)
        .assert_admin()
        .assert_no_body();
    assert_eq!(
        (deleted.user_id.as_str(), deleted.workspace_id.as_str()),
        (ODD_ID, ws)
    );
}

#[tokio::test]
async fn workspace_members_list_stream_pages_forward_and_backward() {
    check_cursor_paging(
        member_items(),
        "user_id",
        &format!("/v1/organizations/workspaces/{ODD_ID_ENCODED}/members"),
        |s| {
            s.assert_admin();
        },
        |server, before| {
            let client = server.admin();
            let mut p = WorkspacesMembersListParams::new().limit(2);
            if let Some(b) = before {
                p = p.before_id(b);
            }
            async move {
                keys(
                    client.workspaces().members().list_stream(ODD_ID, p),
                    |m: &WorkspaceMember| m.user_id.clone(),
                )
                .await
            }
        },
    )
    .await;
}

// ---------------------------------------------------------------- admin: API keys

fn api_key_items() -> Vec<Value> {
    (1..=5)
        .map(|n| api_key(&format!("apikey_0{n}"), &format!("Key {n}")))
        .collect()
}

#[tokio::test]
async fn api_keys_list_retrieve_update() {
    let id = "apikey_01Rj2N8SVvo6BePZj99NhmiT";
    let server = Server::start(move |seen| match (seen.method.as_str(), seen.path()) {
        ("GET", "/v1/organizations/api_keys") => {
            reply::json(page(&api_key_items()[..2], "id", false))
        }
        ("GET", _) => reply::json(api_key(id, "Developer Key")),
        ("POST", _) => {
            let mut k = api_key(id, "Renamed Key");
            k["status"] = json!("inactive");
            reply::json(k)
        }
        other => panic!("unexpected {other:?}"),
    })
    .await;
    let admin = server.admin();

    let list = admin
        .api_keys()
        .list(
            ApiKeysListParams::new()
                .status(ApiKeyStatus::Active)
                .workspace_id("wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ")
                .created_by_user_id("user_01WCz1FkmYMm4gnmykNKUu3Q"),
        )
        .await
        .unwrap();
    server
        .take_one()
        .assert_target(
            "GET",
            "/v1/organizations/api_keys?created_by_user_id=user_01WCz1FkmYMm4gnmykNKUu3Q\
             &status=active&workspace_id=wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ",
        )
        .assert_admin()
        .assert_no_body();
    assert_eq!(list.data.len(), 2);
    assert_eq!(list.data[1].name, "Key 2");

    let got = admin.api_keys().retrieve(id).await.unwrap();
    server
        .take_one()
        .assert_target("GET", &format!("/v1/organizations/api_keys/{id}"))
        .assert_admin()
        .assert_no_body();
    assert_eq!(got.status, ApiKeyStatus::Active);
    assert_eq!(
        got.partial_key_hint.as_deref(),
        Some("sk-ant-api03-R2D...igAA")
    );
    assert_eq!(
        got.created_by.as_ref().map(|c| c.id.as_str()),
        Some("user_01WCz1FkmYMm4gnmykNKUu3Q")
    );

    let updated = admin
        .api_keys()
        .update(
            id,
            ApiKeyUpdateParams::new()
                .name("Renamed Key")
                .status(ApiKeyStatusParam::Inactive),
        )
        .await
        .unwrap();
    server
        .take_one()
        .assert_target("POST", &format!("/v1/organizations/api_keys/{id}"))
        .assert_admin()
        .assert_json_body(json!({"name": "Renamed Key", "status": "inactive"}));
    assert_eq!(updated.name, "Renamed Key");
    assert_eq!(updated.status, ApiKeyStatus::Inactive);
}

#[tokio::test]
async fn api_keys_list_stream_pages_forward_and_backward() {
    check_cursor_paging(
        api_key_items(),
        "id",
        "/v1/organizations/api_keys",
        |s| {
            s.assert_admin();
        },
        |server, before| {
            let client = server.admin();
            let mut p = ApiKeysListParams::new().limit(2);
            if let Some(b) = before {
                p = p.before_id(b);
            }
            async move { keys(client.api_keys().list_stream(p), |k: &ApiKey| k.id.clone()).await }
        },
    )
    .await;
}

// ---------------------------------------------------------------- admin: usage and cost reports

#[tokio::test]
async fn usage_report_messages_sends_arrays_and_date_times() {
    let server = Server::replying(reply::json(json!({
        "data": [usage_bucket("2025-01-01T00:00:00Z", "2025-01-02T00:00:00Z",
                              "claude-sonnet-4-5-20250929", "wrkspc_01")],
        "has_more": true,
        "next_page": page_token(1),
    })))
    .await;
    let params = UsageReportMessagesParams::new(time("2025-01-01T00:00:00Z"))
        // To the nanosecond, as `Utc::now()` gives; sent to the second, as the API documents.
        .ending_at(time("2025-01-08T12:30:00.123456789Z"))
        .bucket_width(MessagesUsageReportBucketWidth::OneDay)
        .group_by(vec![
            MessagesUsageReportGroupBy::Model,
            MessagesUsageReportGroupBy::WorkspaceId,
        ])
        .models(vec!["claude-sonnet-4-5-20250929".to_string()])
        .service_tiers(vec![
            UsageReportServiceTier::Standard,
            UsageReportServiceTier::Batch,
        ])
        .workspace_ids(vec!["wrkspc_01".to_string(), "wrkspc_02".to_string()])
        .limit(7);
    let report = server
        .admin()
        .usage_report()
        .messages(params)
        .await
        .unwrap();
    server
        .take_one()
        .assert_target(
            "GET",
            "/v1/organizations/usage_report/messages\
             ?starting_at=2025-01-01T00%3A00%3A00Z\
             &bucket_width=1d\
             &ending_at=2025-01-08T12%3A30%3A00Z\
             &group_by[]=model&group_by[]=workspace_id\
             &limit=7\
             &models[]=claude-sonnet-4-5-20250929\
             &service_tiers[]=standard&service_tiers[]=batch\
             &workspace_ids[]=wrkspc_01&workspace_ids[]=wrkspc_02",
        )
        .assert_admin()
        .assert_no_body();
    assert!(report.has_more);
    assert_eq!(report.next_page.as_deref(), Some(page_token(1).as_str()));
    let bucket = &report.data[0];
    assert_eq!(bucket.starting_at, time("2025-01-01T00:00:00Z"));
    let row = &bucket.results[0];
    assert_eq!(row.uncached_input_tokens, 1520);
    assert_eq!(row.cache_creation.ephemeral_5m_input_tokens, 230);
    assert_eq!(row.server_tool_use.web_search_requests, 3);
    assert_eq!(row.model.as_deref(), Some("claude-sonnet-4-5-20250929"));
    assert_eq!(row.service_tier, None);
}

#[tokio::test]
async fn usage_report_messages_stream_follows_next_page() {
    let day = |d: u32| format!("2025-01-{d:02}T00:00:00Z");
    let pages: Vec<Vec<Value>> = vec![
        vec![
            usage_bucket(&day(1), &day(2), "m", "w"),
            usage_bucket(&day(2), &day(3), "m", "w"),
        ],
        vec![usage_bucket(&day(3), &day(4), "m", "w")],
        vec![usage_bucket(&day(4), &day(5), "m", "w")],
    ];
    check_token_paging(
        pages,
        "/v1/organizations/usage_report/messages?starting_at=2025-01-01T00%3A00%3A00Z\
         &group_by[]=model&limit=2",
        |server| {
            let admin = server.admin();
            let params = UsageReportMessagesParams::new(time("2025-01-01T00:00:00Z"))
                .group_by(vec![MessagesUsageReportGroupBy::Model])
                .limit(2);
            async move {
                keys(admin.usage_report().messages_stream(params), |b| {
                    b.starting_at
                        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                })
                .await
            }
        },
        |v| v["starting_at"].as_str().unwrap().to_string(),
    )
    .await;
}

#[tokio::test]
async fn usage_report_claude_code_sends_the_day_and_decodes_records() {
    let mut by_api = claude_code_record("unused");
    by_api["actor"] = json!({"type": "api_actor", "api_key_name": "ci-key"});
    by_api["customer_type"] = json!("subscription");
    by_api["subscription_type"] = json!("team");
    let server = Server::replying(reply::json(json!({
        "data": [claude_code_record("dev@example.com"), by_api],
        "has_more": false,
        "next_page": null,
    })))
    .await;
    let day = chrono::NaiveDate::from_ymd_opt(2025, 1, 15).unwrap();
    let report = server
        .admin()
        .usage_report()
        .claude_code(UsageReportClaudeCodeParams::new(day).limit(20))
        .await
        .unwrap();
    server
        .take_one()
        .assert_target(
            "GET",
            "/v1/organizations/usage_report/claude_code?starting_at=2025-01-15&limit=20",
        )
        .assert_admin()
        .assert_no_body();
    assert!(!report.has_more);
    let first = &report.data[0];
    match &first.actor {
        ClaudeCodeActor::UserActor(a) => assert_eq!(a.email_address, "dev@example.com"),
        other => panic!("expected a user actor, got {other:?}"),
    }
    assert_eq!(first.core_metrics.lines_of_code.added, 310);
    assert_eq!(first.tool_actions["edit_tool"].accepted, 25);
    assert_eq!(first.model_breakdown[0].estimated_cost.amount, 186);
    assert_eq!(first.date, time("2025-01-15T00:00:00Z"));
    let second = &report.data[1];
    match &second.actor {
        ClaudeCodeActor::ApiActor(a) => assert_eq!(a.api_key_name, "ci-key"),
        other => panic!("expected an API actor, got {other:?}"),
    }
    assert_eq!(
        second.subscription_type,
        Some(ClaudeCodeSubscriptionType::Team)
    );
}

#[tokio::test]
async fn usage_report_claude_code_stream_follows_next_page() {
    let pages: Vec<Vec<Value>> = vec![
        vec![
            claude_code_record("a@example.com"),
            claude_code_record("b@example.com"),
        ],
        vec![claude_code_record("c@example.com")],
    ];
    check_token_paging(
        pages,
        "/v1/organizations/usage_report/claude_code?starting_at=2025-01-15&limit=2",
        |server| {
            let admin = server.admin();
            let day = chrono::NaiveDate::from_ymd_opt(2025, 1, 15).unwrap();
            let params = UsageReportClaudeCodeParams::new(day).limit(2);
            async move {
                keys(
                    admin.usage_report().claude_code_stream(params),
                    |r| match &r.actor {
                        ClaudeCodeActor::UserActor(a) => a.email_address.clone(),
                        other => panic!("unexpected actor {other:?}"),
                    },
                )
                .await
            }
        },
        |v| v["actor"]["email_address"].as_str().unwrap().to_string(),
    )
    .await;
}

#[tokio::test]
async fn cost_report_retrieve_sends_group_by_and_decodes_amounts() {
    let server = Server::replying(reply::json(json!({
        "data": [cost_bucket("2025-01-01T00:00:00Z", "2025-01-02T00:00:00Z", "123.78912")],
        "has_more": false,
        "next_page": null,
    })))
    .await;
    let params = CostReportRetrieveParams::new(time("2025-01-01T00:00:00Z"))
        .ending_at(time("2025-01-31T00:00:00Z"))
        .bucket_width(CostReportBucketWidth::OneDay)
        .group_by(vec![
            CostReportGroupBy::WorkspaceId,
            CostReportGroupBy::Description,
        ]);
    let report = server.admin().cost_report().retrieve(params).await.unwrap();
    server
        .take_one()
        .assert_target(
            "GET",
            "/v1/organizations/cost_report?starting_at=2025-01-01T00%3A00%3A00Z&bucket_width=1d\
             &ending_at=2025-01-31T00%3A00%3A00Z&group_by[]=workspace_id&group_by[]=description",
        )
        .assert_admin()
        .assert_no_body();
    let row = &report.data[0].results[0];
    assert_eq!(row.amount, "123.78912");
    assert_eq!(row.currency, "USD");
    assert_eq!(row.cost_type, Some(CostReportCostType::Tokens));
    assert_eq!(
        row.token_type,
        Some(CostReportTokenType::UncachedInputTokens)
    );
    assert_eq!(row.context_window, Some(UsageReportContextWindow::UpTo200k));
    assert!(!report.has_more);
}

#[tokio::test]
async fn cost_report_retrieve_stream_follows_next_page() {
    let day = |d: u32| format!("2025-01-{d:02}T00:00:00Z");
    let pages: Vec<Vec<Value>> = vec![
        vec![cost_bucket(&day(1), &day(2), "1.5")],
        vec![
            cost_bucket(&day(2), &day(3), "2.25"),
            cost_bucket(&day(3), &day(4), "0.75"),
        ],
        vec![cost_bucket(&day(4), &day(5), "4")],
    ];
    check_token_paging(
        pages,
        "/v1/organizations/cost_report?starting_at=2025-01-01T00%3A00%3A00Z&group_by[]=description",
        |server| {
            let admin = server.admin();
            let params = CostReportRetrieveParams::new(time("2025-01-01T00:00:00Z"))
                .group_by(vec![CostReportGroupBy::Description]);
            async move {
                keys(admin.cost_report().retrieve_stream(params), |b| {
                    b.results[0].amount.clone()
                })
                .await
            }
        },
        |v| v["results"][0]["amount"].as_str().unwrap().to_string(),
    )
    .await;
}

// ---------------------------------------------------------------- errors

#[tokio::test]
async fn api_error_response_surfaces_as_error_api() {
    let server = Server::replying(reply::error(
        404,
        "not_found_error",
        "No message batch found with id msgbatch_missing",
    ))
    .await;
    let err = server
        .client()
        .messages()
        .batches()
        .retrieve("msgbatch_missing")
        .await
        .unwrap_err();
    server
        .take_one()
        .assert_target("GET", "/v1/messages/batches/msgbatch_missing");
    let e = api_error(err);
    assert_eq!(e.status, 404);
    assert_eq!(e.error_type, ErrorType::NotFoundError);
    assert_eq!(e.message, "No message batch found with id msgbatch_missing");
    assert_eq!(e.request_id.as_deref(), Some(REQUEST_ID));
    assert!(e.body.contains("not_found_error"));
}

#[tokio::test]
async fn api_errors_from_admin_streaming_download_and_paginator_calls() {
    let server = Server::start(|seen| match seen.path() {
        "/v1/organizations/users/user_x" => reply::error(
            403,
            "permission_error",
            "Your API key does not have permission",
        ),
        "/v1/messages" => reply::error(529, "overloaded_error", "Overloaded"),
        "/v1/files/file_gone/content" => reply::error(404, "not_found_error", "File not found"),
        "/v1/models" => reply::error(401, "authentication_error", "invalid x-api-key"),
        other => panic!("unexpected {other}"),
    })
    .await;

    let client = server.client();
    let e = api_error(server.admin().users().retrieve("user_x").await.unwrap_err());
    assert_eq!((e.status, e.error_type), (403, ErrorType::PermissionError));
    assert_eq!(e.request_id.as_deref(), Some(REQUEST_ID));

    // 529 is retried by default; retries have their own tests, so this call asks for none.
    let e = api_error(
        client
            .with_options(anthropic_openapi::RequestOptions::new().max_retries(0))
            .messages()
            .create_stream(MessageCreateParams::new("claude-sonnet-4-5", hello(), 8))
            .await
            .unwrap_err(),
    );
    assert_eq!((e.status, e.error_type), (529, ErrorType::OverloadedError));
    assert_eq!(e.message, "Overloaded");

    let e = match client.files().download("file_gone").await {
        Ok(_) => panic!("a 404 download must fail"),
        Err(e) => api_error(e),
    };
    assert_eq!((e.status, e.error_type), (404, ErrorType::NotFoundError));

    let mut stream = Box::pin(client.models().list_stream(ModelsListParams::new()));
    let e = api_error(stream.next().await.unwrap().unwrap_err());
    assert_eq!(
        (e.status, e.error_type),
        (401, ErrorType::AuthenticationError)
    );
    assert!(stream.next().await.is_none(), "an error ends the paginator");
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn error_event_in_a_message_stream_is_an_api_error() {
    let events = message_stream_events();
    let mut body = sse(&events[..2]);
    body.extend(sse(&[json!({"type": "error",
        "error": {"type": "overloaded_error", "message": "Overloaded"}})]));
    let server = Server::replying(reply::streamed("text/event-stream", &body, 64)).await;
    let mut stream = server
        .client()
        .messages()
        .create_stream(MessageCreateParams::new("claude-sonnet-4-5", hello(), 8))
        .await
        .unwrap();
    assert!(matches!(
        stream.next().await,
        Some(Ok(MessageStreamEvent::MessageStart(_)))
    ));
    assert!(matches!(
        stream.next().await,
        Some(Ok(MessageStreamEvent::ContentBlockStart(_)))
    ));
    let e = api_error(stream.next().await.unwrap().unwrap_err());
    assert_eq!(e.error_type, ErrorType::OverloadedError);
    assert_eq!(e.message, "Overloaded");
    assert_eq!(e.request_id.as_deref(), Some(REQUEST_ID));
    assert!(stream.next().await.is_none());
}

#[tokio::test]
async fn a_call_can_return_the_response_metadata() {
    let server =
        Server::start(|_| reply::json(model_info("claude-haiku-4-5", "Claude Haiku 4.5"))).await;
    let response = server
        .client()
        .models()
        .retrieve("claude-haiku-4-5")
        .with_response()
        .await
        .unwrap();
    server
        .take_one()
        .assert_target("GET", "/v1/models/claude-haiku-4-5");
    assert_eq!(response.status, 200);
    assert_eq!(response.request_id.as_deref(), Some(REQUEST_ID));
    assert_eq!(
        response
            .headers
            .get("request-id")
            .and_then(|v| v.to_str().ok()),
        Some(REQUEST_ID)
    );
    assert_eq!(response.data.id, "claude-haiku-4-5");
}

#[tokio::test]
async fn a_long_non_streaming_message_is_refused_before_sending() {
    let server = Server::start(|_| reply::json(message("msg_1", "hi"))).await;
    let client = server.client();
    // 3600 s * max_tokens / 128000 > 600 s from 21334 tokens up, under the default timeout.
    let err = client
        .messages()
        .create(MessageCreateParams::new(
            "claude-sonnet-4-5",
            hello(),
            64_000,
        ))
        .await
        .unwrap_err();
    match &err {
        Error::Config(message) => assert!(message.contains("create_stream"), "{message}"),
        other => panic!("expected a configuration error, got {other:?}"),
    }
    assert!(server.requests().is_empty(), "nothing may be sent");
    // Streaming the same request is allowed, and so is a call with an explicit timeout.
    let explicit = client.with_options(
        anthropic_openapi::RequestOptions::new().timeout(std::time::Duration::from_secs(3600)),
    );
    explicit
        .messages()
        .create(MessageCreateParams::new(
            "claude-sonnet-4-5",
            hello(),
            64_000,
        ))
        .await
        .unwrap();
    assert_eq!(server.requests().len(), 1);
}
