//! The loopback stand-ins of the cloud platforms, shared by the `platform_*` tests (and the
//! platform examples, which include the file of their platform by path). Each checks what a
//! real platform checks (a SigV4 signature, a bearer token) and answers in the platform's
//! framing.

#![allow(dead_code)]

#[cfg(feature = "bedrock")]
pub mod bedrock;
#[cfg(feature = "vertex")]
pub mod vertex;

/// The events of a short streamed reply saying "Hello, world", as JSON values.
pub fn hello_events(model: &str) -> Vec<serde_json::Value> {
    use serde_json::json;
    vec![
        json!({"type": "message_start", "message": {
            "id": "msg_01", "type": "message", "role": "assistant", "content": [],
            "model": model, "stop_reason": null, "stop_sequence": null,
            "usage": {"input_tokens": 9, "output_tokens": 1}}}),
        json!({"type": "content_block_start", "index": 0,
            "content_block": {"type": "text", "text": ""}}),
        json!({"type": "ping"}),
        json!({"type": "content_block_delta", "index": 0,
            "delta": {"type": "text_delta", "text": "Hello, "}}),
        json!({"type": "content_block_delta", "index": 0,
            "delta": {"type": "text_delta", "text": "world"}}),
        json!({"type": "content_block_stop", "index": 0}),
        json!({"type": "message_delta", "delta": {"stop_reason": "end_turn",
            "stop_sequence": null}, "usage": {"output_tokens": 4}}),
        json!({"type": "message_stop"}),
    ]
}

/// A whole (non-streamed) reply saying "Hello, world".
pub fn hello_message(model: &str) -> serde_json::Value {
    serde_json::json!({
        "id": "msg_01", "type": "message", "role": "assistant", "model": model,
        "content": [{"type": "text", "text": "Hello, world"}],
        "stop_reason": "end_turn", "stop_sequence": null,
        "usage": {"input_tokens": 9, "output_tokens": 4}
    })
}

/// The events as server-sent events, as the first-party API and Vertex AI send them.
pub fn sse(events: &[serde_json::Value]) -> String {
    events
        .iter()
        .map(|e| format!("event: {}\ndata: {e}\n\n", e["type"].as_str().unwrap_or("")))
        .collect()
}
