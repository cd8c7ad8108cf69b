//! The "programs" section of `cargo xtask bench compile`: what depending on each client crate
//! costs a user's program, side by side with the peers.
//!
//! Two programs per peer, our own code, committed under `bench/programs/<peer>/`: `hello`
//! sends one message and prints the reply's text; `everything` makes a representative call or
//! two in every area the peer's crate offers, so that all of its API is linked in. Nothing is
//! run; they are only built.
//!
//! Each peer gets a throwaway Cargo workspace, `target/bench-compile/programs/<peer>/`: a
//! generated `Cargo.toml` whose `[[bin]]` entries point at the committed sources by absolute
//! path, with its own `[workspace]` and its own `Cargo.lock`, resolved from crates.io. The
//! `everything` binary needs the package feature `everything`, which turns on what only it
//! uses (for us, the per-area features of [`OURS_AREA_FEATURES`]; for every peer, the helper
//! crates only it needs), so that `hello` is built with the peer's default features and nothing
//! else. `cargo fetch` runs first and is not timed; the timed builds are `--frozen`.
//!
//! Per peer, program and profile (`debug` = `cargo build`, `release` = `cargo build
//! --release`), with `CARGO_INCREMENTAL=0` throughout:
//!
//! - *cold*: the build in an empty `CARGO_TARGET_DIR` (removed before each run), every
//!   dependency compiled;
//! - *warm*: then, in that target directory, the program's source touched and the build timed
//!   again (only the program is compiled and linked; with `CARGO_INCREMENTAL=0` it is
//!   compiled from scratch, as after a real edit).
//!
//! Each figure is the median of its runs, wall time and CPU time (user + system of cargo and
//! its children, from `/proc/self/stat`). Also per program: the number of dependencies, which
//! is the count of distinct packages (name and version) that `cargo tree -e normal,build
//! --prefix none` prints for the program's package with its features, the package itself
//! excluded: normal and build dependencies and proc macros, on this host, no dev-dependencies;
//! and after a release build, the size of the binary as built and of a copy run through
//! `strip`.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::compile::{Timing, lock_version, quiet, show, touch, write_if_changed};

/// The peers, in the order they are built and reported.
pub const PEERS: [&str; 4] = ["ours", "async-anthropic", "anthropic-ai-sdk", "progenitor"];

/// The programs of each peer (`bench/programs/<peer>/<program>.rs`).
pub const PROGRAMS: [&str; 2] = ["hello", "everything"];

/// The build profiles: `debug` is `cargo build`, `release` is `cargo build --release`.
pub const PROFILES: [&str; 2] = ["debug", "release"];

/// The features of `anthropic-openapi` that `everything` turns on, one per API area; `hello`
/// builds with the default features (which include the TLS feature `rustls`).
pub const OURS_AREA_FEATURES: &[&str] = &["admin", "batches", "files", "completions", "models"];

/// The crates.io peers, pinned.
const ASYNC_ANTHROPIC_VERSION: &str = "0.6.0";
const ANTHROPIC_AI_SDK_VERSION: &str = "0.2.27";

/// What the programs section measures: which peers, programs and profiles, how many runs.
#[derive(Clone, Debug, PartialEq)]
pub struct Selection {
    pub peers: Vec<&'static str>,
    pub programs: Vec<&'static str>,
    pub profiles: Vec<&'static str>,
    pub cold_runs: usize,
    pub warm_runs: usize,
}

impl Default for Selection {
    fn default() -> Self {
        Selection {
            peers: PEERS.to_vec(),
            programs: PROGRAMS.to_vec(),
            profiles: PROFILES.to_vec(),
            cold_runs: 1,
            warm_runs: 3,
        }
    }
}

/// A comma-separated list of names out of `known` (`--peers ours,progenitor`), kept in the
/// order of `known`, each once.
pub fn parse_list(
    option: &str,
    value: &str,
    known: &[&'static str],
) -> Result<Vec<&'static str>, String> {
    let mut wanted = BTreeSet::new();
    for name in value.split(',').map(str::trim) {
        match known.iter().position(|k| *k == name) {
            Some(i) => {
                wanted.insert(i);
            }
            None => {
                return Err(format!(
                    "{option}: unknown `{name}` (one or more of {}, comma-separated)",
                    known.join(", ")
                ));
            }
        }
    }
    Ok(wanted.into_iter().map(|i| known[i]).collect())
}

