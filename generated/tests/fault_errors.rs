//! Errors that name their cause: an error sent with a success status, a streaming call
//! answered with something that is not a stream, a base URL without a host, values too long
//! to quote whole, and requests that must not be repeated once sent. Each case goes through a
//! generated method against a loopback server and counts the attempts the server saw.

mod fault_support;

use std::time::{Duration, Instant};

use anthropic_openapi::{Client, Error, ErrorType, RequestOptions};
use fault_support::{KEY, builder, client, params, within};
use futures::StreamExt;
use testkit::{Reply, Server};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const GATEWAY_ERROR: &str = r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_gw"}"#;

#[tokio::test]
async fn a_200_carrying_the_error_envelope_is_the_api_error() {
    let server = Server::replying(Reply::json(GATEWAY_ERROR)).await;
    let err = within(client(server.base_url()).messages().create(params()))
        .await
        .unwrap_err();
    let api = err.as_api().unwrap_or_else(|| panic!("{err:?}"));
    assert_eq!(api.status, 200);
    assert_eq!(api.error_type, ErrorType::OverloadedError);
    assert_eq!(api.message, "Overloaded");
    assert_eq!(api.request_id.as_deref(), Some("req_gw"));
    assert_eq!(api.body, GATEWAY_ERROR);
    assert_eq!(server.requests().len(), 1);

    // A success body that merely fails to decode is still a decode error.
    let server = Server::replying(Reply::json(
        r#"{"type":"model","id":"m","display_name":"M"}"#,
    ))
    .await;
    let err = within(client(server.base_url()).models().retrieve("m"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Decode { message, .. } if message.contains("created_at")),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_stream_answered_with_an_error_json_gives_that_error() {
    let server = Server::replying(Reply::json(GATEWAY_ERROR).request_id("req_hdr")).await;
    let err = within(client(server.base_url()).messages().create_stream(params()))
        .await
        .unwrap_err();
    let api = err.as_api().unwrap_or_else(|| panic!("{err:?}"));
    assert_eq!(
        (api.status, &api.error_type),
        (200, &ErrorType::OverloadedError)
    );
    assert_eq!(api.request_id.as_deref(), Some("req_hdr"));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_stream_answered_with_html_names_the_content_type_and_quotes_the_body() {
    let page = "<html><body><h1>Sign in to the proxy</h1></body></html>";
    let server = Server::replying(
        Reply::new(200, page)
            .content_type("text/html; charset=utf-8")
            .request_id("req_html"),
    )
    .await;
    let client = client(server.base_url());
    let err = within(client.messages().create_stream(params()))
        .await
        .unwrap_err();
    let Error::Stream(message) = &err else {
        panic!("expected a stream error, got {err:?}");
    };
    assert!(
        message.contains("text/event-stream")
            && message.contains("\"text/html; charset=utf-8\"")
            && message.contains("Sign in to the proxy")
            && message.contains("req_html")
            && message.contains("HTTP 200"),
        "{message}"
    );
    assert!(!message.contains("end of an event"), "{message}");

    // The same page for batch results (JSON Lines).
    let err = within(client.messages().batches().results("msgbatch_1"))
        .await
        .unwrap_err();
    let Error::Stream(message) = &err else {
        panic!("expected a stream error, got {err:?}");
    };
    assert!(
        message.contains("JSON Lines") && message.contains("text/html"),
        "{message}"
    );
    assert_eq!(server.requests().len(), 2, "neither is retried");
}

#[tokio::test]
async fn a_stream_answered_with_other_json_quotes_a_bounded_start() {
    let long = format!(r#"{{"status":"ok","padding":"{}"}}"#, "p".repeat(100_000));
    let server = Server::replying(Reply::json(long)).await;
    let err = within(client(server.base_url()).messages().create_stream(params()))
        .await
        .unwrap_err();
    let Error::Stream(message) = &err else {
        panic!("expected a stream error, got {err:?}");
    };
    assert!(
        message.contains("application/json") && message.contains(r#"{\"status\":\"ok\""#),
        "{message}"
    );
    assert!(message.len() < 1000, "{} bytes", message.len());
}

#[tokio::test]
async fn event_streams_with_parameters_or_no_content_type_are_read() {
    let body = "event: ping\ndata: {\"type\":\"ping\"}\n\n";
    for reply in [
        Reply::new(200, body).content_type("Text/Event-Stream; charset=utf-8"),
        Reply::new(200, body),
    ] {
        let server = Server::replying(reply).await;
        let events = within(client(server.base_url()).messages().create_stream(params()))
            .await
            .unwrap();
        let items: Vec<_> = within(events.collect::<Vec<_>>()).await;
        assert!(items.is_empty(), "{items:?}");
    }
}

#[test]
fn a_base_url_without_a_host_is_refused() {
    for url in [
        "http:///v1",
        "http:/path",
        "https://",
        "http://user:pw@/v1",
        "http://:8080/v1",
    ] {
        match Client::builder().api_key(KEY).base_url(url).build() {
            Err(Error::Config(m)) => {
                assert!(m.contains("base URL"), "{url}: {m}");
                assert!(!m.contains("pw"), "{url}: {m}");
            }
            other => panic!("{url}: expected a configuration error, got {other:?}"),
        }
    }
    for url in [
        "http://127.0.0.1:9",
        "https://[::1]:8443/prefix/",
        "HTTP://Example.COM",
    ] {
        Client::builder()
            .api_key(KEY)
            .base_url(url)
            .build()
            .unwrap_or_else(|e| panic!("{url}: {e}"));
    }
}

/// Every error message stays short however long the values it names: a URL with a 1 MiB id,
/// a 1 MiB header name, a 1 MiB error message from the API.
#[tokio::test]
async fn errors_about_huge_values_stay_short() {
    const MAX_TEXT: usize = 4096;
    let huge = "x".repeat(1 << 20);
    let chain = |err: &Error| {
        let mut text = err.to_string();
        let mut source = std::error::Error::source(err);
        while let Some(s) = source {
            text.push_str(": ");
            text.push_str(&s.to_string());
            source = s.source();
        }
        text
    };

    // A transport error names the URL, which holds the id.
    let server = Server::replying(Reply::reset()).await;
    let client = builder(server.base_url()).max_retries(0).build().unwrap();
    let err = within(client.models().retrieve(&huge)).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    let text = chain(&err);
    assert!(
        text.len() < MAX_TEXT,
        "{} bytes: {}",
        text.len(),
        &text[..300]
    );
    // The path (`/v1/models/` and the id) is shortened, with its length.
    assert!(text.contains("...(1048587-bytes)"), "{text}");

    // A configuration error quotes the header name.
    let err = within(
        client
            .with_options(RequestOptions::new().header(format!("bad name {huge}"), "v"))
            .models()
            .retrieve("m"),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    let text = chain(&err);
    assert!(text.len() < MAX_TEXT, "{} bytes", text.len());
    assert!(
        text.contains('…') && text.contains("1048585 bytes"),
        "{text}"
    );

    // The API's own message, kept whole in the error (the client keeps up to 4 MiB of the
    // body here), is shortened when printed.
    let server = Server::replying(Reply::api_error(400, "invalid_request_error", &huge)).await;
    let client = builder(server.base_url())
        .max_error_body(4 << 20)
        .build()
        .unwrap();
    let err = within(client.models().retrieve("m")).await.unwrap_err();
    assert_eq!(err.as_api().unwrap().message.len(), huge.len());
    let text = chain(&err);
    assert!(text.len() < MAX_TEXT, "{} bytes", text.len());
}

#[tokio::test]
async fn by_default_a_post_is_retried_after_a_reset_as_the_official_sdks_do() {
    let server = Server::replying(Reply::reset()).await;
    let err = within(client(server.base_url()).messages().create(params()))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn without_retry_after_send_a_sent_request_is_not_repeated() {
    let once = RequestOptions::new().retry_after_send(false);

    // The server read the request, then the connection broke.
    let server = Server::replying(Reply::reset()).await;
    let client = client(server.base_url()).with_options(once.clone());
    let err = within(client.messages().create(params()))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(server.requests().len(), 1);

    // The server read the request and did not answer in time.
    let server = Server::replying(Reply::json(GATEWAY_ERROR).delay(Duration::from_secs(3))).await;
    let client = builder(server.base_url())
        .timeout(Duration::from_millis(150))
        .build()
        .unwrap()
        .with_options(once.clone());
    let err = within(client.messages().batches().create(
        anthropic_openapi::MessageBatchCreateParams::new(Vec::<
            anthropic_openapi::MessageBatchRequest,
        >::new()),
    ))
    .await
    .unwrap_err();
    assert!(matches!(err, Error::Timeout), "{err:?}");
    assert_eq!(server.requests().len(), 1);

    // An error status that is usually retried.
    let server = Server::replying(Reply::api_error(529, "overloaded_error", "busy")).await;
    let client = builder(server.base_url())
        .retry_after_send(false)
        .build()
        .unwrap();
    let err = within(client.messages().create(params()))
        .await
        .unwrap_err();
    assert_eq!(err.as_api().unwrap().status, 529);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn without_retry_after_send_a_failure_to_connect_is_still_retried() {
    // A port with nothing listening: the first attempt cannot connect. A server starts
    // listening there a little later, before the retry.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let server = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .unwrap();
        let (mut sock, _) = listener.accept().await.unwrap();
        let mut seen = Vec::new();
        let mut buf = [0u8; 4096];
        while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = sock.read(&mut buf).await.unwrap();
            seen.extend_from_slice(&buf[..n]);
        }
        let body =
            r#"{"type":"model","id":"m","display_name":"M","created_at":"2025-01-01T00:00:00Z"}"#;
        let reply = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
             connection: close\r\n\r\n{body}",
            body.len()
        );
        sock.write_all(reply.as_bytes()).await.unwrap();
        sock.shutdown().await.unwrap();
    });
    let client = builder(&format!("http://127.0.0.1:{port}"))
        .retry_backoff(Duration::from_millis(400), Duration::from_millis(400))
        .max_retries(3)
        .retry_after_send(false)
        .build()
        .unwrap();
    let started = Instant::now();
    let model = within(client.models().retrieve("m")).await.unwrap();
    assert_eq!(model.id, "m");
    assert!(
        started.elapsed() >= Duration::from_millis(250),
        "it was retried"
    );
    server.await.unwrap();
}

#[tokio::test]
async fn a_huge_error_event_keeps_only_the_start_of_its_data() {
    let message = "m".repeat(1 << 20);
    let data = format!(
        r#"{{"type":"error","error":{{"type":"overloaded_error","message":"{message}"}}}}"#
    );
    let body = format!("event: error\ndata: {data}\n\n");
    let server = Server::replying(Reply::new(200, body).content_type("text/event-stream")).await;
    let client = builder(server.base_url())
        .max_error_body(1024)
        .build()
        .unwrap();
    let events = within(client.messages().create_stream(params()))
        .await
        .unwrap();
    let items: Vec<_> = within(events.collect::<Vec<_>>()).await;
    assert_eq!(items.len(), 1, "{items:?}");
    let err = items[0].as_ref().unwrap_err();
    let api = err.as_api().unwrap_or_else(|| panic!("{err:?}"));
    assert_eq!(api.status, 200);
    assert_eq!(api.body.len(), 1024);
    assert!(api.body.starts_with(r#"{"type":"error""#));
    assert!(
        api.message.contains("longer than 1024 bytes"),
        "{}",
        api.message
    );
    assert!(err.to_string().len() < 1000);
}
