//! The 15 MB batch `results.jsonl` decoded in process, from memory, fed in 16 KiB chunks:
//! through the JSONL decoder into `MessageBatchIndividualResponse`, against each line into a
//! `serde_json::Value`, and against splitting the bytes into lines with `memchr` (the limit).
//!
//! `cargo bench -p bench --bench jsonl`

use anthropic_openapi::JsonlStream;
use anthropic_openapi::MessageBatchIndividualResponse;
use bytes::Bytes;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use futures::StreamExt as _;
use futures::executor::block_on;
use std::hint::black_box;

const CHUNK: usize = 16 * 1024;

/// Through the JSONL decoder into the generated type: how many lines.
fn ours(chunks: &[Bytes]) -> usize {
    let body = bench::body(chunks);
    let lines = JsonlStream::<MessageBatchIndividualResponse>::from_byte_stream(body);
    block_on(lines.map(|l| l.expect("the line decodes")).count())
}

/// Every line of the whole buffer into a `serde_json::Value`.
fn value_per_line(data: &[u8]) -> usize {
    let mut n = 0;
    for line in data.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let value: serde_json::Value = serde_json::from_slice(line).expect("the line decodes");
        black_box(value);
        n += 1;
    }
    n
}

/// The limit: finding every line end.
fn memchr_lines(chunks: &[Bytes]) -> usize {
    chunks
        .iter()
        .map(|c| memchr::memchr_iter(b'\n', c).count())
        .sum()
}

fn jsonl(c: &mut Criterion) {
    let inputs = bench::inputs();
    let data = Bytes::from(bench::read(&inputs.results));
    let chunks = bench::chunks(&data, CHUNK);
    let lines = bench::count_lines(&data);
    assert_eq!(ours(&chunks) as u64, lines);

    let mut group = c.benchmark_group("batch_results_jsonl");
    group.throughput(Throughput::Bytes(data.len() as u64));
    group.sample_size(20);
    group.bench_function("ours", |b| b.iter(|| ours(black_box(&chunks))));
    group.bench_function("serde_json_value", |b| {
        b.iter(|| value_per_line(black_box(&data)))
    });
    group.bench_function("memchr_lines", |b| {
        b.iter(|| memchr_lines(black_box(&chunks)))
    });
    group.finish();
}

criterion_group!(benches, jsonl);
criterion_main!(benches);