/// Where things are: the repository and the compile bench's throwaway directory.
pub struct Paths<'a> {
    pub root: &'a Path,
    /// `target/bench-compile`, which holds `progenitor-generated` (assembled by the crates
    /// section) and `programs/`.
    pub bench_dir: &'a Path,
}

/// The figures of one program of one peer.
struct Measured {
    peer: &'static str,
    program: &'static str,
    dependencies: usize,
    /// `(profile, cold, warm)`, in the order of the selection's profiles.
    builds: Vec<(&'static str, Timing, Timing)>,
    /// The release binary's size in bytes, as built and stripped.
    size: Option<(u64, u64)>,
}

/// Runs the programs section; the markdown it ends with, for BENCHMARKS.md.
pub fn run(paths: &Paths, selection: &Selection, machine: &str) -> Result<String, String> {
    let load_before = load_average();
    let mut measured = Vec::new();
    let mut versions = Vec::new();
    for &peer in &selection.peers {
        let ws = paths.bench_dir.join("programs").join(peer);
        write_if_changed(&ws.join("Cargo.toml"), &manifest(peer, paths)?)?;
        eprintln!("programs/{peer}: cargo fetch (resolves Cargo.lock, downloads; not timed)");
        measure::cargo_in(&ws)
            .arg("fetch")
            .status()
            .map_err(|e| format!("cargo fetch: {e}"))
            .and_then(|s| {
                s.success()
                    .then_some(())
                    .ok_or(format!("cargo fetch in {} failed ({s})", ws.display()))
            })?;
        versions.push((peer, peer_version(peer, paths, &ws)));
        for &program in &selection.programs {
            measured.push(measure_program(paths, &ws, peer, program, selection)?);
        }
    }
    let load_after = load_average();
    Ok(report(
        &measured,
        &versions,
        selection,
        machine,
        &rust_version(),
        (&load_before, &load_after),
    ))
}

// ----------------------------------------------------------------------------------------
// The throwaway workspaces

/// The source of a committed program.
fn program_source(root: &Path, peer: &str, program: &str) -> PathBuf {
    root.join("bench")
        .join("programs")
        .join(peer)
        .join(format!("{program}.rs"))
}

/// A peer's dependencies: those `hello` needs, and those only `everything` needs (optional,
/// turned on by its feature, with the features it adds to the peer's crate).
struct PeerDependencies {
    always: Vec<String>,
    everything_only: Vec<String>,
    everything_features: Vec<String>,
}

const TOKIO: &str = r#"tokio = { version = "1", features = ["macros", "rt-multi-thread"] }"#;

fn peer_dependencies(peer: &str, paths: &Paths) -> Result<PeerDependencies, String> {
    let toml_path = |p: &Path| p.display().to_string().replace('\\', "/");
    let deps = match peer {
        "ours" => PeerDependencies {
            always: vec![
                format!(
                    "anthropic-openapi = {{ path = \"{}\" }}",
                    toml_path(&paths.root.join("generated"))
                ),
                TOKIO.into(),
            ],
            everything_only: vec![
                r#"futures = { version = "0.3", optional = true }"#.into(),
                r#"chrono = { version = "0.4", default-features = false, features = ["clock"], optional = true }"#.into(),
            ],
            everything_features: OURS_AREA_FEATURES
                .iter()
                .map(|f| format!("anthropic-openapi/{f}"))
                .collect(),
        },
        "async-anthropic" => PeerDependencies {
            always: vec![
                format!("async-anthropic = \"={ASYNC_ANTHROPIC_VERSION}\""),
                TOKIO.into(),
            ],
            everything_only: vec![r#"tokio-stream = { version = "0.1", optional = true }"#.into()],
            everything_features: Vec::new(),
        },
        "anthropic-ai-sdk" => PeerDependencies {
            always: vec![
                format!("anthropic-ai-sdk = \"={ANTHROPIC_AI_SDK_VERSION}\""),
                TOKIO.into(),
            ],
            everything_only: vec![r#"futures-util = { version = "0.3", optional = true }"#.into()],
            everything_features: Vec::new(),
        },
        "progenitor" => {
            let krate = paths.bench_dir.join("progenitor-generated");
            if !krate.join("Cargo.toml").is_file() {
                return Err(format!(
                    "{} is missing (the crates section assembles it)",
                    krate.display()
                ));
            }
            PeerDependencies {
                always: vec![
                    format!(
                        "progenitor-generated = {{ path = \"{}\" }}",
                        toml_path(&krate)
                    ),
                    TOKIO.into(),
                    // The client takes no credentials: the program sets `x-api-key` on the
                    // `reqwest` client it passes (the one progenitor-generated uses).
                    r#"reqwest = { version = "0.13", default-features = false }"#.into(),
                ],
                everything_only: vec![
                    r#"futures = { version = "0.3", optional = true }"#.into(),
                    r#"chrono = { version = "0.4", default-features = false, features = ["clock"], optional = true }"#.into(),
                    // To decode the batch results' JSON Lines, which progenitor leaves as bytes.
                    r#"serde_json = { version = "1", optional = true }"#.into(),
                ],
                everything_features: Vec::new(),
            }
        }
        other => return Err(format!("unknown peer `{other}`")),
    };
    Ok(deps)
}

/// The `Cargo.toml` of a peer's throwaway workspace.
fn manifest(peer: &str, paths: &Paths) -> Result<String, String> {
    let deps = peer_dependencies(peer, paths)?;
    let mut m = format!(
        "# Written by `cargo xtask bench compile` (programs); throwaway.\n[package]\nname = \"programs-{peer}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n"
    );
    for program in PROGRAMS {
        let source = program_source(paths.root, peer, program);
        writeln!(
            m,
            "\n[[bin]]\nname = \"{program}\"\npath = \"{}\"",
            source.display().to_string().replace('\\', "/")
        )
        .unwrap();
        if program == "everything" {
            writeln!(m, "required-features = [\"everything\"]").unwrap();
        }
    }
    let optional = deps.everything_only.iter().map(|line| {
        let name = line.split_whitespace().next().unwrap_or_default();
        format!("\"dep:{name}\"")
    });
    let features: Vec<String> = optional
        .chain(deps.everything_features.iter().map(|f| format!("\"{f}\"")))
        .collect();
    writeln!(
        m,
        "\n[features]\neverything = [{}]\n\n[dependencies]",
        features.join(", ")
    )
    .unwrap();
    for line in deps.always.iter().chain(&deps.everything_only) {
        writeln!(m, "{line}").unwrap();
    }
    writeln!(
        m,
        "\n# Not part of the repository's workspace.\n[workspace]"
    )
    .unwrap();
    Ok(m)
}

/// The version line of a peer for the report.
fn peer_version(peer: &str, paths: &Paths, ws: &Path) -> String {
    let lock = ws.join("Cargo.lock");
    let version = |package: &str| lock_version(&lock, package).unwrap_or_else(|| "?".into());
    let reqwest = version("reqwest");
    match peer {
        "ours" => {
            let commit = measure::run_ok(
                Command::new("git")
                    .args(["describe", "--always", "--dirty"])
                    .current_dir(paths.root),
                "git describe",
            )
            .map(|s| s.trim().to_string())
            .unwrap_or_else(|_| "?".into());
            let features = if OURS_AREA_FEATURES.is_empty() {
                "none".to_string()
            } else {
                OURS_AREA_FEATURES.join(", ")
            };
            format!(
                "anthropic-openapi {} (path, at {commit}; `everything` adds the features: {features}), reqwest {reqwest}",
                version("anthropic-openapi")
            )
        }
        "progenitor" => format!(
            "progenitor-generated (the crates section's client, by progenitor-impl {}), progenitor-client {}, reqwest {reqwest}",
            lock_version(&paths.root.join("Cargo.lock"), "progenitor-impl")
                .unwrap_or_else(|| "?".into()),
            version("progenitor-client")
        ),
        other => format!("{other} {} (crates.io), reqwest {reqwest}", version(other)),
    }
}

// ----------------------------------------------------------------------------------------
// Measuring

fn measure_program(
    paths: &Paths,
    ws: &Path,
    peer: &'static str,
    program: &'static str,
    selection: &Selection,
) -> Result<Measured, String> {
    let features: &[&str] = if program == "everything" {
        &["--features", "everything"]
    } else {
        &[]
    };
    let tree = measure::run_ok(
        measure::cargo_in(ws)
            .args(["tree", "--frozen", "-e", "normal,build", "--prefix", "none"])
            .args(features),
        &format!("cargo tree in {}", ws.display()),
    )?;
    let dependencies = count_dependencies(&tree, &format!("programs-{peer}"));
    eprintln!("programs/{peer}/{program}: {dependencies} dependencies");

    let source = program_source(paths.root, peer, program);
    let target = ws.join("target-cold");
    let mut builds = Vec::new();
    let mut size = None;
    for &profile in &selection.profiles {
        let build = || {
            let mut c = measure::cargo_in(ws);
            c.env("CARGO_TARGET_DIR", &target)
                .env("CARGO_INCREMENTAL", "0")
                .args(["build", "--frozen", "--bin", program])
                .args(features);
            if profile == "release" {
                c.arg("--release");
            }
            c
        };
        let mut cold = Vec::new();
        for run in 1..=selection.cold_runs {
            remove_dir(&target)?;
            let load = load_average();
            let sample = measure::time(|| quiet(&mut build()))?;
            eprintln!(
                "programs/{peer}/{program} {profile} cold {run}/{}: {} (load before: {load})",
                selection.cold_runs,
                show(Timing::median_of(&[sample]))
            );
            cold.push(sample);
        }
        let mut warm = Vec::new();
        for run in 1..=selection.warm_runs {
            touch(&source)?;
            let sample = measure::time(|| quiet(&mut build()))?;
            eprintln!(
                "programs/{peer}/{program} {profile} warm {run}/{}: {}",
                selection.warm_runs,
                show(Timing::median_of(&[sample]))
            );
            warm.push(sample);
        }
        if profile == "release" {
            size = Some(binary_sizes(&target.join("release").join(program))?);
        }
        remove_dir(&target)?;
        builds.push((profile, Timing::median_of(&cold), Timing::median_of(&warm)));
    }
    Ok(Measured {
        peer,
        program,
        dependencies,
        builds,
        size,
    })
}

/// The distinct packages (name and version) in the output of `cargo tree --prefix none`,
/// the package `root` excluded. Repeated subtrees (`(*)`), sources (`(/path)`,
/// `(proc-macro)`) and blank lines are ignored.
pub fn count_dependencies(tree: &str, root: &str) -> usize {
    tree.lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let name = words.next()?;
            let version = words.next()?;
            (name != root && version.starts_with('v')).then_some((name, version))
        })
        .collect::<BTreeSet<_>>()
        .len()
}

/// The size of a binary as built, and of a copy of it run through `strip`.
fn binary_sizes(binary: &Path) -> Result<(u64, u64), String> {
    let size = |p: &Path| {
        std::fs::metadata(p)
            .map(|m| m.len())
            .map_err(|e| format!("{}: {e}", p.display()))
    };
    let stripped = binary.with_extension("stripped");
    measure::run_ok(
        Command::new("strip").arg("-o").arg(&stripped).arg(binary),
        "strip",
    )?;
    Ok((size(binary)?, size(&stripped)?))
}

fn remove_dir(dir: &Path) -> Result<(), String> {
    match std::fs::remove_dir_all(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(format!("removing {}: {e}", dir.display()))
        }
        _ => Ok(()),
    }
}

