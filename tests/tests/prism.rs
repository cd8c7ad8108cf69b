//! Conformance of the generated client against the Prism mock server (`tools/spec`, pinned
//! `@stoplight/prism-cli` 5.14.2; `npm ci --prefix tools/spec` or `cargo xtask test` installs
//! it, and these tests fail, never skip, without it).
//!
//! Prism validates every request against the OpenAPI document it serves (a violation is a 422,
//! and its log names the violated field) and answers with the document's examples (static
//! mode) or with random values generated from the schemas (`--dynamic`). Four test functions,
//! one Prism each (they run in parallel; the calls inside one run one after another, so each
//! call can be matched with its lines in Prism's log):
//!
//! - `spec_static`: `spec/anthropic.yaml` with `--errors` (a response example that does not
//!   match its own schema turns into a 500): every operation once; the request must pass
//!   validation and the example must decode.
//! - `spec_dynamic`: `spec/anthropic.yaml` with `--dynamic`: every operation
//!   [`DYNAMIC_CALLS`] times; every random response must decode. Without `--errors`, so that a
//!   generated response that breaks its schema still reaches the decoder (Prism reports such
//!   responses in its log; see [`Mode::lenient_on_invalid_responses`]).
//! - `official_static` / `official_dynamic`: the official (Stainless, OpenAPI 3.1; Prism 5
//!   loads it) document, with the operations it has: our requests must be valid under it, and
//!   its responses must decode. The document is not part of this repository: these two tests
//!   are `#[ignore]`d, and read its path from [`OFFICIAL_OPENAPI_VAR`]. `cargo xtask test`
//!   runs them (`--ignored`) when that variable is set, and otherwise says it skipped them;
//!   CI sets it.
//!   Without `--errors`: the official examples predate some of the document's own required
//!   properties (a message example has no `container` and a short `usage`), which `--errors`
//!   would turn into 500s; they are responses of older API versions and must decode.
//!   Request validation (the 422) does not depend on the flag.
//!
//! Each call's verdict comes from Prism's log ("The request passed the validation rules", or
//! the `Violation: request…` lines naming the field), so a rejected request is reported with
//! the reason even where the status alone would not show it (an event stream Prism cannot
//! produce anyway). The 422 body is only the document's error example.
//!
//! What Prism 5.14.2 cannot mock, found with these tests and accepted as such (the request
//! must still pass validation): a `text/event-stream` response (the `_stream` variants) is a
//! 500 `NO_COMPLEX_OBJECT_TEXT` under our document and a 406 under the official one, which
//! declares only JSON for `/v1/messages` and `/v1/complete`; an `application/x-jsonl` response
//! (batch results) is a 500 "Cannot find serializer for application/x-jsonl". The binary file
//! download works (Prism sends a short text body as `application/octet-stream`), and so does
//! the multipart upload (Prism checks the `file` part is there). Prism does not validate query
//! parameters whose name contains `[]` (`group_by[]=bogus` passes; the same parameter named
//! `group_by` is checked), so for the report and list filters Prism only shows the requests
//! are accepted; `client_loopback.rs` checks their exact encoding.

#[path = "prism/ops.rs"]
mod ops;
#[path = "prism/server.rs"]
mod server;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anthropic_openapi::Error;
use ops::{Clients, Got, Media, Op};
use serde_json::Value;
use server::{Prism, Verdict};

/// How often `spec_dynamic` calls each operation (43 entries, about 25 ms a call).
const DYNAMIC_CALLS: usize = 15;
/// How often `official_dynamic` calls each of its operations.
const OFFICIAL_DYNAMIC_CALLS: usize = 10;

/// In the dynamic modes, operations whose responses hold the big unions (content blocks,
/// citations, tool results) are called this many times as often as the others.
const UNION_HEAVY_FACTOR: usize = 4;
const UNION_HEAVY: &[&str] = &["messages.create"];

/// The environment variable holding the path of the official OpenAPI document (the JSON file
/// the official SDKs are generated from).
const OFFICIAL_OPENAPI_VAR: &str = "ANTHROPIC_OFFICIAL_OPENAPI";

fn our_spec() -> PathBuf {
    server::repo_root().join("spec/anthropic.yaml")
}

/// The official document, from [`OFFICIAL_OPENAPI_VAR`]. The tests that call this are ignored
/// unless asked for, so here the variable must be set.
fn official_spec() -> PathBuf {
    let Some(path) = std::env::var_os(OFFICIAL_OPENAPI_VAR).filter(|p| !p.is_empty()) else {
        panic!(
            "{OFFICIAL_OPENAPI_VAR} is not set: point it at the official OpenAPI document \
             (a JSON file) to run the checks against it"
        );
    };
    let path = PathBuf::from(path);
    assert!(
        path.is_file(),
        "{OFFICIAL_OPENAPI_VAR}={}: no such file",
        path.display()
    );
    path
}

