//! The server-sent-events decoder and the message accumulator on arbitrary bytes.
//!
//! The input is a response body. It is decoded twice, once in a single chunk and once cut at
//! places derived from the input, and both runs must agree:
//!
//! - as raw JSON (`SseStream<Value>`): the framing alone (lines, `\r\n`, comments, fields,
//!   `ping` and `error` events, an unfinished last event);
//! - as typed events fed through [`MessageStream`], which folds them into a [`Message`].
//!
//! Every event that decoded, and the accumulated message, must survive an encode / decode
//! round trip. Errors are expected; panics, hangs and runaway memory are the bugs.

#![no_main]

use anthropic_openapi::SseStream;
use anthropic_openapi::{Message, MessageStream, MessageStreamEvent};
use anthropic_openapi_fuzz::{assert_round_trip, body, chunks, drain};
use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// What a run of the raw decoder produced: the items, then the last event id and the retry
/// delay it saw.
type RawRun = (Vec<Result<Value, String>>, Option<String>, Option<u64>);

fn raw(chunks: Vec<Bytes>) -> RawRun {
    let mut stream = SseStream::<Value>::from_byte_stream(body(chunks));
    let items = drain(&mut stream);
    let id = stream.last_event_id().map(str::to_owned);
    let retry = stream
        .retry()
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
    (items, id, retry)
}

/// What a run of the accumulator produced: the items, the snapshot, and whether it is complete.
type TypedRun = (
    Vec<Result<MessageStreamEvent, String>>,
    Option<Message>,
    bool,
);

fn typed(chunks: Vec<Bytes>) -> TypedRun {
    let events = SseStream::<MessageStreamEvent>::from_byte_stream(body(chunks));
    let mut stream = MessageStream::new(events);
    let items = drain(&mut stream);
    (items, stream.snapshot().cloned(), stream.is_complete())
}

fuzz_target!(|data: &[u8]| {
    let whole = raw(vec![Bytes::copy_from_slice(data)]);
    let split = raw(chunks(data));
    assert_eq!(whole.0, split.0, "the chunking changed the decoded events");
    // An `error` event ends the stream without reading the rest, so after one the two runs
    // have seen different amounts of the body.
    if whole.0.iter().all(Result::is_ok) {
        assert_eq!(whole.1, split.1, "the chunking changed the last event id");
        assert_eq!(whole.2, split.2, "the chunking changed the retry delay");
    }

    let whole = typed(vec![Bytes::copy_from_slice(data)]);
    let split = typed(chunks(data));
    assert_eq!(whole, split, "the chunking changed the accumulated message");
    let (items, snapshot, complete) = whole;
    // The message stream ends after its first error.
    if let Some(i) = items.iter().position(Result::is_err) {
        assert_eq!(i + 1, items.len(), "items after an error: {items:?}");
    }
    for event in items.iter().flatten() {
        assert_round_trip(event);
    }
    if complete {
        assert!(snapshot.is_some(), "complete without a message");
    }
    if let Some(message) = &snapshot {
        assert_round_trip(message);
    }
});
