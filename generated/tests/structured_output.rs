//! `messages().parse::<T>()` and `stream_parse::<T>()` against scripted replies from a
//! loopback server: the request carries `T`'s schema as the output format, valid output
//! decodes, and invalid, refused and truncated output are errors that keep the reply.
#![cfg(feature = "schemars")]

use std::collections::HashMap;

use anthropic_openapi::{
    Client, EffortLevel, MessageCreateParams, MessageParam, OutputConfigParam, ParseError,
    schema_for,
};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};
use testkit::{Recorded, Reply, Server};

#[derive(Debug, Deserialize, JsonSchema, PartialEq)]
struct Contact {
    name: String,
    email: Option<String>,
    tags: Vec<Tag>,
}

#[derive(Debug, Deserialize, JsonSchema, PartialEq)]
#[serde(rename_all = "lowercase")]
enum Tag {
    Work,
    Family,
}

fn message(text: &str, stop_reason: &str) -> Value {
    json!({
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-5",
        "content": [{ "type": "text", "text": text, "citations": null }],
        "stop_reason": stop_reason,
        "stop_sequence": null,
        "usage": { "input_tokens": 30, "output_tokens": 12 }
    })
}

/// `message` as server-sent events, its text in two deltas.
fn sse(message: &Value) -> Reply {
    let text = message["content"][0]["text"].as_str().unwrap();
    let (a, b) = text.split_at(text.len() / 2);
    let mut start = message.clone();
    start["content"] = json!([]);
    start["stop_reason"] = Value::Null;
    let events = [
        json!({ "type": "message_start", "message": start }),
        json!({ "type": "content_block_start", "index": 0,
                "content_block": { "type": "text", "text": "", "citations": null } }),
        json!({ "type": "content_block_delta", "index": 0,
                "delta": { "type": "text_delta", "text": a } }),
        json!({ "type": "content_block_delta", "index": 0,
                "delta": { "type": "text_delta", "text": b } }),
        json!({ "type": "content_block_stop", "index": 0 }),
        json!({ "type": "message_delta",
                "delta": { "stop_reason": message["stop_reason"], "stop_sequence": null },
                "usage": { "output_tokens": 12 } }),
        json!({ "type": "message_stop" }),
    ];
    let body: String = events
        .iter()
        .map(|e| format!("event: {}\ndata: {e}\n\n", e["type"].as_str().unwrap()))
        .collect();
    Reply::new(200, body).content_type("text/event-stream")
}

async fn answering(reply: Value) -> Server {
    Server::start(move |request: &Recorded| {
        if request.json()["stream"] == true {
            sse(&reply)
        } else {
            Reply::json(reply.clone())
        }
    })
    .await
}

fn client(server: &Server) -> Client {
    Client::builder()
        .api_key("sk-ant-test")
        .base_url(server.base_url())
        .max_retries(0)
        .build()
        .unwrap()
}

fn params() -> MessageCreateParams {
    MessageCreateParams::new(
        "claude-sonnet-4-5",
        [MessageParam::user(
            "Ada Lovelace, ada@example.com, a colleague",
        )],
        1024,
    )
    .output_config(OutputConfigParam::new().effort(EffortLevel::Low))
}

const VALID: &str = r#"{"name": "Ada Lovelace", "email": "ada@example.com", "tags": ["work"]}"#;

#[tokio::test]
async fn valid_output_is_decoded_and_the_request_carries_the_schema() {
    let server = answering(message(VALID, "end_turn")).await;
    let parsed = client(&server)
        .messages()
        .parse::<Contact>(params())
        .await
        .unwrap();
    assert_eq!(
        parsed.output,
        Contact {
            name: "Ada Lovelace".into(),
            email: Some("ada@example.com".into()),
            tags: vec![Tag::Work],
        }
    );
    assert_eq!(parsed.message.id, "msg_1");

    let sent = server.take_one().json();
    assert_eq!(
        sent["output_config"]["effort"], "low",
        "other output settings are kept"
    );
    assert_eq!(sent["output_config"]["format"]["type"], "json_schema");
    assert_eq!(
        sent["output_config"]["format"]["schema"],
        Value::Object(schema_for::<Contact>().unwrap())
    );
    assert_eq!(
        sent["output_config"]["format"]["schema"]["additionalProperties"],
        false
    );
}

