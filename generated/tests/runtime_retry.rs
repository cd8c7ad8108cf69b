//! Retries, per-request options, response metadata and the long-request guard, against a
//! loopback HTTP server that records every attempt and can misbehave on purpose.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anthropic_openapi::{
    AdminClient, ApiResponse, Client, ClientBuilder, Error, RequestOptions, UploadFile,
};
use anthropic_openapi_runtime::{Multipart, Request};
use futures::StreamExt;
use reqwest::Method;
use testkit::{Reply, Server};

const KEY: &str = "sk-ant-test-SECRET-retry";

/// 200 `{"id":"ok"}`.
fn ok() -> Reply {
    Reply::json(r#"{"id":"ok"}"#)
}

/// An `api_error` with `status`.
fn error(status: u16) -> Reply {
    Reply::api_error(status, "api_error", &format!("status {status}"))
}

/// Waits, then answers 200 `{"id":"late"}`.
fn stall(delay: Duration) -> Reply {
    Reply::new(200, r#"{"id":"late"}"#).delay(delay)
}

/// A 200 that announces `announced` bytes, sends `body`, and breaks the connection before
/// the rest.
fn truncated(content_type: &str, announced: usize, body: &[u8]) -> Reply {
    Reply::new(200, body)
        .content_type(content_type)
        .request_id("req_trunc")
        .truncated(announced)
}

/// The `x-stainless-retry-count` of every attempt (`-` when absent).
trait RetryCounts {
    fn retry_counts(&self) -> Vec<String>;
}

impl RetryCounts for Server {
    fn retry_counts(&self) -> Vec<String> {
        self.requests()
            .iter()
            .map(|s| {
                s.header("x-stainless-retry-count")
                    .unwrap_or("-")
                    .to_string()
            })
            .collect()
    }
}

/// A builder for `server` whose backoff is 1 ms, so that only server-requested delays take
/// time.
fn builder(server: &Server) -> ClientBuilder {
    Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(2))
}

fn client(server: &Server) -> Client {
    builder(server).build().unwrap()
}

#[derive(Debug, serde::Deserialize, serde::Serialize, PartialEq)]
struct Thing {
    id: String,
}

fn post() -> Request {
    Request::new(Method::POST, "/v1/messages".into())
        .json_body(&serde_json::json!({"model": "m", "max_tokens": 5, "n": [1, 2, 3]}))
        .unwrap()
}

async fn send(client: &Client) -> anthropic_openapi::Result<Thing> {
    client.core().send_json::<Thing>(post()).await
}

fn assert_same_bodies(server: &Server) {
    let seen = server.requests();
    assert!(seen.len() > 1);
    for s in &seen[1..] {
        assert_eq!(s.body, seen[0].body);
        assert_eq!(s.header("content-type"), seen[0].header("content-type"));
    }
}

#[tokio::test]
async fn every_attempt_sends_the_same_headers() {
    let server = Server::start(|req| match req.index % 2 {
        0 => error(500),
        _ => ok(),
    })
    .await;
    let client = builder(&server)
        .beta("beta-a")
        .default_header("x-extra", "yes")
        .build()
        .unwrap();
    let form = Multipart::new()
        .text("purpose", "test".into())
        .file("file", UploadFile::from_bytes("a.txt", "hello"));
    let requests = [
        post().header("x-per-request", "1".into()),
        Request::new(Method::POST, "/v1/files".into()).multipart_body(form),
    ];
    for req in requests {
        let got: Thing = client.core().send_json(req).await.unwrap();
        assert_eq!(got.id, "ok");
        let seen = server.take();
        assert_eq!(seen.len(), 2);
        let without_count = |s: &testkit::Recorded| {
            s.headers
                .iter()
                .filter(|(n, _)| n != "x-stainless-retry-count")
                .cloned()
                .collect::<Vec<_>>()
        };
        assert_eq!(without_count(&seen[0]), without_count(&seen[1]));
        assert_eq!(seen[0].header("x-stainless-retry-count"), Some("0"));
        assert_eq!(seen[1].header("x-stainless-retry-count"), Some("1"));
        assert_eq!(seen[0].header("x-extra"), Some("yes"));
        assert_eq!(seen[0].header("anthropic-beta"), Some("beta-a"));
        assert_eq!(seen[0].body, seen[1].body);
    }
}

#[tokio::test]
async fn rate_limited_then_ok() {
    let server = Server::start(|req| match req.index {
        0 => error(429),
        _ => ok(),
    })
    .await;
    assert_eq!(send(&client(&server)).await.unwrap().id, "ok");
    assert_eq!(server.retry_counts(), ["0", "1"]);
    assert_same_bodies(&server);
    assert!(!server.requests()[0].body.is_empty());
}

#[tokio::test]
async fn overloaded_storm_exhausts_the_retries() {
    let server = Server::start(|req| {
        Reply::json(
            r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#,
        )
        .status(529)
        .request_id(format!("req_{}", req.index))
    })
    .await;
    let err = send(&client(&server)).await.unwrap_err();
    let api = err.as_api().expect("an API error");
    assert_eq!(api.status, 529);
    assert_eq!(api.request_id.as_deref(), Some("req_2"), "the last error");
    assert_eq!(server.retry_counts(), ["0", "1", "2"]);
    assert_same_bodies(&server);

    // With max_retries(4), five attempts.
    let server = Server::start(|_| error(529)).await;
    let err = send(&builder(&server).max_retries(4).build().unwrap())
        .await
        .unwrap_err();
    assert_eq!(err.as_api().unwrap().status, 529);
    assert_eq!(server.retry_counts(), ["0", "1", "2", "3", "4"]);
}

#[tokio::test]
async fn server_error_then_ok() {
    let server = Server::start(|req| match req.index {
        0 => error(500),
        _ => ok(),
    })
    .await;
    assert_eq!(send(&client(&server)).await.unwrap().id, "ok");
    assert_eq!(server.retry_counts(), ["0", "1"]);
    assert_same_bodies(&server);
}

#[tokio::test]
async fn bad_request_is_not_retried() {
    let server = Server::start(|_| error(400)).await;
    let err = send(&client(&server)).await.unwrap_err();
    assert_eq!(err.as_api().unwrap().status, 400);
    assert_eq!(server.retry_counts(), ["0"]);
}

#[tokio::test]
async fn request_timeout_and_conflict_are_retried() {
    for status in [408, 409] {
        let server = Server::start(move |req| match req.index {
            0 => error(status),
            _ => ok(),
        })
        .await;
        assert_eq!(send(&client(&server)).await.unwrap().id, "ok", "{status}");
        assert_eq!(server.retry_counts(), ["0", "1"], "{status}");
    }
}

#[tokio::test]
async fn should_retry_false_forbids_a_retry() {
    let server = Server::start(|_| error(503).header("x-should-retry", "false")).await;
    let err = send(&client(&server)).await.unwrap_err();
    assert_eq!(err.as_api().unwrap().status, 503);
    assert_eq!(server.retry_counts(), ["0"]);
}

#[tokio::test]
async fn should_retry_true_forces_a_retry() {
    let server = Server::start(|req| match req.index {
        0 => error(400).header("x-should-retry", "true"),
        _ => ok(),
    })
    .await;
    assert_eq!(send(&client(&server)).await.unwrap().id, "ok");
    assert_eq!(server.retry_counts(), ["0", "1"]);
}

#[tokio::test]
async fn retry_after_ms_is_honoured() {
    let server = Server::start(|req| match req.index {
        0 => error(429)
            .header("retry-after-ms", "150.5")
            .header("retry-after", "30"),
        _ => ok(),
    })
    .await;
    send(&client(&server)).await.unwrap();
    let gaps = server.gaps();
    assert!(gaps[0] >= Duration::from_millis(150), "{gaps:?}");
    assert!(gaps[0] < Duration::from_secs(5), "{gaps:?}");
}

#[tokio::test]
async fn retry_after_seconds_is_honoured() {
    let server = Server::start(|req| match req.index {
        0 => error(503).header("retry-after", "0.12"),
        _ => ok(),
    })
    .await;
    send(&client(&server)).await.unwrap();
    let gaps = server.gaps();
    assert!(gaps[0] >= Duration::from_millis(120), "{gaps:?}");
    assert!(gaps[0] < Duration::from_secs(5), "{gaps:?}");
}

#[tokio::test]
async fn retry_after_http_date_is_honoured() {
    // HTTP dates have whole seconds: start late in a second, so that the next whole second is
    // about 150-250 ms away when the server answers. On a busy machine the answer may come too
    // close to that second to tell a wait from none; then try again.
    for _ in 0..5 {
        while !(750..850).contains(&chrono::Utc::now().timestamp_subsec_millis()) {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let wanted = Arc::new(Mutex::new(Duration::ZERO));
        let w = wanted.clone();
        let server = Server::start(move |req| {
            if req.index > 0 {
                return ok();
            }
            let now = chrono::Utc::now();
            let next = chrono::DateTime::from_timestamp(now.timestamp() + 1, 0).unwrap();
            *w.lock().unwrap() = (next - now).to_std().unwrap();
            error(429).header(
                "retry-after",
                next.format("%a, %d %b %Y %H:%M:%S GMT").to_string(),
            )
        })
        .await;
        send(&client(&server)).await.unwrap();
        let wanted = *wanted.lock().unwrap();
        if wanted < Duration::from_millis(60) || wanted > Duration::from_millis(500) {
            continue;
        }
        let gaps = server.gaps();
        // Less 10 ms for the clock's millisecond rounding.
        assert!(
            gaps[0] + Duration::from_millis(10) >= wanted,
            "{gaps:?} {wanted:?}"
        );
        return;
    }
    panic!("the server never answered in time to test an HTTP date");
}

#[tokio::test]
async fn out_of_range_retry_after_falls_back_to_the_backoff() {
    let server = Server::start(|req| match req.index {
        0 => error(429).header("retry-after", "3600"),
        1 => error(429).header("retry-after-ms", "0"),
        _ => ok(),
    })
    .await;
    send(&client(&server)).await.unwrap();
    assert_eq!(server.retry_counts(), ["0", "1", "2"]);
    for gap in server.gaps() {
        assert!(gap < Duration::from_secs(2), "{gap:?}");
    }
}

#[tokio::test]
async fn backoff_grows_exponentially_without_a_header() {
    let server = Server::start(|req| match req.index {
        0..=2 => error(500),
        _ => ok(),
    })
    .await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .max_retries(3)
        .retry_backoff(Duration::from_millis(40), Duration::from_millis(100))
        .build()
        .unwrap();
    send(&client).await.unwrap();
    let gaps = server.gaps();
    // 40, 80, then 160 capped at 100 ms, each less at most 25 % of jitter.
    let min = [30, 60, 75].map(Duration::from_millis);
    for (gap, min) in gaps.iter().zip(min) {
        assert!(*gap >= min, "{gaps:?}");
    }
    assert_eq!(server.retry_counts(), ["0", "1", "2", "3"]);
}

#[tokio::test]
async fn connection_reset_before_headers_is_retried() {
    let server = Server::start(|req| match req.index {
        0 => Reply::reset(),
        _ => ok(),
    })
    .await;
    assert_eq!(send(&client(&server)).await.unwrap().id, "ok");
    assert_eq!(server.retry_counts(), ["0", "1"]);
    assert_same_bodies(&server);
}

#[tokio::test]
async fn connection_refused_is_retried_then_reported() {
    // A port that was just free: nothing listens there.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let client = Client::builder()
        .api_key(KEY)
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(2))
        .build()
        .unwrap();
    let err = send(&client).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
}

#[tokio::test]
async fn body_broken_while_reading_is_retried_for_json() {
    let server = Server::start(|req| match req.index {
        0 => truncated("application/json", 100, br#"{"id":"#),
        _ => ok(),
    })
    .await;
    assert_eq!(send(&client(&server)).await.unwrap().id, "ok");
    assert_eq!(server.retry_counts(), ["0", "1"]);
}

#[tokio::test]
async fn stalled_attempts_time_out_and_are_retried() {
    let server = Server::start(|_| stall(Duration::from_secs(2))).await;
    let client = builder(&server)
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let start = Instant::now();
    let err = send(&client).await.unwrap_err();
    assert!(matches!(err, Error::Timeout), "{err:?}");
    assert!(start.elapsed() >= Duration::from_millis(300));
    assert!(start.elapsed() < Duration::from_secs(2));
    assert_eq!(server.retry_counts(), ["0", "1", "2"]);
}

#[tokio::test]
async fn streaming_is_retried_before_a_success_response() {
    let sse = "event: message_start\ndata: {\"type\":\"message_start\"}\n\n\
               event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    let server = Server::start(move |req| match req.index {
        0 => error(529),
        _ => Reply::new(200, sse)
            .content_type("text/event-stream")
            .request_id("req_sse"),
    })
    .await;
    let stream = client(&server)
        .core()
        .send_sse::<serde_json::Value>(post())
        .await
        .unwrap();
    assert_eq!(stream.request_id(), Some("req_sse"));
    let items: Vec<_> = stream.collect().await;
    assert_eq!(items.len(), 2);
    assert!(items.iter().all(Result::is_ok), "{items:?}");
    assert_eq!(server.retry_counts(), ["0", "1"]);
}

