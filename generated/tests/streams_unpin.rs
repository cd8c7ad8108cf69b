//! Every stream the crate returns is `Unpin`: `.next().await` works on it as returned, with no
//! `Box::pin` or `pin!`. Checked statically for each type, and by reading each kind from a
//! loopback stand-in for the API: paginated lists, server-sent events (raw and assembled into
//! a message, and its pieces), JSON Lines results and a file download. The streamed responses
//! also expose their headers and rate limits.

use anthropic_openapi::{
    ByteStream, Client, JsonlStream, MessageBatchIndividualResponse, MessageBatchResult,
    MessageCreateParams, MessageParam, MessageStream, MessageStreamEvent,
    MessagesBatchesListParams, ModelInfo, ModelsListParams, PageStream, Piece, SseStream,
};
use futures::StreamExt as _;
use serde_json::json;
use testkit::{Recorded, Reply, Server};

fn assert_unpin<T: Unpin>() {}

fn unpin<T: Unpin>(value: T) -> T {
    value
}

#[test]
fn every_stream_type_is_unpin() {
    assert_unpin::<PageStream<ModelInfo>>();
    assert_unpin::<SseStream<MessageStreamEvent>>();
    assert_unpin::<JsonlStream<MessageBatchIndividualResponse>>();
    assert_unpin::<ByteStream>();
    assert_unpin::<MessageStream>();
}

