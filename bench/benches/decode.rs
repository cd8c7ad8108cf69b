//! Decoding the 275 KB `message.json` into the generated `Message`, against
//! `serde_json::Value` on the same bytes and against hand-written minimal structs
//! (`bench::minimal`, the limit).
//!
//! `cargo bench -p bench --bench decode`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

fn decode(c: &mut Criterion) {
    let inputs = bench::inputs();
    let bytes = bench::read(&inputs.message);

    // The three decoders must agree on what they read.
    let ours: anthropic_openapi::Message = serde_json::from_slice(&bytes).expect("our Message");
    let minimal: bench::minimal::Message = serde_json::from_slice(&bytes).expect("minimal");
    assert_eq!(ours.content.len(), minimal.content.len());
    assert!(
        ours.content
            .iter()
            .all(|b| !matches!(b, anthropic_openapi::ContentBlock::Unknown(_)))
    );

    let mut group = c.benchmark_group("decode_message");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("ours", |b| {
        b.iter(|| {
            let m: anthropic_openapi::Message = serde_json::from_slice(black_box(&bytes)).unwrap();
            m
        });
    });
    group.bench_function("ours_client_path", |b| {
        b.iter(|| {
            let m: anthropic_openapi::Message =
                anthropic_openapi_runtime::from_json_slice(black_box(&bytes)).unwrap();
            m
        });
    });
    group.bench_function("serde_json_value", |b| {
        b.iter(|| {
            let v: serde_json::Value = serde_json::from_slice(black_box(&bytes)).unwrap();
            v
        });
    });
    group.bench_function("minimal_structs", |b| {
        b.iter(|| {
            let m: bench::minimal::Message = serde_json::from_slice(black_box(&bytes)).unwrap();
            m
        });
    });
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
