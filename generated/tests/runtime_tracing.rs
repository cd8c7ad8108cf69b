//! What the client logs through `tracing`: each attempt and each retry, never a credential.
//!
//! Alone in its test binary, so that no other test's callsites race with the capturing
//! subscriber.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anthropic_openapi::Client;
use anthropic_openapi_runtime::{Query, Request};
use reqwest::Method;
use testkit::{Reply, Server};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

const KEY: &str = "sk-ant-test-TRACED-KEY-0123456789";
const TOKEN: &str = "TRACED-BEARER-TOKEN-42";

/// A subscriber that writes every span, field record and event, as text, into a buffer.
#[derive(Clone, Default)]
struct Capture {
    out: Arc<Mutex<String>>,
    next_id: Arc<AtomicU64>,
}

struct Line<'a>(&'a mut String);

impl Visit for Line<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
}

impl Capture {
    fn text(&self) -> String {
        self.out.lock().unwrap().clone()
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let mut line = format!(
            "span#{id} {} {}:",
            span.metadata().level(),
            span.metadata().name()
        );
        span.record(&mut Line(&mut line));
        self.out.lock().unwrap().push_str(&(line + "\n"));
        Id::from_u64(id)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut line = format!("record#{}:", span.into_u64());
        values.record(&mut Line(&mut line));
        self.out.lock().unwrap().push_str(&(line + "\n"));
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut line = format!("event {}:", event.metadata().level());
        event.record(&mut Line(&mut line));
        self.out.lock().unwrap().push_str(&(line + "\n"));
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

/// Answers the first request with 429 and the others with 200.
async fn server() -> Server {
    Server::start(|request| {
        match request.index {
            0 => Reply::api_error(429, "rate_limit_error", "slow"),
            _ => Reply::json(r#"{"id":"ok"}"#),
        }
        .request_id(format!("req_traced_{}", request.index))
        .header("retry-after-ms", "5")
    })
    .await
}

#[tokio::test]
async fn attempts_and_retries_are_traced_without_credentials() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let server = server().await;
    let base = server.base_url().to_string();

    for client in [
        Client::builder().api_key(KEY).base_url(&base).build(),
        Client::builder().auth_token(TOKEN).base_url(&base).build(),
    ] {
        let mut query = Query::new();
        query.push("after_id", "QUERY-VALUE-SECRET");
        let req = Request::new(Method::GET, "/v1/models".into()).query(query);
        let got: serde_json::Value = client
            .unwrap()
            .core()
            .send_json(req)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(got["id"], "ok");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }

    let text = capture.text();
    assert!(!text.contains(KEY), "{text}");
    assert!(!text.contains("TRACED-KEY"), "{text}");
    assert!(!text.contains(TOKEN), "{text}");
    assert!(!text.contains("QUERY-VALUE-SECRET"), "{text}");
    assert!(!text.contains("x-api-key"), "{text}");

    // Per attempt: a span with method, path and attempt number, then status and request-id.
    assert!(
        text.contains("anthropic_request: method=GET path=/v1/models attempt=0"),
        "{text}"
    );
    assert!(text.contains("attempt=1"), "{text}");
    assert!(text.contains("status=429"), "{text}");
    assert!(text.contains("status=200"), "{text}");
    assert!(text.contains("request_id=\"req_traced_0\""), "{text}");
    assert!(text.contains("request_id=\"req_traced_1\""), "{text}");
    // Recorded on the attempt's span, not only in the event.
    assert!(text.contains("record#1: status=429"), "{text}");
    assert!(
        text.contains("record#2: request_id=\"req_traced_1\""),
        "{text}"
    );
    // Each retry: a debug event with the delay and the reason.
    let retry = text
        .lines()
        .find(|l| l.contains("retrying request"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(retry.starts_with("event DEBUG:"), "{retry}");
    assert!(retry.contains("delay_ms=5.0"), "{retry}");
    assert!(retry.contains("reason=HTTP 429"), "{retry}");
}
