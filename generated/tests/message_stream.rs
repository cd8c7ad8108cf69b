//! `MessageStream`: recorded event streams assembled into the message the non-streaming call
//! returns.

use anthropic_openapi::{
    Client, ContentBlock, ContentBlockDelta, Message, MessageCreateParams, MessageParam,
    MessageStream, MessageStreamEvent, StopReason,
};
use anthropic_openapi::{Error, SseStream};
use bytes::Bytes;
use futures::StreamExt;
use serde_json::{Value, json};
use testkit::{Reply, Server};

/// A recorded `/v1/messages` stream: thinking (with a signature), a server tool call and its
/// result, text with two kinds of citations, a tool call whose input arrives in fragments
/// split inside strings and inside a `\u` escape, a ping, an unknown event type and an
/// unknown delta type.
const RECORDED: &[u8] = include_bytes!("fixtures/message_stream.sse");

/// The message the non-streaming call returns for the same content.
const EXPECTED: &str = include_str!("fixtures/message_stream_message.json");

fn events(chunks: Vec<Vec<u8>>) -> SseStream<MessageStreamEvent> {
    let items: Vec<_> = chunks.into_iter().map(|c| Ok(Bytes::from(c))).collect();
    SseStream::from_byte_stream(futures::stream::iter(items))
}

fn stream_of(body: &[u8]) -> MessageStream {
    MessageStream::new(events(vec![body.to_vec()]))
}

fn expected() -> Message {
    serde_json::from_str(EXPECTED).unwrap()
}

/// Builds an SSE body from event payloads (the event name is taken from `type`).
fn sse(payloads: &[Value]) -> Vec<u8> {
    let mut body = String::new();
    for payload in payloads {
        let name = payload["type"].as_str().unwrap();
        body.push_str(&format!("event: {name}\ndata: {payload}\n\n"));
    }
    body.into_bytes()
}

fn message_start() -> Value {
    json!({"type": "message_start", "message": {
        "id": "msg_1", "type": "message", "role": "assistant", "content": [],
        "model": "claude-sonnet-4-5", "stop_reason": null, "stop_sequence": null,
        "usage": {"input_tokens": 10, "output_tokens": 1,
                  "cache_creation_input_tokens": 3, "cache_read_input_tokens": 4}
    }})
}

fn tool_use_start(index: i64) -> Value {
    json!({"type": "content_block_start", "index": index, "content_block": {
        "type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {},
        "caller": {"type": "direct"}
    }})
}

fn json_delta(index: i64, partial: &str) -> Value {
    json!({"type": "content_block_delta", "index": index,
           "delta": {"type": "input_json_delta", "partial_json": partial}})
}

fn stop(index: i64) -> Value {
    json!({"type": "content_block_stop", "index": index})
}

fn message_end() -> [Value; 2] {
    [
        json!({"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": null},
               "usage": {"output_tokens": 7}}),
        json!({"type": "message_stop"}),
    ]
}

fn stream_error_text(err: &Error) -> &str {
    match err {
        Error::Stream(message) => message,
        other => panic!("expected Error::Stream, got {other:?}"),
    }
}

#[tokio::test]
async fn final_message_equals_the_non_streaming_message() {
    let message = stream_of(RECORDED).final_message().await.unwrap();
    assert_eq!(message, expected());

    // Same as JSON, key for key, against the hand-written fixture itself.
    let fixture: Value = serde_json::from_str(EXPECTED).unwrap();
    assert_eq!(serde_json::to_value(&message).unwrap(), fixture);

    assert_eq!(message.stop_reason, Some(StopReason::ToolUse));
    let ContentBlock::ToolUse(tool) = &message.content[5] else {
        panic!("expected a tool_use block, got {:?}", message.content[5]);
    };
    assert_eq!(tool.input["unit"], "°C");
    assert_eq!(tool.input["note"], "café ☀");
    assert_eq!(tool.input["opts"]["q"], "a\"b");
}

