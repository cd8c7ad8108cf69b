//! `cargo xtask bench compile`: generation and compile time against progenitor, whole
//! processes, side by side in one run.
//!
//! 1. Generation. `xtask gen --check` as a release-built binary (`target/release/xtask`, built
//!    first) and as the dev build that the `cargo xtask` alias runs (`target/debug/xtask`),
//!    N runs each, median; then the `bench-codegen` binary of the bench
//!    crate times our generator and progenitor's (plus `prettyplease`) in process on the same
//!    parsed document.
//! 2. Compile time. Under `target/bench-compile/` a throwaway workspace holds three crates:
//!    `progenitor-generated` (progenitor's client for the subset of the spec it reads, see
//!    `bench::progenitor_subset`), `ours-subset` (our crate generated from that subset, with
//!    the hand-written files copied from `generated/src`) and `ours-full` (a copy of
//!    `generated/` as it is). Their dependencies are built once (a warm-up build of each
//!    crate, in `target/bench-compile/target`); then, round by round, each crate's `lib.rs` is
//!    touched and `cargo check` / `cargo build --release` of that crate alone is timed, with
//!    `CARGO_INCREMENTAL=0` so that every run compiles the crate from scratch.
//!
//! 3. Programs (`programs.rs`): what depending on each client crate costs a user's program,
//!    ours and three peers side by side: cold and warm builds, dependencies, binary size.
//!
//! Wall time and CPU time (user + system of the child processes, from `/proc/self/stat`) are
//! both reported as medians; CPU time is the steadier figure on a shared machine. The output
//! ends with markdown tables for BENCHMARKS.md. `--only` picks sections (`generation`,
//! `crates`, `programs`); by default all three run.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::SystemTime;

use super::programs;

const USAGE: &str = "usage: cargo xtask bench compile [--only SECTIONS] [options]

  --only SECTIONS   comma-separated: generation, crates, programs (default: all three)
  --skip-compile    measure generation only (same as --only generation)

generation and crates (the generated crate against progenitor's):
  --runs N          timed compile runs per crate and profile (default 5)
  --gen-runs N      timed generation runs (default 10)

programs (a user's program on each client crate):
  --peers LIST      ours, async-anthropic, anthropic-ai-sdk, progenitor (default: all)
  --programs LIST   hello, everything (default: both)
  --profiles LIST   debug, release (default: both)
  --cold-runs N     builds in an empty target directory per program and profile (default 1)
  --warm-runs N     builds after touching the program's source (default 3)";

/// The sections of the benchmark, for `--only`.
const SECTIONS: [&str; 3] = ["generation", "crates", "programs"];

/// The three crates of the throwaway workspace, in the order they are timed in each round.
const CRATES: [&str; 3] = ["progenitor-generated", "ours-subset", "ours-full"];

/// The directories of `generated/src` that the generator writes.
const GENERATED_DIRS: [&str; 2] = ["types", "resources"];

#[derive(Debug)]
struct Options {
    runs: usize,
    gen_runs: usize,
    /// The sections to run, out of [`SECTIONS`].
    sections: Vec<&'static str>,
    programs: programs::Selection,
}

impl Options {
    fn runs(&self, section: &str) -> bool {
        self.sections.contains(&section)
    }
}

fn options(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        runs: 5,
        gen_runs: 10,
        sections: SECTIONS.to_vec(),
        programs: programs::Selection::default(),
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .map(String::as_str)
                .ok_or(format!("{name} needs a value\n{USAGE}"))
        };
        let count = |name: &str, value: &str| match value.parse::<usize>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(format!("{name} {value}: not a positive number\n{USAGE}")),
        };
        let list = programs::parse_list;
        let p = &mut o.programs;
        match arg.as_str() {
            "--runs" => o.runs = count("--runs", value("--runs")?)?,
            "--gen-runs" => o.gen_runs = count("--gen-runs", value("--gen-runs")?)?,
            "--skip-compile" => o.sections = vec!["generation"],
            "--only" => o.sections = list("--only", value("--only")?, &SECTIONS)?,
            "--peers" => p.peers = list("--peers", value("--peers")?, &programs::PEERS)?,
            "--programs" => {
                p.programs = list("--programs", value("--programs")?, &programs::PROGRAMS)?
            }
            "--profiles" => {
                p.profiles = list("--profiles", value("--profiles")?, &programs::PROFILES)?
            }
            "--cold-runs" => p.cold_runs = count("--cold-runs", value("--cold-runs")?)?,
            "--warm-runs" => p.warm_runs = count("--warm-runs", value("--warm-runs")?)?,
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown option `{other}`\n{USAGE}")),
        }
    }
    Ok(o)
}