#[tokio::test]
async fn a_stream_broken_after_success_is_not_retried() {
    let server = Server::start(|_| truncated("text/event-stream", 10_000, b"event: message_start\ndata: {\"type\":\"message_start\"}\n\nevent: content_block_delta\ndata: {\"ty"))
    .await;
    let stream = client(&server)
        .core()
        .send_sse::<serde_json::Value>(post())
        .await
        .unwrap();
    assert_eq!(stream.request_id(), Some("req_trunc"));
    let items: Vec<_> = stream.collect().await;
    assert!(items[0].is_ok(), "{items:?}");
    assert!(items.last().unwrap().is_err(), "{items:?}");
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(server.retry_counts(), ["0"]);

    // The same for JSONL and raw bytes.
    let server =
        Server::start(|_| truncated("application/x-jsonl", 10_000, b"{\"id\":\"a\"}\n{\"id\""))
            .await;
    let stream = client(&server)
        .core()
        .send_jsonl::<Thing>(Request::new(Method::GET, "/v1/x".into()))
        .await
        .unwrap();
    assert_eq!(stream.request_id(), Some("req_trunc"));
    let items: Vec<_> = stream.collect().await;
    assert_eq!(items[0].as_ref().unwrap().id, "a");
    assert!(items.last().unwrap().is_err(), "{items:?}");
    let bytes: Vec<_> = client(&server)
        .core()
        .send_bytes(Request::new(Method::GET, "/v1/x".into()))
        .await
        .unwrap()
        .collect()
        .await;
    assert!(bytes.last().unwrap().is_err());
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(server.retry_counts(), ["0", "0"]);
}

