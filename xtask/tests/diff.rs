//! `cargo xtask diff --old --new` on fixture pairs: each case in `tests/fixtures/diff/<case>/`
//! holds an `old.yaml` and a `new.yaml` that differ by one kind of change (one rule of
//! `codegen::diff`), and its report must match `tests/expected/diff/<case>.txt` exactly.
//!
//! After an intended change to the report, rewrite the expected files with
//! `EXPECTORATE=overwrite cargo test -p xtask --test diff` and review the diff.

use std::path::Path;
use std::process::{Command, Output};

/// Runs `xtask diff` on a case's pair.
fn run(case: &str, extra: &[&str]) -> Output {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/diff")
        .join(case);
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("diff")
        .arg("--old")
        .arg(dir.join("old.yaml"))
        .arg("--new")
        .arg(dir.join("new.yaml"))
        .args(extra)
        .output()
        .expect("xtask runs")
}

/// Checks a case: the golden report, the change and breaking counts in its summary line, and
/// the exit status with and without `--allow-breaking`.
fn check(case: &str, changes: usize, breaking: usize) {
    let out = run(case, &[]);
    let stdout = String::from_utf8(out.stdout).expect("UTF-8 report");
    let stderr = String::from_utf8_lossy(&out.stderr);
    expectorate::assert_contents(format!("tests/expected/diff/{case}.txt"), &stdout);

    let summary = stdout.lines().last().expect("a summary line");
    if changes == 0 {
        assert_eq!(summary, "no changes", "{case}");
    } else {
        let plural = if changes == 1 { "" } else { "s" };
        assert_eq!(
            summary,
            format!("{changes} change{plural}, {breaking} breaking"),
            "{case}"
        );
    }
    assert_eq!(
        stdout.matches("[BREAKING]").count(),
        breaking,
        "{case}: lines marked breaking"
    );

    if breaking == 0 {
        assert!(out.status.success(), "{case}: should pass\n{stderr}");
    } else {
        assert_eq!(out.status.code(), Some(1), "{case}: should fail\n{stderr}");
        assert!(
            stderr.contains("breaking change") && stderr.contains("--allow-breaking"),
            "{case}: {stderr}"
        );
        let allowed = run(case, &["--allow-breaking"]);
        assert!(allowed.status.success(), "{case}: --allow-breaking passes");
        assert_eq!(
            String::from_utf8(allowed.stdout).expect("UTF-8 report"),
            stdout,
            "{case}: same report with --allow-breaking"
        );
    }
}

#[test]
fn identical() {
    check("identical", 0, 0);
}

#[test]
fn docs_only() {
    check("docs_only", 0, 0);
}

#[test]
fn field_removed() {
    check("field_removed", 1, 1);
}

#[test]
fn field_optional_added() {
    check("field_optional_added", 2, 0);
}

#[test]
fn field_required_added() {
    // Breaking in the request body, not in the response-only type.
    check("field_required_added", 2, 1);
}

#[test]
fn field_optionality() {
    check("field_optionality", 3, 2);
}

#[test]
fn enum_value_added() {
    check("enum_value_added", 1, 0);
}

#[test]
fn enum_value_removed() {
    check("enum_value_removed", 1, 1);
}

#[test]
fn union_variant_added() {
    check("union_variant_added", 2, 0);
}

#[test]
fn union_variant_removed() {
    check("union_variant_removed", 2, 2);
}

#[test]
fn type_narrowed() {
    check("type_narrowed", 6, 4);
}

#[test]
fn operation_added() {
    check("operation_added", 1, 0);
}

#[test]
fn operation_removed() {
    check("operation_removed", 1, 1);
}

#[test]
fn path_changed() {
    check("path_changed", 2, 2);
}

#[test]
fn method_changed() {
    check("method_changed", 1, 1);
}

#[test]
fn query_param_required_added() {
    check("query_param_required_added", 1, 1);
}

#[test]
fn query_param_optional_added() {
    check("query_param_optional_added", 1, 0);
}

#[test]
fn query_param_removed() {
    check("query_param_removed", 1, 1);
}

#[test]
fn params_argument_added() {
    // The method gains a `params` argument even though the parameter is optional.
    check("params_argument_added", 2, 1);
}

#[test]
fn bad_arguments_fail() {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["diff", "HEAD", "--old", "x.yaml"])
        .output()
        .expect("xtask runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not both"));
}

#[test]
fn variant_renamed() {
    check("variant_renamed", 1, 1);
}

#[test]
fn constructor_reordered() {
    check("constructor_reordered", 1, 1);
}

#[test]
fn schema_betas() {
    check("schema_betas", 1, 0);
}