/// One measurement: medians of wall time and of CPU time (user + system of children), in
/// seconds.
#[derive(Clone, Copy, Debug)]
pub(super) struct Timing {
    wall: f64,
    cpu: Option<f64>,
}

impl Timing {
    /// The medians of `samples` ([`measure::median`]: the mean of the middle two for an even
    /// count).
    pub(super) fn median_of(samples: &[measure::Timing]) -> Timing {
        Timing {
            wall: measure::median_wall(samples).as_secs_f64(),
            cpu: measure::median_children_cpu(samples).map(|d| d.as_secs_f64()),
        }
    }
}

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let opts = options(args)?;
    let dir = root.join("target").join("bench-compile");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let machine = machine();
    eprintln!("machine: {machine}");
    let inputs = dir.join("inputs");
    // progenitor's client is needed by the crates section, and by the programs section for its
    // progenitor peer.
    let needs_progenitor = opts.runs("crates")
        || (opts.runs("programs") && opts.programs.peers.contains(&"progenitor"));
    let mut report = String::new();

    if opts.runs("generation") {
        report.push_str(&generation(root, &inputs, &machine, opts.gen_runs)?);
    } else if needs_progenitor {
        eprintln!("building target/release/bench-codegen ...");
        measure::cargo_in(root)
            .args(["build", "--release", "--bin", "bench-codegen"])
            .status_ok()?;
        // Only the inputs (progenitor's client, ours for the subset), no timing.
        bench_codegen(root, &inputs, None)?;
    }
    if needs_progenitor {
        assemble(root, &dir, &inputs)?;
    }

    if opts.runs("crates") {
        let subset = std::fs::read_to_string(inputs.join("subset.txt"))
            .map_err(|e| format!("reading subset.txt: {e}"))?;
        let (kept, total, _, _) = parse_subset(&subset)?;
        let timings = compile_times(&dir, opts.runs)?;
        let lines = count_lines(root, &dir);
        let client_version = lock_version(&dir.join("Cargo.lock"), "progenitor-client")
            .unwrap_or_else(|| "?".into());
        if report.is_empty() {
            writeln!(report, "Machine: {machine}\n").unwrap();
        } else {
            writeln!(report).unwrap();
        }
        report.push_str(&compile_table(
            &timings,
            &lines,
            kept,
            total,
            opts.runs,
            &client_version,
        ));
    }

    if opts.runs("programs") {
        let paths = programs::Paths {
            root,
            bench_dir: &dir,
        };
        let programs = programs::run(&paths, &opts.programs, &machine)?;
        if !report.is_empty() {
            writeln!(report).unwrap();
        }
        report.push_str(&programs);
    }
    println!("{report}");
    Ok(())
}

