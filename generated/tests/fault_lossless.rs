//! Fault injection for decoding: odd but harmless JSON from a loopback server (or from the
//! caller) must neither fail a whole response nor change when it is encoded again.
//!
//! - `null` for a property the spec requires with a default (`caller` on tool-use blocks, as
//!   some SDKs and proxies send) decodes to the default and is written back as `null`.
//! - A request property that was absent stays absent: a custom tool without `type` is sent
//!   without it, while one built with `Tool::new` sends everything the API requires.

use std::time::Duration;

use anthropic_openapi::{
    Client, ContentBlock, DeletedFile, DeletedFileType, DirectCaller, InputSchema,
    MessageCreateParams, MessageParam, Tool, ToolCaller, ToolType, ToolUnion,
};
use serde_json::{Value, json};
use testkit::{Reply, Server};

const LIMIT: Duration = Duration::from_secs(30);

fn client(server: &Server) -> Client {
    Client::builder()
        .api_key("sk-ant-test-lossless")
        .base_url(server.base_url())
        .build()
        .unwrap()
}

/// A message whose content has a client tool call and a server tool call, both with
/// `"caller": null`, and a client tool call whose `caller` is missing.
fn message_with_null_callers() -> Value {
    json!({
        "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5",
        "content": [
            {"type": "tool_use", "id": "toolu_1", "name": "get_weather",
             "input": {"city": "Paris"}, "caller": null},
            {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search",
             "input": {"query": "weather"}, "caller": null},
            {"type": "tool_use", "id": "toolu_2", "name": "get_time", "input": {}}
        ],
        "stop_reason": "tool_use", "stop_sequence": null,
        "usage": {"input_tokens": 5, "output_tokens": 7}
    })
}

fn params() -> MessageCreateParams {
    MessageCreateParams::new(
        "claude-sonnet-4-5",
        vec![MessageParam::user("What is the weather?")],
        64,
    )
}

/// `messages().create`: the response decodes; a `null` caller is the default (`direct`), and
/// the content encodes back to the JSON the server sent, `null`s included.
#[tokio::test]
async fn a_null_caller_decodes_to_the_default_and_is_written_back() {
    let body = message_with_null_callers();
    let server = Server::start({
        let body = body.clone();
        move |_| Reply::json(&body)
    })
    .await;
    let message = tokio::time::timeout(LIMIT, client(&server).messages().create(params()))
        .await
        .unwrap()
        .expect("one null property does not fail the message");

    let direct = ToolCaller::Direct(DirectCaller::default());
    let ContentBlock::ToolUse(tool_use) = &message.content[0] else {
        panic!("{:?}", message.content[0]);
    };
    assert_eq!(tool_use.caller, direct);
    assert_eq!(tool_use.extra.get("caller"), Some(&Value::Null));
    let ContentBlock::ServerToolUse(server_use) = &message.content[1] else {
        panic!("{:?}", message.content[1]);
    };
    assert_eq!(server_use.caller, direct);
    let ContentBlock::ToolUse(missing) = &message.content[2] else {
        panic!("{:?}", message.content[2]);
    };
    assert_eq!(missing.caller, direct);
    assert!(missing.extra.is_empty(), "{:?}", missing.extra);

    // The blocks encode back as sent, except that a missing required property is written
    // with its default (the block becomes valid).
    let mut expected = body["content"].clone();
    expected[2]["caller"] = json!({"type": "direct"});
    assert_eq!(serde_json::to_value(&message).unwrap()["content"], expected);

    // A caller set after decoding is written instead of the null.
    let mut changed = tool_use.clone();
    changed.caller = ToolCaller::Unknown(json!({"type": "code_execution_20990101"}));
    let written = serde_json::to_value(&changed).unwrap();
    assert_eq!(
        written["caller"],
        json!({"type": "code_execution_20990101"})
    );
}

