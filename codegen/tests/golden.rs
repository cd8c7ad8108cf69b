//! Golden files: each fixture spec in `tests/fixtures/` exercises one feature of the generator,
//! and its whole output is compared with `tests/expected/<fixture>.rs.txt`.
//!
//! After an intended change to the generator, rewrite the expected files with
//! `EXPECTORATE=overwrite cargo test -p codegen --test golden` and review the diff.

use std::path::Path;

fn render(fixture: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let path = dir.join(format!("{fixture}.yaml"));
    let text = std::fs::read_to_string(&path).expect("fixture exists");
    let spec =
        codegen::parse_spec(&text, &path.display().to_string()).unwrap_or_else(|e| panic!("{e}"));
    let files = codegen::generate(&spec).unwrap_or_else(|e| panic!("{fixture}: {e}"));
    let mut out = String::new();
    for f in files {
        out.push_str(&format!("// ===== {} =====\n", f.path));
        out.push_str(&f.contents);
    }
    out
}

fn check(fixture: &str) {
    let actual = render(fixture);
    // Deterministic: a second run gives the same bytes.
    assert_eq!(
        actual,
        render(fixture),
        "{fixture}: output differs between two runs"
    );
    expectorate::assert_contents(format!("tests/expected/{fixture}.rs.txt"), &actual);
}

#[test]
fn tagged_union() {
    check("tagged_union");
}

#[test]
fn open_enum() {
    check("open_enum");
}

#[test]
fn nullable() {
    check("nullable");
}

#[test]
fn pagination() {
    check("pagination");
}

#[test]
fn sse() {
    check("sse");
}

#[test]
fn jsonl() {
    check("jsonl");
}

#[test]
fn multipart() {
    check("multipart");
}

#[test]
fn binary() {
    check("binary");
}

#[test]
fn modules() {
    check("modules");
}

#[test]
fn constructors() {
    check("constructors");
}

#[test]
fn body_betas() {
    check("body_betas");
}

#[test]
fn security() {
    check("security");
}
