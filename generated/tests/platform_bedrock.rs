//! `BedrockClient` against a loopback Bedrock stand-in that verifies every request's SigV4
//! signature with the AWS crates and answers streams in AWS event-stream frames.

mod platform_support;

use std::sync::{Arc, Mutex};

use anthropic_openapi::bedrock::{BedrockClient, Credentials};
use anthropic_openapi::{ContentBlock, Error, ErrorType, MessageCreateParams, MessageParam};
use futures::StreamExt;
use platform_support::bedrock::{
    EVENT_STREAM, event_stream, exception_frame, parse_authorization, verify_sigv4,
};
use platform_support::{hello_events, hello_message};
use testkit::{Recorded, Reply, Server};

const MODEL: &str = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
const REGION: &str = "eu-west-3";

fn credentials() -> Credentials {
    Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        Some("session-token-1".into()),
        None,
        "test",
    )
}

fn params() -> MessageCreateParams {
    MessageCreateParams::new(MODEL, vec![MessageParam::user("Hello")], 256)
}

async fn signed_client(server: &Server) -> BedrockClient {
    BedrockClient::builder()
        .region(REGION)
        .credentials(credentials())
        .base_url(server.base_url())
        .settings(|s| {
            s.retry_backoff(
                std::time::Duration::from_millis(1),
                std::time::Duration::from_millis(5),
            )
        })
        .build()
        .await
        .expect("client")
}

