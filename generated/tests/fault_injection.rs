//! Fault injection through the generated methods, end to end: a loopback server that misbehaves
//! on purpose (error storms, resets, stalls, bodies cut short, huge bodies, bytes that are not
//! UTF-8, a proxy's HTML page). Each case ends in the documented error or in success after
//! retries, never in a panic or a hang, and the number of attempts the server saw is asserted,
//! so no request is lost or silently repeated.

use std::time::{Duration, Instant};

use anthropic_openapi::Error;
use anthropic_openapi::{
    Client, ContentBlock, ErrorType, MessageBatchResult, MessageCreateParams, MessageParam,
};
use futures::StreamExt;
use serde_json::{Value, json};
use testkit::{Reply, Server};

/// The longest any case here may take; a hang fails the test instead of blocking the suite.
const LIMIT: Duration = Duration::from_secs(60);

fn client(server: &Server) -> Client {
    Client::builder()
        .api_key("sk-ant-test-faults")
        .base_url(server.base_url())
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(4))
        .build()
        .unwrap()
}

fn params() -> MessageCreateParams {
    MessageCreateParams::new("claude-sonnet-4-5", vec![MessageParam::user("Hello")], 64)
}

fn message(text: &str) -> Value {
    json!({
        "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5",
        "content": [{"type": "text", "text": text}],
        "stop_reason": "end_turn", "stop_sequence": null,
        "usage": {"input_tokens": 5, "output_tokens": 7}
    })
}

fn model() -> Reply {
    Reply::json(json!({
        "type": "model", "id": "claude-sonnet-4-5", "display_name": "Claude Sonnet 4.5",
        "created_at": "2025-09-29T00:00:00Z"
    }))
}

/// An SSE body: `event:`/`data:` pairs for each payload.
fn sse(events: &[Value]) -> String {
    events
        .iter()
        .map(|e| format!("event: {}\ndata: {e}\n\n", e["type"].as_str().unwrap()))
        .collect()
}

fn stream_events(text: &str) -> Vec<Value> {
    let mut start = message("");
    start["content"] = json!([]);
    start["stop_reason"] = Value::Null;
    vec![
        json!({"type": "message_start", "message": start}),
        json!({"type": "content_block_start", "index": 0,
               "content_block": {"type": "text", "text": ""}}),
        json!({"type": "content_block_delta", "index": 0,
               "delta": {"type": "text_delta", "text": text}}),
        json!({"type": "content_block_stop", "index": 0}),
        json!({"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": null},
               "usage": {"output_tokens": 7}}),
        json!({"type": "message_stop"}),
    ]
}

/// Runs `f` under [`LIMIT`].
async fn within<F: IntoFuture>(f: F) -> F::Output {
    tokio::time::timeout(LIMIT, f.into_future())
        .await
        .expect("the client hung instead of finishing or failing")
}

/// Streams a message with `client.messages().stream(..)` and assembles it, under [`LIMIT`].
async fn streamed(client: &Client) -> anthropic_openapi::Result<anthropic_openapi::Message> {
    within(async {
        client
            .messages()
            .stream(params())
            .await?
            .final_message()
            .await
    })
    .await
}

fn api_error(err: &Error) -> &anthropic_openapi::ApiError {
    err.as_api()
        .unwrap_or_else(|| panic!("expected an API error, got {err:?}"))
}

fn only_text(content: &[ContentBlock]) -> &str {
    match content {
        [ContentBlock::Text(block)] => &block.text,
        other => panic!("expected one text block, got {other:?}"),
    }
}

