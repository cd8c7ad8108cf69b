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

/// The body of a `[section]` of a manifest, up to the next section.
fn section<'a>(manifest: &'a str, header: &str) -> &'a str {
    let start = manifest
        .find(&format!("\n{header}\n"))
        .unwrap_or_else(|| panic!("no {header} in the manifest"))
        + header.len()
        + 2;
    let rest = &manifest[start..];
    let end = rest.find("\n[").map(|i| i + 1).unwrap_or(rest.len());
    rest[..end].trim_end()
}

/// `deps` (manifest lines) with each relative `path = "…"` made absolute against `base`.
fn absolute_paths(deps: &str, base: &Path) -> String {
    let mut out = String::new();
    let mut rest = deps;
    while let Some(at) = rest.find("path = \"") {
        let start = at + "path = \"".len();
        let len = rest[start..].find('"').expect("a closed path string");
        let path = Path::new(&rest[start..start + len]);
        out.push_str(&rest[..start]);
        out.push_str(&base.join(path).to_string_lossy());
        rest = &rest[start + len..];
    }
    out.push_str(rest);
    out
}

/// The crate root of a fixture crate: what `anthropic-openapi`'s `lib.rs` gives the generated
/// code (the runtime under `crate::runtime`, `Result`, the client handles), and nothing else.
fn lib_rs(handles: &Path) -> String {
    format!(
        "//! A golden output of the generator, compiled.\n\
         #![deny(warnings)]\n\
         #![allow(missing_docs)]\n\
         use anthropic_openapi_runtime as runtime;\n\
         pub use runtime::{{Error, Result}};\n\
         #[path = {handles:?}]\n\
         mod clients;\n\
         pub use clients::*;\n\
         #[rustfmt::skip]\n\
         pub mod resources;\n\
         #[rustfmt::skip]\n\
         pub mod types;\n\
         // A fixture whose types all live in other modules leaves this empty.\n\
         #[allow(unused_imports)]\n\
         pub use types::*;\n",
        handles = handles.display().to_string()
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
    let workspace_manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let generated_manifest =
        std::fs::read_to_string(root.join("generated/Cargo.toml")).unwrap();
    // The generated crate's dependencies, with `workspace = true` entries resolved against a
    // copy of the workspace's own table.
    let workspace_deps = absolute_paths(
        section(&workspace_manifest, "[workspace.dependencies]"),
        &root,
    );
    let deps = absolute_paths(
        section(&generated_manifest, "[dependencies]"),
        &root.join("generated"),
    );

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
            lib_rs(&root.join("generated/src/handwritten/clients.rs")),
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
    let files = unpack("// ===== types/mod.rs =====\nmod a;\n// ===== resources/x.rs =====\nfn f() {}\n");
    assert_eq!(
        files,
        [
            ("types/mod.rs".to_string(), "mod a;\n".to_string()),
            ("resources/x.rs".to_string(), "fn f() {}\n".to_string()),
        ]
    );
}
