//! A Prism mock server run as a child process: started on a free loopback port, its output
//! captured line by line, killed (and reaped) when the guard is dropped, also on panic.

use std::io::{BufRead, BufReader, Read};
use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// How long Prism may take to load a document and listen (the official document is 1.8 MB).
const START_TIMEOUT: Duration = Duration::from_secs(90);

/// The repository root (this crate is `<root>/tests`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// `tools/spec/node_modules/.bin/prism`, installed by `npm ci --prefix tools/spec`.
pub fn prism_bin() -> PathBuf {
    let name = if cfg!(windows) { "prism.cmd" } else { "prism" };
    repo_root().join("tools/spec/node_modules/.bin").join(name)
}

/// A running `prism mock`, with everything it has printed so far.
pub struct Prism {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub base_url: String,
    /// What this server is for, in messages.
    pub label: String,
    log: Arc<Mutex<Vec<String>>>,
    readers: Vec<JoinHandle<()>>,
    /// Index of the first log line after "Prism is listening".
    first_request_line: usize,
}

impl Prism {
    /// Starts `prism mock <document> -h 127.0.0.1 -p <free port> <args…>` and waits until it
    /// listens. Panics (never skips) when Prism is not installed or does not start.
    pub fn start(label: &str, document: &Path, args: &[&str]) -> Prism {
        let bin = prism_bin();
        assert!(
            bin.is_file(),
            "the Prism mock server is not installed ({} is missing): run \
             `npm ci --prefix tools/spec` (or `cargo xtask test`, which does it) first",
            bin.display()
        );
        assert!(
            document.is_file(),
            "[{label}] the OpenAPI document {} does not exist",
            document.display()
        );
        // The port is free when chosen but could be taken before Prism binds it: try again then.
        let mut last_failure = String::new();
        for _ in 0..3 {
            match Prism::try_start(label, &bin, document, args) {
                Ok(prism) => return prism,
                Err(failure) => last_failure = failure,
            }
        }
        panic!("[{label}] Prism did not start:\n{last_failure}");
    }

    fn try_start(label: &str, bin: &Path, document: &Path, args: &[&str]) -> Result<Prism, String> {
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .map_err(|e| format!("finding a free port: {e}"))?;
        let mut cmd = Command::new(bin);
        cmd.arg("mock")
            .arg(document)
            .args(["-h", "127.0.0.1", "-p", &port.to_string()])
            .args(args)
            .current_dir(repo_root())
            .env("NO_COLOR", "1")
            .env("FORCE_COLOR", "0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd
            .spawn()
            .map_err(|e| format!("running {}: {e}", bin.display()))?;
        let log = Arc::new(Mutex::new(Vec::new()));
        let readers = vec![
            forward(child.stdout.take().expect("piped stdout"), log.clone()),
            forward(child.stderr.take().expect("piped stderr"), log.clone()),
        ];
        let mut prism = Prism {
            child,
            base_url: format!("http://127.0.0.1:{port}"),
            label: label.to_string(),
            log,
            readers,
            first_request_line: 0,
        };
        let started = Instant::now();
        loop {
            let lines = prism.lines();
            if let Some(i) = lines
                .iter()
                .position(|l| l.contains("Prism is listening on"))
            {
                prism.first_request_line = i + 1;
                return Ok(prism);
            }
            if let Ok(Some(status)) = prism.child.try_wait() {
                thread::sleep(Duration::from_millis(200));
                return Err(format!(
                    "Prism exited ({status}) before listening. Its output:\n{}",
                    prism.lines().join("\n")
                ));
            }
            if started.elapsed() > START_TIMEOUT {
                return Err(format!(
                    "Prism was not listening after {}s. Its output:\n{}",
                    START_TIMEOUT.as_secs(),
                    lines.join("\n")
                ));
            }
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// Everything Prism has printed (stdout and stderr interleaved as read).
    pub fn lines(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// The log from the first request on, split into one segment per request received, after
    /// waiting until `expected` requests have been logged and their log lines have settled.
    /// Returns `None` when fewer requests show up (then the log is printed).
    pub fn request_segments(&mut self, expected: usize) -> Option<Vec<Vec<String>>> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let segments = self.split_requests();
            if segments.len() >= expected {
                // Response violations are logged after the response went out: let them arrive.
                thread::sleep(Duration::from_millis(300));
                return Some(self.split_requests());
            }
            if Instant::now() > deadline || self.exited() {
                eprintln!(
                    "[{}] expected {expected} requests in Prism's log, found {}; the log:\n{}",
                    self.label,
                    segments.len(),
                    self.lines()[self.first_request_line..].join("\n")
                );
                return None;
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    fn split_requests(&self) -> Vec<Vec<String>> {
        let lines = self.lines();
        let mut segments: Vec<Vec<String>> = Vec::new();
        for line in &lines[self.first_request_line..] {
            if line.contains("[HTTP SERVER]") && line.contains("Request received") {
                segments.push(Vec::new());
            }
            if let Some(segment) = segments.last_mut() {
                segment.push(line.clone());
            }
        }
        segments
    }

    /// Whether the Prism process has ended.
    pub fn exited(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(Some(_)))
    }

    /// Stops Prism and returns everything it printed (all of it, also what it wrote while
    /// dying: the output is read to its end).
    pub fn finish(mut self) -> Vec<String> {
        self.stop();
        self.lines()
    }

    fn stop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
        for reader in self.readers.drain(..) {
            let _ = reader.join();
        }
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Appends every line of `stream` to `log`, from a new thread, until the stream closes.
fn forward(stream: impl Read + Send + 'static, log: Arc<Mutex<Vec<String>>>) -> JoinHandle<()> {
    thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            log.lock().unwrap().push(line);
        }
    })
}

/// What Prism's log says about one request.
#[derive(Debug, Default, Clone)]
pub struct Verdict {
    /// "The request passed the validation rules".
    pub request_passed: bool,
    /// The request violations (`Violation: request…` lines, or the error lines after
    /// "Request did not pass the validation rules").
    pub request_violations: Vec<String>,
    /// `Violation: response…` lines: Prism's own response does not match the document.
    pub response_violations: Vec<String>,
    /// "Request terminated with error: …" (Prism could not produce a response).
    pub terminated: Option<String>,
    /// The status Prism chose (`> Responding with "200"`).
    pub status: Option<String>,
    /// The request line as Prism logged it (`post /v1/messages`).
    pub request: String,
}

impl Verdict {
    pub fn from_segment(segment: &[String]) -> Verdict {
        let mut v = Verdict::default();
        let after = |line: &str, marker: &str| {
            line.split_once(marker)
                .map(|(_, rest)| rest.trim().to_string())
        };
        for line in segment {
            if let Some(rest) = after(line, "[HTTP SERVER]") {
                let first = v.request.is_empty();
                if let Some((request, _)) = rest.split_once(" ℹ").filter(|_| first) {
                    v.request = request.trim().to_string();
                }
                if let Some(err) = after(line, "Request terminated with error:") {
                    v.terminated = Some(err);
                }
            }
            if line.contains("The request passed the validation rules") {
                v.request_passed = true;
            }
            if let Some(rest) = after(line, "Violation: ") {
                if rest.starts_with("request") {
                    v.request_violations.push(rest);
                } else {
                    v.response_violations.push(rest);
                }
            }
            if let Some(status) = after(line, "> Responding with ") {
                v.status = Some(status.trim_matches('"').to_string());
            }
        }
        v
    }
}