/// Runs `bench-codegen` (built in release) into `inputs`: progenitor's client and ours for the
/// subset, and with `runs`, the in-process generation timings it prints.
fn bench_codegen(root: &Path, inputs: &Path, runs: Option<usize>) -> Result<String, String> {
    let mut command = Command::new(root.join("target").join("release").join("bench-codegen"));
    command.arg(inputs);
    if let Some(runs) = runs {
        command.args(["--runs", &runs.to_string()]);
    }
    let output = command
        .current_dir(root)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("running bench-codegen: {e}"))?;
    if !output.status.success() {
        return Err(format!("bench-codegen failed ({})", output.status));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The generation section: whole-process and in-process timings, and the report's head (the
/// machine, the peer, the subset).
fn generation(
    root: &Path,
    inputs: &Path,
    machine: &str,
    gen_runs: usize,
) -> Result<String, String> {
    eprintln!("building target/release/xtask and target/release/bench-codegen ...");
    measure::cargo_in(root)
        .args([
            "build",
            "--release",
            "--bin",
            "xtask",
            "--bin",
            "bench-codegen",
        ])
        .status_ok()?;

    // 1. Generation, whole process.
    let release_xtask = root.join("target").join("release").join("xtask");
    let gen_release = time_runs(gen_runs, || {
        quiet(
            Command::new(&release_xtask)
                .args(["gen", "--check"])
                .current_dir(root),
        )
    })?;
    eprintln!("target/release/xtask gen --check: {}", show(gen_release));
    // What `cargo xtask gen --check` runs once cargo has found the dev build fresh. Timed as
    // the binary, not through cargo: cargo waits for the build-directory lock whenever
    // something else is building in the workspace, which would time that build instead.
    measure::cargo_in(root)
        .args(["build", "--quiet", "--bin", "xtask"])
        .status_ok()?;
    let debug_xtask = root.join("target").join("debug").join("xtask");
    let gen_alias = time_runs(gen_runs, || {
        quiet(
            Command::new(&debug_xtask)
                .args(["gen", "--check"])
                .current_dir(root),
        )
    })?;
    eprintln!("target/debug/xtask gen --check: {}", show(gen_alias));

    // 1b. Generation in process, and the inputs of the compile-time crates.
    let in_process = parse_times(&bench_codegen(root, inputs, Some(gen_runs))?)?;
    let subset = std::fs::read_to_string(inputs.join("subset.txt"))
        .map_err(|e| format!("reading subset.txt: {e}"))?;
    let (kept, total, rewritten, dropped) = parse_subset(&subset)?;

    let progenitor_version =
        lock_version(&root.join("Cargo.lock"), "progenitor-impl").unwrap_or_else(|| "?".into());
    let mut report = String::new();
    writeln!(report, "Machine: {machine}").unwrap();
    writeln!(
        report,
        "Peer: progenitor-impl {progenitor_version} (+ prettyplease), subset: {kept} of {total} operations"
    )
    .unwrap();
    for note in &rewritten {
        writeln!(report, "Rewritten for progenitor: {note}").unwrap();
    }
    for (op, reason) in &dropped {
        writeln!(report, "Dropped for progenitor: {op}: {reason}").unwrap();
    }
    writeln!(report).unwrap();
    report.push_str(&generation_table(
        &in_process,
        gen_release,
        gen_alias,
        gen_runs,
        total,
    ));
    Ok(report)
}

// ----------------------------------------------------------------------------------------
// Generation

fn parse_times(text: &str) -> Result<Vec<(String, usize, f64)>, String> {
    text.lines()
        .filter_map(|l| l.strip_prefix("time "))
        .map(|l| {
            let parts: Vec<&str> = l.split_whitespace().collect();
            match parts.as_slice() {
                [name, ops, secs] => Ok((
                    name.to_string(),
                    ops.parse().map_err(|e| format!("{l}: {e}"))?,
                    secs.parse().map_err(|e| format!("{l}: {e}"))?,
                )),
                _ => Err(format!("bench-codegen printed `{l}`")),
            }
        })
        .collect()
}

type DroppedOps = Vec<(String, String)>;

/// `subset.txt` of `bench-codegen`: operations kept and in all, the rewrites, the dropped
/// operations with progenitor's reasons.
fn parse_subset(text: &str) -> Result<(usize, usize, Vec<String>, DroppedOps), String> {
    let mut lines = text.lines();
    let head: Vec<&str> = lines
        .next()
        .ok_or("subset.txt is empty")?
        .split_whitespace()
        .collect();
    let (kept, total) = match head.as_slice() {
        ["operations", kept, total] => (
            kept.parse().map_err(|_| "subset.txt: bad count")?,
            total.parse().map_err(|_| "subset.txt: bad count")?,
        ),
        _ => return Err("subset.txt: bad first line".into()),
    };
    let mut rewritten = Vec::new();
    let mut dropped = Vec::new();
    for line in lines {
        if let Some(note) = line.strip_prefix("rewritten\t") {
            rewritten.push(note.to_string());
        } else if let Some(rest) = line.strip_prefix("dropped\t") {
            let (op, reason) = rest.split_once('\t').unwrap_or((rest, ""));
            dropped.push((op.to_string(), reason.to_string()));
        }
    }
    Ok((kept, total, rewritten, dropped))
}

fn generation_table(
    in_process: &[(String, usize, f64)],
    gen_release: Timing,
    gen_alias: Timing,
    runs: usize,
    total_ops: usize,
) -> String {
    let mut t = String::new();
    writeln!(
        t,
        "Generation (median of {runs} runs; in process: from the parsed document to formatted source)\n"
    )
    .unwrap();
    writeln!(
        t,
        "| what | operations | time | per operation | ours / progenitor (per operation) |"
    )
    .unwrap();
    writeln!(t, "| --- | ---: | ---: | ---: | ---: |").unwrap();
    let theirs = in_process
        .iter()
        .find(|(name, _, _)| name == "progenitor-subset")
        .map(|(_, ops, secs)| secs / *ops as f64);
    for (name, ops, secs) in in_process {
        let per_op = secs / *ops as f64;
        let ratio = match theirs {
            Some(theirs) if !name.starts_with("progenitor") => format!("{:.2}", per_op / theirs),
            _ => "1".into(),
        };
        writeln!(
            t,
            "| in process: {name} | {ops} | {} | {} | {ratio} |",
            secs_text(*secs),
            ms_text(per_op)
        )
        .unwrap();
    }
    for (label, timing) in [
        (
            "`target/release/xtask gen --check` (whole process)",
            gen_release,
        ),
        (
            "`target/debug/xtask gen --check` (the dev build `cargo xtask` runs)",
            gen_alias,
        ),
    ] {
        writeln!(
            t,
            "| {label} | {total_ops} | {} | {} | goal < 1 s: {} |",
            show(timing),
            ms_text(timing.wall / total_ops as f64),
            if timing.wall < 1.0 { "met" } else { "missed" }
        )
        .unwrap();
    }
    t
}

// ----------------------------------------------------------------------------------------
// The throwaway workspace

fn assemble(root: &Path, dir: &Path, inputs: &Path) -> Result<(), String> {
    // The generated crate's dependencies, and the workspace's own table for their
    // `name.workspace = true` entries, with absolute paths.
    let generated = root.join("generated");
    let (deps, workspace_deps) = measure::crate_and_workspace_deps(root, &generated)?;
    write_if_changed(
        &dir.join("Cargo.toml"),
        &format!(
            "# Written by `cargo xtask bench compile`; throwaway.\n[workspace]\nresolver = \"3\"\nmembers = [{}]\n\n[workspace.dependencies]\n{}\n",
            CRATES
                .iter()
                .map(|c| format!("\"{c}\""))
                .collect::<Vec<_>>()
                .join(", "),
            workspace_deps
        ),
    )?;
    let lock = dir.join("Cargo.lock");
    if !lock.exists() {
        // Start from the workspace's versions, so that both sides build what the project uses.
        std::fs::copy(root.join("Cargo.lock"), &lock).map_err(|e| format!("Cargo.lock: {e}"))?;
    }

    // progenitor's client.
    let progenitor = std::fs::read_to_string(inputs.join("progenitor.rs"))
        .map_err(|e| format!("reading progenitor.rs: {e}"))?;
    let client_version =
        lock_version(&root.join("Cargo.lock"), "progenitor-impl").unwrap_or_else(|| "*".into());
    let mut manifest = package_manifest("progenitor-generated");
    writeln!(manifest, "\n[dependencies]").unwrap();
    writeln!(manifest, "progenitor-client = \"={client_version}\"").unwrap();
    writeln!(
        manifest,
        "reqwest = {{ version = \"0.13\", features = [\"json\", \"query\", \"stream\"] }}"
    )
    .unwrap();
    writeln!(
        manifest,
        "serde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = \"1\""
    )
    .unwrap();
    for (krate, line) in [
        (
            "chrono::",
            "chrono = { version = \"0.4\", default-features = false, features = [\"serde\", \"std\", \"clock\"] }",
        ),
        ("regress::", "regress = \"0.12\""),
        (
            "uuid::",
            "uuid = { version = \"1\", features = [\"serde\"] }",
        ),
        ("futures::", "futures = \"0.3\""),
    ] {
        if progenitor.contains(krate) {
            writeln!(manifest, "{line}").unwrap();
        }
    }
    let crate_dir = dir.join("progenitor-generated");
    write_if_changed(&crate_dir.join("Cargo.toml"), &manifest)?;
    write_if_changed(&crate_dir.join("src").join("lib.rs"), &progenitor)?;

    // Ours: the generated crate's manifest dependencies, its hand-written files, and the
    // generated files for the subset or as they are.
    for (name, generated_src) in [
        ("ours-subset", inputs.join("ours-subset")),
        ("ours-full", generated.join("src")),
    ] {
        let crate_dir = dir.join(name);
        let mut manifest = package_manifest(name);
        writeln!(manifest, "\n[dependencies]\n{deps}").unwrap();
        write_if_changed(&crate_dir.join("Cargo.toml"), &manifest)?;
        let src = crate_dir.join("src");
        for sub in GENERATED_DIRS {
            let _ = std::fs::remove_dir_all(src.join(sub));
        }
        copy_tree(&generated.join("src"), &src, &|rel| {
            !GENERATED_DIRS.iter().any(|d| rel.starts_with(d))
        })?;
        for sub in GENERATED_DIRS {
            copy_tree(&generated_src.join(sub), &src.join(sub), &|_| true)?;
        }
    }
    Ok(())
}

fn package_manifest(name: &str) -> String {
    format!(
        "# Written by `cargo xtask bench compile`; throwaway.\n[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n"
    )
}

/// The version of `package` in a `Cargo.lock`.
pub(super) fn lock_version(lock: &Path, package: &str) -> Option<String> {
    let text = std::fs::read_to_string(lock).ok()?;
    let needle = format!("name = \"{package}\"\nversion = \"");
    let start = text.find(&needle)? + needle.len();
    let end = text[start..].find('"')?;
    Some(text[start..start + end].to_string())
}

fn copy_tree(from: &Path, to: &Path, keep: &dyn Fn(&Path) -> bool) -> Result<(), String> {
    for rel in files_below(from)? {
        if !keep(&rel) {
            continue;
        }
        let contents =
            std::fs::read(from.join(&rel)).map_err(|e| format!("{}: {e}", rel.display()))?;
        let target = to.join(&rel);
        if std::fs::read(&target).ok().as_deref() != Some(contents.as_slice()) {
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| format!("{}: {e}", parent.display()))?;
            }
            std::fs::write(&target, contents).map_err(|e| format!("{}: {e}", target.display()))?;
        }
    }
    Ok(())
}

