//! Minimal loopback HTTP/1.1 servers for the whole-process benchmarks (the models endpoint of
//! the overhead benchmark, and [`FakeApi`] for the jobs and the batch results at scale),
//! written on blocking `std::net` with a thread per connection and keep-alive.
//!
//! They understand just enough HTTP for the client under test: a request line, headers, a
//! body of `content-length` bytes. Each response is written with one `write` (headers and a
//! small body together) and `TCP_NODELAY`, so that no Nagle or delayed-ACK wait is measured.
//!
//! The HTTP text (parsing the request head, the response head, the error envelope) is
//! `testkit::http`, shared with `testkit::Server`. That server itself does not fit here: it
//! answers one request per connection (`connection: close`), where the overhead benchmark
//! must measure requests on a kept-alive connection as the API serves them; it records every
//! request and a copy of every reply body, which for the 1 GiB results file would be a copy
//! of the file per request; its replies are held in memory (or sent as chunks from a
//! stream), where [`Body::Disk`] sends a file with a `content-length` as it reads it; and it
//! runs on the caller's Tokio runtime, where these servers run on threads of their own, so
//! that the client thread's CPU time measures the client alone.

use std::fs::File;
use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use testkit::http::{self, RequestHead};

/// The `ModelInfo` body the models server answers with.
pub const MODEL_INFO: &str = r#"{"type":"model","id":"claude-sonnet-4-5","display_name":"Claude Sonnet 4.5","created_at":"2025-09-29T00:00:00Z","max_input_tokens":200000,"max_tokens":64000}"#;

/// Reads requests from one connection.
struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    /// The next request's head and body; `None` when the client closed the connection.
    fn next(&mut self) -> io::Result<Option<(RequestHead, Vec<u8>)>> {
        let mut chunk = [0u8; 16 * 1024];
        loop {
            if let Some(end) = memchr::memmem::find(&self.buf, b"\r\n\r\n") {
                let invalid = |e: String| io::Error::new(io::ErrorKind::InvalidData, e);
                let head = RequestHead::parse(&self.buf[..end]).map_err(invalid)?;
                let len = head.content_length().map_err(invalid)?.unwrap_or(0);
                let len = usize::try_from(len).map_err(|e| invalid(e.to_string()))?;
                let start = end + 4;
                while self.buf.len() < start + len {
                    let n = self.stream.read(&mut chunk)?;
                    if n == 0 {
                        return Ok(None);
                    }
                    self.buf.extend_from_slice(&chunk[..n]);
                }
                let body = self.buf[start..start + len].to_vec();
                self.buf.drain(..start + len);
                return Ok(Some((head, body)));
            }
            let n = self.stream.read(&mut chunk)?;
            if n == 0 {
                return Ok(None);
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }
}

/// The status line and headers of a response with a body of `len` bytes.
fn response_head(status: u16, content_type: &str, len: u64) -> String {
    http::response_head(
        status,
        [
            ("content-type", content_type),
            ("content-length", &len.to_string()),
            ("request-id", "req_bench"),
        ],
    )
}

/// Writes a complete response with a small body in one write.
fn respond(stream: &mut TcpStream, status: u16, content_type: &str, body: &[u8]) -> io::Result<()> {
    let mut out = response_head(status, content_type, body.len() as u64).into_bytes();
    out.extend_from_slice(body);
    stream.write_all(&out)
}

/// A 404 with the API's error envelope.
fn not_found(stream: &mut TcpStream) -> io::Result<()> {
    let body = http::api_error_body("not_found_error", "no");
    respond(stream, 404, "application/json", body.as_bytes())
}

/// Accepts connections on `listener` forever, each served on its own thread by `handle`,
/// which answers one request (its head and body); the connection is kept until the client
/// closes it or asks to.
fn serve<H>(listener: TcpListener, handle: H)
where
    H: Fn(&mut TcpStream, &RequestHead, &[u8]) -> io::Result<()> + Send + Sync + 'static,
{
    let handle = Arc::new(handle);
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let handle = Arc::clone(&handle);
        std::thread::spawn(move || {
            let _ = stream.set_nodelay(true);
            let mut conn = Conn {
                stream,
                buf: Vec::new(),
            };
            while let Ok(Some((head, body))) = conn.next() {
                if handle(&mut conn.stream, &head, &body).is_err() || head.wants_close() {
                    break;
                }
            }
        });
    }
}

