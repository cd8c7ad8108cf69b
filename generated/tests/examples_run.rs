//! Runs every example in `examples/` without API keys, so against its local stand-in, and
//! checks that it succeeds and prints what it should.
//!
//! The examples are built once, by `cargo build -p anthropic-openapi --examples
//! --message-format=json-render-diagnostics` run with the cargo that runs this test (`$CARGO`),
//! and the JSON messages of that build name each example's executable. Each executable then
//! runs with `ANTHROPIC_API_KEY`, `ANTHROPIC_AUTH_TOKEN`, `ANTHROPIC_ADMIN_KEY` and
//! `ANTHROPIC_BASE_URL` removed from its environment, and standard output and error piped
//! (so the batch example's progress bar hides itself and prints plain lines).
//!
//! Building from inside a test is safe: cargo releases its build-directory lock before it
//! runs tests, so the inner build does not wait for the outer one. It is also needed:
//! `cargo test --all-targets` compiles the examples only as test harnesses, and
//! `cargo test --test examples_run` not at all, so the binaries in `target/debug/examples`
//! may be missing or stale. When the examples are already built the inner build only checks
//! that they are fresh. Both the build and each run have a time limit, so that a build that
//! cannot get the lock (another cargo holding it) fails with cargo's message instead of
//! hanging.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Time allowed for building the examples (compiling them from scratch included).
const BUILD_LIMIT: Duration = Duration::from_secs(20 * 60);
/// Time allowed for one example's run against the stand-in.
const RUN_LIMIT: Duration = Duration::from_secs(120);

/// The variables that would make an example talk to the real API.
const KEY_VARIABLES: &[&str] = &[
    "AWS_REGION",
    "AWS_BEARER_TOKEN_BEDROCK",
    "CLOUD_ML_REGION",
    "ANTHROPIC_FOUNDRY_API_KEY",
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_AUTH_TOKEN",
    "ANTHROPIC_ADMIN_KEY",
    "ANTHROPIC_OAUTH_TOKEN",
    "ANTHROPIC_BASE_URL",
];

/// What a finished process left behind.
struct Finished {
    success: bool,
    status: String,
    stdout: String,
    stderr: String,
}

/// Runs `command` with its output piped, killing it after `limit`.
fn run_with_limit(mut command: Command, limit: Duration) -> Finished {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {command:?}: {e}"));
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            let _ = pipe.read_to_end(&mut text);
            String::from_utf8_lossy(&text).into_owned()
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("piped stdout")));
    let stderr = drain(Box::new(child.stderr.take().expect("piped stderr")));

    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for the child") {
            break Some(status);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Finished {
        success: status.is_some_and(|s| s.success()),
        status: match status {
            Some(s) => s.to_string(),
            None => format!("killed after {limit:?}"),
        },
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    }
}

/// The examples' executables by name, built once for all the tests of this file.
fn executables() -> &'static HashMap<String, PathBuf> {
    static BUILT: OnceLock<Result<HashMap<String, PathBuf>, String>> = OnceLock::new();
    let built = BUILT.get_or_init(|| {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut command = Command::new(cargo);
        command
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["build", "--quiet", "--package", env!("CARGO_PKG_NAME")])
            .args(["--examples", "--message-format=json-render-diagnostics"]);
        // The examples of gated areas and platforms need their features: those this test was
        // built with (an example whose features are off is not built, and its test is not
        // compiled).
        let features: Vec<&str> = [
            ("batches", cfg!(feature = "batches")),
            ("files", cfg!(feature = "files")),
            ("models", cfg!(feature = "models")),
            ("completions", cfg!(feature = "completions")),
            ("admin", cfg!(feature = "admin")),
            ("schemars", cfg!(feature = "schemars")),
            ("bedrock", cfg!(feature = "bedrock")),
            ("vertex", cfg!(feature = "vertex")),
            ("foundry", cfg!(feature = "foundry")),
        ]
        .iter()
        .filter(|(_, on)| *on)
        .map(|(name, _)| *name)
        .collect();
        if !features.is_empty() {
            command.args(["--features", &features.join(",")]);
        }
        let build = run_with_limit(command, BUILD_LIMIT);
        if !build.success {
            return Err(format!(
                "building the examples failed ({}):\n{}",
                build.status, build.stderr
            ));
        }
        let mut found = HashMap::new();
        for line in build.stdout.lines() {
            let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            let is_example = message["target"]["kind"]
                .as_array()
                .is_some_and(|kinds| kinds.iter().any(|k| k == "example"));
            if let (true, Some(name), Some(path)) = (
                is_example,
                message["target"]["name"].as_str(),
                message["executable"].as_str(),
            ) {
                found.insert(name.to_string(), PathBuf::from(path));
            }
        }
        Ok(found)
    });
    match built {
        Ok(found) => found,
        Err(message) => panic!("{message}"),
    }
}