struct Mode {
    label: &'static str,
    document: PathBuf,
    prism_args: &'static [&'static str],
    /// Only the operations the official document has.
    official_only: bool,
    calls_per_operation: usize,
    /// Without `--errors` Prism also sends responses that break its document (it says so in
    /// its log and the `sl-violations` header). A decode failure of such a response is
    /// reported but does not fail the test: the response is outside what the document allows,
    /// so the client may reject it. A decode failure of a response Prism found valid fails.
    lenient_on_invalid_responses: bool,
}

#[tokio::test]
async fn spec_static() {
    conformance(Mode {
        label: "spec/anthropic.yaml, static",
        document: our_spec(),
        prism_args: &["--errors"],
        official_only: false,
        calls_per_operation: 1,
        lenient_on_invalid_responses: false,
    })
    .await;
}

#[tokio::test]
async fn spec_dynamic() {
    conformance(Mode {
        label: "spec/anthropic.yaml, dynamic",
        document: our_spec(),
        prism_args: &["--dynamic"],
        official_only: false,
        calls_per_operation: DYNAMIC_CALLS,
        lenient_on_invalid_responses: true,
    })
    .await;
}

#[tokio::test]
#[ignore = "needs ANTHROPIC_OFFICIAL_OPENAPI, the path of the official OpenAPI document"]
async fn official_static() {
    conformance(Mode {
        label: "official document, static",
        document: official_spec(),
        prism_args: &[],
        official_only: true,
        calls_per_operation: 1,
        // The examples are real responses of older API versions: they must decode even where
        // they lack properties the document has since made required.
        lenient_on_invalid_responses: false,
    })
    .await;
}

#[tokio::test]
#[ignore = "needs ANTHROPIC_OFFICIAL_OPENAPI, the path of the official OpenAPI document"]
async fn official_dynamic() {
    conformance(Mode {
        label: "official document, dynamic",
        document: official_spec(),
        prism_args: &["--dynamic"],
        official_only: true,
        calls_per_operation: OFFICIAL_DYNAMIC_CALLS,
        lenient_on_invalid_responses: true,
    })
    .await;
}

// ---------------------------------------------------------------- the runner

/// One call and what came of it.
struct Record {
    op: &'static str,
    media: Media,
    result: anthropic_openapi::Result<Got>,
}

/// How one call is judged.
enum Class {
    /// Request valid, response decoded.
    Pass,
    /// Request valid; Prism cannot produce this media type (the text says what it returned).
    PrismLimitation(String),
    /// Request valid; the response broke the document (Prism says so) and did not decode.
    InvalidResponse(String),
    Fail(String),
}

#[derive(Default)]
struct OpReport {
    calls: usize,
    passed: usize,
    limitations: BTreeSet<String>,
    /// Grouped by [`failure_key`]: how often, and the first full description.
    invalid_responses: BTreeMap<String, (usize, String)>,
    failures: BTreeMap<String, (usize, String)>,
    /// `path.type=value` of every tagged object in the decoded responses: union coverage.
    tags: BTreeSet<String>,
    /// Prism's complaints about its own (decoded) responses, when not failing.
    response_violations: BTreeSet<String>,
}