const SSE: &str = "event: message_start\n\
data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude-sonnet-4-5\",\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":12,\"output_tokens\":1}}}\n\n\
event: content_block_start\n\
data: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n\
event: content_block_delta\n\
data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}\n\n\
event: content_block_stop\n\
data: {\"type\":\"content_block_stop\",\"index\":0}\n\n\
event: message_delta\n\
data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":5}}\n\n\
event: message_stop\n\
data: {\"type\":\"message_stop\"}\n\n";

const BATCH: &str = r#"{"id":"msgbatch_1","type":"message_batch","processing_status":"ended","request_counts":{"processing":0,"succeeded":0,"errored":0,"canceled":1,"expired":1},"ended_at":"2025-09-24T19:02:11Z","created_at":"2025-09-24T18:37:24Z","expires_at":"2025-09-25T18:37:24Z","archived_at":null,"cancel_initiated_at":null,"results_url":null}"#;

const RESULTS: &str = "{\"custom_id\":\"a\",\"result\":{\"type\":\"canceled\"}}\n\
{\"custom_id\":\"b\",\"result\":{\"type\":\"expired\"}}\n";

/// Adds the request-rate headers that the API sends on every response.
fn with_rate_limits(reply: Reply) -> Reply {
    reply
        .header("anthropic-ratelimit-requests-limit", "50")
        .header("anthropic-ratelimit-requests-remaining", "49")
        .header("anthropic-ratelimit-requests-reset", "2026-01-02T03:04:05Z")
        .header("x-stand-in", "loopback")
}

/// The stand-in: one reply per endpoint the test reads.
fn answer(request: &Recorded) -> Reply {
    match (request.method.as_str(), request.path()) {
        ("GET", "/v1/models") => Reply::json(json!({
            "data": [
                {"type": "model", "id": "claude-a", "display_name": "A", "created_at": "2025-09-29T00:00:00Z"},
                {"type": "model", "id": "claude-b", "display_name": "B", "created_at": "2025-09-29T00:00:00Z"}
            ],
            "has_more": false, "first_id": "claude-a", "last_id": "claude-b"
        })),
        ("GET", "/v1/messages/batches") => Reply::json(format!(
            r#"{{"data":[{BATCH}],"has_more":false,"first_id":"msgbatch_1","last_id":"msgbatch_1"}}"#
        )),
        ("POST", "/v1/messages") => with_rate_limits(
            Reply::new(200, SSE)
                .content_type("text/event-stream")
                .request_id("req_sse"),
        ),
        ("GET", "/v1/messages/batches/msgbatch_1/results") => with_rate_limits(
            Reply::new(200, RESULTS)
                .content_type("application/x-jsonl")
                .request_id("req_jsonl"),
        ),
        ("GET", "/v1/files/file_1/content") => {
            Reply::new(200, &b"file bytes"[..]).content_type("application/octet-stream")
        }
        (method, path) => Reply::api_error(404, "not_found_error", &format!("{method} {path}")),
    }
}

async fn stand_in() -> (Server, Client) {
    let server = Server::start(answer).await;
    let client = Client::builder()
        .api_key("sk-ant-test")
        .base_url(server.base_url())
        .max_retries(0)
        .build()
        .unwrap();
    (server, client)
}

fn params() -> MessageCreateParams {
    MessageCreateParams::new("claude-sonnet-4-5", [MessageParam::user("Hi")], 64)
}

#[tokio::test]
async fn list_streams_are_read_with_next_as_returned() {
    let (_server, client) = stand_in().await;
    let mut models = unpin(client.models().list_stream(ModelsListParams::new()));
    assert_eq!(models.next().await.unwrap().unwrap().id, "claude-a");
    assert_eq!(models.next().await.unwrap().unwrap().id, "claude-b");
    assert!(models.next().await.is_none());

    let mut batches = unpin(
        client
            .messages()
            .batches()
            .list_stream(MessagesBatchesListParams::new()),
    );
    assert_eq!(batches.next().await.unwrap().unwrap().id, "msgbatch_1");
    assert!(batches.next().await.is_none());
}

#[tokio::test]
async fn event_streams_are_read_with_next_and_show_their_headers() {
    let (_server, client) = stand_in().await;
    let mut events = unpin(client.messages().create_stream(params()).await.unwrap());
    assert_eq!(events.request_id(), Some("req_sse"));
    assert_eq!(events.headers()["x-stand-in"], "loopback");
    let limits = events.rate_limits();
    assert_eq!(limits.requests.limit, Some(50));
    assert_eq!(limits.requests.remaining, Some(49));
    assert!(limits.tokens.is_empty());
    let first = events.next().await.unwrap().unwrap();
    assert!(
        matches!(first, MessageStreamEvent::MessageStart(_)),
        "{first:?}"
    );

    let mut message = unpin(client.messages().stream(params()).await.unwrap());
    assert_eq!(message.headers()["x-stand-in"], "loopback");
    assert_eq!(message.rate_limits().requests.remaining, Some(49));
    assert!(message.next().await.unwrap().is_ok());

    let mut message = client.messages().stream(params()).await.unwrap();
    {
        let mut pieces = unpin(message.pieces());
        assert_eq!(
            pieces.next().await.unwrap().unwrap(),
            Piece::Text("Hello".into())
        );
        assert!(pieces.next().await.is_none());
    }
    let message = message.final_message().await.unwrap();
    assert_eq!(message.usage.output_tokens, 5);

    let mut text = unpin(
        client
            .messages()
            .stream(params())
            .await
            .unwrap()
            .text_stream(),
    );
    assert_eq!(text.next().await.unwrap().unwrap(), "Hello");
}

#[tokio::test]
async fn result_and_download_streams_are_read_with_next() {
    let (_server, client) = stand_in().await;
    let mut results = unpin(
        client
            .messages()
            .batches()
            .results("msgbatch_1")
            .await
            .unwrap(),
    );
    assert_eq!(results.request_id(), Some("req_jsonl"));
    assert_eq!(results.headers()["x-stand-in"], "loopback");
    assert_eq!(results.rate_limits().requests.limit, Some(50));
    let first = results.next().await.unwrap().unwrap();
    assert_eq!(first.custom_id, "a");
    assert!(matches!(first.result, MessageBatchResult::Canceled(_)));
    assert_eq!(results.next().await.unwrap().unwrap().custom_id, "b");
    assert!(results.next().await.is_none());

    let mut download = unpin(client.files().download("file_1").await.unwrap());
    let mut bytes = Vec::new();
    while let Some(chunk) = download.next().await {
        bytes.extend_from_slice(&chunk.unwrap());
    }
    assert_eq!(bytes, b"file bytes");
}
