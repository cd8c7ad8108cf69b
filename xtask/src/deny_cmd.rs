//! The dependency check of `cargo xtask test`: `cargo deny` over the whole workspace with the
//! policy in `deny.toml`, and `cargo xtask advisories-snapshot`, which keeps the offline copy of
//! the RustSec advisory database that the check falls back to.
//!
//! cargo-deny is installed, pinned, into `.tools/cargo-deny` on first use. Licenses, bans and
//! sources need nothing but the crates themselves. Advisories need the RustSec database, which
//! lives on GitHub: when GitHub answers, cargo-deny fetches the current database as usual;
//! when it does not (CI here reaches the package registries only), the check runs against
//! [`SNAPSHOT`], a copy of the database's machine-readable part (each advisory's TOML front
//! matter: id, crate, affected and patched versions, dates; no prose) made by
//! `cargo xtask advisories-snapshot <checkout of rustsec/advisory-db>`. The step says which of
//! the two it used, and the snapshot's date.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use measure::cargo;

use crate::test_cmd::run_inherited;

/// The cargo-deny release the check is written against.
const DENY_VERSION: &str = "0.20.2";
/// Where `cargo install` puts it (git-ignored).
const DENY_ROOT: &str = ".tools/cargo-deny";
/// The offline copy of the advisory database's front matter.
pub const SNAPSHOT: &str = "tools/deny/advisory-db.snapshot";
/// The database's home.
const DB_URL: &str = "https://github.com/rustsec/advisory-db";
/// The folder name cargo-deny gives the database of [`DB_URL`] under its `db-path`
/// (the last path segment and a hash of the URL; stable for a given cargo-deny release).
const DB_DIR: &str = "advisory-db-3157b0e258782691";
/// Where the snapshot is expanded (git-ignored).
const OFFLINE_DBS: &str = ".tools/advisory-dbs";
/// How old the snapshot may be before the step warns that it should be refreshed.
const STALE_AFTER_DAYS: i64 = 90;
/// Marks the start of one advisory in [`SNAPSHOT`]: `@@ crates/<crate>/<id>.md`.
const ENTRY: &str = "@@ ";

/// `cargo deny check` of licenses, bans and sources, then advisories (live database or
/// snapshot).
pub fn check(root: &Path) -> Result<(), String> {
    let deny = install(root)?;
    // Every platform's crates must be on disk for `cargo metadata`, so that cargo-deny can
    // run offline afterwards.
    run_inherited(
        Command::new(cargo())
            .args(["fetch", "--locked"])
            .current_dir(root),
        "cargo fetch",
    )?;
    run_inherited(
        Command::new(&deny)
            .args([
                "--offline",
                "--workspace",
                "check",
                "licenses",
                "bans",
                "sources",
            ])
            .current_dir(root),
        "cargo deny check licenses bans sources",
    )?;

    if github_answers() {
        println!("advisories: fetching the current RustSec database from {DB_URL}");
        return run_inherited(
            Command::new(&deny)
                .args(["--workspace", "check", "advisories"])
                .current_dir(root),
            "cargo deny check advisories",
        );
    }

    let snapshot = Snapshot::read(&root.join(SNAPSHOT))?;
    let age = days_since(&snapshot.date)?;
    println!(
        "advisories: {DB_URL} cannot be reached from here; checking against {SNAPSHOT}: \
         {} advisories as of {} (rustsec/advisory-db {}, {age} days old)",
        snapshot.entries.len(),
        snapshot.date,
        short(&snapshot.commit),
    );
    if age > STALE_AFTER_DAYS {
        println!(
            "warning: the advisory snapshot is more than {STALE_AFTER_DAYS} days old; where \
             GitHub is reachable, refresh it with `cargo xtask advisories-snapshot <checkout>`"
        );
    }
    let dbs = root.join(OFFLINE_DBS);
    snapshot.expand(&dbs.join(DB_DIR))?;
    let config = offline_config(root, &dbs, age + 1)?;
    run_inherited(
        Command::new(&deny)
            .arg("--offline")
            .arg("--workspace")
            .arg("--config")
            .arg(&config)
            .args(["check", "advisories"])
            .current_dir(root),
        "cargo deny check advisories (snapshot)",
    )
}

