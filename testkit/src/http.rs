//! The HTTP/1.1 text that the workspace's two loopback servers share: this crate's scripted
//! [`Server`](crate::Server) and the benchmark servers of the `bench` crate (which stay
//! separate, blocking and keep-alive, for throughput; see `bench/src/server.rs`).
//!
//! Pure functions on bytes and strings, with no I/O: parsing a request head, the reason
//! phrase of a status, writing a response head, and the API's error envelope.

use serde_json::Value;

/// A request line and its headers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestHead {
    /// The method, as sent (`"GET"`, `"POST"`, ...).
    pub method: String,
    /// The request target as sent: the path and, after `?`, the raw query.
    pub target: String,
    /// The headers in the order received, names lowercased, values trimmed.
    pub headers: Vec<(String, String)>,
}

impl RequestHead {
    /// Parses a request head: the request line, then header lines, separated by CRLF (or
    /// LF); a final blank line, if present, ends it.
    ///
    /// # Errors
    ///
    /// When the head is not UTF-8, the request line lacks a method or target, or a header
    /// line has no `:`.
    pub fn parse(head: &[u8]) -> Result<RequestHead, String> {
        let text = std::str::from_utf8(head).map_err(|_| "request head is not UTF-8")?;
        let mut lines = text.lines();
        let mut first = lines.next().unwrap_or_default().split_whitespace();
        let (Some(method), Some(target)) = (first.next(), first.next()) else {
            return Err(format!("not a request line: {:?}", text.lines().next()));
        };
        let mut headers = Vec::new();
        for line in lines {
            if line.is_empty() {
                break;
            }
            let (name, value) = line
                .split_once(':')
                .ok_or_else(|| format!("not a header line: {line:?}"))?;
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
        Ok(RequestHead {
            method: method.to_string(),
            target: target.to_string(),
            headers,
        })
    }

    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The path of the target, without the query.
    pub fn path(&self) -> &str {
        self.target.split_once('?').map_or(&self.target, |(p, _)| p)
    }

    /// The `content-length`, if the request has one.
    ///
    /// # Errors
    ///
    /// When it is not a number.
    pub fn content_length(&self) -> Result<Option<u64>, String> {
        self.header("content-length")
            .map(|v| v.parse().map_err(|_| format!("content-length {v:?}")))
            .transpose()
    }

    /// Whether the body comes with `transfer-encoding: chunked`.
    pub fn is_chunked(&self) -> bool {
        self.header("transfer-encoding")
            .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"))
    }

    /// Whether the client asked to close the connection after this request.
    pub fn wants_close(&self) -> bool {
        self.header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"))
    }
}

/// A reason phrase for the status line (clients ignore it).
pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        529 => "Overloaded",
        _ => "Scripted",
    }
}

/// A response head: the status line, the headers in the order given, and the blank line.
pub fn response_head<'a>(
    status: u16,
    headers: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> String {
    let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (name, value) in headers {
        head.push_str(name);
        head.push_str(": ");
        head.push_str(value);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    head
}

/// The API's error envelope: `{"type":"error","error":{"type":<kind>,"message":<message>}}`.
pub fn api_error_body(kind: &str, message: &str) -> String {
    format!(
        r#"{{"type":"error","error":{{"type":{},"message":{}}}}}"#,
        Value::from(kind),
        Value::from(message)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_request_head() {
        let head = RequestHead::parse(
            b"POST /v1/messages?beta=true HTTP/1.1\r\nHost: h\r\nContent-Length:  12 \r\n\
              Transfer-Encoding: Chunked\r\nConnection: Close\r\n\r\n",
        )
        .unwrap();
        assert_eq!(head.method, "POST");
        assert_eq!(head.target, "/v1/messages?beta=true");
        assert_eq!(head.path(), "/v1/messages");
        assert_eq!(head.headers[0], ("host".to_string(), "h".to_string()));
        assert_eq!(head.header("CONTENT-LENGTH"), Some("12"));
        assert_eq!(head.content_length(), Ok(Some(12)));
        assert!(head.is_chunked());
        assert!(head.wants_close());

        let bare = RequestHead::parse(b"GET / HTTP/1.1\nx-a: 1").unwrap();
        assert_eq!(bare.path(), "/");
        assert_eq!(bare.header("x-a"), Some("1"));
        assert_eq!(bare.content_length(), Ok(None));
        assert!(!bare.is_chunked() && !bare.wants_close());
    }

    #[test]
    fn rejects_what_is_not_a_request_head() {
        assert!(RequestHead::parse(b"GET\r\n\r\n").is_err());
        assert!(RequestHead::parse(b"GET / HTTP/1.1\r\nno colon\r\n\r\n").is_err());
        assert!(RequestHead::parse(b"GET / HTTP/1.1\r\nx: \xff\r\n\r\n").is_err());
        let head = RequestHead::parse(b"GET / HTTP/1.1\r\ncontent-length: x\r\n\r\n").unwrap();
        assert!(head.content_length().is_err());
    }

    #[test]
    fn writes_a_response_head_and_the_error_envelope() {
        assert_eq!(
            response_head(404, [("content-type", "application/json"), ("a", "b")]),
            "HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\na: b\r\n\r\n"
        );
        assert_eq!(response_head(299, []), "HTTP/1.1 299 Scripted\r\n\r\n");
        let body = api_error_body("not_found_error", "say \"no\"");
        let value: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(value["error"]["message"], "say \"no\"");
        assert_eq!(
            body,
            r#"{"type":"error","error":{"type":"not_found_error","message":"say \"no\""}}"#
        );
    }
}
