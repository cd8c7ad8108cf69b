//! Inputs and in-process timings for `cargo xtask bench compile`.
//!
//! ```text
//! bench-codegen <out-dir> [--runs N]
//! ```
//!
//! Reads `spec/anthropic.yaml`, finds the subset progenitor reads
//! ([`bench::progenitor_subset`]) and writes into `<out-dir>`:
//!
//! - `progenitor.rs`: progenitor's client for the subset (tokens printed with `prettyplease`);
//! - `ours-subset/`: our generated files (`types/`, `resources/`) for the subset;
//! - `subset.json`: the subset itself, as an OpenAPI document;
//! - `subset.txt`: `operations <kept> <total>`, then one `rewritten<TAB>what` line per
//!   construct rewritten for progenitor and one `dropped<TAB>operation<TAB>reason` line per
//!   dropped operation.
//!
//! With `--runs N` (N > 0) it then times each generator N times, in process, from the parsed
//! document, and prints `time <name> <operations> <median seconds>` lines for
//! `ours-full`, `ours-full-1-thread` (all files made on one thread), `ours-subset` and
//! `progenitor-subset`.
//!
//! ```text
//! bench-codegen profile <ours-full|ours-subset|progenitor-subset> N
//! ```
//!
//! runs one generator N times and nothing else after the set-up, for counting instructions
//! under callgrind: the count for N = 3 minus the count for N = 1, halved, is one generation,
//! whatever else the machine is doing.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use bench::progenitor_subset::{self, operations};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [profile, which, n, rest @ ..] = args.as_slice()
        && profile == "profile"
        && rest.len() <= 1
    {
        let n: usize = n.parse().map_err(|e| format!("profile N {n}: {e}"))?;
        return run_profile(which, n, rest.first().map(Path::new));
    }
    let (out, runs) = match args.as_slice() {
        [out] => (PathBuf::from(out), 0),
        [out, flag, n] if flag == "--runs" => (
            PathBuf::from(out),
            n.parse::<usize>().map_err(|e| format!("--runs {n}: {e}"))?,
        ),
        _ => return Err("usage: bench-codegen <out-dir> [--runs N]".into()),
    };
    let path = bench::workspace_root().join("spec").join("anthropic.yaml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let spec = codegen::parse_spec(&text, "spec/anthropic.yaml").map_err(|e| e.to_string())?;
    let subset = progenitor_subset::progenitor_subset(&spec);
    let total = operations(&spec).len();

    let _ = std::fs::remove_dir_all(out.join("ours-subset"));
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let mut report = format!("operations {} {total}\n", subset.kept.len());
    for note in &subset.rewritten {
        report.push_str(&format!("rewritten\t{note}\n"));
    }
    for d in &subset.dropped {
        let reason = d.reason.replace(['\n', '\t'], " ");
        report.push_str(&format!("dropped\t{}\t{reason}\n", d.operation));
    }
    write(&out.join("subset.txt"), &report)?;
    let json = serde_json::to_string(&subset.spec).map_err(|e| e.to_string())?;
    write(&out.join("subset.json"), &json)?;
    let progenitor = progenitor_subset::progenitor_source(&subset.spec)?;
    write(&out.join("progenitor.rs"), &progenitor)?;
    let ours = codegen::generate(&subset.spec).map_err(|e| e.to_string())?;
    for file in &ours {
        write(&out.join("ours-subset").join(&file.path), &file.contents)?;
    }

    if runs > 0 {
        // One warm-up, then the median of `runs`.
        let median = |f: &mut dyn FnMut() -> Result<(), String>| {
            measure::time_runs(runs, f).map(|samples| measure::median_wall(&samples))
        };
        let full = median(&mut || {
            codegen::generate(&spec)
                .map(drop)
                .map_err(|e| e.to_string())
        })?;
        println!("time ours-full {total} {:.6}", full.as_secs_f64());
        let one = median(&mut || {
            codegen::generate_with_threads(&spec, 1)
                .map(drop)
                .map_err(|e| e.to_string())
        })?;
        println!("time ours-full-1-thread {total} {:.6}", one.as_secs_f64());
        let ours = median(&mut || {
            codegen::generate(&subset.spec)
                .map(drop)
                .map_err(|e| e.to_string())
        })?;
        println!(
            "time ours-subset {} {:.6}",
            subset.kept.len(),
            ours.as_secs_f64()
        );
        let theirs = median(&mut || progenitor_subset::progenitor_source(&subset.spec).map(drop))?;
        println!(
            "time progenitor-subset {} {:.6}",
            subset.kept.len(),
            theirs.as_secs_f64()
        );
    }
    Ok(())
}

/// `bench-codegen profile WHICH N [SUBSET_JSON]`: the set-up (reading the spec; reading the
/// subset from the `subset.json` that the other mode writes, or finding it), then `n`
/// generations by one generator.
fn run_profile(which: &str, n: usize, subset_json: Option<&Path>) -> Result<(), String> {
    let path = bench::workspace_root().join("spec").join("anthropic.yaml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let spec = codegen::parse_spec(&text, "spec/anthropic.yaml").map_err(|e| e.to_string())?;
    let subset_spec = match subset_json {
        Some(p) => {
            let json = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
            serde_json::from_str(&json).map_err(|e| format!("{}: {e}", p.display()))?
        }
        None if which == "ours-full" => spec.clone(),
        None => progenitor_subset::progenitor_subset(&spec).spec,
    };
    let mut bytes = 0;
    for _ in 0..n {
        bytes += match which {
            "ours-full" => codegen::generate(&spec)
                .map_err(|e| e.to_string())?
                .iter()
                .map(|f| f.contents.len())
                .sum::<usize>(),
            "ours-subset" => codegen::generate(&subset_spec)
                .map_err(|e| e.to_string())?
                .iter()
                .map(|f| f.contents.len())
                .sum::<usize>(),
            "progenitor-subset" => progenitor_subset::progenitor_source(&subset_spec)?.len(),
            other => return Err(format!("profile: unknown generator `{other}`")),
        };
    }
    println!("{which}: {n} runs, {bytes} bytes of source");
    Ok(())
}

fn write(path: &Path, contents: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, contents).map_err(|e| format!("{}: {e}", path.display()))
}
