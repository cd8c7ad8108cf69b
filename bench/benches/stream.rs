//! The 3 MB `stream.sse` in process, from memory, fed in 16 KiB chunks: through the SSE
//! decoder into typed events and the accumulator to the final `Message`, against splitting
//! the same bytes into lines with `memchr` (the limit).
//!
//! `cargo bench -p bench --bench stream`

use anthropic_openapi::SseStream;
use anthropic_openapi::{MessageStream, MessageStreamEvent};
use bytes::Bytes;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use futures::StreamExt as _;
use futures::executor::block_on;
use std::hint::black_box;

const CHUNK: usize = 16 * 1024;

/// Through the decoder, the typed events and the accumulator: the final message.
fn final_message(chunks: &[Bytes]) -> anthropic_openapi::Message {
    let events = SseStream::<MessageStreamEvent>::from_byte_stream(bench::body(chunks));
    block_on(MessageStream::new(events).final_message()).expect("the stream decodes")
}

/// Through the decoder into typed events only: how many.
fn typed_events(chunks: &[Bytes]) -> usize {
    let events = SseStream::<MessageStreamEvent>::from_byte_stream(bench::body(chunks));
    block_on(events.map(|e| e.expect("the event decodes")).count())
}

/// Through the decoder with every event's JSON skipped rather than typed: the framing cost.
fn framing_only(chunks: &[Bytes]) -> usize {
    let events = SseStream::<serde::de::IgnoredAny>::from_byte_stream(bench::body(chunks));
    block_on(events.map(|e| e.expect("the event decodes")).count())
}

/// The limit: finding every line end.
fn memchr_lines(chunks: &[Bytes]) -> usize {
    chunks
        .iter()
        .map(|c| memchr::memchr_iter(b'\n', c).count())
        .sum()
}

fn stream(c: &mut Criterion) {
    let inputs = bench::inputs();
    let data = Bytes::from(bench::read(&inputs.stream));
    let chunks = bench::chunks(&data, CHUNK);
    let events = bench::count_sse_events(&data);

    let message = final_message(&chunks);
    assert_eq!(message.content.len(), 3);
    assert!(typed_events(&chunks) as u64 <= events);

    let mut group = c.benchmark_group("sse_stream_bytes");
    group.throughput(Throughput::Bytes(data.len() as u64));
    group.bench_function("ours_final_message", |b| {
        b.iter(|| final_message(black_box(&chunks)))
    });
    group.bench_function("ours_typed_events", |b| {
        b.iter(|| typed_events(black_box(&chunks)))
    });
    group.bench_function("ours_framing_ignored_any", |b| {
        b.iter(|| framing_only(black_box(&chunks)))
    });
    group.bench_function("memchr_lines", |b| {
        b.iter(|| memchr_lines(black_box(&chunks)))
    });
    group.finish();

    let mut group = c.benchmark_group("sse_stream_events");
    group.throughput(Throughput::Elements(events));
    group.bench_function("ours_final_message", |b| {
        b.iter(|| final_message(black_box(&chunks)))
    });
    group.finish();
}

criterion_group!(benches, stream);
criterion_main!(benches);
