//! The server-sent-events decoder, fed chunk by chunk.

use anthropic_openapi::{Error, ErrorType, SseStream};
use bytes::Bytes;
use futures::StreamExt;
use serde_json::{Value, json};

/// A small recorded `/v1/messages` stream, with a multi-byte text delta and a ping.
const RECORDED: &str = "event: message_start\n\
data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"role\":\"assistant\",\"content\":[]}}\n\
\n\
event: content_block_start\n\
data: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\
\n\
event: ping\n\
data: {\"type\": \"ping\"}\n\
\n\
event: content_block_delta\n\
data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"h\u{e9}llo \u{1F30D}\"}}\n\
\n\
event: content_block_stop\n\
data: {\"type\":\"content_block_stop\",\"index\":0}\n\
\n\
event: message_delta\n\
data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":3}}\n\
\n\
event: message_stop\n\
data: {\"type\":\"message_stop\"}\n\
\n";

fn chunked(chunks: Vec<Vec<u8>>) -> SseStream<Value> {
    let items = chunks.into_iter().map(|c| Ok(Bytes::from(c)));
    SseStream::from_byte_stream(futures::stream::iter(items.collect::<Vec<_>>()))
}

async fn collect(chunks: Vec<Vec<u8>>) -> Vec<Result<Value, String>> {
    chunked(chunks)
        .map(|r| r.map_err(|e| format!("{e:?}")))
        .collect()
        .await
}

fn split_at(body: &[u8], at: usize) -> Vec<Vec<u8>> {
    vec![body[..at].to_vec(), body[at..].to_vec()]
}

fn expected() -> Vec<Result<Value, String>> {
    vec![
        Ok(
            json!({"type":"message_start","message":{"id":"msg_1","role":"assistant","content":[]}}),
        ),
        Ok(
            json!({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}),
        ),
        Ok(
            json!({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"héllo 🌍"}}),
        ),
        Ok(json!({"type":"content_block_stop","index":0})),
        Ok(
            json!({"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":3}}),
        ),
        Ok(json!({"type":"message_stop"})),
    ]
}

#[tokio::test]
async fn recorded_stream_decodes_the_same_at_every_split() {
    let body = RECORDED.as_bytes();
    assert_eq!(collect(vec![body.to_vec()]).await, expected());
    for at in 0..=body.len() {
        assert_eq!(
            collect(split_at(body, at)).await,
            expected(),
            "split at byte {at}"
        );
    }
    let bytewise = body.iter().map(|b| vec![*b]).collect();
    assert_eq!(collect(bytewise).await, expected());
}

#[tokio::test]
async fn crlf_and_cr_line_ends_at_every_split() {
    for end in ["\r\n", "\r"] {
        let body = RECORDED.replace('\n', end).into_bytes();
        assert_eq!(collect(vec![body.clone()]).await, expected(), "{end:?}");
        for at in 0..=body.len() {
            assert_eq!(
                collect(split_at(&body, at)).await,
                expected(),
                "{end:?} split at {at}"
            );
        }
        let bytewise = body.iter().map(|b| vec![*b]).collect();
        assert_eq!(collect(bytewise).await, expected(), "{end:?} byte by byte");
    }
}