#[tokio::test]
async fn output_that_does_not_fit_is_an_error_with_the_reply() {
    let server = answering(message(
        r#"{"name": "Ada", "tags": ["friend"]}"#,
        "end_turn",
    ))
    .await;
    let error = client(&server)
        .messages()
        .parse::<Contact>(params())
        .await
        .unwrap_err();
    let ParseError::Invalid {
        message,
        error: cause,
    } = &error
    else {
        panic!("expected Invalid, got {error:?}");
    };
    assert!(
        cause.to_string().contains("unknown variant `friend`"),
        "{cause}"
    );
    assert_eq!(message.text(), r#"{"name": "Ada", "tags": ["friend"]}"#);
    assert!(
        error
            .to_string()
            .contains("does not fit the requested type"),
        "{error}"
    );
    assert_eq!(error.message().map(|m| m.id.as_str()), Some("msg_1"));
}

#[tokio::test]
async fn a_refusal_is_an_error_with_the_reply() {
    let server = answering(message("I can't help with that.", "refusal")).await;
    let error = client(&server)
        .messages()
        .parse::<Contact>(params())
        .await
        .unwrap_err();
    let ParseError::Refusal(message) = &error else {
        panic!("expected Refusal, got {error:?}");
    };
    assert_eq!(message.text(), "I can't help with that.");
    assert!(error.to_string().contains("refused"), "{error}");
}

#[tokio::test]
async fn truncated_output_is_a_max_tokens_error_even_when_it_would_decode() {
    // Cut mid-way: not JSON.
    let server = answering(message(r#"{"name": "Ada Lovelace", "ema"#, "max_tokens")).await;
    let error = client(&server)
        .messages()
        .parse::<Contact>(params())
        .await
        .unwrap_err();
    assert!(
        matches!(&error, ParseError::MaxTokens(m) if m.usage.output_tokens == 12),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .contains("max_tokens after 12 output tokens"),
        "{error}"
    );

    // A reply that stopped at max_tokens is not trusted even if its text happens to parse.
    let server = answering(message(VALID, "max_tokens")).await;
    let error = client(&server)
        .messages()
        .parse::<Contact>(params())
        .await
        .unwrap_err();
    assert!(matches!(error, ParseError::MaxTokens(_)), "{error:?}");
}

#[tokio::test]
async fn the_streamed_form_decodes_the_final_message() {
    let server = answering(message(VALID, "end_turn")).await;
    let mut stream = client(&server)
        .messages()
        .stream_parse::<Contact>(params())
        .await
        .unwrap();
    // The stream is a MessageStream: its pieces arrive as usual.
    let mut text = String::new();
    while let Some(piece) = stream.next_piece().await {
        if let anthropic_openapi::Piece::Text(t) = piece.unwrap() {
            text.push_str(&t);
        }
    }
    assert_eq!(text, VALID);
    let parsed = stream.final_parsed().await.unwrap();
    assert_eq!(parsed.output.name, "Ada Lovelace");
    let sent = server.take_one().json();
    assert_eq!(sent["stream"], true);
    assert_eq!(sent["output_config"]["format"]["type"], "json_schema");

    let server = answering(message("I can't help with that.", "refusal")).await;
    let stream = client(&server)
        .messages()
        .stream_parse::<Contact>(params())
        .await
        .unwrap();
    assert!(matches!(
        stream.final_parsed().await,
        Err(ParseError::Refusal(_))
    ));
}

#[derive(Debug, Deserialize, JsonSchema)]
#[allow(dead_code)]
struct Scores {
    by_name: HashMap<String, u32>,
}

#[tokio::test]
async fn a_type_the_api_cannot_take_fails_before_any_request() {
    let server = answering(message(VALID, "end_turn")).await;
    let error = client(&server)
        .messages()
        .parse::<Scores>(params())
        .await
        .unwrap_err();
    let ParseError::Schema(cause) = &error else {
        panic!("expected Schema, got {error:?}");
    };
    assert_eq!(cause.path(), "/properties/by_name");
    assert!(error.message().is_none());
    assert!(server.take().is_empty(), "nothing was sent");
}
