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