/// Every file below `dir`, as paths relative to it, sorted.
fn files_below(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(rel) = pending.pop() {
        let entries =
            std::fs::read_dir(dir.join(&rel)).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| e.to_string())?;
            let path = rel.join(entry.file_name());
            if entry.file_type().map_err(|e| e.to_string())?.is_dir() {
                pending.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

pub(super) fn write_if_changed(path: &Path, contents: &str) -> Result<(), String> {
    if std::fs::read_to_string(path).ok().as_deref() == Some(contents) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(path, contents).map_err(|e| format!("{}: {e}", path.display()))
}

// ----------------------------------------------------------------------------------------
// Compile time

struct CompileTimes {
    /// `[crate][0 = check, 1 = release]`, in the order of [`CRATES`].
    timings: Vec<[Timing; 2]>,
}

fn compile_times(dir: &Path, runs: usize) -> Result<CompileTimes, String> {
    let profiles: [&[&str]; 2] = [&["check"], &["build", "--release"]];
    let mut samples = vec![[Vec::new(), Vec::new()]; CRATES.len()];
    for (p, profile) in profiles.iter().enumerate() {
        for krate in CRATES {
            eprintln!(
                "warm-up: cargo {} -p {krate} (builds the dependencies once)",
                profile.join(" ")
            );
            compile_cargo(dir)
                .args(*profile)
                .args(["-p", krate])
                .status_ok()?;
        }
        for round in 1..=runs {
            for (c, krate) in CRATES.iter().enumerate() {
                touch(&dir.join(krate).join("src").join("lib.rs"))?;
                let sample =
                    measure::time(|| quiet(compile_cargo(dir).args(*profile).args(["-p", krate])))?;
                eprintln!(
                    "run {round}/{runs}: cargo {} -p {krate}: {}",
                    profile.join(" "),
                    show(Timing::median_of(&[sample]))
                );
                samples[c][p].push(sample);
            }
        }
    }
    Ok(CompileTimes {
        timings: samples
            .into_iter()
            .map(|[check, release]| [Timing::median_of(&check), Timing::median_of(&release)])
            .collect(),
    })
}

fn compile_cargo(dir: &Path) -> Command {
    let mut c = measure::cargo_in(dir);
    c.env("CARGO_TARGET_DIR", dir.join("target"))
        .env("CARGO_INCREMENTAL", "0");
    c
}

pub(super) fn touch(path: &Path) -> Result<(), String> {
    std::fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(SystemTime::now()))
        .map_err(|e| format!("touching {}: {e}", path.display()))
}

/// Non-empty lines, split into generated and hand-written ("runtime") code.
struct Lines {
    progenitor_generated: usize,
    progenitor_runtime: Option<usize>,
    ours_subset_generated: usize,
    ours_full_generated: usize,
    /// The hand-written files that live in the generated crate (`src/handwritten`, `lib.rs`).
    ours_handwritten: usize,
    /// The runtime crate and its derive (pre-built dependencies, as progenitor-client and
    /// serde's derive are for progenitor's code).
    ours_runtime: usize,
    ours_derive: usize,
}

fn count_lines(root: &Path, dir: &Path) -> Lines {
    let count = |path: &Path| -> usize {
        std::fs::read_to_string(path)
            .map(|t| t.lines().filter(|l| !l.trim().is_empty()).count())
            .unwrap_or(0)
    };
    // Non-empty lines of the `.rs` files below `src` whose relative path `keep` accepts.
    let count_rs = |src: &Path, keep: &dyn Fn(&Path) -> bool| -> usize {
        files_below(src)
            .unwrap_or_default()
            .iter()
            .filter(|rel| rel.extension().is_some_and(|e| e == "rs") && keep(rel))
            .map(|rel| count(&src.join(rel)))
            .sum()
    };
    let count_dir = |src: &Path, generated: bool| -> usize {
        count_rs(src, &|rel| {
            GENERATED_DIRS.iter().any(|d| rel.starts_with(d)) == generated
        })
    };
    let progenitor_runtime = lock_version(&dir.join("Cargo.lock"), "progenitor-client")
        .and_then(|v| registry_source(&format!("progenitor-client-{v}")))
        .map(|src| count_rs(&src, &|_| true));
    Lines {
        progenitor_generated: count(&dir.join("progenitor-generated").join("src").join("lib.rs")),
        progenitor_runtime,
        ours_subset_generated: count_dir(&dir.join("ours-subset").join("src"), true),
        ours_full_generated: count_dir(&dir.join("ours-full").join("src"), true),
        ours_handwritten: count_dir(&dir.join("ours-full").join("src"), false),
        ours_runtime: count_rs(&root.join("runtime").join("src"), &|_| true),
        ours_derive: count_rs(&root.join("runtime").join("derive").join("src"), &|_| true),
    }
}

/// The unpacked source of a crate from the registry (`$CARGO_HOME/registry/src/*/<name>/src`).
fn registry_source(name_version: &str) -> Option<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
    let registries = std::fs::read_dir(home.join("registry").join("src")).ok()?;
    registries
        .filter_map(Result::ok)
        .map(|r| r.path().join(name_version).join("src"))
        .find(|p| p.is_dir())
}

