//! `cargo xtask test [--no-npm]`: every check this repository has, in order, stopping at the first
//! failure.
//!
//! 1. `npm ci --prefix tools/spec` (skipped when `tools/spec/node_modules` already holds exactly
//!    the committed `package-lock.json`),
//! 2. Redocly lint of `spec/anthropic.yaml` with `tools/spec/redocly.yaml` (fails on any error),
//! 3. Prism loads the spec: `prism mock` must start listening on a loopback port within 60 s,
//! 4. `cargo test --workspace --all-targets --all-features` (the cloud platforms' clients,
//!    features `bedrock`, `vertex` and `foundry` of `anthropic-openapi`, included),
//! 5. `cargo test --workspace --doc --all-features` (the doc tests, the README's Rust blocks
//!    among them, which `--all-targets` leaves out),
//! 6. the checks against the official OpenAPI document (`cargo test -p tests --test prism --
//!    --ignored`), when [`OFFICIAL_OPENAPI_VAR`] names it; otherwise the step is skipped, and
//!    a line says so and how to enable it,
//! 7. `cargo clippy --workspace --all-targets --all-features -- -D warnings`,
//! 8. clippy of `anthropic-openapi` alone with no features, each area, TLS backend and
//!    `http2` alone, and the defaults (see [`crate::feature_matrix`]),
//! 9. `cargo fmt --all --check`,
//! 10. `cargo doc --workspace --no-deps --all-features` with `RUSTDOCFLAGS=-D warnings`,
//! 11. `cargo deny check` with the policy in `deny.toml` (see [`crate::deny_cmd`]),
//! 12. the default build of `anthropic-openapi` has none of the cloud crates
//!     ([`CLOUD_CRATES`]) and no C-heavy TLS ([`HEAVY_TLS_CRATES`]), checked in
//!     `cargo tree -e normal` with the default features.
//!
//! `--no-npm` skips steps 1-3 and 6 (the ones that need the Node.js tools) for quick local
//! runs.

