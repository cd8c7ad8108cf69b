//! Generation, in process: our `codegen::generate` against progenitor's generator followed by
//! `prettyplease` (what `progenitor`'s build-script use does), from the same parsed document.
//!
//! - `ours/full`: our generator on the whole `spec/anthropic.yaml` (one thread per core);
//! - `ours/full, 1 thread`: the same on the calling thread only, as before the files were
//!   made in parallel;
//! - `ours/subset`: our generator (one thread per core) on the subset progenitor reads
//!   ([`bench::progenitor_subset`]);
//! - `progenitor/subset`: `progenitor_impl::Generator::generate_tokens`, `syn::parse2` and
//!   `prettyplease::unparse` on that subset.
//!
//! Each is reported with its operation count as throughput, so criterion's `elem/s` reads as
//! operations per second; the time per operation is the time divided by that count. Reading
//! the YAML is outside the timed part for both.
//!
//! `cargo bench -p bench --bench codegen`

use std::hint::black_box;
use std::time::Duration;

use bench::progenitor_subset::{self, operations};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn generation(c: &mut Criterion) {
    let path = bench::workspace_root().join("spec").join("anthropic.yaml");
    let text = std::fs::read_to_string(&path).expect("reading spec/anthropic.yaml");
    let spec = codegen::parse_spec(&text, "spec/anthropic.yaml").expect("the spec parses");
    let subset = progenitor_subset::progenitor_subset(&spec);
    let all_ops = operations(&spec).len() as u64;
    let subset_ops = subset.kept.len() as u64;
    eprintln!(
        "progenitor subset: {subset_ops} of {all_ops} operations; dropped: {}",
        if subset.dropped.is_empty() {
            "none".to_string()
        } else {
            subset
                .dropped
                .iter()
                .map(|d| format!("{} ({})", d.operation, d.reason))
                .collect::<Vec<_>>()
                .join(", ")
        }
    );

    let mut group = c.benchmark_group("generate");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(10));

    group.throughput(Throughput::Elements(all_ops));
    group.bench_function("ours/full", |b| {
        b.iter(|| codegen::generate(black_box(&spec)).expect("ours generates the spec"))
    });

    group.bench_function("ours/full, 1 thread", |b| {
        b.iter(|| {
            codegen::generate_with_threads(black_box(&spec), 1).expect("ours generates the spec")
        })
    });

    group.throughput(Throughput::Elements(subset_ops));
    group.bench_function("ours/subset", |b| {
        b.iter(|| codegen::generate(black_box(&subset.spec)).expect("ours generates the subset"))
    });
    group.bench_function("progenitor/subset", |b| {
        b.iter(|| {
            progenitor_subset::progenitor_source(black_box(&subset.spec))
                .expect("progenitor generates the subset")
        })
    });
    group.finish();
}

criterion_group!(benches, generation);
criterion_main!(benches);
