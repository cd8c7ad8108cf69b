//! The golden files compile: every `tests/expected/<fixture>.rs.txt` is unpacked into a crate of
//! its own, beside the real runtime (`anthropic-openapi-runtime`) and the real hand-written
//! client handles of `anthropic-openapi`, and `cargo check` must pass with warnings denied. So
//! a change to the generator, the runtime or the handles that leaves a golden file behind
//! fails here, not only in the one spec the committed crate is generated from.
//!
//! The crates form a throwaway workspace under this test's `CARGO_TARGET_TMPDIR`, with the
//! workspace's `Cargo.lock` (the same dependency versions) and `--offline` (nothing is
//! fetched: the dependencies are the ones the workspace build already downloaded).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The line that starts each file of a golden output (see `golden.rs`).
const FILE_MARK: (&str, &str) = ("// ===== ", " =====");

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("codegen is inside the workspace")
        .to_path_buf()
}

/// The files of one golden output: `(path below src/, contents)`.
fn unpack(golden: &str) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = Vec::new();
    for line in golden.split_inclusive('\n') {
        let bare = line.trim_end();
        if let Some(path) = bare
            .strip_prefix(FILE_MARK.0)
            .and_then(|rest| rest.strip_suffix(FILE_MARK.1))
        {
            files.push((path.to_string(), String::new()));
        } else if let Some((_, text)) = files.last_mut() {
            text.push_str(line);
        } else {
            panic!("golden output does not start with a file line: {line:?}");
        }
    }
    files
}

/// The crate root of a fixture crate: what `anthropic-openapi`'s `lib.rs` gives the generated
/// code (the runtime under `crate::runtime`, `Result`, the client handles), and nothing else.
fn lib_rs(handles: &Path, admin_handle: &Path) -> String {
    format!(
        "//! A golden output of the generator, compiled.\n\
         #![deny(warnings)]\n\
         #![allow(missing_docs)]\n\
         use anthropic_openapi_runtime as runtime;\n\
         pub use runtime::{{Error, Result}};\n\
         #[path = {handles:?}]\n\
         mod clients;\n\
         pub use clients::*;\n\
         #[path = {admin_handle:?}]\n\
         mod admin_client;\n\
         pub use admin_client::*;\n\
         #[rustfmt::skip]\n\
         pub mod resources;\n\
         #[rustfmt::skip]\n\
         pub mod types;\n\
         // A fixture whose types all live in other modules leaves this empty.\n\
         #[allow(unused_imports)]\n\
         pub use types::*;\n",
        handles = handles.display().to_string(),
        admin_handle = admin_handle.display().to_string()
    )
}

#[test]
fn golden_outputs_compile() {
    let root = repo_root();
    let expected = root.join("codegen/tests/expected");
    let mut fixtures: Vec<String> = std::fs::read_dir(&expected)
        .expect("reading tests/expected")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|name| name.strip_suffix(".rs.txt").map(str::to_string))
        .collect();
    fixtures.sort();
    assert!(fixtures.len() >= 8, "golden files found: {fixtures:?}");

    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("golden-compile");
    // The generated crate's dependencies, and the workspace's table that resolves their
    // `workspace = true` entries.
    let (deps, workspace_deps) =
        measure::crate_and_workspace_deps(&root, &root.join("generated")).unwrap();

    let mut members = String::new();
    for fixture in &fixtures {
        let krate = work.join(fixture);
        let src = krate.join("src");
        let _ = std::fs::remove_dir_all(&src);
        let golden = std::fs::read_to_string(expected.join(format!("{fixture}.rs.txt"))).unwrap();
        for (path, text) in unpack(&golden) {
            let file = src.join(&path);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(&file, text).unwrap();
        }
        std::fs::write(
            src.join("lib.rs"),
            lib_rs(
                &root.join("generated/src/handwritten/clients.rs"),
                &root.join("generated/src/handwritten/admin_client.rs"),
            ),
        )
        .unwrap();
        std::fs::write(
            krate.join("Cargo.toml"),
            format!(
                "[package]\nname = \"golden-{}\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
                 publish = false\n\n[dependencies]\n{deps}\n",
                fixture.replace('_', "-")
            ),
        )
        .unwrap();
        write!(members, "{fixture:?}, ").unwrap();
    }
    std::fs::write(
        work.join("Cargo.toml"),
        format!(
            "# Written by codegen/tests/golden_compiles.rs; throwaway.\n[workspace]\n\
             resolver = \"3\"\nmembers = [{members}]\n\n[workspace.dependencies]\n\
             {workspace_deps}\n"
        ),
    )
    .unwrap();
    std::fs::copy(root.join("Cargo.lock"), work.join("Cargo.lock")).unwrap();

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(&work)
        .args(["check", "--workspace", "--offline", "--quiet"])
        .env("CARGO_TARGET_DIR", work.join("target"))
        .output()
        .expect("running cargo check");
    assert!(
        output.status.success(),
        "the golden outputs do not compile ({}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn unpack_splits_on_file_lines() {
    let files =
        unpack("// ===== types/mod.rs =====\nmod a;\n// ===== resources/x.rs =====\nfn f() {}\n");
    assert_eq!(
        files,
        [
            ("types/mod.rs".to_string(), "mod a;\n".to_string()),
            ("resources/x.rs".to_string(), "fn f() {}\n".to_string()),
        ]
    );
}
