//! Throwaway workspaces made from this workspace's manifests: the compile benchmark and the
//! golden-file compile test both build crates that depend on what `anthropic-openapi` depends
//! on, outside the workspace. These read a manifest's sections as text (no TOML parser, so this
//! crate stays dependency-free) and make its path dependencies absolute.

use std::path::Path;

/// The body of a `[section]` of a manifest, up to the next section header, without trailing
/// blank lines; `None` when the manifest has no such section.
pub fn manifest_section<'a>(manifest: &'a str, header: &str) -> Option<&'a str> {
    let start = manifest.find(&format!("\n{header}\n"))? + header.len() + 2;
    let rest = &manifest[start..];
    let end = rest.find("\n[").map(|i| i + 1).unwrap_or(rest.len());
    Some(rest[..end].trim_end())
}

/// `deps` (manifest lines) with each relative `path = "…"` made absolute against `base`, the
/// directory of the manifest they came from.
pub fn absolute_paths(deps: &str, base: &Path) -> String {
    let mut out = String::with_capacity(deps.len());
    let mut rest = deps;
    while let Some(at) = rest.find("path = \"") {
        let start = at + "path = \"".len();
        let Some(len) = rest[start..].find('"') else {
            break;
        };
        let path = Path::new(&rest[start..start + len]);
        out.push_str(&rest[..start]);
        if path.is_absolute() {
            out.push_str(&path.to_string_lossy());
        } else {
            out.push_str(&base.join(path).to_string_lossy());
        }
        rest = &rest[start + len..];
    }
    out.push_str(rest);
    out
}

/// The `[dependencies]` of the crate at `crate_dir` and the `[workspace.dependencies]` of the
/// workspace at `root`, path dependencies made absolute: what a throwaway workspace needs so
/// that a copy of the crate builds there (its `name.workspace = true` entries resolve against
/// the second). Errors name the manifest that lacks a section.
pub fn crate_and_workspace_deps(root: &Path, crate_dir: &Path) -> Result<(String, String), String> {
    let read = |path: &Path| {
        std::fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))
    };
    let workspace_manifest = read(&root.join("Cargo.toml"))?;
    let crate_manifest = read(&crate_dir.join("Cargo.toml"))?;
    let workspace_deps = manifest_section(&workspace_manifest, "[workspace.dependencies]")
        .ok_or_else(|| format!("{} has no [workspace.dependencies]", root.display()))?;
    let deps = manifest_section(&crate_manifest, "[dependencies]")
        .ok_or_else(|| format!("{}/Cargo.toml has no [dependencies]", crate_dir.display()))?;
    Ok((
        absolute_paths(deps, crate_dir),
        absolute_paths(workspace_deps, root),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_section_up_to_the_next() {
        let manifest = "[package]\nname = \"x\"\n\n[dependencies]\na = \"1\"\nb.workspace = true\n\n[dev-dependencies]\nc = \"2\"\n";
        assert_eq!(
            manifest_section(manifest, "[dependencies]"),
            Some("a = \"1\"\nb.workspace = true")
        );
        assert_eq!(
            manifest_section(manifest, "[dev-dependencies]"),
            Some("c = \"2\"")
        );
        assert_eq!(manifest_section(manifest, "[features]"), None);
    }

    #[test]
    fn makes_path_dependencies_absolute() {
        let deps = "a = { path = \"../runtime\" }\nb = \"1\"\nc = { path = \"/abs/c\", x = 1 }";
        assert_eq!(
            absolute_paths(deps, Path::new("/repo/generated")),
            "a = { path = \"/repo/generated/../runtime\" }\nb = \"1\"\nc = { path = \"/abs/c\", x = 1 }"
        );
    }
}
