//! The area features of `generated/Cargo.toml` against the spec: `cargo xtask gen` writes the
//! `#[cfg(feature = ..)]`s from `x-feature` in the spec, and Cargo only accepts a feature the
//! manifest declares, so each one the spec names must be there, as an empty list (an area
//! turns on no dependency).

use std::collections::BTreeMap;

/// The `[features]` table of a manifest: each name and the text of its value.
fn declared(manifest: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut in_features = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_features = line == "[features]";
            continue;
        }
        if !in_features || line.starts_with('#') {
            continue;
        }
        if let Some((name, value)) = line.split_once('=') {
            out.insert(name.trim().to_string(), value.trim().to_string());
        }
    }
    out
}

/// An error naming each area feature the manifest lacks or declares with dependencies.
pub fn check(
    manifest_path: &str,
    manifest: &str,
    areas: &[codegen::ir::Feature],
) -> Result<(), String> {
    let declared = declared(manifest);
    let mut problems = Vec::new();
    for area in areas {
        match declared.get(&area.name).map(String::as_str) {
            Some("[]") => {}
            Some(other) => problems.push(format!(
                "`{} = {other}`: an area feature must be `{} = []`",
                area.name, area.name
            )),
            None => problems.push(format!("add `{} = []`", area.name)),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{manifest_path} does not declare the area features that spec/anthropic.yaml names \
             with `x-feature`:\n  {}",
            problems.join("\n  ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn area(name: &str) -> codegen::ir::Feature {
        codegen::ir::Feature {
            name: name.into(),
            doc: None,
        }
    }

    const MANIFEST: &str = "[package]\nname = \"x\"\n\n[features]\n# areas\nbatches = []\nadmin = [\"dep:y\"]\n\n[dependencies]\nfiles = \"1\"\n";

    #[test]
    fn reads_only_the_features_table() {
        let d = declared(MANIFEST);
        assert_eq!(d.get("batches").map(String::as_str), Some("[]"));
        assert_eq!(d.get("admin").map(String::as_str), Some("[\"dep:y\"]"));
        assert!(!d.contains_key("files") && !d.contains_key("name"));
    }

    #[test]
    fn names_what_is_missing_or_not_empty() {
        assert!(check("m", MANIFEST, &[area("batches")]).is_ok());
        let err = check(
            "m",
            MANIFEST,
            &[area("batches"), area("admin"), area("files")],
        )
        .unwrap_err();
        assert!(err.contains("`admin = [\"dep:y\"]`"), "{err}");
        assert!(err.contains("add `files = []`"), "{err}");
        assert!(!err.contains("batches"), "{err}");
    }
}
