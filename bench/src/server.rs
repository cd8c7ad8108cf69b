//! Minimal loopback HTTP/1.1 servers for the whole-process benchmarks, written on blocking
//! `std::net` with a thread per connection and keep-alive.
//!
//! They understand just enough HTTP for the client under test: a request line, headers, a
//! body of `content-length` bytes. Each response is written with one `write` (headers and a
//! small body together) and `TCP_NODELAY`, so that no Nagle or delayed-ACK wait is measured.

use std::fs::File;
use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The `ModelInfo` body the models server answers with.
pub const MODEL_INFO: &str = r#"{"type":"model","id":"claude-sonnet-4-5","display_name":"Claude Sonnet 4.5","created_at":"2025-09-29T00:00:00Z","max_input_tokens":200000,"max_tokens":64000}"#;

/// A parsed request head.
#[derive(Debug)]
pub struct RequestHead {
    /// The method.
    pub method: String,
    /// The path, query included.
    pub path: String,
    /// The value of `content-length` (0 when absent).
    pub content_length: usize,
    /// The client asked to close the connection.
    pub close: bool,
}

/// Reads request heads (and skips their bodies) from one connection.
struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    /// The next request's head; `None` when the client closed the connection.
    fn next(&mut self) -> io::Result<Option<RequestHead>> {
        let mut chunk = [0u8; 16 * 1024];
        loop {
            if let Some(end) = memchr::memmem::find(&self.buf, b"\r\n\r\n") {
                let head = parse_head(&self.buf[..end])?;
                let mut consumed = end + 4;
                // Skip the body.
                while self.buf.len() < consumed + head.content_length {
                    let n = self.stream.read(&mut chunk)?;
                    if n == 0 {
                        return Ok(None);
                    }
                    self.buf.extend_from_slice(&chunk[..n]);
                }
                consumed += head.content_length;
                self.buf.drain(..consumed);
                return Ok(Some(head));
            }
            let n = self.stream.read(&mut chunk)?;
            if n == 0 {
                return Ok(None);
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }
}

fn parse_head(head: &[u8]) -> io::Result<RequestHead> {
    let text = std::str::from_utf8(head)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "request head is not UTF-8"))?;
    let mut lines = text.split("\r\n");
    let mut first = lines.next().unwrap_or("").split(' ');
    let method = first.next().unwrap_or("").to_string();
    let path = first.next().unwrap_or("/").to_string();
    let mut content_length = 0;
    let mut close = false;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            content_length = value.parse().unwrap_or(0);
        } else if name.eq_ignore_ascii_case("connection") && value.eq_ignore_ascii_case("close") {
            close = true;
        }
    }
    Ok(RequestHead {
        method,
        path,
        content_length,
        close,
    })
}

/// The status line and headers of a response with a body of `len` bytes.
fn response_head(status: &str, content_type: &str, len: u64) -> String {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {len}\r\n\
         request-id: req_bench\r\n\r\n"
    )
}

/// Writes a complete response with a small body in one write.
fn respond(
    stream: &mut TcpStream,
    status: &str,
    content_type: &str,
    body: &[u8],
) -> io::Result<()> {
    let mut out = response_head(status, content_type, body.len() as u64).into_bytes();
    out.extend_from_slice(body);
    stream.write_all(&out)
}

const NOT_FOUND: &[u8] = br#"{"type":"error","error":{"type":"not_found_error","message":"no"}}"#;

/// Accepts connections on `listener` forever, each served on its own thread by `handle`,
/// which answers one request and returns whether to keep the connection.
fn serve<H>(listener: TcpListener, handle: H)
where
    H: Fn(&mut TcpStream, &RequestHead) -> io::Result<()> + Send + Sync + 'static,
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
            while let Ok(Some(head)) = conn.next() {
                if handle(&mut conn.stream, &head).is_err() || head.close {
                    break;
                }
            }
        });
    }
}

/// Binds a free loopback port.
pub fn bind_loopback() -> io::Result<(TcpListener, u16)> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    Ok((listener, port))
}

/// Starts, on a background thread, a server that answers `GET /v1/models/{id}` with
/// [`MODEL_INFO`]; returns its port.
pub fn spawn_models_server() -> io::Result<u16> {
    let (listener, port) = bind_loopback()?;
    std::thread::spawn(move || {
        serve(listener, |stream, head| {
            if head.method == "GET" && head.path.starts_with("/v1/models/") {
                respond(stream, "200 OK", "application/json", MODEL_INFO.as_bytes())
            } else {
                respond(stream, "404 Not Found", "application/json", NOT_FOUND)
            }
        });
    });
    Ok(port)
}

/// Serves a batch and its results from `results` as `fake_api.py` does
/// (`GET /v1/messages/batches/{id}` and `GET /v1/messages/batches/{id}/results`), reading
/// the file from disk in 1 MiB pieces rather than holding it in memory.
/// Runs on the calling thread until the process ends.
pub fn serve_results(listener: TcpListener, results: &Path) -> io::Result<()> {
    let port = listener.local_addr()?.port();
    let results: PathBuf = results.to_path_buf();
    let len = std::fs::metadata(&results)?.len();
    serve(listener, move |stream, head| {
        let path = head.path.split('?').next().unwrap_or("");
        if head.method != "GET" {
            return respond(stream, "404 Not Found", "application/json", NOT_FOUND);
        }
        if let Some(batch) = path.strip_prefix("/v1/messages/batches/") {
            if batch.ends_with("/results") {
                let mut file = File::open(&results)?;
                stream.write_all(response_head("200 OK", "application/x-jsonl", len).as_bytes())?;
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
            let body = format!(
                r#"{{"id":"{batch}","type":"message_batch","processing_status":"ended","request_counts":{{"processing":0,"succeeded":1,"errored":0,"canceled":0,"expired":0}},"ended_at":"2026-11-01T00:00:00Z","created_at":"2026-11-01T00:00:00Z","expires_at":"2026-11-02T00:00:00Z","archived_at":null,"cancel_initiated_at":null,"results_url":"http://127.0.0.1:{port}/v1/messages/batches/{batch}/results"}}"#
            );
            return respond(stream, "200 OK", "application/json", body.as_bytes());
        }
        respond(stream, "404 Not Found", "application/json", NOT_FOUND)
    });
    Ok(())
}