#[tokio::test]
async fn events_pass_through_unchanged_and_in_order() {
    // Every `data:` payload of the recording except the ping, in order.
    let recorded: Vec<Value> = std::str::from_utf8(RECORDED)
        .unwrap()
        .lines()
        .filter_map(|line| line.strip_prefix("data: "))
        .map(|data| serde_json::from_str::<Value>(data).unwrap())
        .filter(|event| event["type"] != "ping")
        .collect();

    let mut stream = stream_of(RECORDED);
    let mut seen = Vec::new();
    while let Some(event) = stream.next().await {
        seen.push(event.unwrap());
    }
    assert!(stream.is_complete());
    assert_eq!(seen.len(), recorded.len());
    for (event, raw) in seen.iter().zip(&recorded) {
        assert_eq!(event.tag(), raw["type"].as_str().unwrap());
    }

    // The ping in the middle is not an item, and does not disturb anything.
    assert!(
        !seen
            .iter()
            .any(|e| matches!(e, MessageStreamEvent::Ping(_)))
    );

    // The unknown event type and the unknown delta type are passed on as received.
    let unknown_events: Vec<&Value> = seen
        .iter()
        .filter_map(|e| match e {
            MessageStreamEvent::Unknown(v) => Some(v),
            _ => None,
        })
        .collect();
    assert_eq!(unknown_events.len(), 1);
    assert_eq!(unknown_events[0]["type"], "content_annotation");
    let unknown_deltas: Vec<&Value> = seen
        .iter()
        .filter_map(|e| match e {
            MessageStreamEvent::ContentBlockDelta(d) => match &d.delta {
                ContentBlockDelta::Unknown(v) => Some(v),
                _ => None,
            },
            _ => None,
        })
        .collect();
    assert_eq!(unknown_deltas.len(), 1);
    assert_eq!(unknown_deltas[0]["type"], "reasoning_summary_delta");

    // The snapshot is the final message.
    assert_eq!(stream.snapshot(), Some(&expected()));
}

#[tokio::test]
async fn snapshot_follows_the_events() {
    let mut stream = stream_of(RECORDED);
    assert!(stream.snapshot().is_none());

    let mut tool_json_progress = Vec::new();
    while let Some(event) = stream.next().await {
        let event = event.unwrap();
        let snapshot = stream.snapshot().expect("a snapshot after message_start");
        match &event {
            MessageStreamEvent::MessageStart(_) => {
                assert!(snapshot.content.is_empty());
                assert_eq!(snapshot.usage.output_tokens, 2);
                assert_eq!(snapshot.stop_reason, None);
            }
            MessageStreamEvent::ContentBlockDelta(d) if d.index == 0 => {
                let ContentBlock::Thinking(thinking) = &snapshot.content[0] else {
                    panic!("block 0 should be thinking");
                };
                if let ContentBlockDelta::ThinkingDelta(_) = d.delta {
                    assert!(thinking.thinking.starts_with("The user asks about Paris. "));
                    assert_eq!(thinking.signature, "");
                }
            }
            MessageStreamEvent::ContentBlockDelta(d) if d.index == 5 => {
                tool_json_progress.push(stream.partial_json(5).unwrap().to_string());
                let ContentBlock::ToolUse(tool) = &snapshot.content[5] else {
                    panic!("block 5 should be tool_use");
                };
                assert!(
                    tool.input.is_empty(),
                    "input is filled in at content_block_stop"
                );
            }
            MessageStreamEvent::ContentBlockStop(s) if s.index == 5 => {
                assert_eq!(stream.partial_json(5), None);
                assert_eq!(snapshot.content[5], expected().content[5]);
            }
            MessageStreamEvent::MessageDelta(_) => {
                assert_eq!(snapshot.stop_reason, Some(StopReason::ToolUse));
                assert_eq!(snapshot.usage, expected().usage);
                assert!(!stream.is_complete());
            }
            MessageStreamEvent::MessageStop(_) => assert!(stream.is_complete()),
            _ => {}
        }
    }
    assert_eq!(
        tool_json_progress.first().map(String::as_str),
        Some("{\"location\": \"Par")
    );
    assert_eq!(tool_json_progress.len(), 5);
}

#[tokio::test]
async fn text_stream_yields_the_text_deltas() {
    let pieces: Vec<String> = stream_of(RECORDED)
        .text_stream()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(
        pieces,
        [
            "Paris is mild today",
            ", by the Seine. ",
            "Let me get the ",
            "forecast ☀️."
        ]
    );
}

#[tokio::test]
async fn final_text_joins_the_text_blocks() {
    let text = stream_of(RECORDED).final_text().await.unwrap();
    assert_eq!(
        text,
        "Paris is mild today, by the Seine. Let me get the forecast ☀️."
    );
}