fn compile_table(
    t: &CompileTimes,
    lines: &Lines,
    kept: usize,
    total: usize,
    runs: usize,
    client_version: &str,
) -> String {
    let mut s = String::new();
    writeln!(
        s,
        "Compile time of the crate alone, dependencies built (median of {runs} runs, CARGO_INCREMENTAL=0)\n"
    )
    .unwrap();
    writeln!(
        s,
        "| crate | operations | generated lines | runtime lines | `cargo check` wall / CPU | per operation (wall) | `cargo build --release` wall / CPU | per operation (wall) |"
    )
    .unwrap();
    writeln!(
        s,
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    )
    .unwrap();
    let ops = [kept, kept, total];
    let generated = [
        lines.progenitor_generated,
        lines.ours_subset_generated,
        lines.ours_full_generated,
    ];
    let ours_runtime = format!(
        "{} (in the crate), plus {} in anthropic-openapi-runtime and {} in \
         anthropic-openapi-derive (pre-built dependencies)",
        lines.ours_handwritten, lines.ours_runtime, lines.ours_derive
    );
    let runtime = [
        lines
            .progenitor_runtime
            .map(|n| format!("{n} (progenitor-client {client_version}, a pre-built dependency)"))
            .unwrap_or_else(|| "?".into()),
        ours_runtime.clone(),
        ours_runtime,
    ];
    for (c, krate) in CRATES.iter().enumerate() {
        let [check, release] = t.timings[c];
        let n = ops[c] as f64;
        writeln!(
            s,
            "| {krate} | {} | {} | {} | {} | {} | {} | {} |",
            ops[c],
            generated[c],
            runtime[c],
            show(check),
            secs_text(check.wall / n),
            show(release),
            secs_text(release.wall / n),
        )
        .unwrap();
    }
    let [p_check, p_release] = t.timings[0];
    writeln!(
        s,
        "\nRatios ours / progenitor per operation (wall; CPU in brackets; below 1 means ours is faster):\n"
    )
    .unwrap();
    writeln!(
        s,
        "| ours | `cargo check` | `cargo build --release` | goal |"
    )
    .unwrap();
    writeln!(s, "| --- | ---: | ---: | --- |").unwrap();
    for c in 1..CRATES.len() {
        let [check, release] = t.timings[c];
        let scale = kept as f64 / ops[c] as f64;
        let ratio = |ours: Timing, theirs: Timing| -> (f64, String) {
            let wall = ours.wall * scale / theirs.wall;
            let cpu = match (ours.cpu, theirs.cpu) {
                (Some(o), Some(p)) if p > 0.0 => format!(" ({:.2})", o * scale / p),
                _ => String::new(),
            };
            (wall, format!("{wall:.2}{cpu}"))
        };
        let (check_ratio, check_text) = ratio(check, p_check);
        let (release_ratio, release_text) = ratio(release, p_release);
        let met = check_ratio <= 1.0 && release_ratio <= 1.0;
        writeln!(
            s,
            "| {} | {check_text} | {release_text} | no slower per operation: {} |",
            CRATES[c],
            if met { "met" } else { "missed" }
        )
        .unwrap();
    }
    s
}