/// `cargo xtask advisories-snapshot <checkout>`: rewrites [`SNAPSHOT`] from a git checkout of
/// rustsec/advisory-db.
pub fn snapshot(root: &Path, args: &[String]) -> Result<(), String> {
    let [checkout] = args else {
        return Err(
            "usage: cargo xtask advisories-snapshot <checkout of rustsec/advisory-db>\n\n\
                    Rewrites tools/deny/advisory-db.snapshot, the offline copy `cargo xtask test` \
                    checks the dependencies against when GitHub cannot be reached."
                .into(),
        );
    };
    let checkout = PathBuf::from(checkout);
    let git = |args: &[&str]| -> Result<String, String> {
        let out = Command::new("git")
            .arg("-C")
            .arg(&checkout)
            .args(args)
            .output()
            .map_err(|e| format!("running git in {}: {e}", checkout.display()))?;
        if !out.status.success() {
            return Err(format!(
                "git {} in {} failed: {}",
                args.join(" "),
                checkout.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    };
    let commit = git(&["rev-parse", "HEAD"])?;
    let date = git(&["show", "-s", "--format=%cs", "HEAD"])?;
    let files = git(&["ls-tree", "-r", "--name-only", "HEAD", "crates"])?;
    let mut entries = Vec::new();
    for path in files.lines().filter(|p| p.ends_with(".md")) {
        let text = git(&["show", &format!("HEAD:{path}")])?;
        let front = front_matter(&text).ok_or_else(|| format!("{path}: no ```toml block"))?;
        entries.push((path.to_string(), front.to_string()));
    }
    entries.sort();
    let snapshot = Snapshot {
        commit,
        date,
        entries,
    };
    let target = root.join(SNAPSHOT);
    std::fs::write(&target, snapshot.render())
        .map_err(|e| format!("writing {}: {e}", target.display()))?;
    println!(
        "wrote {SNAPSHOT}: {} advisories as of {} ({})",
        snapshot.entries.len(),
        snapshot.date,
        short(&snapshot.commit)
    );
    Ok(())
}

/// The TOML between the first "```toml" line and the closing fence, with a final newline.
fn front_matter(text: &str) -> Option<&str> {
    let start = text.find("```toml\n")? + "```toml\n".len();
    let len = text[start..].find("```")?;
    Some(&text[start..start + len])
}

/// The offline copy of the database, as stored in [`SNAPSHOT`].
#[derive(Debug, PartialEq)]
struct Snapshot {
    commit: String,
    /// `YYYY-MM-DD` of the commit.
    date: String,
    /// `crates/<crate>/<id>.md` and its front matter, sorted by path.
    entries: Vec<(String, String)>,
}

impl Snapshot {
    fn render(&self) -> String {
        let mut out = format!(
            "# The machine-readable part of the RustSec advisory database ({DB_URL}):\n\
             # the TOML front matter of each advisory, without the prose.\n\
             # Written by `cargo xtask advisories-snapshot`; read by `cargo xtask test` when the\n\
             # database cannot be fetched. The advisories are CC0-1.0.\n\
             commit {}\n\
             date {}\n",
            self.commit, self.date
        );
        for (path, front) in &self.entries {
            let _ = write!(out, "{ENTRY}{path}\n{front}");
        }
        out
    }

    fn read(path: &Path) -> Result<Snapshot, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("reading {}: {e}", path.display()))?;
        Snapshot::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    fn parse(text: &str) -> Result<Snapshot, String> {
        let mut commit = None;
        let mut date = None;
        let mut entries: Vec<(String, String)> = Vec::new();
        for (n, line) in text.lines().enumerate() {
            if let Some(path) = line.strip_prefix(ENTRY) {
                let valid = path.starts_with("crates/")
                    && path.ends_with(".md")
                    && !path.contains("..")
                    && path.split('/').count() == 3;
                if !valid {
                    return Err(format!("line {}: unexpected entry path `{path}`", n + 1));
                }
                entries.push((path.to_string(), String::new()));
            } else if let Some((_, front)) = entries.last_mut() {
                front.push_str(line);
                front.push('\n');
            } else if let Some(value) = line.strip_prefix("commit ") {
                commit = Some(value.to_string());
            } else if let Some(value) = line.strip_prefix("date ") {
                date = Some(value.to_string());
            } else if !line.starts_with('#') && !line.is_empty() {
                return Err(format!("line {}: unexpected `{line}`", n + 1));
            }
        }
        Ok(Snapshot {
            commit: commit.ok_or("no `commit` line")?,
            date: date.ok_or("no `date` line")?,
            entries,
        })
    }

    /// Writes the database layout cargo-deny reads into `dir` (replacing what was there) and
    /// makes it a one-commit git repository dated like the snapshot, as cargo-deny expects.
    fn expand(&self, dir: &Path) -> Result<(), String> {
        if dir.exists() {
            std::fs::remove_dir_all(dir).map_err(|e| format!("removing {}: {e}", dir.display()))?;
        }
        for (path, front) in &self.entries {
            let file = dir.join(path);
            if let Some(parent) = file.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| format!("creating {}: {e}", parent.display()))?;
            }
            let id = path
                .rsplit('/')
                .next()
                .unwrap_or(path)
                .trim_end_matches(".md");
            std::fs::write(&file, format!("```toml\n{front}```\n\n# {id}\n"))
                .map_err(|e| format!("writing {}: {e}", file.display()))?;
        }
        let stamp = format!("{}T00:00:00Z", self.date);
        for args in [
            &["init", "-q", "-b", "main"][..],
            &["add", "-A"],
            &[
                "-c",
                "user.name=xtask",
                "-c",
                "user.email=xtask@localhost",
                "commit",
                "-q",
                "-m",
                "advisory snapshot",
            ],
        ] {
            let status = Command::new("git")
                .arg("-C")
                .arg(dir)
                .args(args)
                .env("GIT_AUTHOR_DATE", &stamp)
                .env("GIT_COMMITTER_DATE", &stamp)
                .stdout(Stdio::null())
                .status()
                .map_err(|e| format!("running git in {}: {e}", dir.display()))?;
            if !status.success() {
                return Err(format!(
                    "git {} in {} failed",
                    args.join(" "),
                    dir.display()
                ));
            }
        }
        Ok(())
    }
}