use std::io::{BufRead, BufReader, IsTerminal, Read, Write};
use std::net::{Ipv4Addr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use measure::{cargo, free_port};

const SPEC: &str = "spec/anthropic.yaml";
const TOOLS: &str = "tools/spec";
/// Copy of the `package-lock.json` that the last successful `npm ci` installed.
const STAMP: &str = "node_modules/.xtask-installed-package-lock.json";
const PRISM_TIMEOUT: Duration = Duration::from_secs(60);
/// The path of the official OpenAPI document (the JSON the official SDKs are generated from);
/// the repository does not hold it.
const OFFICIAL_OPENAPI_VAR: &str = "ANTHROPIC_OFFICIAL_OPENAPI";
/// The crates the cloud platforms bring in (name prefixes): none may be in the default build.
const CLOUD_CRATES: &[&str] = &[
    "aws-config",
    "aws-credential-types",
    "aws-runtime",
    "aws-sdk-",
    "aws-sigv4",
    "aws-smithy-",
    "aws-types",
    "gcp_auth",
];

/// TLS crates that build large C libraries: the default TLS (rustls with `ring`) has none.
const HEAVY_TLS_CRATES: &[&str] = &["aws-lc-rs", "aws-lc-sys", "openssl-sys", "native-tls"];

/// The path of the Admin API reference (`admin-api-reference.md`), which the committed list of
/// its operations is checked against; the repository does not hold it.
const ADMIN_REFERENCE_VAR: &str = "ANTHROPIC_ADMIN_REFERENCE";

const USAGE: &str = "usage: cargo xtask test [--no-npm]

  --no-npm   skip the Node.js steps (npm ci, Redocly lint, Prism load) and run only the cargo steps";

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let mut with_npm = true;
    for arg in args {
        match arg.as_str() {
            "--no-npm" => with_npm = false,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }

    type Step = (&'static str, fn(&Path) -> Result<(), String>);
    let mut steps: Vec<Step> = Vec::new();
    if with_npm {
        steps.push(("npm ci --prefix tools/spec", npm_ci));
        steps.push(("redocly lint spec/anthropic.yaml", redocly_lint));
        steps.push((
            "prism mock spec/anthropic.yaml (loads and listens)",
            prism_loads,
        ));
    }
    steps.push((
        "cargo test --workspace --all-targets --all-features",
        cargo_test,
    ));
    steps.push(("cargo test --workspace --doc --all-features", cargo_doctest));
    let official = std::env::var_os(OFFICIAL_OPENAPI_VAR).filter(|v| !v.is_empty());
    let skipped = match (&official, with_npm) {
        (Some(_), true) => {
            steps.push((
                "cargo test -p tests --test prism -- --ignored (the official OpenAPI document)",
                official_tests,
            ));
            None
        }
        (None, _) => Some(format!(
            "skipped: the checks against the official OpenAPI document (official_static and \
             official_dynamic in tests/tests/prism.rs); set {OFFICIAL_OPENAPI_VAR} to the \
             document's path to run them"
        )),
        (Some(_), false) => Some(
            "skipped: the checks against the official OpenAPI document (they need Prism, \
             which --no-npm leaves out)"
                .to_string(),
        ),
    };
    if let Some(line) = &skipped {
        println!("{line}");
    }
    let reference_skipped = if std::env::var_os(ADMIN_REFERENCE_VAR).is_some_and(|v| !v.is_empty())
    {
        steps.push((
            "cargo test -p tests --test admin_reference -- --ignored (the Admin API reference)",
            admin_reference_tests,
        ));
        None
    } else {
        Some(format!(
            "skipped: the check of tests/fixtures/admin_reference/operations.txt against the \
             Admin API reference; set {ADMIN_REFERENCE_VAR} to admin-api-reference.md to run it"
        ))
    };
    if let Some(line) = &reference_skipped {
        println!("{line}");
    }
    steps.push((
        "cargo clippy --workspace --all-targets --all-features -- -D warnings",
        cargo_clippy,
    ));
    steps.push((
        "cargo clippy -p anthropic-openapi --lib (no features, each area, TLS backend and http2 alone, defaults)",
        crate::feature_matrix::check,
    ));
    steps.push(("cargo fmt --all --check", cargo_fmt));
    steps.push((
        "cargo doc --workspace --no-deps --all-features (RUSTDOCFLAGS=-D warnings)",
        cargo_doc,
    ));
    steps.push((
        "cargo deny check (advisories, licenses, bans, sources; deny.toml)",
        crate::deny_cmd::check,
    ));
    steps.push((
        "cargo tree -p anthropic-openapi -e normal (the default build has no cloud crates, no aws-lc)",
        default_build_has_no_cloud_crates,
    ));

    let started = Instant::now();
    let total = steps.len();
    let mut timings = Vec::new();
    for (i, (name, step)) in steps.into_iter().enumerate() {
        println!("\n==> [{}/{total}] {name}", i + 1);
        flush();
        let step_started = Instant::now();
        let result = step(root);
        let elapsed = step_started.elapsed();
        flush();
        match result {
            Ok(()) => {
                println!(
                    "<== [{}/{total}] ok in {:.1}s: {name}",
                    i + 1,
                    elapsed.as_secs_f64()
                );
                timings.push((name, elapsed));
            }
            Err(message) => {
                print_timings(&timings);
                return Err(format!(
                    "step {}/{total} `{name}` failed after {:.1}s:\n{message}",
                    i + 1,
                    elapsed.as_secs_f64()
                ));
            }
        }
    }
    print_timings(&timings);
    if !with_npm {
        println!("note: --no-npm skipped npm ci, Redocly lint and the Prism load check");
    }
    if let Some(line) = &skipped {
        println!("{line}");
    }
    if let Some(line) = &reference_skipped {
        println!("{line}");
    }
    println!(
        "all {total} steps passed in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn print_timings(timings: &[(&str, Duration)]) {
    if timings.is_empty() {
        return;
    }
    println!("\nsteps passed:");
    for (name, elapsed) in timings {
        println!("  {:>7.1}s  {name}", elapsed.as_secs_f64());
    }
    flush();
}

fn flush() {
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
}

// ---------------------------------------------------------------------------------------------
// Node.js steps

/// `npm ci --prefix tools/spec`, unless the installed tree came from the committed lock file.
fn npm_ci(root: &Path) -> Result<(), String> {
    let tools = root.join(TOOLS);
    let lock_path = tools.join("package-lock.json");
    let lock =
        std::fs::read(&lock_path).map_err(|e| format!("reading {}: {e}", lock_path.display()))?;
    let stamp_path = tools.join(STAMP);
    let installed = std::fs::read(&stamp_path).ok();
    let hidden_lock = tools.join("node_modules/.package-lock.json");
    if installed.as_deref() == Some(lock.as_slice())
        && hidden_lock.is_file()
        && node_bin(root, "redocly").is_file()
        && node_bin(root, "prism").is_file()
    {
        println!(
            "{TOOLS}/node_modules is up to date with {TOOLS}/package-lock.json; skipping npm ci \
             (delete {TOOLS}/node_modules to force a reinstall)"
        );
        return Ok(());
    }
    let mut cmd = Command::new(program("npm"));
    cmd.args(["ci", "--prefix", TOOLS, "--no-audit", "--no-fund"])
        .current_dir(root);
    run_inherited(&mut cmd, "npm ci")?;
    // Only after a successful install: a failed or interrupted `npm ci` reinstalls next time.
    std::fs::write(&stamp_path, &lock)
        .map_err(|e| format!("writing {}: {e}", stamp_path.display()))?;
    Ok(())
}

fn redocly_lint(root: &Path) -> Result<(), String> {
    require_spec(root)?;
    let mut cmd = Command::new(node_bin(root, "redocly"));
    cmd.args(["lint", "--config", &format!("{TOOLS}/redocly.yaml"), SPEC])
        .current_dir(root)
        // No usage telemetry and no update check: the tests talk to nobody but 127.0.0.1.
        .env("REDOCLY_TELEMETRY", "off")
        .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true");
    run_inherited(&mut cmd, "redocly lint")
        .map_err(|e| format!("{e}\n{SPEC} has lint errors (listed above)"))
}

/// Starts `prism mock` on a free loopback port and waits until it listens: that proves Prism
/// could load, resolve and mock every operation. Prism is stopped again in every case.
fn prism_loads(root: &Path) -> Result<(), String> {
    require_spec(root)?;
    let port = free_port()?;
    let mut cmd = Command::new(node_bin(root, "prism"));
    cmd.args(["mock", SPEC, "-h", "127.0.0.1", "-p", &port.to_string()])
        .current_dir(root)
        .env("NO_COLOR", "1")
        .env("FORCE_COLOR", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = KillOnDrop(spawn(&mut cmd, "prism")?);

    // Both output streams go, line by line, into one channel; the channel closes when Prism has
    // closed both (normally: when it exits).
    let (tx, rx) = mpsc::channel::<String>();
    let readers = [
        child
            .0
            .stdout
            .take()
            .map(|s| forward_lines(s, tx.clone(), |l| l)),
        child.0.stderr.take().map(|s| forward_lines(s, tx, |l| l)),
    ];

    let started = Instant::now();
    let mut output = Vec::<String>::new();
    let mut next_probe = started;
    let outcome: Result<String, String> = loop {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(line) => {
                let listening = line.contains("is listening on");
                let failed = line.contains("fatal") || line.contains('✖');
                output.push(line);
                if failed {
                    // The message may go on over a few lines; keep them, but not the usage text
                    // Prism prints after them.
                    while let Ok(line) = rx.recv_timeout(Duration::from_millis(500)) {
                        if line.starts_with("prism mock <document>") {
                            break;
                        }
                        output.push(line);
                    }
                    break Err("Prism reported an error while loading the spec".into());
                }
                if listening {
                    break Ok("Prism printed that it is listening".into());
                }
                continue;
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                let status = child.0.wait().map(|s| s.to_string()).unwrap_or_default();
                break Err(format!("Prism exited before it was listening ({status})"));
            }
        }
        if let Ok(Some(status)) = child.0.try_wait() {
            // Collect what is still buffered before reporting.
            while let Ok(line) = rx.recv_timeout(Duration::from_millis(500)) {
                output.push(line);
            }
            break Err(format!("Prism exited before it was listening ({status})"));
        }
        if Instant::now() >= next_probe {
            next_probe = Instant::now() + Duration::from_secs(1);
            if http_responds(port) {
                break Ok(format!("Prism answered HTTP on 127.0.0.1:{port}"));
            }
        }
        if started.elapsed() >= PRISM_TIMEOUT {
            break Err(format!(
                "Prism was not listening after {}s",
                PRISM_TIMEOUT.as_secs()
            ));
        }
    };

    let routes = output
        .iter()
        .filter(|l| l.contains("http://127.0.0.1:"))
        .count();
    drop(child); // kills and reaps Prism
    for reader in readers.into_iter().flatten() {
        let _ = reader.join();
    }
    match outcome {
        Ok(how) => {
            // Prism prints one line per mocked operation, then the "listening" line.
            println!(
                "{how} after {:.1}s ({} operations mocked); stopped it",
                started.elapsed().as_secs_f64(),
                routes.saturating_sub(1)
            );
            Ok(())
        }
        Err(why) => Err(format!(
            "{why}. Prism output:\n{}",
            indent(&output.join("\n"))
        )),
    }
}

/// Kills (and reaps) the child when dropped, so no Prism outlives the step, whatever happens.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
        }
        let _ = self.0.wait();
    }
}

