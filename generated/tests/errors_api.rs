//! What an error tells its caller, through the generated methods against loopback servers:
//! status, request id, whether another attempt makes sense, the wait the server asked for,
//! and the rate limits of the `anthropic-ratelimit-*` headers (on errors and, through
//! `.with_response()`, on successes).

mod fault_support;

use std::time::Duration;

use anthropic_openapi::chrono::{TimeZone, Utc};
use anthropic_openapi::{Error, ErrorType, RateLimits};
use fault_support::{builder, params, within};
use futures::StreamExt;
use testkit::{Reply, Server};

/// A model, as `GET /v1/models/{model_id}` returns it.
const MODEL: &str =
    r#"{"type":"model","id":"m","display_name":"M","created_at":"2025-02-19T00:00:00Z"}"#;

/// `reply` with the twelve rate-limit headers, all well formed.
fn with_rate_limits(reply: Reply) -> Reply {
    reply
        .header("anthropic-ratelimit-requests-limit", "50")
        .header("anthropic-ratelimit-requests-remaining", "0")
        .header("anthropic-ratelimit-requests-reset", "2026-01-02T03:04:05Z")
        .header("anthropic-ratelimit-tokens-limit", "90000")
        .header("anthropic-ratelimit-tokens-remaining", "81000")
        .header("anthropic-ratelimit-tokens-reset", "2026-01-02T03:04:30Z")
        .header("anthropic-ratelimit-input-tokens-limit", "80000")
        .header("anthropic-ratelimit-input-tokens-remaining", "75000")
        .header(
            "anthropic-ratelimit-input-tokens-reset",
            "2026-01-02T03:04:20Z",
        )
        .header("anthropic-ratelimit-output-tokens-limit", "10000")
        .header("anthropic-ratelimit-output-tokens-remaining", "6000")
        .header(
            "anthropic-ratelimit-output-tokens-reset",
            "2026-01-02T04:04:10+01:00",
        )
}

/// Checks every value [`with_rate_limits`] sends.
fn assert_full(r: &RateLimits) {
    let at = |s| Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, s).unwrap();
    assert_eq!(
        (r.requests.limit, r.requests.remaining, r.requests.reset),
        (Some(50), Some(0), Some(at(5)))
    );
    assert_eq!(
        (r.tokens.limit, r.tokens.remaining, r.tokens.reset),
        (Some(90000), Some(81000), Some(at(30)))
    );
    assert_eq!(
        (
            r.input_tokens.limit,
            r.input_tokens.remaining,
            r.input_tokens.reset
        ),
        (Some(80000), Some(75000), Some(at(20)))
    );
    assert_eq!(
        (
            r.output_tokens.limit,
            r.output_tokens.remaining,
            r.output_tokens.reset
        ),
        (Some(10000), Some(6000), Some(at(10)))
    );
}

