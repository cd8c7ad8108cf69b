//! `FoundryClient` against a loopback Foundry stand-in: an API key (sent as `x-api-key` and
//! `api-key`), and Entra ID tokens from a provider asked on every attempt.

mod platform_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use anthropic_openapi::foundry::{EntraTokenProvider, FoundryClient, TokenFuture};
use anthropic_openapi::{
    ContentBlock, Error, MessageCountTokensParams, MessageCreateParams, MessageParam,
};
use futures::StreamExt;
use platform_support::{hello_events, hello_message, sse};
use testkit::{Reply, Server};

const MODEL: &str = "claude-sonnet-4-5";

fn params() -> MessageCreateParams {
    MessageCreateParams::new(MODEL, vec![MessageParam::user("Hello")], 256)
}

/// Answers the Messages API under `/anthropic/v1/…` to requests whose credentials `ok`
/// accepts, and 401 to the others.
async fn foundry_stand_in(ok: fn(&testkit::Recorded) -> bool) -> Server {
    Server::start(move |req| {
        if !ok(req) {
            return Reply::api_error(401, "authentication_error", "invalid credentials");
        }
        match req.path() {
            "/anthropic/v1/messages" if req.json()["stream"] == true => {
                Reply::new(200, sse(&hello_events(MODEL)))
                    .content_type("text/event-stream")
                    .request_id("req_foundry_stream")
            }
            "/anthropic/v1/messages" => Reply::json(hello_message(MODEL)),
            "/anthropic/v1/messages/count_tokens" => {
                Reply::json(serde_json::json!({"input_tokens": 7}))
            }
            path => Reply::api_error(404, "not_found_error", path),
        }
    })
    .await
}

#[tokio::test]
async fn an_api_key_goes_in_both_key_headers() {
    let server = foundry_stand_in(|req| {
        req.header("x-api-key") == Some("foundry-key-1")
            && req.header("api-key") == Some("foundry-key-1")
            && req.header("authorization").is_none()
    })
    .await;
    let client = FoundryClient::builder()
        .base_url(format!("{}/anthropic/", server.base_url()))
        .api_key("foundry-key-1")
        .build()
        .unwrap();

    let message = client.messages().create(params()).await.expect("create");
    assert!(matches!(&message.content[0], ContentBlock::Text(t) if t.text == "Hello, world"));

    let mut stream = client.messages().stream(params()).await.expect("stream");
    assert_eq!(stream.request_id(), Some("req_foundry_stream"));
    while let Some(event) = stream.next().await {
        event.expect("event");
    }
    assert_eq!(stream.final_message().await.unwrap().usage.output_tokens, 4);

    let count = client
        .messages()
        .count_tokens(MessageCountTokensParams::new(
            MODEL,
            vec![MessageParam::user("Hello")],
        ))
        .await
        .expect("count tokens");
    assert_eq!(count.input_tokens, 7);

    // The body is the first-party API's: the model stays in it.
    let requests = server.requests();
    assert_eq!(requests[0].json()["model"], MODEL);
    assert_eq!(requests[0].header("anthropic-version"), Some("2023-06-01"));

    let shown = format!("{client:?}");
    assert!(!shown.contains("foundry-key-1"), "{shown}");
}

/// Hands out `entra-token-1`, `entra-token-2`, … and counts the calls.
struct Counting(Arc<AtomicUsize>);

impl EntraTokenProvider for Counting {
    fn token(&self) -> TokenFuture<'_> {
        Box::pin(async move {
            let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
            Ok(format!("entra-token-{n}"))
        })
    }
}

#[tokio::test]
async fn a_token_provider_is_asked_on_every_attempt() {
    let server = Server::start(|req| {
        match req.header("authorization") {
            // The first token is refused as expired; the retry brings the next one.
            Some("Bearer entra-token-1") => Reply::new(
                503,
                r#"{"type":"error","error":{"type":"overloaded_error","message":"busy"}}"#,
            )
            .content_type("application/json"),
            Some(auth)
                if auth.starts_with("Bearer entra-token-") && req.header("x-api-key").is_none() =>
            {
                Reply::json(hello_message(MODEL))
            }
            _ => Reply::api_error(401, "authentication_error", "invalid credentials"),
        }
    })
    .await;
    let calls = Arc::new(AtomicUsize::new(0));
    let client = FoundryClient::builder()
        .base_url(format!("{}/anthropic", server.base_url()))
        .token_provider(Counting(calls.clone()))
        .settings(|s| {
            s.retry_backoff(
                std::time::Duration::from_millis(1),
                std::time::Duration::from_millis(5),
            )
        })
        .build()
        .unwrap();
    client.messages().create(params()).await.expect("create");
    client.messages().create(params()).await.expect("create");
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    let seen: Vec<_> = server
        .requests()
        .iter()
        .map(|r| r.header("authorization").unwrap().to_string())
        .collect();
    assert_eq!(
        seen,
        [
            "Bearer entra-token-1",
            "Bearer entra-token-2",
            "Bearer entra-token-3"
        ]
    );
}

#[tokio::test]
async fn the_endpoint_and_the_credentials_are_checked() {
    let client = FoundryClient::builder()
        .resource("example-resource")
        .api_key("k")
        .build()
        .unwrap();
    assert_eq!(
        client.base_url(),
        "https://example-resource.services.ai.azure.com/anthropic"
    );
    let both = FoundryClient::builder()
        .resource("r")
        .base_url("https://example.com")
        .api_key("k")
        .build();
    assert!(matches!(both, Err(Error::Config(_))));
    let both = FoundryClient::builder()
        .resource("r")
        .api_key("k")
        .token_provider(Counting(Arc::default()))
        .build();
    assert!(matches!(both, Err(Error::Config(_))));
}
