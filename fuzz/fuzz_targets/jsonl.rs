//! The JSON Lines decoder on arbitrary bytes, as batch results.
//!
//! The input is a results body. It is decoded in a single chunk and cut at places derived from
//! the input; both runs must agree, and agree with a plain model of the format: one item per
//! line that is not blank (a trailing `\r` ignored, a last line without `\n` included), an
//! error item exactly for the lines that are not JSON, each error naming its line number. A
//! result line that decoded must survive an encode / decode round trip.

#![no_main]

use anthropic_openapi::MessageBatchIndividualResponse;
use anthropic_openapi::JsonlStream;
use anthropic_openapi_fuzz::{assert_round_trip, body, chunks, drain};
use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeOwned;
use serde_json::Value;

fn run<T: DeserializeOwned>(chunks: Vec<Bytes>) -> Vec<Result<T, String>> {
    drain(&mut JsonlStream::<T>::from_byte_stream(body(chunks)))
}

/// The line numbers (1-based) of the lines that are not blank, and whether each is JSON.
fn model(data: &[u8]) -> Vec<(usize, bool)> {
    let mut lines: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
    if data.ends_with(b"\n") || data.is_empty() {
        lines.pop(); // nothing after the last line end
    }
    lines
        .into_iter()
        .enumerate()
        .filter_map(|(i, line)| {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.iter().all(u8::is_ascii_whitespace) {
                return None;
            }
            Some((i + 1, serde_json::from_slice::<Value>(line).is_ok()))
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let whole: Vec<Result<Value, String>> = run(vec![Bytes::copy_from_slice(data)]);
    let split: Vec<Result<Value, String>> = run(chunks(data));
    assert_eq!(whole, split, "the chunking changed the decoded lines");
    let expected = model(data);
    assert_eq!(
        whole.len(),
        expected.len(),
        "not one item per non-blank line"
    );
    for (item, (line, is_json)) in whole.iter().zip(expected) {
        match item {
            Ok(_) => assert!(is_json, "line {line} decoded but is not JSON"),
            Err(e) => {
                assert!(!is_json, "line {line} is JSON but failed: {e}");
                assert!(
                    e.contains(&format!("line {line}:")),
                    "the error does not name line {line}: {e}"
                );
            }
        }
    }

    let whole: Vec<Result<MessageBatchIndividualResponse, String>> =
        run(vec![Bytes::copy_from_slice(data)]);
    let split: Vec<Result<MessageBatchIndividualResponse, String>> = run(chunks(data));
    assert_eq!(whole, split, "the chunking changed the decoded results");
    for result in whole.iter().flatten() {
        assert_round_trip(result);
    }
});