async fn conformance(mode: Mode) {
    let started = Instant::now();
    let mut prism = Prism::start(mode.label, &mode.document, mode.prism_args);
    let startup = started.elapsed();
    let clients = Clients::new(&prism.base_url);
    let ops: Vec<Op> = ops::all()
        .into_iter()
        .filter(|op| op.official || !mode.official_only)
        .collect();

    let mut records = Vec::new();
    for round in 0..mode.calls_per_operation * UNION_HEAVY_FACTOR {
        for op in &ops {
            let heavy = UNION_HEAVY.contains(&op.name) && mode.calls_per_operation > 1;
            if round >= mode.calls_per_operation && !heavy {
                continue;
            }
            let result = tokio::time::timeout(Duration::from_secs(30), (op.run)(clients.clone()))
                .await
                .unwrap_or(Err(Error::Timeout));
            records.push(Record {
                op: op.name,
                media: op.media,
                result,
            });
        }
    }
    let segments = prism.request_segments(records.len());
    let crashed = prism.exited();
    let log = prism.finish();
    let log_tail = log[log.len().saturating_sub(40)..].join("\n");

    let mut reports: BTreeMap<&str, OpReport> = BTreeMap::new();
    for op in &ops {
        reports.insert(op.name, OpReport::default());
    }
    for (i, record) in records.iter().enumerate() {
        let verdict = segments
            .as_ref()
            .and_then(|s| s.get(i))
            .map(|s| Verdict::from_segment(s));
        let report = reports.get_mut(record.op).expect("known op");
        report.calls += 1;
        match classify(&mode, record, verdict.as_ref()) {
            Class::Pass => {
                report.passed += 1;
                if let Ok(got) = &record.result {
                    collect_tags(got, &mut report.tags);
                }
                if let Some(v) = &verdict {
                    report
                        .response_violations
                        .extend(v.response_violations.iter().cloned());
                }
            }
            Class::PrismLimitation(what) => {
                report.limitations.insert(what);
            }
            Class::InvalidResponse(what) => group(&mut report.invalid_responses, what),
            Class::Fail(what) => group(&mut report.failures, what),
        }
    }

    let text = render(&mode, &reports, startup, started.elapsed());
    println!("{text}");
    let failing: Vec<String> = reports
        .iter()
        .filter(|(_, r)| !r.failures.is_empty())
        .map(|(name, r)| {
            format!(
                "{name}:\n{}",
                r.failures
                    .values()
                    .map(|(n, f)| format!("  - {n}x: {f}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            )
        })
        .collect();
    assert!(
        !crashed,
        "[{}] Prism exited during the run (Prism 5.14.2 dies on a request without an \
         `anthropic-beta` header: see `ops::PRISM_BETA`); the end of its log:\n{log_tail}",
        mode.label
    );
    assert!(
        segments.is_some(),
        "[{}] Prism's log does not show one request per call (see above)",
        mode.label
    );
    assert!(
        failing.is_empty(),
        "[{}] {} operation(s) failed against Prism:\n{}",
        mode.label,
        failing.len(),
        failing.join("\n")
    );
}

fn classify(mode: &Mode, record: &Record, verdict: Option<&Verdict>) -> Class {
    let Some(verdict) = verdict else {
        return Class::Fail(format!(
            "no log lines for this request in Prism's output; result: {}",
            describe(&record.result)
        ));
    };
    if !verdict.request_passed {
        return Class::Fail(format!(
            "Prism rejected the request ({}; status {}): {}",
            verdict.request,
            verdict.status.as_deref().unwrap_or("?"),
            if verdict.request_violations.is_empty() {
                format!("no violation logged; result: {}", describe(&record.result))
            } else {
                verdict.request_violations.join(" | ")
            }
        ));
    }
    match &record.result {
        Ok(Got::Bytes(0)) => Class::Fail("the download was empty".into()),
        Ok(_) => Class::Pass,
        Err(err) => {
            if let Some(what) = prism_limitation(record.media, err) {
                return Class::PrismLimitation(what);
            }
            let described = describe(&record.result);
            if !verdict.response_violations.is_empty() {
                let why = format!(
                    "{described}; Prism's response broke the document: {}",
                    verdict.response_violations.join(" | ")
                );
                let explained = match err {
                    Error::Decode { path, .. } => verdict
                        .response_violations
                        .iter()
                        .any(|v| violation_explains(v, path)),
                    _ => false,
                };
                if mode.lenient_on_invalid_responses && explained {
                    return Class::InvalidResponse(why);
                }
                return Class::Fail(why);
            }
            Class::Fail(described)
        }
    }
}

/// Prism's known answers for media types it cannot mock, recognised so the report can say
/// what it returned; anything else is a failure.
fn prism_limitation(media: Media, err: &Error) -> Option<String> {
    let Error::Api(e) = err else { return None };
    let what = match media {
        Media::Sse if e.status == 500 && e.body.contains("NO_COMPLEX_OBJECT_TEXT") => {
            "500 NO_COMPLEX_OBJECT_TEXT: Prism cannot serialise the event union as \
             text/event-stream"
        }
        Media::Sse if e.status == 406 && e.body.contains("NOT_ACCEPTABLE") => {
            "406 NOT_ACCEPTABLE: the document declares no text/event-stream response"
        }
        Media::Jsonl
            if e.status == 500
                && e.body
                    .contains("Cannot find serializer for application/x-jsonl") =>
        {
            "500: Prism has no serializer for application/x-jsonl"
        }
        _ => return None,
    };
    Some(what.to_string())
}

/// Adds a failure to its group (the same failure at another position of a random body, or
/// with another random value nearby, is the same failure).
fn group(groups: &mut BTreeMap<String, (usize, String)>, what: String) {
    let entry = groups.entry(failure_key(&what)).or_insert((0, what));
    entry.0 += 1;
}

/// `what` without the parts that vary between random bodies: the snippet, line and column.
fn failure_key(what: &str) -> String {
    let what = what.split(" (near: ").next().unwrap_or(what);
    match what.find(" at line ") {
        Some(at) => {
            let rest = &what[at + " at line ".len()..];
            let after_column = rest
                .find(" column ")
                .map(|c| &rest[c + " column ".len()..])
                .unwrap_or(rest);
            let tail = after_column.trim_start_matches(|c: char| c.is_ascii_digit());
            format!("{}{tail}", &what[..at])
        }
        None => what.to_string(),
    }
}

/// Whether a response violation Prism logged (`response.body.content.0.source …`) is at or
/// around the place a decode failed (`content[0].source.data`): at it, inside it, or an
/// ancestor of it (a `oneOf` no variant matched).
fn violation_explains(violation: &str, decode_path: &str) -> bool {
    let location = violation.split_whitespace().next().unwrap_or_default();
    let location = location
        .strip_prefix("response.body")
        .unwrap_or(location)
        .trim_start_matches('.');
    let path = decode_path
        .replace('[', ".")
        .replace(']', "")
        .trim_start_matches('.')
        .to_string();
    let within = |outer: &str, inner: &str| {
        outer.is_empty()
            || inner == outer
            || inner
                .strip_prefix(outer)
                .is_some_and(|rest| rest.starts_with('.'))
    };
    within(location, &path) || within(&path, location)
}

fn describe(result: &anthropic_openapi::Result<Got>) -> String {
    match result {
        Ok(Got::Json(_)) => "decoded".into(),
        Ok(Got::Events(e)) => format!("{} events decoded", e.len()),
        Ok(Got::Lines(l)) => format!("{} lines decoded", l.len()),
        Ok(Got::Bytes(n)) => format!("{n} bytes"),
        Err(Error::Api(e)) => format!("HTTP {}: {}", e.status, truncate(&e.body, 600)),
        Err(Error::Decode {
            message,
            path,
            snippet,
        }) => format!("DECODE ERROR at `{path}`: {message} (near: {snippet:?})"),
        Err(other) => format!("error: {other}"),
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// Collects `path.type=value` for every object with a string `type` in what was decoded.
fn collect_tags(got: &Got, out: &mut BTreeSet<String>) {
    fn walk(v: &Value, path: &str, out: &mut BTreeSet<String>) {
        match v {
            Value::Object(map) => {
                if let Some(Value::String(tag)) = map.get("type") {
                    out.insert(format!("{path}.type={tag}"));
                }
                for (k, v) in map {
                    walk(v, &format!("{path}.{k}"), out);
                }
            }
            Value::Array(items) => {
                for item in items {
                    walk(item, &format!("{path}[]"), out);
                }
            }
            _ => {}
        }
    }
    match got {
        Got::Json(v) => walk(v, "$", out),
        Got::Events(vs) | Got::Lines(vs) => vs.iter().for_each(|v| walk(v, "$", out)),
        Got::Bytes(_) => {}
    }
}

fn render(
    mode: &Mode,
    reports: &BTreeMap<&str, OpReport>,
    startup: Duration,
    total: Duration,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "==== Prism conformance: {} ({} operations, {} calls; Prism started in {:.1}s, \
         whole run {:.1}s)",
        mode.label,
        reports.len(),
        reports.values().map(|r| r.calls).sum::<usize>(),
        startup.as_secs_f64(),
        total.as_secs_f64()
    );
    for (name, r) in reports {
        let status = if !r.failures.is_empty() {
            "FAIL"
        } else if r.passed == r.calls {
            "ok"
        } else if !r.limitations.is_empty() && r.invalid_responses.is_empty() {
            "prism-limit"
        } else {
            "ok*"
        };
        let _ = writeln!(
            out,
            "{status:<11} {name:<30} {}/{} decoded, {} distinct type tags",
            r.passed,
            r.calls,
            r.tags.len()
        );
        for l in &r.limitations {
            let _ = writeln!(out, "      prism cannot mock: {l}");
        }
        for (n, f) in r.failures.values() {
            let _ = writeln!(out, "      FAILURE ({n}x): {f}");
        }
        for (n, f) in r.invalid_responses.values() {
            let _ = writeln!(
                out,
                "      not decoded ({n}x), response outside the document: {f}"
            );
        }
        if !r.response_violations.is_empty() {
            let shown: Vec<&str> = r
                .response_violations
                .iter()
                .take(3)
                .map(String::as_str)
                .collect();
            let _ = writeln!(
                out,
                "      decoded although Prism flagged its response ({} distinct violations): {}{}",
                r.response_violations.len(),
                shown.join(" | "),
                if r.response_violations.len() > shown.len() {
                    " | …"
                } else {
                    ""
                }
            );
        }
        if std::env::var_os("PRISM_TAGS").is_some() && !r.tags.is_empty() {
            let _ = writeln!(
                out,
                "      tags: {}",
                r.tags.iter().cloned().collect::<Vec<_>>().join(", ")
            );
        }
    }
    out
}