// ----------------------------------------------------------------------------------------
// Running and timing processes

trait StatusOk {
    fn status_ok(&mut self) -> Result<(), String>;
}

impl StatusOk for Command {
    fn status_ok(&mut self) -> Result<(), String> {
        let status = self
            .status()
            .map_err(|e| format!("running {:?}: {e}", self.get_program()))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("{self:?} failed ({status})"))
        }
    }
}

/// Runs a command with its output captured, failing (with its stderr) if it fails.
pub(super) fn quiet(command: &mut Command) -> Result<(), String> {
    let what = format!("{command:?}");
    measure::run_ok(command, &what).map(drop)
}

/// Runs `f` once to warm up, then `runs` times: the medians.
fn time_runs(runs: usize, f: impl FnMut() -> Result<(), String>) -> Result<Timing, String> {
    Ok(Timing::median_of(&measure::time_runs(runs, f)?))
}

pub(super) fn show(t: Timing) -> String {
    match t.cpu {
        Some(cpu) => format!("{} / {}", secs_text(t.wall), secs_text(cpu)),
        None => secs_text(t.wall),
    }
}

fn secs_text(secs: f64) -> String {
    if secs < 1.0 {
        format!("{:.0} ms", secs * 1000.0)
    } else {
        format!("{secs:.2} s")
    }
}