/// Sends every line of `stream` into `tx`, as `wrap(line)`, from a new thread.
fn forward_lines<R, T>(
    stream: R,
    tx: mpsc::Sender<T>,
    wrap: fn(String) -> T,
) -> thread::JoinHandle<()>
where
    R: Read + Send + 'static,
    T: Send + 'static,
{
    thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            if tx.send(wrap(line)).is_err() {
                break;
            }
        }
    })
}

/// Whether something on 127.0.0.1:`port` answers an HTTP request (with any status).
fn http_responds(port: u16) -> bool {
    let addr = (Ipv4Addr::LOCALHOST, port).into();
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(500)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(2)));
    let request = format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut first = [0u8; 5];
    matches!(stream.read_exact(&mut first), Ok(())) && &first == b"HTTP/"
}

fn require_spec(root: &Path) -> Result<(), String> {
    if root.join(SPEC).is_file() {
        Ok(())
    } else {
        Err(format!("{SPEC} does not exist"))
    }
}

/// An executable that `npm ci` installed into `tools/spec/node_modules/.bin`.
fn node_bin(root: &Path, name: &str) -> PathBuf {
    root.join(TOOLS)
        .join("node_modules/.bin")
        .join(program(name))
}

/// On Windows, npm and the scripts it installs are `.cmd` files.
fn program(name: &str) -> String {
    if cfg!(windows) {
        format!("{name}.cmd")
    } else {
        name.to_string()
    }
}

