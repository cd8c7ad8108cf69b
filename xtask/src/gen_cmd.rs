//! `cargo xtask gen [--check]`: regenerate `generated/src/{types,resources}` from the spec.

use std::path::Path;
use std::time::Instant;

use codegen::sync::{self, Plan};

const SPEC: &str = "spec/anthropic.yaml";
const SRC: &str = "generated/src";
const MANIFEST: &str = "generated/Cargo.toml";

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let check = match args {
        [] => false,
        [flag] if flag == "--check" => true,
        _ => return Err("usage: cargo xtask gen [--check]".into()),
    };
    let started = Instant::now();
    let text =
        std::fs::read_to_string(root.join(SPEC)).map_err(|e| format!("reading {SPEC}: {e}"))?;
    let spec = codegen::parse_spec(&text, SPEC).map_err(|e| e.to_string())?;
    let files = codegen::generate(&spec).map_err(|e| format!("{SPEC}: {e}"))?;
    let areas = codegen::area_features(&spec).map_err(|e| format!("{SPEC}: {e}"))?;
    let manifest = std::fs::read_to_string(root.join(MANIFEST))
        .map_err(|e| format!("reading {MANIFEST}: {e}"))?;
    crate::manifest_features::check(MANIFEST, &manifest, &areas)?;
    let src = root.join(SRC);
    let plan = sync::plan(&src, &files).map_err(|e| format!("reading {SRC}: {e}"))?;
    for f in &plan.foreign {
        eprintln!(
            "warning: {SRC}/{f} is in a generated directory but has no generated header; left alone"
        );
    }
    if check {
        if plan.is_empty() {
            println!("{SRC} matches {SPEC} ({} files)", files.len());
            return Ok(());
        }
        print_diff(&plan);
        return Err(format!(
            "{SRC} is out of date with {SPEC}: {} to add, {} changed, {} stale; run `cargo xtask gen`",
            plan.added.len(),
            plan.changed.len(),
            plan.removed.len()
        ));
    }
    sync::apply(&src, &plan).map_err(|e| format!("writing {SRC}: {e}"))?;
    for f in &plan.added {
        println!("added    {SRC}/{}", f.path);
    }
    for (f, _) in &plan.changed {
        println!("changed  {SRC}/{}", f.path);
    }
    for f in &plan.removed {
        println!("removed  {SRC}/{f}");
    }
    let lines: usize = files.iter().map(|f| f.contents.lines().count()).sum();
    println!(
        "{} files ({lines} lines) from {SPEC}: {} added, {} changed, {} removed, {} unchanged, in {:.0?}",
        files.len(),
        plan.added.len(),
        plan.changed.len(),
        plan.removed.len(),
        files.len() - plan.added.len() - plan.changed.len(),
        started.elapsed()
    );
    Ok(())
}

fn print_diff(plan: &Plan) {
    for f in &plan.added {
        println!("--- /dev/null\n+++ {SRC}/{} (missing)", f.path);
    }
    for (f, old) in &plan.changed {
        let diff = similar::TextDiff::from_lines(old.as_str(), f.contents.as_str());
        print!(
            "{}",
            diff.unified_diff().context_radius(3).header(
                &format!("{SRC}/{} (on disk)", f.path),
                &format!("{SRC}/{} (generated)", f.path)
            )
        );
    }
    for f in &plan.removed {
        println!("--- {SRC}/{f} (stale: the spec no longer produces it)\n+++ /dev/null");
    }
}