/// Starts, on a background thread, a server that answers `GET /v1/models/{id}` with
/// [`MODEL_INFO`]; returns its port.
pub fn spawn_models_server() -> io::Result<u16> {
    let (listener, port) = measure::bind_loopback()?;
    std::thread::spawn(move || {
        serve(listener, |stream, head, _| {
            if head.method == "GET" && head.path().starts_with("/v1/models/") {
                respond(stream, 200, "application/json", MODEL_INFO.as_bytes())
            } else {
                not_found(stream)
            }
        });
    });
    Ok(port)
}

/// A response body: held in memory, or read from a file while it is sent.
#[derive(Debug)]
pub enum Body {
    /// The bytes, sent with one write.
    Memory(Vec<u8>),
    /// A file, sent in 1 MiB pieces as it is read, so that the server's memory does not grow
    /// with it.
    Disk {
        /// The file.
        path: PathBuf,
        /// Its length, for `content-length`.
        len: u64,
    },
}

impl Body {
    /// The file, read into memory.
    pub fn memory(path: &Path) -> io::Result<Body> {
        std::fs::read(path).map(Body::Memory)
    }

    /// The file, to be read while it is sent.
    pub fn disk(path: &Path) -> io::Result<Body> {
        let len = std::fs::metadata(path)?.len();
        Ok(Body::Disk {
            path: path.to_path_buf(),
            len,
        })
    }

    /// Writes a 200 response with this body.
    fn send(&self, stream: &mut TcpStream, content_type: &str) -> io::Result<()> {
        match self {
            Body::Memory(bytes) => respond(stream, 200, content_type, bytes),
            Body::Disk { path, len } => {
                let mut file = File::open(path)?;
                stream.write_all(response_head(200, content_type, *len).as_bytes())?;
                // Large writes from a buffer, as a server holding the body would send it.
                let mut buf = vec![0u8; 1 << 20];
                loop {
                    let n = file.read(&mut buf)?;
                    if n == 0 {
                        return Ok(());
                    }
                    stream.write_all(&buf[..n])?;
                }
            }
        }
    }
}

/// A loopback stand-in for the parts of the Anthropic API the whole-process jobs call, for
/// the generated client and the Python SDK alike:
///
/// - `POST /v1/messages`: [`stream`](FakeApi::stream) (`text/event-stream`) when the request
///   body has `"stream": true`, otherwise [`message`](FakeApi::message);
/// - `GET /v1/messages/batches/{id}`: an ended batch whose `results_url` points back here;
/// - `GET /v1/messages/batches/{id}/results`: [`results`](FakeApi::results) (JSONL).
///
/// Whatever it has no body for, and every other request, gets a 404 with the API's error
/// envelope.
#[derive(Debug, Default)]
pub struct FakeApi {
    /// The body of a streamed `POST /v1/messages`.
    pub stream: Option<Body>,
    /// The body of a non-streamed `POST /v1/messages`.
    pub message: Option<Body>,
    /// The body of every batch's results.
    pub results: Option<Body>,
}

impl FakeApi {
    /// Serves the benchmark inputs: the stream and the message from memory, the results
    /// from disk.
    pub fn from_inputs(inputs: &crate::Inputs) -> io::Result<FakeApi> {
        Ok(FakeApi {
            stream: Some(Body::memory(&inputs.stream)?),
            message: Some(Body::memory(&inputs.message)?),
            results: Some(Body::disk(&inputs.results)?),
        })
    }

    /// Serves requests on `listener`, each connection on its own thread, until the process
    /// ends.
    pub fn serve(self, listener: TcpListener) -> io::Result<()> {
        let port = listener.local_addr()?.port();
        serve(listener, move |stream, head, body| {
            let path = head.path();
            let found = match (head.method.as_str(), path) {
                ("POST", "/v1/messages") => {
                    let streamed = serde_json::from_slice::<serde_json::Value>(body)
                        .is_ok_and(|v| v["stream"] == true);
                    if streamed {
                        self.stream.as_ref().map(|b| (b, "text/event-stream"))
                    } else {
                        self.message.as_ref().map(|b| (b, "application/json"))
                    }
                }
                ("GET", p) if p.starts_with("/v1/messages/batches/") && p.ends_with("/results") => {
                    self.results.as_ref().map(|b| (b, "application/x-jsonl"))
                }
                ("GET", p) if self.results.is_some() => {
                    if let Some(batch) = p.strip_prefix("/v1/messages/batches/") {
                        let body = batch_json(batch, port);
                        return respond(stream, 200, "application/json", body.as_bytes());
                    }
                    None
                }
                _ => None,
            };
            match found {
                Some((body, content_type)) => body.send(stream, content_type),
                None => not_found(stream),
            }
        });
        Ok(())
    }
}

