//! Running processes: the cargo that runs us, and commands that must succeed.

use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, Stdio};

/// The cargo to run: `$CARGO` (set by cargo for the programs it runs), else `cargo`.
pub fn cargo() -> OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// A [`cargo`] command run in `dir`.
pub fn cargo_in(dir: &Path) -> Command {
    let mut command = Command::new(cargo());
    command.current_dir(dir);
    command
}

/// Runs `command` to completion with no input and its output captured; its standard output,
/// or an error naming `what`, the exit status and the standard error.
pub fn run_ok(command: &mut Command, what: &str) -> Result<String, String> {
    let out = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{what}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{what} failed ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_commands_and_reports_their_failure() {
        assert_eq!(
            run_ok(Command::new("sh").args(["-c", "echo out"]), "echo").unwrap(),
            "out\n"
        );
        let err = run_ok(
            Command::new("sh").args(["-c", "echo why >&2; exit 3"]),
            "failing",
        )
        .unwrap_err();
        assert!(err.starts_with("failing failed ("), "{err}");
        assert!(err.ends_with("why\n"), "{err}");
        assert!(run_ok(&mut Command::new("/nonexistent/program"), "missing").is_err());
    }
}