#[tokio::test]
async fn a_429_storm_without_retry_after_gives_up_after_three_attempts() {
    let server = Server::replying(Reply::api_error(429, "rate_limit_error", "slow down")).await;
    let err = within(client(&server).messages().create(params()))
        .await
        .unwrap_err();
    let api = api_error(&err);
    assert_eq!(
        (api.status, &api.error_type),
        (429, &ErrorType::RateLimitError)
    );
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn a_529_storm_with_retry_after_waits_as_told_then_fails() {
    let server = Server::replying(
        Reply::api_error(529, "overloaded_error", "busy").header("retry-after-ms", "150"),
    )
    .await;
    let start = Instant::now();
    let err = within(client(&server).messages().create(params()))
        .await
        .unwrap_err();
    assert_eq!(api_error(&err).error_type, ErrorType::OverloadedError);
    assert_eq!(server.requests().len(), 3);
    assert!(
        start.elapsed() >= Duration::from_millis(300),
        "{:?}",
        start.elapsed()
    );
    for gap in server.gaps() {
        assert!(gap >= Duration::from_millis(140), "{gap:?}");
    }
}

#[tokio::test]
async fn a_storm_that_passes_ends_in_success() {
    let server = Server::start(|req| match req.index {
        0 => Reply::api_error(429, "rate_limit_error", "slow down").header("retry-after", "0"),
        1 => Reply::api_error(529, "overloaded_error", "busy"),
        _ => Reply::json(message("after the storm")),
    })
    .await;
    let message = within(client(&server).messages().create(params()))
        .await
        .unwrap();
    assert_eq!(only_text(&message.content), "after the storm");
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn a_500_then_success() {
    let server = Server::start(|req| match req.index {
        0 => Reply::api_error(500, "api_error", "internal"),
        _ => model(),
    })
    .await;
    let model = within(client(&server).models().retrieve("claude-sonnet-4-5"))
        .await
        .unwrap();
    assert_eq!(model.id, "claude-sonnet-4-5");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_reset_before_the_headers_is_retried() {
    let server = Server::start(|req| match req.index {
        0 | 1 => Reply::reset(),
        _ => Reply::json(message("third time")),
    })
    .await;
    let message = within(client(&server).messages().create(params()))
        .await
        .unwrap();
    assert_eq!(only_text(&message.content), "third time");
    let seen = server.requests();
    assert_eq!(seen.len(), 3);
    assert!(seen.iter().all(|r| r.body == seen[0].body));
}

#[tokio::test]
async fn resets_on_every_attempt_are_a_transport_error() {
    let server = Server::replying(Reply::reset()).await;
    let err = within(client(&server).models().retrieve("m"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn a_reset_after_the_headers_is_retried_for_json() {
    let body = message("whole").to_string();
    let server = Server::start(move |req| match req.index {
        0 => Reply::json(&body[..body.len() / 2]).truncated(body.len()),
        _ => Reply::json(body.as_str()),
    })
    .await;
    let message = within(client(&server).messages().create(params()))
        .await
        .unwrap();
    assert_eq!(only_text(&message.content), "whole");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_stalled_server_times_out_on_every_attempt() {
    let server = Server::replying(model().delay(Duration::from_secs(5))).await;
    let client = Client::builder()
        .api_key("k")
        .base_url(server.base_url())
        .timeout(Duration::from_millis(150))
        .max_retries(1)
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(2))
        .build()
        .unwrap();
    let start = Instant::now();
    let err = within(client.models().retrieve("m")).await.unwrap_err();
    assert!(matches!(err, Error::Timeout), "{err:?}");
    assert_eq!(server.requests().len(), 2);
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test]
async fn a_stream_that_stalls_mid_body_times_out() {
    // The head and the first event arrive, then nothing: the read timeout ends the stream.
    let events = stream_events("hi");
    let first = sse(&events[..1]);
    let server = Server::replying(
        Reply::new(200, "")
            .content_type("text/event-stream")
            .pieces([first.as_str(), "event: ping\ndata: {\"type\":\"ping\"}\n\n"])
            .pause(Duration::from_secs(5))
            .chunked(),
    )
    .await;
    let client = Client::builder()
        .api_key("k")
        .base_url(server.base_url())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let err = streamed(&client).await.unwrap_err();
    assert!(matches!(err, Error::Timeout), "{err:?}");
    assert_eq!(
        server.requests().len(),
        1,
        "a stream that has begun is not resent"
    );
}

#[tokio::test]
async fn a_json_body_cut_off_cleanly_is_a_decode_error_not_a_retry() {
    // Chunked and properly terminated: complete as far as HTTP goes, but not a whole document.
    let body = message("cut").to_string();
    let server = Server::replying(
        Reply::json(&body[..body.len() - 20])
            .request_id("req_cut")
            .chunked(),
    )
    .await;
    let err = within(client(&server).messages().create(params()))
        .await
        .unwrap_err();
    let Error::Decode {
        message, snippet, ..
    } = &err
    else {
        panic!("expected a decode error, got {err:?}");
    };
    assert!(message.contains("EOF"), "{message}");
    assert!(snippet.contains("end_turn"), "{snippet}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn an_sse_stream_cut_off_mid_event_fails_and_is_not_resent() {
    let whole = sse(&stream_events("never finished"));
    let cut = whole.find("\"text_delta\"").unwrap() + 5;
    let clean_end = Reply::new(200, &whole[..cut])
        .content_type("text/event-stream")
        .chunked();
    let broken = Reply::new(200, &whole[..cut])
        .content_type("text/event-stream")
        .truncated(whole.len());
    for (reply, clean) in [(clean_end, true), (broken, false)] {
        let server = Server::replying(reply).await;
        let client = client(&server);
        let err = streamed(&client).await.unwrap_err();
        match (&err, clean) {
            // The body ended properly, in the middle of an event.
            (Error::Stream(message), true) => {
                assert!(message.contains("end of an event"), "{message}")
            }
            // The connection broke there.
            (Error::Transport(_), false) => {}
            _ => panic!("clean end: {clean}, got {err:?}"),
        }
        assert_eq!(server.requests().len(), 1);
    }
}

#[tokio::test]
async fn a_huge_response_decodes_whole() {
    // A 24 MiB text block in one JSON body (a hundred times the largest real answer), sent in
    // 1 MiB pieces.
    let text: String = "0123456789abcdef".repeat(3 << 19);
    let body = message(&text).to_string();
    let server = Server::replying(Reply::json(body).split(1 << 20)).await;
    let message = within(client(&server).messages().create(params()))
        .await
        .unwrap();
    assert_eq!(only_text(&message.content).len(), text.len());
    assert!(only_text(&message.content) == text);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_huge_event_in_a_stream_decodes_whole() {
    // One 8 MiB text delta, cut into 64 KiB pieces anywhere (inside characters too).
    let text: String = "ab\u{e9}\u{1F389} ".repeat(1 << 20);
    let server = Server::replying(
        Reply::new(200, sse(&stream_events(&text)))
            .content_type("text/event-stream")
            .split(64 << 10),
    )
    .await;
    let client = client(&server);
    let message = streamed(&client).await.unwrap();
    assert!(only_text(&message.content) == text);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn invalid_utf8_in_a_json_body_is_a_decode_error_at_its_place() {
    let body = message("PLACEHOLDER").to_string();
    let (head, tail) = body.split_once("PLACEHOLDER").unwrap();
    let bytes = [head.as_bytes(), b"caf\xe9", tail.as_bytes()].concat();
    let server = Server::replying(Reply::new(200, bytes).content_type("application/json")).await;
    let err = within(client(&server).messages().create(params()))
        .await
        .unwrap_err();
    let Error::Decode { message, path, .. } = &err else {
        panic!("expected a decode error, got {err:?}");
    };
    assert!(message.contains("invalid unicode"), "{message}");
    assert_eq!(path, "content[0].text");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn invalid_utf8_in_an_sse_event_fails_that_event() {
    let whole = sse(&stream_events("PLACEHOLDER"));
    let (head, tail) = whole.split_once("PLACEHOLDER").unwrap();
    let bytes = [head.as_bytes(), b"\xff\xfe", tail.as_bytes()].concat();
    let server = Server::replying(Reply::new(200, bytes).content_type("text/event-stream")).await;
    let client = client(&server);
    let mut events = within(client.messages().create_stream(params()))
        .await
        .unwrap();
    let mut outcomes = Vec::new();
    while let Some(event) = within(events.next()).await {
        outcomes.push(event.map(|_| ()).map_err(|e| e.to_string()));
    }
    // message_start and content_block_start decode; the delta does not, and says why.
    assert!(outcomes[0].is_ok() && outcomes[1].is_ok(), "{outcomes:?}");
    let failed: Vec<_> = outcomes.iter().filter_map(|o| o.as_ref().err()).collect();
    assert_eq!(failed.len(), 1, "{outcomes:?}");
    assert!(
        failed[0].contains("invalid unicode") && failed[0].contains("delta.text"),
        "{}",
        failed[0]
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn invalid_utf8_in_a_jsonl_line_fails_that_line_only() {
    let line = |id: &str, text: &str| {
        json!({"custom_id": id, "result": {"type": "succeeded", "message": message(text)}})
            .to_string()
    };
    let bad = line("b", "PLACEHOLDER");
    let (head, tail) = bad.split_once("PLACEHOLDER").unwrap();
    let body = [
        line("a", "fine").as_bytes(),
        b"\n",
        head.as_bytes(),
        b"\xc3\x28",
        tail.as_bytes(),
        b"\n",
        line("c", "also fine").as_bytes(),
        b"\n",
    ]
    .concat();
    let server = Server::replying(Reply::new(200, body).content_type("application/x-jsonl")).await;
    let client = client(&server);
    let lines: Vec<_> = within(async {
        client
            .messages()
            .batches()
            .results("msgbatch_1")
            .await
            .unwrap()
            .collect::<Vec<_>>()
            .await
    })
    .await;
    assert_eq!(lines.len(), 3);
    let ok_ids: Vec<_> = lines
        .iter()
        .filter_map(|l| l.as_ref().ok())
        .map(|l| {
            assert!(matches!(l.result, MessageBatchResult::Succeeded(_)));
            l.custom_id.as_str()
        })
        .collect();
    assert_eq!(ok_ids, ["a", "c"]);
    let err = lines[1].as_ref().unwrap_err().to_string();
    assert!(
        err.contains("line 2") && err.contains("invalid unicode"),
        "{err}"
    );
    assert!(err.contains("result.message.content[0].text"), "{err}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn an_html_page_from_a_proxy_is_retried_then_kept_raw() {
    // A gateway's page in Latin-1: not JSON and not UTF-8.
    let page = b"<html><body><h1>502 Bad Gateway</h1><p>caf\xe9</p></body></html>".to_vec();
    let server = Server::replying(
        Reply::new(502, page)
            .content_type("text/html; charset=iso-8859-1")
            .request_id("req_proxy"),
    )
    .await;
    let err = within(client(&server).models().retrieve("m"))
        .await
        .unwrap_err();
    let api = api_error(&err);
    assert_eq!(api.status, 502);
    assert_eq!(api.request_id.as_deref(), Some("req_proxy"));
    assert!(api.message.contains("non-JSON"), "{}", api.message);
    assert!(api.body.contains("502 Bad Gateway") && api.body.contains("caf\u{fffd}"));
    assert_eq!(server.requests().len(), 3);

    // The same page on a status that is not retried: one attempt.
    let server = Server::replying(
        Reply::new(403, "<html><body>Forbidden by proxy</body></html>").content_type("text/html"),
    )
    .await;
    let err = within(client(&server).models().retrieve("m"))
        .await
        .unwrap_err();
    assert_eq!(api_error(&err).error_type, ErrorType::PermissionError);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn an_error_event_mid_stream_is_the_api_error_it_carries() {
    let mut events = stream_events("partial");
    events.truncate(3);
    events.push(json!({"type": "error",
                       "error": {"type": "overloaded_error", "message": "Overloaded"}}));
    let server = Server::replying(
        Reply::new(200, sse(&events))
            .content_type("text/event-stream")
            .request_id("req_mid"),
    )
    .await;
    let client = client(&server);
    let err = streamed(&client).await.unwrap_err();
    let api = api_error(&err);
    assert_eq!(api.error_type, ErrorType::OverloadedError);
    assert_eq!(api.request_id.as_deref(), Some("req_mid"));
    assert_eq!(server.requests().len(), 1);
}