/// Fails the request (400 with the reason) when its signature does not verify.
fn checked(req: &Recorded, reply: impl FnOnce() -> Reply) -> Reply {
    match verify_sigv4(req, &credentials(), REGION, "bedrock") {
        Ok(_) => reply(),
        Err(reason) => {
            Reply::new(403, format!(r#"{{"message":"{reason}"}}"#)).content_type("application/json")
        }
    }
}

#[tokio::test]
async fn create_is_invoke_model_signed_with_sigv4() {
    let server = Server::start(|req| {
        checked(req, || {
            Reply::json(hello_message(MODEL)).header("x-amzn-requestid", "bedrock-req-1")
        })
    })
    .await;
    let client = signed_client(&server).await;
    let message = client
        .with_options(anthropic_openapi::RequestOptions::new().beta("beta-a,beta-b"))
        .messages()
        .create(params().temperature(0.5))
        .with_response()
        .await
        .expect("create");
    assert_eq!(message.request_id.as_deref(), Some("bedrock-req-1"));
    assert!(matches!(&message.data.content[0], ContentBlock::Text(t) if t.text == "Hello, world"));

    let req = &server.requests()[0];
    assert_eq!(req.method, "POST");
    assert_eq!(
        req.path(),
        "/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke"
    );
    let body = req.json();
    assert_eq!(body["anthropic_version"], "bedrock-2023-05-31");
    assert_eq!(
        body["anthropic_beta"],
        serde_json::json!(["beta-a", "beta-b"])
    );
    assert!(body.get("model").is_none() && body.get("stream").is_none());
    assert_eq!(body["temperature"], 0.5);
    assert_eq!(body["max_tokens"], 256);
    assert_eq!(req.header("anthropic-beta"), None, "betas go in the body");
    assert_eq!(req.header("x-api-key"), None);
    let auth = parse_authorization(req.header("authorization").unwrap()).unwrap();
    assert_eq!(auth.service, "bedrock");
    assert_eq!(auth.region, REGION);
}

#[tokio::test]
async fn streams_decode_event_stream_frames_split_across_reads() {
    let server = Server::start(|req| {
        checked(req, || {
            Reply::new(200, event_stream(&hello_events(MODEL)))
                .content_type(EVENT_STREAM)
                .header("x-amzn-requestid", "bedrock-req-2")
                // Pieces of 7 bytes: every frame arrives split, prelude and CRC included.
                .split(7)
        })
    })
    .await;
    let client = signed_client(&server).await;

    let mut stream = client.messages().stream(params()).await.expect("stream");
    let mut events = 0;
    while let Some(event) = stream.next().await {
        event.expect("event");
        events += 1;
    }
    // Every event but the `ping`, which the decoder skips as on the first-party API.
    assert_eq!(events, hello_events(MODEL).len() - 1);
    let message = stream.final_message().await.expect("final message");
    assert!(matches!(&message.content[0], ContentBlock::Text(t) if t.text == "Hello, world"));
    assert_eq!(message.usage.output_tokens, 4);

    let req = &server.requests()[0];
    assert_eq!(
        req.path(),
        "/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke-with-response-stream"
    );
    assert!(req.json().get("stream").is_none());

    // The raw typed events too.
    let mut raw = client.messages().create_stream(params()).await.unwrap();
    assert_eq!(raw.request_id(), Some("bedrock-req-2"));
    let mut count = 0;
    while let Some(event) = raw.next().await {
        event.unwrap();
        count += 1;
    }
    assert_eq!(count, hello_events(MODEL).len() - 1);
}

#[tokio::test]
async fn an_exception_frame_is_a_typed_error_after_the_events_before_it() {
    let server = Server::start(|req| {
        checked(req, || {
            let events = hello_events(MODEL);
            let mut body = event_stream(&events[..4]);
            body.extend(exception_frame(
                "throttlingException",
                &serde_json::json!({"message": "Too many tokens, please wait."}),
            ));
            Reply::new(200, body)
                .content_type(EVENT_STREAM)
                .header("x-amzn-requestid", "bedrock-req-3")
        })
    })
    .await;
    let client = signed_client(&server).await;
    let mut stream = client.messages().stream(params()).await.expect("stream");
    let mut ok = 0;
    let error = loop {
        match stream.next().await {
            Some(Ok(_)) => ok += 1,
            Some(Err(e)) => break e,
            None => panic!("the stream ended without the exception"),
        }
    };
    assert_eq!(ok, 3, "the events before the exception, less the ping");
    let Error::Api(api) = error else {
        panic!("expected Error::Api, got {error:?}");
    };
    assert_eq!(api.status, 429);
    assert_eq!(api.error_type, ErrorType::RateLimitError);
    assert_eq!(
        api.message,
        "throttlingException: Too many tokens, please wait."
    );
    assert_eq!(api.request_id.as_deref(), Some("bedrock-req-3"));
    assert!(
        stream.next().await.is_none(),
        "the stream ends after the error"
    );
    // What had arrived is kept.
    assert!(stream.snapshot().is_some());
}

#[tokio::test]
async fn throttling_is_retried_and_each_attempt_is_signed_again() {
    let server = Server::start(|req| {
        checked(req, || {
            if req.index == 0 {
                Reply::new(429, r#"{"message":"Too many requests, please wait."}"#)
                    .content_type("application/json")
                    .header(
                        "x-amzn-errortype",
                        "ThrottlingException:http://internal.amazon.com/",
                    )
                    .header("x-amzn-requestid", "throttled-1")
            } else {
                Reply::json(hello_message(MODEL))
            }
        })
    })
    .await;
    let client = signed_client(&server).await;
    let message = client.messages().create(params()).await.expect("create");
    assert_eq!(message.id, "msg_01");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    // Both attempts verified (else the stand-in would have answered 403); the retry count
    // differs, and it is signed.
    assert_eq!(requests[0].header("x-stainless-retry-count"), Some("0"));
    assert_eq!(requests[1].header("x-stainless-retry-count"), Some("1"));
    let auth = parse_authorization(requests[1].header("authorization").unwrap()).unwrap();
    assert!(
        auth.signed_headers
            .iter()
            .any(|h| h == "x-stainless-retry-count")
    );

    // Throttling that lasts: the typed error, with Bedrock's request id.
    let server = Server::start(|req| {
        checked(req, || {
            Reply::new(429, r#"{"message":"Too many requests, please wait."}"#)
                .content_type("application/json")
                .header("x-amzn-requestid", "throttled-2")
        })
    })
    .await;
    let client = signed_client(&server).await;
    let error = client.messages().create(params()).await.unwrap_err();
    let api = error.as_api().expect("an API error");
    assert_eq!(api.status, 429);
    assert_eq!(api.error_type, ErrorType::RateLimitError);
    assert_eq!(api.request_id.as_deref(), Some("throttled-2"));
    assert_eq!(server.requests().len(), 3, "two retries by default");
}

#[tokio::test]
async fn a_bad_signature_is_refused_by_the_stand_in() {
    // The stand-in's check is real: credentials with another secret do not verify.
    let server = Server::start(|req| checked(req, || Reply::json(hello_message(MODEL)))).await;
    let client = BedrockClient::builder()
        .region(REGION)
        .credentials(Credentials::new(
            "AKIDEXAMPLE",
            "another-secret",
            Some("session-token-1".into()),
            None,
            "test",
        ))
        .base_url(server.base_url())
        .build()
        .await
        .unwrap();
    let error = client.messages().create(params()).await.unwrap_err();
    let api = error.as_api().expect("an API error");
    assert_eq!(api.status, 403);
    assert!(api.body.contains("bad signature"), "{}", api.body);
}

#[tokio::test]
async fn a_bedrock_api_key_is_a_bearer_token() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let server = Server::start(move |req| {
        log.lock()
            .unwrap()
            .push(req.header("authorization").map(str::to_string));
        Reply::json(hello_message(MODEL))
    })
    .await;
    let client = BedrockClient::builder()
        .region(REGION)
        .api_key("bedrock-api-key-123")
        .base_url(server.base_url())
        .build()
        .await
        .unwrap();
    client.messages().create(params()).await.unwrap();
    assert_eq!(
        seen.lock().unwrap()[0].as_deref(),
        Some("Bearer bedrock-api-key-123")
    );
    let req = &server.requests()[0];
    assert_eq!(req.header("x-amz-date"), None, "no signature with a key");

    // The key and the credentials never show in Debug.
    let shown = format!("{client:?}");
    assert!(!shown.contains("bedrock-api-key-123"), "{shown}");
    assert!(shown.contains("Bedrock"), "{shown}");
    let signed = BedrockClient::builder()
        .region(REGION)
        .credentials(credentials())
        .base_url(server.base_url())
        .build()
        .await
        .unwrap();
    let shown = format!("{signed:?}");
    assert!(!shown.contains("wJalrXUtnFEMI"), "{shown}");
    assert!(!shown.contains("session-token-1"), "{shown}");
    assert!(shown.contains(REGION), "{shown}");
}

#[tokio::test]
async fn both_a_key_and_credentials_is_a_configuration_error() {
    let error = BedrockClient::builder()
        .region(REGION)
        .api_key("k")
        .credentials(credentials())
        .build()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error:?}");
}

#[tokio::test]
async fn the_default_base_url_names_the_region() {
    let client = BedrockClient::builder()
        .region("ap-northeast-1")
        .credentials(credentials())
        .build()
        .await
        .unwrap();
    assert_eq!(
        client.base_url(),
        "https://bedrock-runtime.ap-northeast-1.amazonaws.com"
    );
}

#[tokio::test]
async fn the_mantle_endpoint_takes_the_messages_api_signed_for_bedrock_mantle() {
    let server =
        Server::start(
            |req| match verify_sigv4(req, &credentials(), REGION, "bedrock-mantle") {
                Err(reason) => Reply::new(403, format!(r#"{{"message":"{reason}"}}"#))
                    .content_type("application/json"),
                Ok(_) if req.json()["stream"] == true => {
                    Reply::new(200, platform_support::sse(&hello_events(MODEL)))
                        .content_type("text/event-stream")
                }
                Ok(_) => Reply::json(hello_message(MODEL)).request_id("req_mantle"),
            },
        )
        .await;
    let client = BedrockClient::builder()
        .region(REGION)
        .credentials(credentials())
        .base_url(format!("{}/anthropic", server.base_url()))
        .build_mantle()
        .await
        .expect("client");
    let reply = client
        .with_options(anthropic_openapi::RequestOptions::new().beta("beta-m"))
        .messages()
        .create(params())
        .with_response()
        .await
        .expect("create");
    assert_eq!(reply.request_id.as_deref(), Some("req_mantle"));
    let mut stream = client.messages().stream(params()).await.expect("stream");
    while let Some(event) = stream.next().await {
        event.expect("event");
    }
    assert_eq!(stream.final_message().await.unwrap().usage.output_tokens, 4);

    let requests = server.requests();
    assert_eq!(requests[0].path(), "/anthropic/v1/messages");
    // The Messages API as it is: the model stays in the body, betas in the header.
    assert_eq!(requests[0].json()["model"], MODEL);
    assert!(requests[0].json().get("anthropic_version").is_none());
    assert_eq!(requests[0].header("anthropic-beta"), Some("beta-m"));
    assert_eq!(requests[0].header("anthropic-version"), Some("2023-06-01"));
    let auth = parse_authorization(requests[1].header("authorization").unwrap()).unwrap();
    assert_eq!(auth.service, "bedrock-mantle");

    let default = BedrockClient::builder()
        .region("us-west-2")
        .api_key("k")
        .build_mantle()
        .await
        .unwrap();
    assert_eq!(
        default.base_url(),
        "https://bedrock-mantle.us-west-2.api.aws/anthropic"
    );
}
