//! The spec against the Admin API reference's list of operations.
//!
//! `tests/fixtures/admin_reference/operations.txt` holds every `**method** \`path\`` line of the
//! reference (98 operations), those the spec does not have yet marked `pending`. The spec must
//! have exactly the listed operations under `/v1/organizations` that are not pending, and none
//! of the pending ones (so the mark goes when an operation is added). When
//! `ANTHROPIC_ADMIN_REFERENCE` points at the reference (`admin-api-reference.md`), the list must
//! also equal the reference's own lines (an ignored test, run by `cargo xtask test` when the
//! variable is set); nothing else reads the reference.

use std::collections::BTreeSet;
use std::path::PathBuf;

const REFERENCE_VAR: &str = "ANTHROPIC_ADMIN_REFERENCE";

/// `(method, path)` of each operation, upper-case method.
type Op = (String, String);

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the workspace")
        .to_path_buf()
}

/// The committed list: `(operation, pending)` in order.
fn listed() -> Vec<(Op, bool)> {
    let path = root().join("tests/fixtures/admin_reference/operations.txt");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|line| {
            let (pending, rest) = match line.strip_prefix("pending ") {
                Some(rest) => (true, rest),
                None => (false, line),
            };
            let (method, path) = rest
                .split_once(' ')
                .unwrap_or_else(|| panic!("not `METHOD path`: {line:?}"));
            ((method.to_string(), path.to_string()), pending)
        })
        .collect()
}

/// The Admin API operations of `spec/anthropic.yaml`.
fn spec_admin_ops() -> BTreeSet<Op> {
    let path = root().join("spec/anthropic.yaml");
    let text = std::fs::read_to_string(&path).expect("spec");
    let spec: openapiv3::OpenAPI = serde_yaml::from_str(&text).expect("OpenAPI 3.0");
    let mut out = BTreeSet::new();
    for (path, item) in &spec.paths.paths {
        if !path.starts_with("/v1/organizations/") {
            continue;
        }
        let openapiv3::ReferenceOr::Item(item) = item else {
            panic!("{path} is a $ref")
        };
        for (method, _) in item.iter() {
            out.insert((method.to_uppercase(), path.clone()));
        }
    }
    out
}

#[test]
fn the_spec_has_every_listed_admin_operation_that_is_not_pending() {
    let listed = listed();
    assert_eq!(listed.len(), 98, "the reference lists 98 operations");
    let all: BTreeSet<&Op> = listed.iter().map(|(op, _)| op).collect();
    assert_eq!(all.len(), listed.len(), "an operation is listed twice");
    let spec = spec_admin_ops();
    let mut problems = Vec::new();
    for (op, pending) in &listed {
        match (pending, spec.contains(op)) {
            (false, false) => problems.push(format!("missing from the spec: {} {}", op.0, op.1)),
            (true, true) => problems.push(format!(
                "in the spec but still marked pending: {} {}",
                op.0, op.1
            )),
            _ => {}
        }
    }
    for op in &spec {
        if !all.contains(op) {
            problems.push(format!(
                "in the spec but not in the reference: {} {}",
                op.0, op.1
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
#[ignore = "needs ANTHROPIC_ADMIN_REFERENCE, the path of the Admin API reference (admin-api-reference.md)"]
fn the_list_is_the_references_own() {
    let path = std::env::var_os(REFERENCE_VAR)
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| {
            panic!("{REFERENCE_VAR} is not set: point it at admin-api-reference.md")
        });
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {REFERENCE_VAR} = {path:?}: {e}"));
    let from_reference: Vec<Op> = text
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("**")?;
            let (method, rest) = rest.split_once("** `")?;
            let path = rest.strip_suffix('`')?;
            Some((method.to_uppercase(), path.to_string()))
        })
        .collect();
    let committed: Vec<Op> = listed().into_iter().map(|(op, _)| op).collect();
    assert_eq!(
        committed, from_reference,
        "tests/fixtures/admin_reference/operations.txt"
    );
}
