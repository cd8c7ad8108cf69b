//! `cargo xtask bench <what>`: whole-process benchmarks, each measured side by side with its peer
//! in one run. The in-process micro benchmarks are `cargo bench -p bench`.

mod compile;
mod peers;
mod programs;
mod runtime;

use std::path::Path;

const USAGE: &str = "usage: cargo xtask bench <runtime|compile|all> [options]

  runtime   the generated client against the official Python and TypeScript SDKs, two Rust
            crates for Claude, decoding alone and bare reqwest, on loopback
  compile   generation and compile time of the generated crate against progenitor, and the
            build cost to a program of each client crate (ours, async-anthropic,
            anthropic-ai-sdk, progenitor's)
  all       both";

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        Some("runtime") => runtime::run(root, &args[1..]),
        Some("compile") => compile::run(root, &args[1..]),
        Some("all") => {
            runtime::run(root, &args[1..])?;
            compile::run(root, &args[1..])
        }
        Some("-h" | "--help") | None => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown benchmark `{other}`\n{USAGE}")),
    }
}
