//! `VertexClient` against a loopback Vertex AI stand-in, with tokens from a real
//! service-account flow: the key's `token_uri` is a loopback OAuth endpoint that verifies the
//! JWT's RS256 signature before handing out short-lived tokens.

mod platform_support;

use std::sync::{Arc, Mutex};

use anthropic_openapi::vertex::{VertexClient, default_base_url};
use anthropic_openapi::{
    ContentBlock, ErrorType, MessageCountTokensParams, MessageCreateParams, MessageParam,
    RequestOptions,
};
use futures::StreamExt;
use platform_support::vertex::{KEY_PROJECT, service_account_key, token_endpoint};
use platform_support::{hello_events, hello_message, sse};
use testkit::{Reply, Server};

const MODEL: &str = "claude-sonnet-4-5@20250929";
const REGION: &str = "us-east5";

fn params() -> MessageCreateParams {
    MessageCreateParams::new(MODEL, vec![MessageParam::user("Hello")], 256)
}

/// A Vertex AI stand-in that records the bearer token of each request and answers by path.
async fn vertex_stand_in() -> (Server, Arc<Mutex<Vec<String>>>) {
    let tokens = Arc::new(Mutex::new(Vec::new()));
    let log = tokens.clone();
    let server = Server::start(move |req| {
        let Some(token) = req
            .header("authorization")
            .and_then(|v| v.strip_prefix("Bearer ya29."))
        else {
            return Reply::api_error(401, "authentication_error", "no token");
        };
        log.lock().unwrap().push(token.to_string());
        let path = req.path();
        if path.ends_with("/count-tokens:rawPredict") {
            Reply::json(serde_json::json!({"input_tokens": 12}))
        } else if path.ends_with(":streamRawPredict") {
            Reply::new(200, sse(&hello_events(MODEL)))
                .content_type("text/event-stream")
                .split(11)
        } else if path.ends_with(":rawPredict") {
            Reply::json(hello_message(MODEL))
        } else {
            Reply::api_error(404, "not_found_error", path)
        }
    })
    .await;
    (server, tokens)
}

#[tokio::test]
async fn service_account_tokens_are_exchanged_and_refreshed_when_they_expire() {
    // The first token is valid for 20 s, which gcp_auth already counts as expired (it
    // refreshes 20 s early); the second for an hour.
    let tokens_server = token_endpoint(vec![20, 3600]).await;
    let (server, seen) = vertex_stand_in().await;
    let client = VertexClient::builder()
        .region(REGION)
        .service_account_key(service_account_key(&tokens_server))
        .base_url(format!("{}/v1", server.base_url()))
        .build()
        .await
        .expect("client");

    let message = client
        .with_options(RequestOptions::new().beta("beta-x"))
        .messages()
        .create(params())
        .await
        .unwrap_or_else(|e| {
            let answers: Vec<String> = tokens_server
                .requests()
                .iter()
                .map(|r| String::from_utf8_lossy(&r.answered).into_owned())
                .collect();
            panic!("create: {e:?}; the token endpoint answered {answers:?}")
        });
    assert!(matches!(&message.content[0], ContentBlock::Text(t) if t.text == "Hello, world"));

    let mut stream = client.messages().stream(params()).await.expect("stream");
    while let Some(event) = stream.next().await {
        event.expect("event");
    }
    let streamed = stream.final_message().await.unwrap();
    assert_eq!(streamed.usage.output_tokens, 4);

    let count = client
        .messages()
        .count_tokens(MessageCountTokensParams::new(
            MODEL,
            vec![MessageParam::user("Hello")],
        ))
        .await
        .expect("count tokens");
    assert_eq!(count.input_tokens, 12);

    // Two JWT exchanges: the first token was expired by the second request.
    assert_eq!(tokens_server.requests().len(), 2);
    assert_eq!(*seen.lock().unwrap(), ["token-0", "token-1", "token-1"]);

    let requests = server.requests();
    // The project comes from the key, since none was given.
    let prefix =
        format!("/v1/projects/{KEY_PROJECT}/locations/{REGION}/publishers/anthropic/models");
    assert_eq!(requests[0].path(), format!("{prefix}/{MODEL}:rawPredict"));
    assert_eq!(
        requests[1].path(),
        format!("{prefix}/{MODEL}:streamRawPredict")
    );
    assert_eq!(
        requests[2].path(),
        format!("{prefix}/count-tokens:rawPredict")
    );
    let body = requests[0].json();
    assert_eq!(body["anthropic_version"], "vertex-2023-10-16");
    assert!(body.get("model").is_none());
    assert_eq!(requests[0].header("anthropic-beta"), Some("beta-x"));
    let body = requests[1].json();
    assert_eq!(body["stream"], true);
    assert!(body.get("model").is_none());
    let body = requests[2].json();
    assert_eq!(body["model"], MODEL);
    assert_eq!(body["anthropic_version"], "vertex-2023-10-16");
}

#[tokio::test]
async fn a_fixed_token_an_explicit_project_and_typed_errors() {
    let server = Server::start(|req| {
        if req.header("authorization") == Some("Bearer ya29.fixed") {
            Reply::api_error(429, "rate_limit_error", "slow down").request_id("req_vertex")
        } else {
            Reply::api_error(401, "authentication_error", "bad token")
        }
    })
    .await;
    let client = VertexClient::builder()
        .region("europe-west1")
        .project_id("other-project")
        .access_token("ya29.fixed")
        .base_url(server.base_url())
        .settings(|s| s.max_retries(0))
        .build()
        .await
        .unwrap();
    let error = client.messages().create(params()).await.unwrap_err();
    let api = error.as_api().expect("an API error");
    assert_eq!(api.status, 429);
    assert_eq!(api.error_type, ErrorType::RateLimitError);
    assert_eq!(api.request_id.as_deref(), Some("req_vertex"));
    assert_eq!(
        server.requests()[0].path(),
        format!(
            "/projects/other-project/locations/europe-west1/publishers/anthropic/models/{MODEL}:rawPredict"
        )
    );
    let shown = format!("{client:?}");
    assert!(!shown.contains("ya29.fixed"), "{shown}");
    assert!(shown.contains("other-project"), "{shown}");
}

#[tokio::test]
async fn base_urls_by_region() {
    assert_eq!(
        default_base_url("global"),
        "https://aiplatform.googleapis.com/v1"
    );
    assert_eq!(
        default_base_url("us"),
        "https://aiplatform.us.rep.googleapis.com/v1"
    );
    assert_eq!(
        default_base_url("eu"),
        "https://aiplatform.eu.rep.googleapis.com/v1"
    );
    assert_eq!(
        default_base_url("us-east5"),
        "https://us-east5-aiplatform.googleapis.com/v1"
    );
    let client = VertexClient::builder()
        .region("global")
        .project_id("p")
        .access_token("t")
        .build()
        .await
        .unwrap();
    assert_eq!(client.base_url(), "https://aiplatform.googleapis.com/v1");
}
