//! `cargo xtask test` (being written).

use std::path::Path;

pub fn run(_root: &Path, _args: &[String]) -> Result<(), String> {
    Err("test is not written yet".into())
}
