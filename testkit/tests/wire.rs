//! The server against a raw TCP client: what it records and what it puts on the wire.

use std::time::Duration;

use testkit::{Reply, Server};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Sends `request` on a new connection and reads until the server closes it.
async fn exchange(server: &Server, request: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut sock = TcpStream::connect(server.addr()).await?;
    sock.write_all(request).await?;
    let mut response = Vec::new();
    sock.read_to_end(&mut response).await?;
    Ok(response)
}

#[tokio::test]
async fn records_the_request_and_answers_in_chunks() {
    let server = Server::start(|req| {
        Reply::new(201, "abcde")
            .content_type("text/plain")
            .request_id(format!("req_{}", req.index))
            .split(2)
            .chunked()
    })
    .await;
    let request = b"POST /v1/x?a=1&b=%2F+c HTTP/1.1\r\nHost: h\r\nX-Twice: 1\r\nX-Twice: 2\r\n\
                    Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
    let response = exchange(&server, request).await.unwrap();
    let response = String::from_utf8(response).unwrap();
    assert!(
        response.starts_with("HTTP/1.1 201 Created\r\n"),
        "{response}"
    );
    assert!(
        response.contains("transfer-encoding: chunked\r\n"),
        "{response}"
    );
    assert!(response.contains("request-id: req_0\r\n"), "{response}");
    assert!(
        response.ends_with("\r\n\r\n2\r\nab\r\n2\r\ncd\r\n1\r\ne\r\n0\r\n\r\n"),
        "{response}"
    );

    let seen = server.take_one();
    assert_eq!((seen.index, seen.method.as_str()), (0, "POST"));
    assert_eq!(
        (seen.path(), seen.raw_query()),
        ("/v1/x", Some("a=1&b=%2F+c"))
    );
    assert_eq!(seen.query("b").as_deref(), Some("/ c"));
    assert_eq!(seen.query("c"), None);
    assert_eq!(seen.header("HOST"), Some("h"));
    assert_eq!(seen.body, b"abcde");
    assert_eq!(seen.raw, request);
    assert_eq!(seen.answered, b"abcde");
    let twice = std::panic::catch_unwind(|| seen.header("x-twice"));
    assert!(twice.is_err(), "a repeated header is refused");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn misbehaves_on_request() {
    let server = Server::start(|req| match req.index {
        0 => Reply::reset(),
        1 => Reply::new(200, "abc").truncated(10),
        _ => Reply::api_error(503, "overloaded_error", "a \"quoted\" message")
            .delay(Duration::from_millis(30)),
    })
    .await;
    let request = b"GET / HTTP/1.1\r\ncontent-length: 0\r\n\r\n";

    // A reset may read as an empty response or as an error, depending on timing.
    let reset = exchange(&server, request).await;
    assert!(reset.as_ref().map_or(true, Vec::is_empty), "{reset:?}");

    let truncated = exchange(&server, request).await;
    if let Ok(bytes) = &truncated {
        let text = String::from_utf8_lossy(bytes);
        assert!(text.contains("content-length: 10\r\n"), "{text}");
        assert!(text.ends_with("\r\n\r\nabc"), "{text}");
    }

    let stalled = exchange(&server, request).await.unwrap();
    let text = String::from_utf8(stalled).unwrap();
    let body = text.split("\r\n\r\n").nth(1).unwrap();
    let body: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(body["error"]["message"], "a \"quoted\" message");
    let seen = server.requests();
    assert_eq!(seen.len(), 3);
    assert_eq!(server.gaps().len(), 2);
    assert_eq!(seen[2].answered_json()["error"]["type"], "overloaded_error");
}

#[tokio::test]
async fn streams_bodies_to_a_sink_without_recording_them() {
    use std::sync::{Arc, Mutex};

    // What `open` saw of each request, and the body each handler got back from its sink.
    let opened: Arc<Mutex<Vec<(usize, String)>>> = Arc::default();
    let open_log = opened.clone();
    let server = Server::start_streaming(
        move |head| {
            assert!(head.body.is_empty());
            open_log
                .lock()
                .unwrap()
                .push((head.index, head.header("x-tag").unwrap().to_string()));
            Vec::new()
        },
        |req, body: Vec<u8>| Reply::new(200, format!("{} got {}", req.index, body.len())),
    )
    .await;

    // By content-length, then chunked: both reach the sink whole, decoded.
    let sized = b"POST /a HTTP/1.1\r\nx-tag: sized\r\ncontent-length: 5\r\n\r\nhello";
    let response = exchange(&server, sized).await.unwrap();
    assert!(String::from_utf8(response).unwrap().ends_with("0 got 5"));
    let chunked = b"POST /b HTTP/1.1\r\nx-tag: chunked\r\ntransfer-encoding: chunked\r\n\r\n\
                    3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n";
    let response = exchange(&server, chunked).await.unwrap();
    assert!(String::from_utf8(response).unwrap().ends_with("1 got 7"));

    // A body that breaks off: its sink is opened and dropped, nothing is logged or answered.
    let mut sock = TcpStream::connect(server.addr()).await.unwrap();
    sock.write_all(b"POST /c HTTP/1.1\r\nx-tag: cut\r\ncontent-length: 100\r\n\r\nonly this")
        .await
        .unwrap();
    drop(sock);
    for _ in 0..200 {
        if opened.lock().unwrap().len() == 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }

    assert_eq!(
        *opened.lock().unwrap(),
        [
            (0, "sized".to_string()),
            (1, "chunked".to_string()),
            (2, "cut".to_string())
        ]
    );
    let seen = server.take();
    assert_eq!(seen.len(), 2, "{seen:#?}");
    assert_eq!((seen[0].index, seen[0].path()), (0, "/a"));
    assert_eq!((seen[1].index, seen[1].path()), (1, "/b"));
    assert!(seen.iter().all(|r| r.body.is_empty()), "{seen:#?}");
    assert!(seen[0].raw.ends_with(b"content-length: 5\r\n\r\n"));
    assert_eq!(seen[1].answered, b"1 got 7");
}