// ---------------------------------------------------------------------------------------------
// Cargo steps

/// Every crate's unit and integration tests, and its examples and benchmarks built as tests.
fn cargo_test(root: &Path) -> Result<(), String> {
    run_tests(
        root,
        &["test", "--workspace", "--all-targets", "--all-features"],
        "cargo test",
    )
}

/// The doc tests: every crate's, and the README's Rust blocks (`anthropic-openapi` includes
/// the README as a doc comment under `cfg(doctest)`).
fn cargo_doctest(root: &Path) -> Result<(), String> {
    run_tests(
        root,
        &["test", "--workspace", "--doc", "--all-features"],
        "cargo test --doc",
    )
}

/// The conformance tests against the official OpenAPI document, which are `#[ignore]`d unless
/// asked for because the document is not in the repository.
fn official_tests(root: &Path) -> Result<(), String> {
    run_tests(
        root,
        &["test", "-p", "tests", "--test", "prism", "--", "--ignored"],
        "the official-document tests",
    )
}

/// The check of the committed list of Admin API operations against the reference, `#[ignore]`d
/// unless asked for because the reference is not in the repository.
fn admin_reference_tests(root: &Path) -> Result<(), String> {
    run_tests(
        root,
        &[
            "test",
            "-p",
            "tests",
            "--test",
            "admin_reference",
            "--",
            "--ignored",
        ],
        "the Admin API reference check",
    )
}

/// Runs `cargo ARGS` with its output passed through line by line, then repeats the
/// `test result:` line of every test binary (named after cargo's `Running …` line) and their sum,
/// so the outcome is visible without scrolling.
fn run_tests(root: &Path, args: &[&str], what: &str) -> Result<(), String> {
    let mut cmd = Command::new(cargo());
    cmd.args(args)
        .current_dir(root)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if std::io::stderr().is_terminal() {
        // Piped output would turn cargo's colours off; the lines end up on the terminal anyway.
        cmd.arg("--color=always");
    }
    let mut child = KillOnDrop(spawn(&mut cmd, what)?);
    // cargo announces each test binary on stderr; the binary's results arrive on stdout.
    let (tx, rx) = mpsc::channel::<(bool, String)>();
    let readers = [
        child
            .0
            .stdout
            .take()
            .map(|s| forward_lines(s, tx.clone(), |l| (false, l))),
        child
            .0
            .stderr
            .take()
            .map(|s| forward_lines(s, tx, |l| (true, l))),
    ];
    let mut results = Vec::new();
    let mut current = String::from("?");
    let (mut out, mut err) = (std::io::stdout(), std::io::stderr());
    for (is_err, line) in rx {
        if is_err {
            let _ = writeln!(err, "{line}");
        } else {
            let _ = writeln!(out, "{line}");
        }
        let trimmed = line.trim();
        if let Some(name) = trimmed.strip_prefix("Running ") {
            // "Running unittests src/lib.rs (target/debug/deps/codegen-0123abcd)"
            current = name.to_string();
        } else if trimmed.starts_with("Doc-tests ") {
            current = trimmed.to_string();
        } else if trimmed.starts_with("test result:") {
            results.push((current.clone(), trimmed.to_string()));
        }
    }
    for reader in readers.into_iter().flatten() {
        let _ = reader.join();
    }
    let status = child
        .0
        .wait()
        .map_err(|e| format!("waiting for {what}: {e}"))?;

    let count = |line: &str, what: &str| -> u64 {
        // "test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; ..."
        line.split([';', '.'])
            .filter_map(|part| part.trim().strip_suffix(what))
            .filter_map(|n| n.trim().parse::<u64>().ok())
            .sum()
    };
    let sum = |what: &str| -> u64 { results.iter().map(|(_, l)| count(l, what)).sum() };
    let (passed, failed, ignored) = (sum("passed"), sum("failed"), sum("ignored"));
    println!("\n{what} summary ({} test binaries run):", results.len());
    for (binary, line) in &results {
        println!("  {line}\n      {binary}");
    }
    println!("  total: {passed} passed; {failed} failed; {ignored} ignored");
    if !status.success() {
        println!("  (cargo test stops at the first failing test binary; later ones did not run)");
    }
    check_status(status, what)
}