#[tokio::test]
async fn a_429_tells_status_request_id_retry_after_and_rate_limits() {
    let reply = Reply::api_error(429, "rate_limit_error", "Number of requests has exceeded")
        .request_id("req_429")
        .header("retry-after", "12");
    let server = Server::replying(with_rate_limits(reply)).await;
    let client = builder(server.base_url()).max_retries(0).build().unwrap();
    let err = within(client.messages().create(params()))
        .await
        .unwrap_err();

    assert_eq!(err.status(), Some(429));
    assert_eq!(err.request_id(), Some("req_429"));
    assert!(err.is_retryable());
    assert_eq!(err.retry_after(), Some(Duration::from_secs(12)));
    let api = err.as_api().unwrap_or_else(|| panic!("{err:?}"));
    assert_eq!(api.error_type, ErrorType::RateLimitError);
    assert_eq!(
        api.headers.get("retry-after").map(|v| v.as_bytes()),
        Some(&b"12"[..])
    );
    assert_full(&api.rate_limits());
    // `max_retries(0)`: one attempt.
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn retry_after_ms_wins_over_retry_after() {
    let reply = Reply::api_error(529, "overloaded_error", "Overloaded")
        .header("retry-after-ms", "1500")
        .header("retry-after", "30");
    let server = Server::replying(reply).await;
    let client = builder(server.base_url()).max_retries(0).build().unwrap();
    let err = within(client.models().retrieve("m")).await.unwrap_err();
    assert_eq!(err.status(), Some(529));
    assert!(err.is_retryable());
    assert_eq!(err.retry_after(), Some(Duration::from_millis(1500)));
    // No rate-limit headers: all of it is `None`.
    assert!(err.as_api().unwrap().rate_limits().is_empty());
}

#[tokio::test]
async fn a_400_is_not_retryable() {
    let reply = Reply::api_error(400, "invalid_request_error", "max_tokens: required")
        .request_id("req_400");
    let server = Server::replying(with_rate_limits(reply)).await;
    let client = builder(server.base_url()).build().unwrap();
    let err = within(client.messages().create(params()))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.request_id(), Some("req_400"));
    assert!(!err.is_retryable());
    assert_eq!(err.retry_after(), None);
    // Rate limits come with any error response, not only a 429.
    assert_full(&err.as_api().unwrap().rate_limits());
    // The default client (two retries) did not retry it either.
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn x_should_retry_decides_as_the_retry_loop_does() {
    // A 503 the server says not to retry: the loop makes one attempt, and the error agrees.
    let reply = Reply::api_error(503, "api_error", "down").header("x-should-retry", "false");
    let server = Server::replying(reply).await;
    let client = builder(server.base_url()).build().unwrap();
    let err = within(client.models().retrieve("m")).await.unwrap_err();
    assert_eq!(server.requests().len(), 1);
    assert!(!err.is_retryable());

    // A 400 the server says to retry: three attempts with the default two retries.
    let reply = Reply::api_error(400, "invalid_request_error", "try again")
        .header("x-should-retry", "true");
    let server = Server::replying(reply).await;
    let client = builder(server.base_url()).build().unwrap();
    let err = within(client.models().retrieve("m")).await.unwrap_err();
    assert_eq!(server.requests().len(), 3);
    assert!(err.is_retryable());
}

#[tokio::test]
async fn a_success_with_response_exposes_the_rate_limits() {
    let server = Server::replying(with_rate_limits(Reply::json(MODEL).request_id("req_ok"))).await;
    let client = builder(server.base_url()).build().unwrap();
    let resp = within(client.models().retrieve("m").with_response())
        .await
        .unwrap();
    assert_eq!(resp.data.id, "m");
    assert_eq!(resp.request_id.as_deref(), Some("req_ok"));
    assert_full(&resp.rate_limits());
}

#[tokio::test]
async fn odd_rate_limit_values_are_none_and_do_not_fail_the_call() {
    let reply = Reply::json(MODEL)
        .header("anthropic-ratelimit-requests-limit", "lots")
        .header("anthropic-ratelimit-requests-remaining", "-3")
        .header("anthropic-ratelimit-requests-reset", "in a minute")
        .header("anthropic-ratelimit-tokens-limit", "1e6")
        .header(
            "anthropic-ratelimit-tokens-remaining",
            "18446744073709551616",
        )
        .header("anthropic-ratelimit-tokens-reset", "1767323045")
        .header(
            "anthropic-ratelimit-input-tokens-reset",
            "Fri, 02 Jan 2026 03:04:05 GMT",
        )
        // One good value among them is still read.
        .header("anthropic-ratelimit-output-tokens-limit", "8000");
    let server = Server::replying(reply).await;
    let client = builder(server.base_url()).build().unwrap();
    let resp = within(client.models().retrieve("m").with_response())
        .await
        .unwrap();
    let r = resp.rate_limits();
    assert!(r.requests.is_empty(), "{r:?}");
    assert!(r.tokens.is_empty(), "{r:?}");
    assert!(r.input_tokens.is_empty(), "{r:?}");
    assert_eq!(r.output_tokens.limit, Some(8000));
    assert_eq!(
        (r.output_tokens.remaining, r.output_tokens.reset),
        (None, None)
    );

    // The same on an error response; a `retry-after` that cannot be read is `None` too.
    let reply = Reply::api_error(429, "rate_limit_error", "slow down")
        .header("retry-after", "whenever")
        .header("anthropic-ratelimit-requests-remaining", "none left");
    let server = Server::replying(reply).await;
    let client = builder(server.base_url()).max_retries(0).build().unwrap();
    let err = within(client.models().retrieve("m")).await.unwrap_err();
    assert_eq!(err.status(), Some(429));
    assert_eq!(err.retry_after(), None);
    assert!(err.as_api().unwrap().rate_limits().is_empty());
}

#[tokio::test]
async fn errors_without_a_response_have_no_status() {
    // A port nothing listens on: a connection failure, which the retry loop would retry.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = builder(&base).max_retries(0).build().unwrap();
    let err = within(client.models().retrieve("m")).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(err.status(), None);
    assert_eq!(err.request_id(), None);
    assert_eq!(err.retry_after(), None);
    assert!(err.is_retryable());
}

#[tokio::test]
async fn an_error_event_in_a_stream_has_no_headers() {
    let data = r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#;
    let body = format!("event: error\ndata: {data}\n\n");
    let reply = with_rate_limits(Reply::new(200, body).content_type("text/event-stream"))
        .request_id("req_sse");
    let server = Server::replying(reply).await;
    let client = builder(server.base_url()).build().unwrap();
    let events = within(client.messages().create_stream(params()))
        .await
        .unwrap();
    let items: Vec<_> = within(events.collect::<Vec<_>>()).await;
    assert_eq!(items.len(), 1, "{items:?}");
    let err = items[0].as_ref().unwrap_err();
    assert_eq!(err.status(), Some(200));
    assert_eq!(err.request_id(), Some("req_sse"));
    assert!(!err.is_retryable());
    assert_eq!(err.retry_after(), None);
    let api = err.as_api().unwrap();
    assert!(api.headers.is_empty());
    assert!(api.rate_limits().is_empty());
}
