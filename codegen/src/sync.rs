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

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, body: &str) -> GeneratedFile {
        GeneratedFile {
            path: path.into(),
            contents: format!("{HEADER}\n{body}\n"),
        }
    }

    /// A scratch directory in the system temporary directory, emptied first.
    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("codegen-sync-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("types")).unwrap();
        fs::create_dir_all(dir.join("runtime")).unwrap();
        dir
    }

    #[test]
    fn plan_finds_added_changed_stale_and_foreign_files_and_apply_fixes_them() {
        let dir = scratch("plan");
        fs::write(
            dir.join("types/same.rs"),
            file("types/same.rs", "same").contents,
        )
        .unwrap();
        fs::write(
            dir.join("types/old.rs"),
            file("types/old.rs", "before").contents,
        )
        .unwrap();
        fs::write(
            dir.join("types/stale.rs"),
            file("types/stale.rs", "gone").contents,
        )
        .unwrap();
        fs::write(dir.join("types/hand.rs"), "// written by hand\n").unwrap();
        fs::write(
            dir.join("runtime/client.rs"),
            "// runtime, outside the generated dirs\n",
        )
        .unwrap();
        fs::write(dir.join("lib.rs"), "// crate root\n").unwrap();

        let files = vec![
            file("types/same.rs", "same"),
            file("types/old.rs", "after"),
            file("types/new.rs", "new"),
            file("resources/mod.rs", "mod"),
        ];
        let plan = plan(&dir, &files).unwrap();
        let added: Vec<&str> = plan.added.iter().map(|f| f.path.as_str()).collect();
        let changed: Vec<&str> = plan.changed.iter().map(|(f, _)| f.path.as_str()).collect();
        assert_eq!(added, ["types/new.rs", "resources/mod.rs"]);
        assert_eq!(changed, ["types/old.rs"]);
        assert!(plan.changed[0].1.contains("before"));
        assert_eq!(plan.removed, ["types/stale.rs"]);
        assert_eq!(plan.foreign, ["types/hand.rs"]);
        assert!(!plan.is_empty());

        apply(&dir, &plan).unwrap();
        let again = super::plan(&dir, &files).unwrap();
        assert!(again.is_empty(), "{again:?}");
        assert!(!dir.join("types/stale.rs").exists());
        // Hand-written files are never touched.
        assert_eq!(
            fs::read_to_string(dir.join("types/hand.rs")).unwrap(),
            "// written by hand\n"
        );
        assert!(dir.join("runtime/client.rs").exists());
        assert!(dir.join("lib.rs").exists());
        fs::remove_dir_all(&dir).unwrap();
    }
}
