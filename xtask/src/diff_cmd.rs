//! `cargo xtask diff [REV] [--old PATH] [--new PATH] [--allow-breaking]`: what changed in the
//! spec, in terms of the generated crate, and whether it breaks its users.
//!
//! The old spec is `spec/anthropic.yaml` at git revision `REV` (default `HEAD`, read with
//! `git show REV:spec/anthropic.yaml`) or the file given with `--old`; the new one is the
//! working-tree `spec/anthropic.yaml` or the file given with `--new`. Both are read into the
//! generator's IR by the working tree's `codegen` and compared by [`codegen::diff::compare`];
//! the docs of [`codegen::diff`] list the rules.
//!
//! The report goes to stdout. The command fails when there are breaking changes, unless
//! `--allow-breaking` is given.

use std::path::Path;
use std::process::Command;

const SPEC: &str = "spec/anthropic.yaml";

const USAGE: &str = "usage: cargo xtask diff [REV] [--old PATH] [--new PATH] [--allow-breaking]

  REV               compare spec/anthropic.yaml at this git revision (default HEAD) ...
  --old PATH        ... or this file instead
  --new PATH        with this file instead of the working-tree spec/anthropic.yaml
  --allow-breaking  exit 0 even when there are breaking changes";

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let mut rev: Option<&str> = None;
    let mut old_path: Option<&str> = None;
    let mut new_path: Option<&str> = None;
    let mut allow_breaking = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--allow-breaking" => allow_breaking = true,
            "--old" | "--new" => {
                let value = args
                    .next()
                    .ok_or_else(|| format!("{arg} needs a path\n{USAGE}"))?;
                if arg == "--old" {
                    old_path = Some(value);
                } else {
                    new_path = Some(value);
                }
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other if other.starts_with('-') => {
                return Err(format!("unknown argument `{other}`\n{USAGE}"));
            }
            other if rev.is_none() => rev = Some(other),
            other => return Err(format!("more than one revision (`{other}`)\n{USAGE}")),
        }
    }
    if rev.is_some() && old_path.is_some() {
        return Err(format!("give a revision or --old, not both\n{USAGE}"));
    }

    let (old_label, old_text) = match old_path {
        Some(p) => (p.to_string(), read(Path::new(p))?),
        None => {
            let rev = rev.unwrap_or("HEAD");
            (format!("{rev}:{SPEC}"), git_show(root, rev)?)
        }
    };
    let (new_label, new_text) = match new_path {
        Some(p) => (p.to_string(), read(Path::new(p))?),
        None => (SPEC.to_string(), read(&root.join(SPEC))?),
    };
    eprintln!("comparing {old_label} (old) with {new_label} (new)");
    let old = build(&old_text, &old_label)?;
    let new = build(&new_text, &new_label)?;

    let report = codegen::diff::compare(&old, &new);
    print!("{}", report.render());
    let breaking = report.breaking_count();
    if breaking > 0 && !allow_breaking {
        let plural = if breaking == 1 { "" } else { "s" };
        return Err(format!(
            "{breaking} breaking change{plural}; pass --allow-breaking to accept"
        ));
    }
    Ok(())
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))
}

/// The spec's text at a git revision.
fn git_show(root: &Path, rev: &str) -> Result<String, String> {
    let output = Command::new("git")
        .arg("show")
        .arg(format!("{rev}:{SPEC}"))
        .current_dir(root)
        .output()
        .map_err(|e| format!("running git: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "git show {rev}:{SPEC} failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    String::from_utf8(output.stdout).map_err(|_| format!("{rev}:{SPEC} is not UTF-8"))
}

/// Parses a spec and reads it into the IR with the working tree's generator.
fn build(text: &str, label: &str) -> Result<codegen::ir::Ir, String> {
    let spec = codegen::parse_spec(text, label).map_err(|e| e.to_string())?;
    codegen::ir::Ir::build(&spec).map_err(|e| {
        format!("{label}: {e} (the spec is read by the working tree's generator, which must accept both versions)")
    })
}