#[tokio::test]
async fn multipart_upload_is_resent_identically() {
    let server = Server::start(|req| match req.index {
        0 | 1 => error(500),
        _ => Reply::json(r#"{"id":"file_1"}"#).status(200),
    })
    .await;
    let contents: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();
    let form = Multipart::new().text("purpose", "docs".into()).file(
        "file",
        UploadFile::from_bytes("data \"x\".bin", contents.clone()),
    );
    let req = Request::new(Method::POST, "/v1/files".into()).multipart_body(form);
    let got: Thing = client(&server).core().send_json(req).await.unwrap();
    assert_eq!(got.id, "file_1");
    assert_eq!(server.retry_counts(), ["0", "1", "2"]);
    assert_same_bodies(&server);
    let seen = server.requests();
    let ct = seen[0].header("content-type").unwrap();
    let boundary = ct.strip_prefix("multipart/form-data; boundary=").unwrap();
    let body = &seen[0].body;
    let head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\ndocs\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; \
         filename=\"data %22x%22.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    );
    let tail = format!("\r\n--{boundary}--\r\n");
    assert!(body.starts_with(head.as_bytes()));
    assert!(body.ends_with(tail.as_bytes()));
    assert_eq!(&body[head.len()..body.len() - tail.len()], &contents[..]);
    assert_eq!(
        seen[0].header("content-length"),
        Some(body.len().to_string().as_str())
    );
}

#[tokio::test]
async fn with_options_overrides_headers_betas_and_retries() {
    let server = Server::start(|_| error(503)).await;
    let base = builder(&server)
        .beta("beta-a")
        .default_header("x-custom", "default")
        .default_header("x-kept", "kept")
        .build()
        .unwrap();
    let derived = base.with_options(
        RequestOptions::new()
            .header("x-custom", "override")
            .beta("beta-b")
            .max_retries(0),
    );
    assert_eq!(derived.core().max_retries(), 0);
    assert_eq!(derived.core().betas(), ["beta-a", "beta-b"]);
    send(&derived).await.unwrap_err();
    let seen = server.requests();
    assert_eq!(seen.len(), 1, "max_retries(0): one attempt");
    assert_eq!(seen[0].header("x-custom"), Some("override"));
    assert_eq!(seen[0].header("x-kept"), Some("kept"));
    assert_eq!(seen[0].header("anthropic-beta"), Some("beta-a,beta-b"));
    assert_eq!(seen[0].header("x-api-key"), Some(KEY));

    // The original client is unchanged.
    send(&base).await.unwrap_err();
    let seen = server.requests();
    assert_eq!(seen.len(), 4);
    assert_eq!(seen[1].header("x-custom"), Some("default"));
    assert_eq!(seen[1].header("anthropic-beta"), Some("beta-a"));

    // Options stack: later ones win, betas accumulate.
    let twice = derived.with_options(
        RequestOptions::new()
            .header("x-custom", "second")
            .beta("beta-c")
            .max_retries(1),
    );
    send(&twice).await.unwrap_err();
    let seen = server.requests();
    assert_eq!(seen.len(), 6);
    assert_eq!(seen[4].header("x-custom"), Some("second"));
    assert_eq!(
        seen[4].header("anthropic-beta"),
        Some("beta-a,beta-b,beta-c")
    );
}

#[tokio::test]
async fn with_options_timeout_replaces_the_clients() {
    let server = Server::start(|_| stall(Duration::from_millis(400))).await;
    let client = builder(&server)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let fast = client.with_options(
        RequestOptions::new()
            .timeout(Duration::from_millis(50))
            .max_retries(0),
    );
    assert_eq!(fast.core().timeout(), Duration::from_millis(50));
    let start = Instant::now();
    let err = send(&fast).await.unwrap_err();
    assert!(matches!(err, Error::Timeout), "{err:?}");
    assert!(start.elapsed() < Duration::from_millis(350));
    // Without the override, the slow answer arrives.
    assert_eq!(send(&client).await.unwrap().id, "late");
}

#[tokio::test]
async fn admin_client_with_options() {
    let server = Server::start(|_| ok()).await;
    let admin = AdminClient::builder()
        .api_key("sk-ant-admin-test")
        .base_url(server.base_url())
        .build()
        .unwrap()
        .with_options(RequestOptions::new().header("x-extra", "1"));
    let _: Thing = admin
        .core()
        .send_json(Request::new(Method::GET, "/v1/organizations/me".into()))
        .await
        .unwrap();
    let seen = server.requests();
    assert_eq!(seen[0].header("x-extra"), Some("1"));
    assert_eq!(seen[0].header("x-api-key"), Some("sk-ant-admin-test"));
}

#[tokio::test]
async fn invalid_option_header_is_a_config_error_without_a_request() {
    let server = Server::start(|_| ok()).await;
    let client = client(&server).with_options(RequestOptions::new().header("bad name", "v"));
    let err = send(&client).await.unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn send_json_with_response_exposes_the_metadata() {
    let server = Server::start(|req| match req.index {
        0 => error(429),
        _ => Reply::json(r#"{"id":"msg_1"}"#)
            .status(201)
            .header("request-id", "req_meta")
            .header("x-custom-meta", "yes"),
    })
    .await;
    let resp: ApiResponse<Thing> = client(&server)
        .core()
        .send_json_with_response(post())
        .await
        .unwrap();
    assert_eq!(resp.status, 201);
    assert_eq!(resp.request_id.as_deref(), Some("req_meta"));
    assert_eq!(resp.headers["x-custom-meta"], "yes");
    assert_eq!(resp.data.id, "msg_1");
    assert_eq!(server.retry_counts(), ["0", "1"]);
    assert_eq!(resp.map(|t| t.id).into_data(), "msg_1");
}

#[tokio::test]
async fn decode_errors_are_not_retried_and_name_the_path() {
    let server = Server::start(|_| {
        Reply::json(r#"{"content":[{"a":1},{"a":2},{"a":"three"}],"model":"m"}"#)
    })
    .await;
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Block {
        a: u32,
    }
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Msg {
        content: Vec<Block>,
    }
    let err = client(&server)
        .core()
        .send_json::<Msg>(post())
        .await
        .unwrap_err();
    let Error::Decode { path, snippet, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(path, "content[2].a");
    assert!(snippet.contains("three"), "{snippet}");
    assert!(err.to_string().contains("content[2].a"), "{err}");
    assert_eq!(server.retry_counts(), ["0"]);
}

#[test]
fn long_nonstreaming_requests_need_streaming_or_an_explicit_timeout() {
    let client = Client::builder()
        .api_key(KEY)
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap();
    // 3600 s * 21333 / 128000 = 599.99 s; 21334 tokens are expected to take over 600 s.
    client.core().check_nonstreaming(1024).unwrap();
    client.core().check_nonstreaming(21_333).unwrap();
    let err = client.core().check_nonstreaming(21_334).unwrap_err();
    let Error::Config(msg) = &err else {
        panic!("{err:?}")
    };
    assert!(msg.contains("10 minutes"), "{msg}");
    assert!(msg.contains("messages().stream(..)"), "{msg}");
    assert!(msg.contains("create_stream"), "{msg}");
    assert!(msg.contains("21334"), "{msg}");
    client.core().check_nonstreaming(128_000).unwrap_err();

    // Options without a timeout keep the guard.
    let derived = client.with_options(RequestOptions::new().max_retries(0));
    derived.core().check_nonstreaming(64_000).unwrap_err();

    // An explicit timeout, on the builder or as an option, lifts it.
    let explicit = Client::builder()
        .api_key(KEY)
        .timeout(Duration::from_secs(600))
        .build()
        .unwrap();
    explicit.core().check_nonstreaming(64_000).unwrap();
    let per_request = client.with_options(RequestOptions::new().timeout(Duration::from_secs(3600)));
    per_request.core().check_nonstreaming(64_000).unwrap();
}