/// An ended batch `id` whose results are at this server's `/results` path.
fn batch_json(id: &str, port: u16) -> String {
    format!(
        r#"{{"id":"{id}","type":"message_batch","processing_status":"ended","request_counts":{{"processing":0,"succeeded":1,"errored":0,"canceled":0,"expired":0}},"ended_at":"2026-11-01T00:00:00Z","created_at":"2026-11-01T00:00:00Z","expires_at":"2026-11-02T00:00:00Z","archived_at":null,"cancel_initiated_at":null,"results_url":"http://127.0.0.1:{port}/v1/messages/batches/{id}/results"}}"#
    )
}

/// Serves a batch and its results from `results` (`GET /v1/messages/batches/{id}` and
/// `GET /v1/messages/batches/{id}/results`), the file read from disk while it is sent, or
/// held in memory when `in_memory`. Runs on the calling thread until the process ends.
pub fn serve_results(listener: TcpListener, results: &Path, in_memory: bool) -> io::Result<()> {
    let results = if in_memory {
        Body::memory(results)?
    } else {
        Body::disk(results)?
    };
    FakeApi {
        results: Some(results),
        ..FakeApi::default()
    }
    .serve(listener)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sends `request` on a new connection (which it asks to close) and reads the response.
    fn exchange(port: u16, request: &str) -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response
    }

    fn post(port: u16, body: &str) -> String {
        exchange(
            port,
            &format!(
                "POST /v1/messages HTTP/1.1\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            ),
        )
    }

    fn get(port: u16, path: &str) -> String {
        exchange(
            port,
            &format!("GET {path} HTTP/1.1\r\nconnection: close\r\n\r\n"),
        )
    }

    #[test]
    fn the_fake_api_answers_the_jobs_requests() {
        let dir = std::env::temp_dir().join(format!("bench-fake-api-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let results = dir.join("results.jsonl");
        std::fs::write(&results, "{\"a\": 1}\n{\"b\": 2}\n").unwrap();
        let api = FakeApi {
            stream: Some(Body::Memory(b"event: ping\ndata: {}\n\n".to_vec())),
            message: Some(Body::Memory(b"{\"m\": 1}".to_vec())),
            results: Some(Body::disk(&results).unwrap()),
        };
        let (listener, port) = measure::bind_loopback().unwrap();
        std::thread::spawn(move || api.serve(listener));

        let streamed = post(port, r#"{"model": "m", "stream": true}"#);
        assert!(streamed.starts_with("HTTP/1.1 200 OK\r\n"), "{streamed}");
        assert!(streamed.contains("content-type: text/event-stream\r\n"));
        assert!(
            streamed.ends_with("\r\n\r\nevent: ping\ndata: {}\n\n"),
            "{streamed}"
        );

        let whole = post(port, r#"{"model": "m", "stream": false}"#);
        assert!(whole.ends_with("\r\n\r\n{\"m\": 1}"), "{whole}");
        assert!(whole.contains("content-length: 8\r\n"), "{whole}");

        let batch = get(port, "/v1/messages/batches/msgbatch_x");
        let batch_body = batch.split("\r\n\r\n").nth(1).unwrap();
        let batch_json: serde_json::Value = serde_json::from_str(batch_body).unwrap();
        assert_eq!(batch_json["id"], "msgbatch_x");
        assert_eq!(
            batch_json["results_url"],
            format!("http://127.0.0.1:{port}/v1/messages/batches/msgbatch_x/results")
        );

        let lines = get(port, "/v1/messages/batches/msgbatch_x/results?x=1");
        assert!(
            lines.contains("content-type: application/x-jsonl\r\n"),
            "{lines}"
        );
        assert!(
            lines.ends_with("\r\n\r\n{\"a\": 1}\n{\"b\": 2}\n"),
            "{lines}"
        );

        let missing = get(port, "/v1/models");
        assert!(
            missing.starts_with("HTTP/1.1 404 Not Found\r\n"),
            "{missing}"
        );
        assert!(missing.contains("not_found_error"), "{missing}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn keeps_the_connection_for_the_next_request() {
        let port = spawn_models_server().unwrap();
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        let request = "GET /v1/models/claude-sonnet-4-5 HTTP/1.1\r\nhost: x\r\n\r\n";
        let mut buf = vec![0u8; 4096];
        for _ in 0..2 {
            stream.write_all(request.as_bytes()).unwrap();
            let mut got = Vec::new();
            while !got.ends_with(MODEL_INFO.as_bytes()) {
                let n = stream.read(&mut buf).unwrap();
                assert!(n > 0, "closed after {}", String::from_utf8_lossy(&got));
                got.extend_from_slice(&buf[..n]);
            }
            assert!(got.starts_with(b"HTTP/1.1 200 OK\r\n"));
        }
    }
}
