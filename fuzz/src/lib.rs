//! Helpers shared by the fuzz targets: splitting a body into chunks, driving a stream to its
//! end without a runtime, and the decode / re-encode / decode-again check.

use std::fmt::Debug;

use bytes::Bytes;
use futures::Stream;
use futures::StreamExt as _;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Splits `data` into chunks whose lengths come from a small PRNG seeded by a hash of `data`.
///
/// The hash picks one of a few granularities (single bytes up to a few hundred bytes), so a
/// corpus exercises line ends, `\r\n` pairs and UTF-8 characters cut at every kind of place.
/// Empty chunks are mixed in too: a transport may deliver them.
pub fn chunks(data: &[u8]) -> Vec<Bytes> {
    let mut state = fnv1a(data) | 1;
    let mut next = move || {
        // xorshift64
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let max = match next() % 4 {
        0 => 1,
        1 => 8,
        2 => 64,
        _ => 512,
    };
    let mut out = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        let r = next();
        if r % 16 == 0 {
            out.push(Bytes::new());
        }
        let len = usize::try_from((r >> 8) % max).unwrap_or(0) + 1;
        let len = len.min(rest.len());
        out.push(Bytes::copy_from_slice(&rest[..len]));
        rest = &rest[len..];
    }
    out
}

fn fnv1a(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A byte stream that yields `chunks` in order.
pub fn body(
    chunks: Vec<Bytes>,
) -> impl Stream<Item = anthropic_openapi::Result<Bytes>> + Send + 'static {
    futures::stream::iter(chunks.into_iter().map(Ok))
}

/// Polls `stream` to its end, turning errors into their display text so that two runs can
/// be compared.
pub fn drain<S, T>(stream: &mut S) -> Vec<Result<T, String>>
where
    S: Stream<Item = anthropic_openapi::Result<T>> + Unpin,
{
    futures::executor::block_on(async {
        let mut out = Vec::new();
        while let Some(item) = stream.next().await {
            out.push(item.map_err(|e| e.to_string()));
        }
        out
    })
}

/// Encodes a decoded value and decodes the result again: it must come back equal.
///
/// Unknown properties, variants and enum values are kept by the generated types, so nothing
/// that decoded may be lost or changed by encoding it.
pub fn assert_round_trip<T>(value: &T)
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let name = std::any::type_name::<T>();
    let encoded = serde_json::to_vec(value)
        .unwrap_or_else(|e| panic!("{name} decoded but does not encode: {e}\n{value:?}"));
    let again: T = serde_json::from_slice(&encoded).unwrap_or_else(|e| {
        panic!(
            "{name} re-encoded as {} which does not decode: {e}",
            String::from_utf8_lossy(&encoded)
        )
    });
    assert_eq!(
        &again,
        value,
        "{name} changed in a round trip through {}",
        String::from_utf8_lossy(&encoded)
    );
}
