//! Comparing generated files with a directory on disk, and bringing it up to date.
//!
//! This is the only module of the crate that touches the file system; the generator itself
//! stays pure. `cargo xtask gen` and the golden test share it.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::{GENERATED_DIRS, GeneratedFile, HEADER};

/// How a directory differs from what the generator produces.
#[derive(Debug, Default)]
pub struct Plan {
    /// Files to create.
    pub added: Vec<GeneratedFile>,
    /// Files whose contents differ: the file as generated, and the text on disk.
    pub changed: Vec<(GeneratedFile, String)>,
    /// Generated files on disk that the generator no longer produces (paths below `src/`).
    pub removed: Vec<String>,
    /// Files in the generated directories that are not marked as generated: never touched.
    pub foreign: Vec<String>,
}

impl Plan {
    /// True when the directory already matches.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.removed.is_empty()
    }
}

/// Compares `files` with the generated directories below `src_dir`.
pub fn plan(src_dir: &Path, files: &[GeneratedFile]) -> io::Result<Plan> {
    let mut plan = Plan::default();
    for f in files {
        match fs::read_to_string(src_dir.join(&f.path)) {
            Ok(old) if old == f.contents => {}
            Ok(old) => plan.changed.push((f.clone(), old)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => plan.added.push(f.clone()),
            Err(e) => return Err(e),
        }
    }
    for dir in GENERATED_DIRS {
        for path in rust_files(&src_dir.join(dir))? {
            let rel = path
                .strip_prefix(src_dir)
                .map(|p| p.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            if files.iter().any(|f| f.path == rel) {
                continue;
            }
            let text = fs::read_to_string(&path)?;
            if text.starts_with(HEADER) {
                plan.removed.push(rel);
            } else {
                plan.foreign.push(rel);
            }
        }
    }
    Ok(plan)
}

/// Carries out a plan.
pub fn apply(src_dir: &Path, plan: &Plan) -> io::Result<()> {
    for f in plan.added.iter().chain(plan.changed.iter().map(|(f, _)| f)) {
        let path = src_dir.join(&f.path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(path, &f.contents)?;
    }
    for rel in &plan.removed {
        fs::remove_file(src_dir.join(rel))?;
    }
    Ok(())
}

fn rust_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            out.extend(rust_files(&path)?);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}