fn ms_text(secs: f64) -> String {
    format!("{:.1} ms", secs * 1000.0)
}

/// Cores, memory and CPU model, from the standard library and `/proc`.
fn machine() -> String {
    let m = measure::Machine::read();
    let memory = m
        .memory_kib
        .map_or_else(|| "?".into(), |_| format!("{:.0} GiB", m.memory_gib()));
    format!(
        "{} cores, {memory} memory, {}, {} {}",
        m.cores,
        m.cpu.as_deref().unwrap_or("?"),
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_subset_report() {
        let text = "operations 40 41\nrewritten\theader x\ndropped\tPOST /v1/files (files.upload)\tno multipart\n";
        let (kept, total, rewritten, dropped) = parse_subset(text).unwrap();
        assert_eq!((kept, total), (40, 41));
        assert_eq!(rewritten, ["header x"]);
        assert_eq!(
            dropped,
            [(
                "POST /v1/files (files.upload)".to_string(),
                "no multipart".to_string()
            )]
        );
    }

    #[test]
    fn reads_the_options() {
        let args = |s: &str| s.split_whitespace().map(String::from).collect::<Vec<_>>();
        let o = options(&[]).unwrap();
        assert_eq!(o.sections, SECTIONS);
        assert_eq!((o.runs, o.gen_runs), (5, 10));
        assert_eq!(o.programs, programs::Selection::default());

        let o = options(&args(
            "--only programs --peers ours,progenitor --profiles debug --cold-runs 2 --warm-runs 1",
        ))
        .unwrap();
        assert_eq!(o.sections, ["programs"]);
        assert!(o.runs("programs") && !o.runs("crates"));
        assert_eq!(o.programs.peers, ["ours", "progenitor"]);
        assert_eq!(o.programs.programs, programs::PROGRAMS);
        assert_eq!(o.programs.profiles, ["debug"]);
        assert_eq!((o.programs.cold_runs, o.programs.warm_runs), (2, 1));

        let o = options(&args("--skip-compile --gen-runs 3")).unwrap();
        assert_eq!(
            (o.sections.as_slice(), o.gen_runs),
            (&["generation"][..], 3)
        );
        let o = options(&args("--only crates,generation --programs hello")).unwrap();
        assert_eq!(o.sections, ["generation", "crates"]);
        assert_eq!(o.programs.programs, ["hello"]);

        for bad in [
            "--only everything",
            "--peers openai",
            "--warm-runs 0",
            "--cold-runs",
            "--profiles fast",
            "--frobnicate",
        ] {
            assert!(options(&args(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn reads_the_timing_lines() {
        let times = parse_times("noise\ntime ours-full 41 0.25\n").unwrap();
        assert_eq!(times, [("ours-full".to_string(), 41, 0.25)]);
    }

    #[test]
    fn finds_a_locked_version() {
        let dir = std::env::temp_dir().join(format!("xtask-lock-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let lock = dir.join("Cargo.lock");
        std::fs::write(
            &lock,
            "[[package]]\nname = \"progenitor-client\"\nversion = \"0.15.1\"\n",
        )
        .unwrap();
        assert_eq!(
            lock_version(&lock, "progenitor-client").as_deref(),
            Some("0.15.1")
        );
        assert_eq!(lock_version(&lock, "serde"), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