#[tokio::test]
async fn multi_line_data_is_joined_with_newlines() {
    let body = b"data: [1,\ndata: 2]\n\ndata: 1\ndata: 2\n\n".to_vec();
    let items: Vec<_> = chunked(vec![body]).collect().await;
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].as_ref().unwrap(), &json!([1, 2]));
    // "1\n2" is not JSON (it would be 12 if the lines were concatenated without a newline).
    match &items[1] {
        Err(Error::Decode { snippet, .. }) => assert_eq!(snippet, "1\n2"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn comments_fields_and_spacing() {
    let body = b": keep-alive comment\n\
id: 42\n\
retry: 1500\n\
unknown: ignored\n\
event:completion\n\
data:{\"type\":\"completion\",\"completion\":\"  two spaces\"}\n\
\n\
:another comment\n\
data:  \"x\"\n\
\n"
    .to_vec();
    let mut stream = chunked(vec![body]);
    let first = stream.next().await.unwrap().unwrap();
    assert_eq!(
        first,
        json!({"type":"completion","completion":"  two spaces"})
    );
    // Only one space after the colon is removed.
    assert_eq!(stream.next().await.unwrap().unwrap(), json!("x"));
    assert!(
        stream.next().await.is_none(),
        "a completion stream may end without message_stop"
    );
    assert_eq!(stream.last_event_id(), Some("42"));
    assert_eq!(stream.retry(), Some(std::time::Duration::from_millis(1500)));
}

#[tokio::test]
async fn ping_is_skipped_by_event_name_or_json_type() {
    let body = b"event: ping\ndata: {}\n\ndata: {\"type\":\"ping\"}\n\ndata: {\"type\":\"completion\"}\n\n".to_vec();
    let items: Vec<Value> = chunked(vec![body]).map(Result::unwrap).collect().await;
    assert_eq!(items, [json!({"type":"completion"})]);
}

#[tokio::test]
async fn error_event_is_an_api_error_and_ends_the_stream() {
    let body = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{}}\n\n\
event: error\n\
data: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n\
event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    let mut stream = chunked(vec![body.as_bytes().to_vec()]);
    assert_eq!(
        stream.next().await.unwrap().unwrap()["type"],
        "message_start"
    );
    let err = stream.next().await.unwrap().unwrap_err();
    let Error::Api(api) = err else {
        panic!("{err:?}")
    };
    assert_eq!(api.status, 200);
    assert_eq!(api.error_type, ErrorType::OverloadedError);
    assert_eq!(api.message, "Overloaded");
    assert!(api.body.contains("overloaded_error"));
    assert!(
        stream.next().await.is_none(),
        "nothing after the error event"
    );
}

#[tokio::test]
async fn truncated_before_message_stop_is_an_error() {
    let cut = RECORDED.find("event: message_stop").unwrap();
    let items = collect(vec![RECORDED.as_bytes()[..cut].to_vec()]).await;
    assert_eq!(items.len(), 6);
    assert_eq!(&items[..5], &expected()[..5]);
    let last = items[5].as_ref().unwrap_err();
    assert!(
        last.contains("Stream") && last.contains("message_stop"),
        "{last}"
    );
}

#[tokio::test]
async fn truncated_in_the_middle_of_an_event_is_an_error() {
    // Cut inside the last event's data line, then just after its data line (no blank line).
    let line_end = RECORDED.rfind("}\n").unwrap() + 2;
    for cut in [line_end - 5, line_end] {
        let items = collect(vec![RECORDED.as_bytes()[..cut].to_vec()]).await;
        assert_eq!(items.len(), 6, "cut at {cut}");
        let last = items[5].as_ref().unwrap_err();
        assert!(last.contains("Stream"), "{last}");
    }
    // A completion stream (no message_start) cut inside an event is an error too.
    let items = collect(vec![
        b"data: {\"type\":\"completion\"}\n\ndata: {\"ty".to_vec(),
    ])
    .await;
    assert_eq!(items.len(), 2);
    assert!(items[1].as_ref().unwrap_err().contains("Stream"));
}

#[tokio::test]
async fn undecodable_event_is_a_decode_error_and_decoding_continues() {
    #[derive(Debug, serde::Deserialize)]
    struct Typed {
        #[serde(rename = "type")]
        kind: String,
    }
    let body =
        b"data: {\"type\":\"a\"}\n\ndata: {\"type\":5}\n\ndata: {\"type\":\"b\"}\n\n".to_vec();
    let stream: SseStream<Typed> =
        SseStream::from_byte_stream(futures::stream::iter([Ok(Bytes::from(body))]));
    let items: Vec<_> = stream.collect().await;
    assert_eq!(items.len(), 3);
    assert_eq!(items[0].as_ref().unwrap().kind, "a");
    assert!(matches!(&items[1], Err(Error::Decode { snippet, .. }) if snippet.contains("5")));
    assert_eq!(items[2].as_ref().unwrap().kind, "b");
}

#[tokio::test]
async fn transport_error_is_yielded_and_ends_the_stream() {
    let chunks = vec![
        Ok(Bytes::from_static(b"data: {\"type\":\"completion\"}\n\n")),
        Err(Error::Timeout),
        Ok(Bytes::from_static(b"data: {\"type\":\"completion\"}\n\n")),
    ];
    let items: Vec<_> = SseStream::<Value>::from_byte_stream(futures::stream::iter(chunks))
        .collect()
        .await;
    assert_eq!(items.len(), 2);
    assert!(items[0].is_ok());
    assert!(matches!(items[1], Err(Error::Timeout)));
}
