//! Inputs found by the fuzz targets in `fuzz/` (see `fuzz/README.md`), kept as plain tests.
//!
//! Each test holds the bytes of a finding, cut down by hand to what triggers it, and asserts
//! what the crate must do with them now: fail with the right kind of error, or decode to the
//! right value.

use std::fmt::Debug;

use anthropic_openapi::SseStream;
use anthropic_openapi::*;
use bytes::Bytes;
use futures::StreamExt as _;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Decodes `input` as `T`, expecting an error that mentions `needle`.
fn decode_error<T: DeserializeOwned + Debug>(input: &[u8], needle: &str) {
    match serde_json::from_slice::<T>(input) {
        Ok(value) => panic!(
            "{} decoded from {}: {value:?}",
            std::any::type_name::<T>(),
            String::from_utf8_lossy(input)
        ),
        Err(e) => assert!(
            e.to_string().contains(needle),
            "the error {e:?} does not mention {needle:?}"
        ),
    }
}

/// Decodes `input` as `T`, encodes the result and decodes that again: both values must agree.
fn round_trip<T>(input: &[u8]) -> T
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let value: T = serde_json::from_slice(input).expect("decodes");
    let encoded = serde_json::to_vec(&value).expect("encodes");
    let again: T = serde_json::from_slice(&encoded).expect("decodes again");
    assert_eq!(
        again,
        value,
        "through {}",
        String::from_utf8_lossy(&encoded)
    );
    value
}

/// The items of an event stream whose body arrives in one chunk.
fn sse_items<T: DeserializeOwned>(body: &[u8]) -> Vec<Result<T>> {
    let chunks = vec![Ok(Bytes::copy_from_slice(body))];
    futures::executor::block_on(
        SseStream::<T>::from_byte_stream(futures::stream::iter(chunks)).collect(),
    )
}

// ------------------------------------------------------------------- repeated properties

/// `sse` target: a delta that repeats its tag with another value decoded as a signature delta
/// keeping `"type": "message"` in `extra`, which it then wrote back as its tag, so encoding it
/// turned it into an unknown delta. A property the type knows may now appear only once.
#[test]
fn repeated_union_tag_is_rejected() {
    let body = b"data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":\
{\"type\":\"signature_delta\",\"signature\":\"s\",\"type\":\"message\"}}\n\n";
    let items = sse_items::<MessageStreamEvent>(body);
    assert_eq!(items.len(), 1);
    match &items[0] {
        Err(Error::Decode { message, path, .. }) => {
            assert!(message.contains("duplicate field `type`"), "{message}");
            // The path names the repeated property.
            assert_eq!(path, "delta.type");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    decode_error::<ContentBlockDelta>(
        br#"{"type":"signature_delta","signature":"s","type":"message"}"#,
        "duplicate field `type`",
    );
}

/// `sse` target: an event of a type this crate does not know, whose tag is repeated with a
/// known type, decoded as `Unknown` holding `{"type": "ping"}` (the later value replaced the
/// first), which then encoded as a `ping` event. The tag may now appear only once there too.
#[test]
fn repeated_tag_of_an_unknown_variant_is_rejected() {
    let body = b"event: completion\r\ndata: {\"type\":\"completion\",\"type\":\"ping\"}\r\n\r\n";
    let items = sse_items::<MessageStreamEvent>(body);
    assert_eq!(items.len(), 1);
    match &items[0] {
        Err(Error::Decode { message, .. }) => {
            assert!(message.contains("duplicate field `type`"), "{message}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    // Given once, an unknown event is kept whole, and its other repeated properties keep their
    // last value.
    let event = round_trip::<MessageStreamEvent>(br#"{"type":"completion","x":1,"x":2}"#);
    assert_eq!(
        event,
        MessageStreamEvent::Unknown(serde_json::json!({"type": "completion", "x": 2}))
    );
    // When the tag is not the first property the object is buffered first; a property repeated
    // there is refused too, rather than keeping its last value, so the tag that picks the
    // variant is the only one the object had.
    decode_error::<MessageStreamEvent>(
        br#"{"x":1,"type":"completion","type":"ping"}"#,
        "duplicate field `type`",
    );
    decode_error::<MessageStreamEvent>(br#"{"x":1,"type":"ping","x":2}"#, "duplicate field `x`");
}

/// The same without a union: a constant property repeated with the expected value second.
#[test]
fn repeated_constant_is_rejected() {
    decode_error::<SignatureDelta>(
        br#"{"type":"other","signature":"s","type":"signature_delta"}"#,
        "duplicate field `type`",
    );
    // Once, a value other than the constant is kept and written back.
    let delta = round_trip::<SignatureDelta>(br#"{"type":"other","signature":"s"}"#);
    assert_eq!(delta.extra["type"], "other");
}

/// The same cause, found while fixing the above rather than by the fuzzer: an optional property
/// given as `null` and then with a value decoded to the value while `extra` remembered the
/// `null`; that `null` was not written back, so a round trip changed `extra`.
#[test]
fn repeated_optional_property_is_rejected() {
    let file = br#"{"type":"file","id":"file_1","filename":"a.txt","mime_type":"text/plain","size_bytes":1,"created_at":"2025-04-14T09:30:12Z","downloadable":null,"downloadable":true}"#;
    decode_error::<FileMetadata>(file, "duplicate field `downloadable`");
    // Given once, an explicit null is still kept and written back.
    let file = round_trip::<FileMetadata>(
        br#"{"type":"file","id":"file_1","filename":"a.txt","mime_type":"text/plain","size_bytes":1,"created_at":"2025-04-14T09:30:12Z","downloadable":null}"#,
    );
    assert_eq!(file.downloadable, None);
    assert_eq!(file.extra["downloadable"], serde_json::Value::Null);
}

/// Unknown properties may repeat: the last value is kept, as `serde_json::Value` does.
#[test]
fn repeated_unknown_property_keeps_the_last_value() {
    let delta =
        round_trip::<SignatureDelta>(br#"{"type":"signature_delta","signature":"s","x":1,"x":2}"#);
    assert_eq!(delta.extra["x"], 2);
}

// ------------------------------------------------------------------------------ numbers

/// `decode` target: an integer too large for 64 bits is read as a float. serde_json's default
/// float parsing is not always correctly rounded, so the number was read one unit in the last
/// place off, and re-reading what it encoded to gave another float. The crate now enables
/// serde_json's `float_roundtrip`.
#[test]
fn large_integer_in_unknown_data_round_trips() {
    let input = br#"{"type":"contenv_block_stop","index":222222232222222222222222222222222222222}"#;
    let event = round_trip::<MessageStreamEvent>(input);
    let MessageStreamEvent::Unknown(value) = &event else {
        panic!("expected an unknown event, got {event:?}");
    };
    let exact: f64 = "222222232222222222222222222222222222222".parse().unwrap();
    assert_eq!(value["index"].as_f64(), Some(exact));
    // The same number in a property the type knows as an integer is an error, not a float.
    decode_error::<ContentBlockStopEvent>(
        br#"{"type":"content_block_stop","index":222222232222222222222222222222222222222}"#,
        "invalid type: floating point",
    );
}