/// Runs one example without keys and returns its standard output, failing the test if it
/// fails or does not print every line of `expected` (each a substring of some output line).
fn run_example(name: &str, expected: &[&str]) -> String {
    let path = executables()
        .get(name)
        .unwrap_or_else(|| panic!("the build produced no example named {name}"));
    let mut command = Command::new(path);
    // A scratch directory for anything the example writes, instead of the system's.
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("example-{name}"));
    std::fs::create_dir_all(&scratch).expect("a scratch directory");
    command.env("TMPDIR", &scratch).current_dir(&scratch);
    for variable in KEY_VARIABLES {
        command.env_remove(variable);
    }
    let run = run_with_limit(command, RUN_LIMIT);
    assert!(
        run.success,
        "example {name} failed ({}).\nstdout:\n{}\nstderr:\n{}",
        run.status, run.stdout, run.stderr
    );
    for line in expected {
        assert!(
            run.stdout.lines().any(|l| l.contains(line)),
            "example {name} did not print {line:?}.\nstdout:\n{}\nstderr:\n{}",
            run.stdout,
            run.stderr
        );
    }
    run.stdout
}

#[test]
fn chat() {
    run_example(
        "chat",
        &[
            "ANTHROPIC_API_KEY is not set: using a local stand-in for the API at http://127.0.0.1:",
            "user: In one sentence, what does the Rust borrow checker do?",
            "assistant: The borrow checker enforces Rust's ownership rules",
            "stop reason end_turn, request id req_01",
            "user: Now say that in at most eight words.",
            "assistant: Compile-time proof that every reference is safe.",
        ],
    );
}

#[test]
fn streaming() {
    let out = run_example(
        "streaming",
        &[
            "ANTHROPIC_API_KEY is not set: using a local stand-in",
            "The keeper climbs at dusk with oil and flame,",
            "one patient star above a field of foam.",
            "1 content block(s), stop reason end_turn",
        ],
    );
    // The streamed text, joined, keeps the poem's line breaks.
    assert!(
        out.contains("worn smooth and cold;\nthe sea below him"),
        "{out}"
    );
}

#[cfg(feature = "schemars")]
#[test]
fn tool_use() {
    run_example(
        "tool_use",
        &[
            "ANTHROPIC_API_KEY is not set: using a local stand-in",
            "assistant: I'll call get_weather for Paris and Tokyo.",
            r#"tool call get_weather({"location":"Paris","unit":"celsius"}) -> Paris: 17 °C"#,
            r#"tool call get_weather({"location":"Tokyo","unit":"celsius"}) -> Tokyo: 24 °C"#,
            "assistant: Here is what the tools reported:",
            "- Tokyo: 24 °C, sunny, wind 9 km/h",
            "done: stop reason end_turn",
        ],
    );
}

#[cfg(feature = "schemars")]
#[test]
fn tool_runner() {
    let out = run_example(
        "tool_runner",
        &[
            "ANTHROPIC_API_KEY is not set: using a local stand-in",
            "assistant: I'll call get_weather and get_time for Paris and Tokyo.",
            "assistant: Here is what the tools reported:",
            "- Paris: light rain, 17 °C",
            "- Paris: 10:30",
            "- Tokyo: sunny, 24 °C",
            "- Tokyo: 18:30",
        ],
    );
    // Two replies: the calls, then the answer from their results.
    assert_eq!(out.matches("assistant: ").count(), 2, "{out}");
}

#[cfg(feature = "schemars")]
#[test]
fn structured_output() {
    run_example(
        "structured_output",
        &[
            "ANTHROPIC_API_KEY is not set: using a local stand-in",
            "Standup \"Team standup\" on 2026-12-10 at 09:30",
            "room: B2",
            "attendees: Ana, Kwame",
            r#"streamed: {"attendees":["Ana","Kwame"],"day":"2026-12-10","#,
            "decoded: 2 attendees",
        ],
    );
}

#[cfg(feature = "batches")]
#[test]
fn batch() {
    let out = run_example(
        "batch",
        &[
            "ANTHROPIC_API_KEY is not set: using a local stand-in",
            "with 5 requests: in_progress",
            "in_progress: 2/5 requests done (3 processing)",
            "in_progress: 4/5 requests done (1 processing)",
            "ended: 5/5 requests done (0 processing)",
            "batch ended: 4 succeeded, 1 errored, 0 canceled, 0 expired",
            "succeeded: Canberra.",
            "succeeded: A spider has eight legs.",
            "errored: invalid_request_error: max_tokens: 100000 > 64000",
        ],
    );
    // Results are printed in request order, whatever order they arrived in.
    let first = out.find("question-1:").expect("question-1 printed");
    let fourth = out.find("question-4:").expect("question-4 printed");
    assert!(first < fourth, "{out}");
}