#[tokio::test]
async fn splitting_the_bytes_anywhere_gives_the_same_message() {
    let want = expected();
    for at in 0..=RECORDED.len() {
        let chunks = vec![RECORDED[..at].to_vec(), RECORDED[at..].to_vec()];
        let got = MessageStream::new(events(chunks)).final_message().await;
        assert_eq!(got.unwrap(), want, "split at byte {at}");
    }
    // And one byte per chunk.
    let chunks = RECORDED.iter().map(|b| vec![*b]).collect();
    let got = MessageStream::new(events(chunks)).final_message().await;
    assert_eq!(got.unwrap(), want);
}

#[tokio::test]
async fn a_stream_cut_before_message_stop_fails() {
    let text = std::str::from_utf8(RECORDED).unwrap();
    let cut = text.find("event: message_stop").unwrap();
    let err = stream_of(&RECORDED[..cut])
        .final_message()
        .await
        .unwrap_err();
    assert!(stream_error_text(&err).contains("message_stop"), "{err}");

    // Cut in the middle of an event.
    let cut = text.find("event: message_delta").unwrap() + 30;
    let err = stream_of(&RECORDED[..cut])
        .final_message()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Stream(_)), "{err:?}");

    // The text stream reports the cut too.
    let cut = text.find("event: message_stop").unwrap();
    let items: Vec<_> = stream_of(&RECORDED[..cut]).text_stream().collect().await;
    assert_eq!(items.len(), 5);
    assert!(matches!(items.last(), Some(Err(Error::Stream(_)))));

    // An empty body never started a message.
    let err = stream_of(b"").final_message().await.unwrap_err();
    assert!(stream_error_text(&err).contains("message_start"), "{err}");
}

#[tokio::test]
async fn invalid_tool_json_names_the_block_and_the_tool() {
    let body = sse(&[
        message_start(),
        tool_use_start(0),
        json_delta(0, "{\"location\": "),
        json_delta(0, "\"Par"),
        stop(0),
    ]);
    let mut stream = stream_of(&body);
    let mut error = None;
    while let Some(item) = stream.next().await {
        if let Err(e) = item {
            assert!(error.is_none(), "the stream ends after its first error");
            error = Some(e);
        }
    }
    let err = error.expect("an error");
    let text = stream_error_text(&err);
    assert!(text.contains("content block 0"), "{text}");
    assert!(text.contains("tool_use `get_weather`"), "{text}");
    assert!(text.contains("not valid JSON"), "{text}");
    assert!(text.contains(r#""{\"location\": \"Par""#), "{text}");

    let err = MessageStream::new(events(vec![body]))
        .final_message()
        .await
        .unwrap_err();
    assert!(stream_error_text(&err).contains("get_weather"));
}

#[tokio::test]
async fn tool_input_that_is_not_an_object_is_an_error() {
    let body = sse(&[
        message_start(),
        tool_use_start(0),
        json_delta(0, "[1, 2]"),
        stop(0),
    ]);
    let err = stream_of(&body).final_message().await.unwrap_err();
    let text = stream_error_text(&err);
    assert!(text.contains("not a JSON object"), "{text}");
    assert!(text.contains("get_weather"), "{text}");
}

#[tokio::test]
async fn empty_tool_input_is_an_empty_object() {
    let mut payloads = vec![
        message_start(),
        // Only empty fragments.
        tool_use_start(0),
        json_delta(0, ""),
        stop(0),
        // No fragment at all: the input of content_block_start stays.
        tool_use_start(1),
        stop(1),
    ];
    payloads.extend(message_end());
    let message = stream_of(&sse(&payloads)).final_message().await.unwrap();
    for block in &message.content {
        let ContentBlock::ToolUse(tool) = block else {
            panic!("expected tool_use, got {block:?}");
        };
        assert!(tool.input.is_empty());
    }
    assert_eq!(
        serde_json::to_value(&message.content[0]).unwrap()["input"],
        json!({})
    );
}

#[tokio::test]
async fn events_out_of_place_are_clear_errors() {
    // A delta for a block that was never started.
    let body = sse(&[
        message_start(),
        json!({"type": "content_block_delta", "index": 2,
               "delta": {"type": "text_delta", "text": "hi"}}),
    ]);
    let err = stream_of(&body).final_message().await.unwrap_err();
    let text = stream_error_text(&err);
    assert!(text.contains("text_delta for content block 2"), "{text}");
    assert!(text.contains("never started"), "{text}");

    // A stop for a block that was never started.
    let body = sse(&[message_start(), stop(0)]);
    let err = stream_of(&body).final_message().await.unwrap_err();
    assert!(stream_error_text(&err).contains("content_block_stop for content block 0"));

    // A block that skips an index.
    let body = sse(&[message_start(), tool_use_start(1)]);
    let err = stream_of(&body).final_message().await.unwrap_err();
    assert!(stream_error_text(&err).contains("content_block_start for index 1"));

    // An event before message_start.
    let body = sse(&[tool_use_start(0)]);
    let err = stream_of(&body).final_message().await.unwrap_err();
    assert!(
        stream_error_text(&err).contains("content_block_start before message_start"),
        "{err}"
    );

    // A delta of the wrong kind for its block.
    let body = sse(&[
        message_start(),
        tool_use_start(0),
        json!({"type": "content_block_delta", "index": 0,
               "delta": {"type": "thinking_delta", "thinking": "hm"}}),
    ]);
    let err = stream_of(&body).final_message().await.unwrap_err();
    let text = stream_error_text(&err);
    assert!(
        text.contains("thinking_delta for content block 0, which is a tool_use block"),
        "{text}"
    );
}

#[tokio::test]
async fn an_error_event_fails_the_stream() {
    let body = sse(&[
        message_start(),
        json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}),
    ]);
    let err = stream_of(&body).final_message().await.unwrap_err();
    let api = err.as_api().expect("an API error");
    assert_eq!(api.message, "Overloaded");
}

