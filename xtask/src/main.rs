//! Workflow commands for this repository, run as `cargo xtask <command>`.

mod bench;
mod deny_cmd;
mod diff_cmd;
mod feature_matrix;
mod gen_cmd;
mod manifest_features;
mod test_cmd;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  gen            regenerate generated/src from spec/anthropic.yaml and print what changed
  gen --check    regenerate in memory; fail with a diff if generated/src is out of date
  test           run every test: spec linters, mock server load, cargo tests, clippy, fmt,
                 docs, cargo deny
  diff [REV]     compare spec/anthropic.yaml with its version at git REV (default HEAD) in terms
                 of the generated crate; fails on breaking changes unless --allow-breaking
                 (--old PATH / --new PATH compare files instead)
  bench <what>   whole-process benchmarks against the peers (runtime, compile, all); results
                 go to BENCHMARKS.md by hand, micro benchmarks are `cargo bench -p bench`
  deny           only the dependency check of `test`: cargo deny with deny.toml
  advisories-snapshot <checkout>
                 refresh tools/deny/advisory-db.snapshot (the offline RustSec database copy
                 `test` falls back to) from a git checkout of rustsec/advisory-db
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("gen") => gen_cmd::run(&workspace_root(), &args[1..]),
        Some("test") => test_cmd::run(&workspace_root(), &args[1..]),
        Some("diff") => diff_cmd::run(&workspace_root(), &args[1..]),
        Some("bench") => bench::run(&workspace_root(), &args[1..]),
        Some("deny") => deny_cmd::check(&workspace_root()),
        Some("advisories-snapshot") => deny_cmd::snapshot(&workspace_root(), &args[1..]),
        Some("help" | "--help" | "-h") | None => {
            print!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The repository root: the parent of this crate's manifest directory.
fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}
