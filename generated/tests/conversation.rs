//! Carrying a response into the next request: `Message` → assistant `MessageParam`, each
//! `ContentBlock` → `ContentBlockParam`, losslessly; and `ErrorObject::message`.

use anthropic_openapi::{
    ContentBlock, ContentBlockParam, ErrorObject, Message, MessageContent, MessageParam,
    MessageParamRole,
};
use serde_json::{Value, json};

/// The recorded message: thinking, server tool use and its result, citations, tool use.
const RECORDED: &str = include_str!("fixtures/message_stream_message.json");

fn blocks(param: &MessageParam) -> &[ContentBlockParam] {
    match &param.content {
        MessageContent::ContentBlockParamList(blocks) => blocks,
        other => panic!("expected blocks, got {other:?}"),
    }
}

#[test]
fn a_message_becomes_the_assistant_turn_with_the_same_json() {
    let message: Message = serde_json::from_str(RECORDED).unwrap();
    let param = MessageParam::from(&message);
    assert_eq!(param.role, MessageParamRole::Assistant);

    let sent = serde_json::to_value(&param).unwrap();
    let received: Value = serde_json::from_str(RECORDED).unwrap();
    assert_eq!(sent["role"], "assistant");
    assert_eq!(
        sent["content"], received["content"],
        "every block is passed on as it came"
    );

    // Each block lands in the request variant of its own type.
    let kinds: Vec<&str> = blocks(&param).iter().map(ContentBlockParam::tag).collect();
    let expected: Vec<&str> = message.content.iter().map(ContentBlock::tag).collect();
    assert_eq!(kinds, expected);
    assert!(
        blocks(&param)
            .iter()
            .all(|b| !matches!(b, ContentBlockParam::Unknown(_))),
        "{:?}",
        blocks(&param)
    );
    let ContentBlockParam::ToolUse(tool) = &blocks(&param)[5] else {
        panic!("expected a tool_use block, got {:?}", blocks(&param)[5]);
    };
    let ContentBlock::ToolUse(original) = &message.content[5] else {
        panic!("the fixture's last block is a tool_use");
    };
    assert_eq!(
        (&tool.id, &tool.name, &tool.input),
        (&original.id, &original.name, &original.input)
    );
}

/// Recorded responses of every kind of block the API documents.
const FIXTURES: &[(&str, &str)] = &[
    (
        "bash_text_editor",
        include_str!("../../tests/fixtures/json/messages/bash_text_editor.json"),
    ),
    (
        "code_execution",
        include_str!("../../tests/fixtures/json/messages/code_execution.json"),
    ),
    (
        "refusal",
        include_str!("../../tests/fixtures/json/messages/refusal.json"),
    ),
    (
        "text_citations",
        include_str!("../../tests/fixtures/json/messages/text_citations.json"),
    ),
    (
        "thinking",
        include_str!("../../tests/fixtures/json/messages/thinking.json"),
    ),
    (
        "tool_search",
        include_str!("../../tests/fixtures/json/messages/tool_search.json"),
    ),
    (
        "tool_use",
        include_str!("../../tests/fixtures/json/messages/tool_use.json"),
    ),
    (
        "web_fetch",
        include_str!("../../tests/fixtures/json/messages/web_fetch.json"),
    ),
    (
        "web_search",
        include_str!("../../tests/fixtures/json/messages/web_search.json"),
    ),
];

#[test]
fn every_documented_block_converts_to_its_typed_request_block() {
    for (name, text) in FIXTURES {
        let received: Value = serde_json::from_str(text).unwrap();
        let message: Message = serde_json::from_str(text).unwrap();
        let param = MessageParam::from(&message);
        let sent = serde_json::to_value(&param).unwrap();
        assert_eq!(sent["content"], received["content"], "{name}");
        for (block, original) in blocks(&param).iter().zip(&message.content) {
            assert!(
                !matches!(block, ContentBlockParam::Unknown(_)),
                "{name}: a `{}` block did not fit its request type",
                original.tag()
            );
            assert_eq!(block.tag(), original.tag(), "{name}");
        }
    }
}

#[test]
fn unknown_blocks_and_properties_are_passed_on_unchanged() {
    let received = json!({
        "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5",
        "content": [
            {"type": "text", "text": "hi", "citations": null, "future_property": [1, 2]},
            {"type": "hologram", "frames": 3}
        ],
        "stop_reason": "end_turn", "stop_sequence": null,
        "usage": {"input_tokens": 1, "output_tokens": 2}
    });
    let message: Message = serde_json::from_value(received.clone()).unwrap();
    let param: MessageParam = message.into();
    let sent = serde_json::to_value(&param).unwrap();
    assert_eq!(sent["content"], received["content"]);
    assert!(matches!(blocks(&param)[0], ContentBlockParam::Text(_)));
    assert!(matches!(blocks(&param)[1], ContentBlockParam::Unknown(_)));
}

#[test]
fn error_objects_tell_their_message_whatever_the_type() {
    let known: ErrorObject =
        serde_json::from_value(json!({"type": "overloaded_error", "message": "Overloaded"}))
            .unwrap();
    assert_eq!(known.message(), Some("Overloaded"));
    let unknown: ErrorObject =
        serde_json::from_value(json!({"type": "quota_error", "message": "Out of quota"})).unwrap();
    assert!(matches!(unknown, ErrorObject::Unknown(_)));
    assert_eq!(unknown.message(), Some("Out of quota"));
    let silent: ErrorObject = serde_json::from_value(json!({"type": "quota_error"})).unwrap();
    assert_eq!(silent.message(), None);
}