/// The tool-use loop: the assistant turn is sent back as it came, `"caller": null` included
/// (and a missing caller as its default, `direct`).
#[tokio::test]
async fn a_null_caller_goes_back_unchanged_in_the_next_request() {
    let body = message_with_null_callers();
    let server = Server::start({
        let body = body.clone();
        move |_| Reply::json(&body)
    })
    .await;
    let client = client(&server);
    let message = client.messages().create(params()).await.unwrap();
    let mut next = params();
    next.messages.push(MessageParam::from(&message));
    tokio::time::timeout(LIMIT, client.messages().create(next))
        .await
        .unwrap()
        .unwrap();
    let requests = server.take();
    assert_eq!(requests.len(), 2);
    let sent = requests[1].json();
    let mut expected = body["content"].clone();
    expected[2]["caller"] = json!({"type": "direct"});
    assert_eq!(sent["messages"][1]["content"], expected);
}

/// A request decoded from JSON (a proxy, a replayed log) is sent as it was: a custom tool
/// without `type` gets none, one with `"type": "custom"` or `"type": null` keeps it.
#[tokio::test]
async fn an_absent_tool_type_stays_absent_in_the_request_sent() {
    let server = Server::start(|_| Reply::json(message_with_null_callers())).await;
    let request = json!({
        "model": "claude-sonnet-4-5",
        "max_tokens": 64,
        "messages": [{"role": "user", "content": "What is the weather?"}],
        "tools": [
            {"name": "untyped", "input_schema": {"type": "object", "properties": {}}},
            {"type": "custom", "name": "typed", "input_schema": {"type": "object"}},
            {"type": null, "name": "null_typed", "input_schema": {"type": "object"}}
        ]
    });
    let params: MessageCreateParams = serde_json::from_value(request.clone()).unwrap();
    let tools = params.tools.as_deref().unwrap();
    let types: Vec<Option<ToolType>> = tools
        .iter()
        .map(|t| match t {
            ToolUnion::Custom(tool) => tool.r#type.clone(),
            other => panic!("not a custom tool: {other:?}"),
        })
        .collect();
    assert_eq!(types, [None, Some(ToolType::Custom), None]);

    tokio::time::timeout(LIMIT, client(&server).messages().create(params))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(server.take_one().json(), request);
}

/// A tool built in Rust sends what the API requires (`name`, `input_schema`) and a `type`
/// only when it is set.
#[tokio::test]
async fn a_tool_built_in_rust_sends_what_the_api_requires() {
    let server = Server::start(|_| Reply::json(message_with_null_callers())).await;
    let schema: InputSchema = serde_json::from_value(json!({"type": "object"})).unwrap();
    let params = params().tools(vec![
        ToolUnion::from(Tool::new("plain", schema.clone())),
        ToolUnion::from(Tool::new("typed", schema).r#type(ToolType::Custom)),
    ]);
    client(&server).messages().create(params).await.unwrap();
    let sent = server.take_one().json();
    assert_eq!(
        sent["tools"],
        json!([
            {"name": "plain", "input_schema": {"type": "object"}},
            {"type": "custom", "name": "typed", "input_schema": {"type": "object"}}
        ])
    );
}

/// `files().delete`: the response's optional `type` is kept when sent and not invented when
/// missing.
#[tokio::test]
async fn a_deleted_file_keeps_whether_it_had_a_type() {
    for body in [
        json!({"id": "file_1", "type": "file_deleted"}),
        json!({"id": "file_1"}),
    ] {
        let server = Server::start({
            let body = body.clone();
            move |_| Reply::json(&body)
        })
        .await;
        let deleted: DeletedFile = client(&server).files().delete("file_1").await.unwrap();
        let expected_type = body.get("type").map(|_| DeletedFileType::FileDeleted);
        assert_eq!(deleted.r#type, expected_type);
        assert_eq!(serde_json::to_value(&deleted).unwrap(), body);
    }
}
