//! `cargo xtask gen [--check]` (being written).

use std::path::Path;

pub fn run(_root: &Path, _args: &[String]) -> Result<(), String> {
    Err("gen is not written yet".into())
}
