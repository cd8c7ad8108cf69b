//! The committed `generated/` crate is exactly what the generator makes of the committed spec,
//! so a change to either shows up as a reviewable diff of generated code.

use std::path::Path;

#[test]
fn committed_generated_crate_matches_the_spec() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let text = std::fs::read_to_string(root.join("spec/anthropic.yaml"))
        .expect("spec/anthropic.yaml is readable");
    let spec = codegen::parse_spec(&text, "spec/anthropic.yaml").unwrap_or_else(|e| panic!("{e}"));
    let files = codegen::generate(&spec).unwrap_or_else(|e| panic!("spec/anthropic.yaml: {e}"));
    let plan = codegen::sync::plan(&root.join("generated/src"), &files)
        .expect("generated/src is readable");
    let names = |v: Vec<&str>| v.join(", ");
    assert!(
        plan.is_empty(),
        "generated/src differs from what spec/anthropic.yaml produces; run `cargo xtask gen` and review.\n\
         missing: [{}]\nchanged: [{}]\nstale: [{}]",
        names(plan.added.iter().map(|f| f.path.as_str()).collect()),
        names(plan.changed.iter().map(|(f, _)| f.path.as_str()).collect()),
        names(plan.removed.iter().map(String::as_str).collect()),
    );
    assert!(
        plan.foreign.is_empty(),
        "hand-written files inside generated directories: {:?}",
        plan.foreign
    );
}

#[test]
fn generation_is_deterministic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let text = std::fs::read_to_string(root.join("spec/anthropic.yaml"))
        .expect("spec/anthropic.yaml is readable");
    let spec = codegen::parse_spec(&text, "spec/anthropic.yaml").unwrap_or_else(|e| panic!("{e}"));
    let first = codegen::generate(&spec).unwrap_or_else(|e| panic!("{e}"));
    let second = codegen::generate(&spec).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first, second);
    for f in &first {
        assert!(
            f.contents.starts_with(codegen::HEADER),
            "{} lacks the generated header",
            f.path
        );
    }
}