#[tokio::test]
async fn message_delta_updates_only_the_reported_usage() {
    let mut payloads = vec![message_start()];
    payloads.push(json!({"type": "message_delta",
        "delta": {"stop_reason": "stop_sequence", "stop_sequence": "###",
                  "container": {"id": "container_1", "expires_at": "2025-05-01T12:00:00Z"}},
        "usage": {"output_tokens": 42, "cache_read_input_tokens": 9,
                  "output_tokens_details": {"thinking_tokens": 5}}}));
    payloads.push(json!({"type": "message_stop"}));
    let message = stream_of(&sse(&payloads)).final_message().await.unwrap();
    assert_eq!(message.stop_reason, Some(StopReason::StopSequence));
    assert_eq!(message.stop_sequence.as_deref(), Some("###"));
    assert_eq!(message.container.as_ref().unwrap().id, "container_1");
    let usage = &message.usage;
    assert_eq!(usage.output_tokens, 42);
    assert_eq!(usage.input_tokens, 10, "kept from message_start");
    assert_eq!(
        usage.cache_creation_input_tokens,
        Some(3),
        "kept from message_start"
    );
    assert_eq!(usage.cache_read_input_tokens, Some(9));
    assert_eq!(
        usage
            .output_tokens_details
            .as_ref()
            .unwrap()
            .thinking_tokens,
        5
    );
    assert_eq!(usage.server_tool_use, None);
}

#[tokio::test]
async fn deltas_apply_to_blocks_of_unknown_types() {
    let mut payloads = vec![
        message_start(),
        json!({"type": "content_block_start", "index": 0,
               "content_block": {"type": "future_tool_use", "name": "later", "input": {}, "text": ""}}),
        json!({"type": "content_block_delta", "index": 0,
               "delta": {"type": "text_delta", "text": "ab"}}),
        json!({"type": "content_block_delta", "index": 0,
               "delta": {"type": "text_delta", "text": "c"}}),
        json_delta(0, "{\"a\": "),
        json_delta(0, "[true]}"),
        stop(0),
    ];
    payloads.extend(message_end());
    let message = stream_of(&sse(&payloads)).final_message().await.unwrap();
    let ContentBlock::Unknown(block) = &message.content[0] else {
        panic!("expected an unknown block, got {:?}", message.content[0]);
    };
    assert_eq!(
        block,
        &json!({"type": "future_tool_use", "name": "later", "input": {"a": [true]}, "text": "abc"})
    );

    // Invalid input JSON for such a block still names it.
    let body = sse(&[
        message_start(),
        json!({"type": "content_block_start", "index": 0,
               "content_block": {"type": "future_tool_use", "name": "later", "input": {}}}),
        json_delta(0, "{"),
        stop(0),
    ]);
    let err = stream_of(&body).final_message().await.unwrap_err();
    assert!(
        stream_error_text(&err).contains("future_tool_use `later`"),
        "{err}"
    );
}