/// `deny.toml` with the advisory database moved to `dbs` and allowed to be `max_age_days`
/// old, written beside the expanded snapshot.
fn offline_config(root: &Path, dbs: &Path, max_age_days: i64) -> Result<PathBuf, String> {
    let policy = root.join("deny.toml");
    let text = std::fs::read_to_string(&policy)
        .map_err(|e| format!("reading {}: {e}", policy.display()))?;
    let header = "[advisories]\n";
    let Some(at) = text.find(header) else {
        return Err(format!("{} has no [advisories] table", policy.display()));
    };
    let db_path = dbs.to_str().ok_or("the repository path is not UTF-8")?;
    let insert = format!("db-path = {db_path:?}\nmaximum-db-staleness = \"P{max_age_days}D\"\n");
    let mut config = text.clone();
    config.insert_str(at + header.len(), &insert);
    let path = dbs.join("deny-offline.toml");
    std::fs::write(&path, config).map_err(|e| format!("writing {}: {e}", path.display()))?;
    Ok(path)
}

/// The pinned cargo-deny, installed on first use.
fn install(root: &Path) -> Result<PathBuf, String> {
    let bin = root
        .join(DENY_ROOT)
        .join("bin")
        .join(format!("cargo-deny{}", std::env::consts::EXE_SUFFIX));
    let installed = Command::new(&bin)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == format!("cargo-deny {DENY_VERSION}"))
        .unwrap_or(false);
    if !installed {
        println!("installing cargo-deny {DENY_VERSION} into {DENY_ROOT} (first run only)");
        run_inherited(
            Command::new(cargo())
                .args(["install", "--locked", "--quiet", "--force", "--root"])
                .arg(root.join(DENY_ROOT))
                .arg(format!("cargo-deny@{DENY_VERSION}")),
            "cargo install cargo-deny",
        )?;
    }
    Ok(bin)
}

/// Whether the advisory database's git host answers within a few seconds.
fn github_answers() -> bool {
    let Ok(mut child) = Command::new("git")
        .args(["ls-remote", "--exit-code", DB_URL, "HEAD"])
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    else {
        return false;
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return status.success(),
            Ok(None) if std::time::Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(100));
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return false;
            }
        }
    }
}

/// Whole days from `date` (`YYYY-MM-DD`) to today (UTC).
fn days_since(date: &str) -> Result<i64, String> {
    let day = days_from_civil(date).ok_or_else(|| format!("bad snapshot date `{date}`"))?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|e| e.to_string())?
        .as_secs();
    Ok(now as i64 / 86_400 - day)
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (proleptic Gregorian calendar).
fn days_from_civil(date: &str) -> Option<i64> {
    let mut parts = date.split('-').map(|p| p.parse::<i64>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    if parts.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Count years from March, so that the leap day is the last day of the year.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

fn short(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_days() {
        assert_eq!(days_from_civil("1970-01-01"), Some(0));
        assert_eq!(days_from_civil("2000-03-01"), Some(11_017));
        assert_eq!(days_from_civil("2026-11-23"), Some(20_780));
        assert_eq!(days_from_civil("2026-13-01"), None);
        assert_eq!(days_from_civil("yesterday"), None);
    }

    #[test]
    fn snapshot_round_trips_and_rejects_escaping_paths() {
        let snapshot = Snapshot {
            commit: "0123456789abcdef".into(),
            date: "2026-08-21".into(),
            entries: vec![(
                "crates/foo/RUSTSEC-2026-0001.md".into(),
                "[advisory]\nid = \"RUSTSEC-2026-0001\"\npackage = \"foo\"\n\n[versions]\npatched = [\">= 1.2.3\"]\n".into(),
            )],
        };
        assert_eq!(Snapshot::parse(&snapshot.render()), Ok(snapshot));
        let bad = "commit x\ndate 2026-01-01\n@@ crates/../../etc/x.md\n";
        assert!(
            Snapshot::parse(bad)
                .unwrap_err()
                .contains("unexpected entry path")
        );
    }

    #[test]
    fn front_matter_is_the_toml_block() {
        let text = "```toml\n[advisory]\nid = \"X\"\n```\n\n# Title\n\nProse.\n";
        assert_eq!(front_matter(text), Some("[advisory]\nid = \"X\"\n"));
        assert_eq!(front_matter("# no block"), None);
    }
}