#[cfg(feature = "files")]
#[test]
fn files() {
    run_example(
        "files",
        &[
            "ANTHROPIC_API_KEY is not set: using a local stand-in",
            "meeting-notes.txt as file_01",
            "(85 bytes, text/plain)",
            "downloadable: false",
            "2 file(s), newest first:",
            "revenue_by_region.csv (121 bytes)",
            "| region,quarter,revenue_usd",
            "deleted file_01",
            "retrieving it again: 404 not_found_error (File `file_01",
        ],
    );
}

#[cfg(feature = "admin")]
#[test]
fn admin_report() {
    let out = run_example(
        "admin_report",
        &[
            "ANTHROPIC_ADMIN_KEY (or ANTHROPIC_OAUTH_TOKEN) is not set: using a local stand-in",
            "Usage and cost per workspace,",
            "Workspace",
            "Production",
            "Research",
            "Staging",
            "Default workspace",
            "Total",
            "Rate limits",
            "  claude-sonnet-4-5, claude-sonnet-4-5-20250929: 4,000 requests_per_minute",
            "  batch: 4,000 requests_per_minute",
            "  Research overrides model_group input_tokens_per_minute: 500,000 (organization: 2,000,000)",
        ],
    );
    // The table's columns line up: every row from the header on is as wide as the header.
    let table: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("Workspace"))
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(
        table.len(),
        8,
        "header, rule, 4 workspaces, rule, total:\n{out}"
    );
    let width = table[0].chars().count();
    for line in &table {
        assert_eq!(
            line.chars().count(),
            width,
            "misaligned row {line:?} in\n{out}"
        );
    }
    assert!(table[1].starts_with("---------"), "{out}");
    assert!(
        table[2].starts_with("Production "),
        "sorted by cost:\n{out}"
    );
}

#[cfg(all(
    feature = "batches",
    feature = "files",
    feature = "admin",
    feature = "models"
))]
#[test]
fn everyday() {
    let out = run_example(
        "everyday",
        &[
            "1. chat: Canberra.",
            "2. image and PDF: ",
            "3. streaming with thinking: The user asks: \"How many legs does a spider have?\"",
            "A spider has eight legs.",
            "4. tools: Here is what the tools reported:",
            "- Sunny in Paris",
            "5. token count: ",
            "6. models: claude-opus-4-5, claude-haiku-4-5, claude-sonnet-4-5,",
            "7. batch: q0: Canberra.",
            "7. batch: q1: A spider has eight legs.",
            "8. files: ",
            "9. errors: no such model (request req_",
            "10. options and headers: Buenos días. (request req_",
            "Some(49) requests left)",
            "11. admin report: claude-sonnet-4-5",
        ],
    );
    // The stand-in's usage is deterministic and not empty, and the thinking came before the
    // answer in the stream.
    assert!(!out.contains("(0 output tokens)"), "{out}");
    let thinking = out.find("I know this one").expect("thinking printed");
    let answer = out
        .find("A spider has eight legs.")
        .expect("answer printed");
    assert!(thinking < answer, "{out}");
}

#[cfg(feature = "bedrock")]
#[test]
fn bedrock() {
    run_example(
        "bedrock",
        &[
            "AWS_REGION is not set: using a local stand-in for Bedrock at http://127.0.0.1:",
            "assistant: Hello, world",
            "request id bedrock-example-1",
            "streamed: Hello, world",
            "stop reason Some(EndTurn), 4 output tokens",
        ],
    );
}

#[cfg(feature = "vertex")]
#[test]
fn vertex() {
    run_example(
        "vertex",
        &[
            "CLOUD_ML_REGION is not set: using a local stand-in for Vertex AI at http://127.0.0.1:",
            "the question is 14 input tokens",
            "assistant: Hello, world",
            "streamed: Hello, world",
            "stop reason Some(EndTurn), 4 output tokens",
        ],
    );
}

#[cfg(feature = "foundry")]
#[test]
fn foundry() {
    run_example(
        "foundry",
        &[
            "ANTHROPIC_FOUNDRY_API_KEY is not set: using a local stand-in for Foundry at http://127.0.0.1:",
            "assistant: Hello, world",
            "streamed: Hello, world",
            "stop reason Some(EndTurn), 4 output tokens",
        ],
    );
}

#[cfg(feature = "admin")]
#[test]
fn service_accounts() {
    run_example(
        "service_accounts",
        &[
            "ANTHROPIC_ADMIN_KEY (or ANTHROPIC_OAUTH_TOKEN) is not set: using a local stand-in",
            "With an admin key only: this operation accepts only an OAuth bearer token",
            "Created service account ci-deploy (svac_",
            "organization role developer",
            "Added it to wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ as workspace_developer",
            "1 service account(s):",
            "  ci-deploy (developer)",
            "    wrkspc_default: workspace_user (implicit)",
            "    wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ: workspace_developer",
        ],
    );
}