#[tokio::test]
async fn messages_stream_sends_a_streaming_request() {
    let server = Server::start(|_| {
        Reply::new(200, RECORDED)
            .content_type("text/event-stream")
            .request_id("req_42")
    })
    .await;

    let client = Client::builder()
        .api_key("sk-ant-test")
        .base_url(server.base_url())
        .max_retries(0)
        .build()
        .unwrap();
    let params = MessageCreateParams::new(
        "claude-sonnet-4-5",
        vec![MessageParam::user("Weather in Paris?")],
        1024,
    );
    let stream = client.messages().stream(params).await.unwrap();
    assert_eq!(stream.request_id(), Some("req_42"));
    assert_eq!(stream.final_message().await.unwrap(), expected());

    let request = server.take_one().raw;
    let text = String::from_utf8(request).unwrap();
    assert!(text.starts_with("POST /v1/messages "), "{text}");
    let body: Value = serde_json::from_str(text.split("\r\n\r\n").nth(1).unwrap()).unwrap();
    assert_eq!(body["stream"], true);
}

#[tokio::test]
async fn pieces_come_in_order_and_the_message_is_still_assembled() {
    use anthropic_openapi::Piece;

    let mut stream = stream_of(RECORDED);
    let mut thinking = String::new();
    let mut text = String::new();
    let mut inputs: std::collections::BTreeMap<usize, String> = Default::default();
    let mut citations = Vec::new();
    let mut kinds = Vec::new();
    while let Some(piece) = stream.next_piece().await {
        let piece = piece.unwrap();
        kinds.push(match &piece {
            Piece::Text(_) => "text",
            Piece::Thinking(_) => "thinking",
            Piece::ToolInput { .. } => "tool_input",
            Piece::Citation { .. } => "citation",
            _ => "other",
        });
        match piece {
            Piece::Text(t) => text.push_str(&t),
            Piece::Thinking(t) => thinking.push_str(&t),
            Piece::ToolInput {
                index,
                partial_json,
            } => inputs.entry(index).or_default().push_str(&partial_json),
            Piece::Citation { index, citation } => {
                citations.push((index, citation.tag().to_owned()))
            }
            other => panic!("unexpected piece {other:?}"),
        }
    }
    // The signature delta and the delta of an unknown type carry no piece.
    assert_eq!(
        kinds,
        [
            "thinking",
            "thinking",
            "tool_input",
            "tool_input",
            "tool_input",
            "text",
            "citation",
            "citation",
            "text",
            "text",
            "text",
            "tool_input",
            "tool_input",
            "tool_input",
            "tool_input",
            "tool_input",
        ]
    );
    let expected = expected();
    assert_eq!(text, expected.text());
    assert_eq!(
        thinking,
        expected.content[0].as_thinking().unwrap().thinking
    );
    assert_eq!(
        citations,
        [
            (3, "web_search_result_location".to_owned()),
            (3, "char_location".to_owned())
        ]
    );
    let input: Value = serde_json::from_str(&inputs[&5]).unwrap();
    assert_eq!(
        input,
        json!(expected.content[5].as_tool_use().unwrap().input)
    );
    assert_eq!(inputs[&1], r#"{"query": "weather paris today"}"#);

    // Draining the pieces read the whole stream into the snapshot, usage included.
    assert!(stream.is_complete());
    assert_eq!(stream.snapshot(), Some(&expected));
    assert_eq!(stream.final_message().await.unwrap(), expected);
}

#[tokio::test]
async fn pieces_as_a_stream_end_at_the_first_error_and_leave_the_snapshot() {
    use anthropic_openapi::Piece;

    // A text delta for a block that was never started is an error, after the first piece.
    let body = sse(&[
        message_start(),
        json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
        json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hi"}}),
        json!({"type": "content_block_delta", "index": 4, "delta": {"type": "text_delta", "text": "!"}}),
    ]);
    let mut stream = stream_of(&body);
    let pieces: Vec<_> = stream.pieces().collect().await;
    assert_eq!(pieces.len(), 2, "{pieces:?}");
    assert_eq!(pieces[0].as_ref().unwrap(), &Piece::Text("Hi".into()));
    let err = pieces[1].as_ref().unwrap_err();
    assert!(stream_error_text(err).contains("never started"), "{err}");
    assert!(
        stream.next_piece().await.is_none(),
        "the stream ended at its error"
    );
    assert_eq!(stream.snapshot().unwrap().text(), "Hi");
    assert_eq!(stream.snapshot().unwrap().usage.input_tokens, 10);
}
