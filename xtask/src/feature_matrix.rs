//! The feature combinations of `anthropic-openapi` that matter, each linted on its own: no
//! features at all, each area, each TLS backend and `http2` alone, and the defaults. (All
//! features together are linted with the rest of the workspace.) An area whose code names
//! another area's items, or an import left unused when a feature is off, fails here.

use std::path::Path;
use std::process::Command;

use measure::cargo;

/// The areas of the API (`x-feature` in the spec) and the TLS backends, each built alone.
const ALONE: &[&str] = &[
    "batches",
    "files",
    "models",
    "completions",
    "admin",
    "rustls",
    "native-tls",
    "http2",
];

/// `cargo clippy -p anthropic-openapi --lib -- -D warnings` for no features, each of
/// [`ALONE`], and the defaults.
pub fn check(root: &Path) -> Result<(), String> {
    let mut combinations: Vec<(String, Vec<&str>)> =
        vec![("no features".into(), vec!["--no-default-features"])];
    for feature in ALONE {
        combinations.push((
            format!("`{feature}` alone"),
            vec!["--no-default-features", "--features", feature],
        ));
    }
    combinations.push(("the default features".into(), Vec::new()));
    for (what, flags) in &combinations {
        println!("--- anthropic-openapi with {what}");
        let status = Command::new(cargo())
            .args(["clippy", "-p", "anthropic-openapi", "--lib"])
            .args(flags)
            .args(["--", "-D", "warnings"])
            .current_dir(root)
            .status()
            .map_err(|e| format!("running cargo clippy: {e}"))?;
        if !status.success() {
            return Err(format!(
                "cargo clippy -p anthropic-openapi --lib {} failed ({status}): the crate does \
                 not build cleanly with {what}",
                flags.join(" ")
            ));
        }
    }
    println!(
        "{} feature combinations build without warnings",
        combinations.len()
    );
    Ok(())
}