fn cargo_clippy(root: &Path) -> Result<(), String> {
    let mut cmd = Command::new(cargo());
    cmd.args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--all-features",
        "--",
        "-D",
        "warnings",
    ])
    .current_dir(root);
    run_inherited(&mut cmd, "cargo clippy")
}

/// The cloud platforms are opt-in: without their features, `anthropic-openapi` depends on none
/// of their crates.
fn default_build_has_no_cloud_crates(root: &Path) -> Result<(), String> {
    let output = Command::new(cargo())
        .args([
            "tree",
            "-p",
            "anthropic-openapi",
            "-e",
            "normal",
            "--prefix",
            "none",
        ])
        .current_dir(root)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("running cargo tree: {e}"))?;
    check_status(output.status, "cargo tree")?;
    let tree = String::from_utf8_lossy(&output.stdout);
    let found = |names: &[&str]| -> Vec<String> {
        let mut found: Vec<String> = tree
            .lines()
            .filter_map(|line| line.split_whitespace().next())
            .filter(|name| names.iter().any(|c| name.starts_with(c)))
            .map(str::to_string)
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    };
    let (cloud, heavy) = (found(CLOUD_CRATES), found(HEAVY_TLS_CRATES));
    if !cloud.is_empty() {
        return Err(format!(
            "the default build of anthropic-openapi depends on cloud crates: {}; they must \
             stay behind the features bedrock, vertex and foundry",
            cloud.join(", ")
        ));
    }
    if !heavy.is_empty() {
        return Err(format!(
            "the default build of anthropic-openapi depends on {}; its TLS must be rustls with \
             the ring provider (reqwest without its default features, see runtime/Cargo.toml)",
            heavy.join(", ")
        ));
    }
    println!(
        "the default build of anthropic-openapi has none of the cloud crates, and no aws-lc or \
         OpenSSL"
    );
    Ok(())
}

fn cargo_fmt(root: &Path) -> Result<(), String> {
    let mut cmd = Command::new(cargo());
    cmd.args(["fmt", "--all", "--check"]).current_dir(root);
    run_inherited(&mut cmd, "cargo fmt --check")
        .map_err(|e| format!("{e}\nrun `cargo fmt --all` to format the code"))
}

fn cargo_doc(root: &Path) -> Result<(), String> {
    let mut cmd = Command::new(cargo());
    cmd.args(["doc", "--workspace", "--no-deps", "--all-features"])
        .env("RUSTDOCFLAGS", "-D warnings")
        .current_dir(root);
    run_inherited(&mut cmd, "cargo doc")
}

// ---------------------------------------------------------------------------------------------
// Process helpers

fn spawn(cmd: &mut Command, what: &str) -> Result<Child, String> {
    cmd.spawn().map_err(|e| {
        let program = cmd.get_program().to_string_lossy().into_owned();
        if e.kind() == std::io::ErrorKind::NotFound {
            format!(
                "cannot run {what}: `{program}` not found (the Node.js steps need node >= 20.19 \
                 and npm on PATH, and `npm ci --prefix {TOOLS}` to have run; \
                 `cargo xtask test --no-npm` skips them)"
            )
        } else {
            format!("cannot run {what} (`{program}`): {e}")
        }
    })
}

/// Runs the command with the terminal's stdout and stderr, and fails on a non-zero exit.
pub(crate) fn run_inherited(cmd: &mut Command, what: &str) -> Result<(), String> {
    cmd.stdin(Stdio::null());
    let mut child = KillOnDrop(spawn(cmd, what)?);
    let status = child
        .0
        .wait()
        .map_err(|e| format!("waiting for {what}: {e}"))?;
    check_status(status, what)
}

fn check_status(status: ExitStatus, what: &str) -> Result<(), String> {
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what} failed ({status})"))
    }
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}
