//! Uploaded files used in messages: the `file` sources of documents and images, the
//! `container_upload` block, and the Files beta that a request holding one sends by itself
//! (`x-anthropic-beta` on the source schemas, walked by `BodyBetas`).

use anthropic_openapi::{
    BodyBetas, Client, ContainerUploadBlockParam, ContentBlockParam, DocumentBlockParam,
    FileDocumentSourceParam, FileImageSourceParam, ImageBlockParam, MessageBatchCreateParams,
    MessageBatchRequest, MessageCountTokensParams, MessageCreateParams, MessageParam,
    TextBlockParam, ToolResultBlockParam, ToolResultContentBlockParam,
};
use serde_json::json;
use testkit::{Recorded, Reply, Server};

const FILES_BETA: &str = "files-api-2025-04-14";

const MESSAGE: &str = r#"{"id":"msg_1","type":"message","role":"assistant","model":"m",
    "content":[{"type":"text","text":"A summary."}],"stop_reason":"end_turn",
    "stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":3}}"#;

async fn server() -> Server {
    Server::start(|req| match req.path() {
        "/v1/messages/count_tokens" => Reply::json(r#"{"input_tokens":42}"#),
        "/v1/messages/batches" => Reply::json(
            r#"{"id":"msgbatch_1","type":"message_batch","processing_status":"in_progress",
               "request_counts":{"processing":1,"succeeded":0,"errored":0,"canceled":0,"expired":0},
               "ended_at":null,"created_at":"2025-01-01T00:00:00Z",
               "expires_at":"2025-01-02T00:00:00Z","archived_at":null,"cancel_initiated_at":null,
               "results_url":null}"#,
        ),
        _ => Reply::json(MESSAGE),
    })
    .await
}

fn client(server: &Server, beta: Option<&str>) -> Client {
    let mut builder = Client::builder()
        .api_key("sk-ant-test")
        .base_url(server.base_url());
    if let Some(beta) = beta {
        builder = builder.beta(beta);
    }
    builder.build().unwrap()
}

fn body(seen: &Recorded) -> serde_json::Value {
    serde_json::from_slice(&seen.body).unwrap()
}

/// "Summarize this" with an uploaded PDF, as the Files guide shows it.
fn with_document(file_id: &str) -> MessageCreateParams {
    MessageCreateParams::new(
        "claude-sonnet-4-5",
        [MessageParam::user(vec![
            ContentBlockParam::from(DocumentBlockParam::new(FileDocumentSourceParam::new(
                file_id,
            ))),
            TextBlockParam::new("Summarize this document.").into(),
        ])],
        1024,
    )
}

#[tokio::test]
async fn a_document_from_an_upload_sends_the_files_beta_and_the_source() {
    let server = server().await;
    let message = client(&server, None)
        .messages()
        .create(with_document("file_011"))
        .await
        .unwrap();
    assert_eq!(message.id, "msg_1");

    let seen = server.take_one();
    assert_eq!(seen.header("anthropic-beta"), Some(FILES_BETA));
    assert_eq!(
        body(&seen)["messages"][0]["content"][0],
        json!({"type": "document", "source": {"type": "file", "file_id": "file_011"}})
    );
}

#[tokio::test]
async fn a_request_without_uploads_sends_no_beta() {
    let server = server().await;
    let params = MessageCreateParams::new("claude-sonnet-4-5", [MessageParam::user("Hello")], 16);
    client(&server, None)
        .messages()
        .create(params)
        .await
        .unwrap();
    assert_eq!(server.take_one().header("anthropic-beta"), None);
}

#[tokio::test]
async fn an_image_deep_in_a_tool_result_is_found_and_joins_the_clients_betas() {
    let server = server().await;
    let result =
        ToolResultBlockParam::new("toolu_1").content(vec![ToolResultContentBlockParam::from(
            ImageBlockParam::new(FileImageSourceParam::new("file_img")),
        )]);
    let params = MessageCreateParams::new(
        "claude-sonnet-4-5",
        [
            MessageParam::user("Take a screenshot"),
            MessageParam::assistant("Taking it."),
            MessageParam::user(vec![ContentBlockParam::from(result)]),
        ],
        64,
    );
    // The client's own beta comes first; the Files beta is added once.
    client(&server, Some("some-beta-2025-01-01"))
        .messages()
        .create(params)
        .await
        .unwrap();
    let seen = server.take_one();
    assert_eq!(
        seen.header("anthropic-beta"),
        Some("some-beta-2025-01-01,files-api-2025-04-14")
    );
    assert_eq!(
        body(&seen)["messages"][2]["content"][0]["content"][0]["source"],
        json!({"type": "file", "file_id": "file_img"})
    );
}

#[tokio::test]
async fn token_counting_and_batches_send_it_too() {
    let server = server().await;
    let client = client(&server, None);
    let params = with_document("file_doc");
    let count = client
        .messages()
        .count_tokens(MessageCountTokensParams::from(&params))
        .await
        .unwrap();
    assert_eq!(count.input_tokens, 42);
    let counted = server.take_one();
    assert_eq!(counted.target, "/v1/messages/count_tokens");
    assert_eq!(counted.header("anthropic-beta"), Some(FILES_BETA));

    let upload = MessageCreateParams::new(
        "claude-sonnet-4-5",
        [MessageParam::user(vec![
            ContentBlockParam::from(ContainerUploadBlockParam::new("file_csv")),
            TextBlockParam::new("Plot this data.").into(),
        ])],
        256,
    );
    let batch = client
        .messages()
        .batches()
        .create(MessageBatchCreateParams::new([
            MessageBatchRequest::new(
                "plain",
                MessageCreateParams::new("m", [MessageParam::user("Hi")], 8),
            ),
            MessageBatchRequest::new("with-upload", upload),
        ]))
        .await
        .unwrap();
    assert_eq!(batch.id, "msgbatch_1");
    let created = server.take_one();
    assert_eq!(created.header("anthropic-beta"), Some(FILES_BETA));
    assert_eq!(
        body(&created)["requests"][1]["params"]["messages"][0]["content"][0],
        json!({"type": "container_upload", "file_id": "file_csv"})
    );
}

#[test]
fn body_betas_tells_what_a_request_will_add() {
    let mut needed = Vec::new();
    with_document("file_a").body_betas(&mut needed);
    assert_eq!(needed, [FILES_BETA]);

    let mut none = Vec::new();
    MessageCreateParams::new("m", [MessageParam::user("Hi")], 8).body_betas(&mut none);
    assert!(none.is_empty());
}