/// The 1, 5 and 15 minute load averages (`/proc/loadavg`), or `?`.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "?".into())
}

fn rust_version() -> String {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    measure::run_ok(Command::new(rustc).arg("--version"), "rustc --version")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "?".into())
}

// ----------------------------------------------------------------------------------------
// The report

fn report(
    measured: &[Measured],
    versions: &[(&str, String)],
    selection: &Selection,
    machine: &str,
    rust: &str,
    (load_before, load_after): (&str, &str),
) -> String {
    let mut s = String::new();
    writeln!(
        s,
        "Programs: what depending on each client costs a program\n"
    )
    .unwrap();
    writeln!(s, "Machine: {machine}").unwrap();
    writeln!(s, "Rust: {rust}").unwrap();
    writeln!(
        s,
        "Load average (1, 5, 15 min): {load_before} at the start, {load_after} at the end"
    )
    .unwrap();
    for (peer, version) in versions {
        writeln!(s, "Peer {peer}: {version}").unwrap();
    }
    writeln!(
        s,
        "\nBuild time (cold: empty target directory, median of {} run(s); warm: program source touched, median of {} run(s); CARGO_INCREMENTAL=0; wall / CPU)\n",
        selection.cold_runs, selection.warm_runs
    )
    .unwrap();
    let mut header = String::from("| peer | program |");
    let mut rule = String::from("| --- | --- |");
    for phase in ["cold", "warm"] {
        for profile in &selection.profiles {
            let command = if *profile == "release" {
                "`cargo build --release`"
            } else {
                "`cargo build`"
            };
            write!(header, " {phase} {command} |").unwrap();
            rule.push_str(" ---: |");
        }
    }
    writeln!(s, "{header}\n{rule}").unwrap();
    for m in measured {
        write!(s, "| {} | {} |", m.peer, m.program).unwrap();
        for phase in 0..2 {
            for (_, cold, warm) in &m.builds {
                write!(s, " {} |", show(if phase == 0 { *cold } else { *warm })).unwrap();
            }
        }
        writeln!(s).unwrap();
    }
    writeln!(
        s,
        "\nDependencies (distinct packages in `cargo tree -e normal,build`, the program excluded) and release binary size\n"
    )
    .unwrap();
    writeln!(
        s,
        "| peer | program | dependencies | release binary | stripped |\n| --- | --- | ---: | ---: | ---: |"
    )
    .unwrap();
    for m in measured {
        let (built, stripped) = match m.size {
            Some((built, stripped)) => (mib(built), mib(stripped)),
            None => ("–".into(), "–".into()),
        };
        writeln!(
            s,
            "| {} | {} | {} | {built} | {stripped} |",
            m.peer, m.program, m.dependencies
        )
        .unwrap();
    }
    s
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_distinct_packages_of_cargo_tree() {
        let tree = "\
programs-ours v0.0.0 (/work/target/bench-compile/programs/ours)
anthropic-openapi v0.1.0 (/work/generated)
anthropic-openapi-derive v0.1.0 (proc-macro) (/work/runtime/derive)
proc-macro2 v1.0.107
serde v1.0.229
serde_derive v1.0.229 (proc-macro)
proc-macro2 v1.0.107
serde v1.0.229 (*)
tokio v1.54.1

syn v2.0.117
syn v3.0.10
";
        // proc-macro2, serde (twice) and the root count once or not at all; two versions of
        // syn are two packages.
        assert_eq!(count_dependencies(tree, "programs-ours"), 8);
        assert_eq!(count_dependencies("", "programs-ours"), 0);
        assert_eq!(
            count_dependencies(
                "programs-ours v0.0.0 (/x)\n[build-dependencies]\n",
                "programs-ours"
            ),
            0
        );
    }

    #[test]
    fn parses_lists_of_names() {
        assert_eq!(
            parse_list("--peers", "progenitor,ours", &PEERS).unwrap(),
            ["ours", "progenitor"]
        );
        assert_eq!(
            parse_list("--profiles", "debug, debug", &PROFILES).unwrap(),
            ["debug"]
        );
        let err = parse_list("--programs", "hello,world", &PROGRAMS).unwrap_err();
        assert!(err.contains("unknown `world`"), "{err}");
        assert!(parse_list("--peers", "", &PEERS).is_err());
    }

    #[test]
    fn writes_a_manifest_per_peer() {
        let root = Path::new("/repo");
        let bench_dir = Path::new("/repo/target/bench-compile");
        let paths = Paths { root, bench_dir };
        let ours = manifest("ours", &paths).unwrap();
        assert!(ours.contains("name = \"programs-ours\""), "{ours}");
        assert!(ours.contains("path = \"/repo/bench/programs/ours/hello.rs\""));
        assert!(ours.contains(
            "name = \"everything\"\npath = \"/repo/bench/programs/ours/everything.rs\"\nrequired-features = [\"everything\"]"
        ));
        assert!(ours.contains("anthropic-openapi = { path = \"/repo/generated\" }"));
        let everything = ours
            .lines()
            .find(|l| l.starts_with("everything = ["))
            .unwrap();
        assert!(
            everything.contains("\"dep:futures\", \"dep:chrono\""),
            "{everything}"
        );
        for feature in OURS_AREA_FEATURES {
            assert!(everything.contains(&format!("\"anthropic-openapi/{feature}\"")));
        }
        assert!(ours.trim_end().ends_with("[workspace]"));

        let sdk = manifest("anthropic-ai-sdk", &paths).unwrap();
        assert!(sdk.contains("anthropic-ai-sdk = \"=0.2.27\""), "{sdk}");
        assert!(sdk.contains("everything = [\"dep:futures-util\"]"), "{sdk}");
        let async_anthropic = manifest("async-anthropic", &paths).unwrap();
        assert!(async_anthropic.contains("async-anthropic = \"=0.6.0\""));
        // progenitor's crate is assembled by the crates section; without it, a clear error.
        let err = manifest("progenitor", &paths).unwrap_err();
        assert!(err.contains("progenitor-generated is missing"), "{err}");
        assert!(manifest("nobody", &paths).is_err());
    }
}
