//! Test support for the workspace: a loopback HTTP/1.1 server that records every request and
//! answers with scripted replies.
//!
//! [`Server::start`] binds `127.0.0.1:0` and calls its handler once per request with the
//! [`Recorded`] request; the [`Reply`] the handler returns says what goes back on the wire:
//!
//! - a status, headers and a body sent whole (`content-length`), in pieces (optionally as
//!   HTTP chunks, optionally with a pause between pieces), or from a stream;
//! - or a misbehaviour, for retry tests: [`Reply::reset`] resets the connection before any
//!   header, [`Reply::delay`] stalls before answering, [`Reply::truncated`] announces more
//!   body than it sends and then breaks the connection.
//!
//! Every connection carries exactly one request (each reply says `connection: close`), so the
//! recorded requests are the client's attempts, numbered from 0 in arrival order. Tests read
//! them back with [`Server::requests`], [`Server::take`] or [`Server::take_one`], and inspect
//! them through [`Recorded`]'s fields and accessors.
//!
//! ```no_run
//! # async fn demo() {
//! use testkit::{Reply, Server};
//!
//! let server = Server::start(|request| match request.index {
//!     0 => Reply::api_error(529, "overloaded_error", "Overloaded"),
//!     _ => Reply::json(r#"{"id":"msg_1"}"#).request_id("req_1"),
//! })
//! .await;
//! // ... point a client at `server.base_url()` and send a request ...
//! let attempts = server.take();
//! assert_eq!(attempts[1].header("content-type"), Some("application/json"));
//! # }
//! ```
//!
//! For bodies too large to keep, [`Server::start_streaming`] hands each request body, piece by
//! piece as it arrives, to a [`BodySink`] instead of recording it.
//!
//! The crate is for tests only and is not published.

#![warn(missing_docs)]

use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures::StreamExt;
use futures::stream::{BoxStream, Stream};
use serde_json::Value;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

// ---------------------------------------------------------------- server

type Handler = Arc<dyn Fn(&Recorded) -> Reply + Send + Sync>;

/// Opens the sink for one streamed request body, given the request head.
type Opener = Arc<dyn Fn(&Recorded) -> Box<dyn OpenSink> + Send + Sync>;

/// How the server reads request bodies and chooses replies.
#[derive(Clone)]
enum Handling {
    /// Bodies are recorded whole; the handler sees the complete request.
    Record(Handler),
    /// Bodies go to a sink as they arrive; the sink, once the body is complete, makes the reply.
    Stream(Opener),
}

/// Receives a request body piece by piece, as [`Server::start_streaming`] reads it.
pub trait BodySink: Send + 'static {
    /// Takes the next piece of the body (chunked transfer encoding already removed).
    fn feed(&mut self, piece: &[u8]);
}

/// A sink that keeps every piece: the body, whole, once the request is complete.
impl BodySink for Vec<u8> {
    fn feed(&mut self, piece: &[u8]) {
        self.extend_from_slice(piece);
    }
}

/// A type-erased sink paired with the handler that takes it once the body is complete.
trait OpenSink: Send {
    fn feed(&mut self, piece: &[u8]);
    fn reply(self: Box<Self>, request: &Recorded) -> Reply;
}

struct Pending<S, F> {
    sink: S,
    handler: Arc<F>,
}

impl<S, F> OpenSink for Pending<S, F>
where
    S: BodySink,
    F: Fn(&Recorded, S) -> Reply + Send + Sync + 'static,
{
    fn feed(&mut self, piece: &[u8]) {
        self.sink.feed(piece);
    }

    fn reply(self: Box<Self>, request: &Recorded) -> Reply {
        (self.handler)(request, self.sink)
    }
}

/// What the server has seen: the requests not yet taken, and the number of the next one.
#[derive(Default)]
struct Log {
    next: usize,
    requests: Vec<Recorded>,
}

/// A loopback HTTP/1.1 server on `127.0.0.1` that records every request and answers each
/// with the [`Reply`] its handler returns.
///
/// The server stops accepting connections when it is dropped.
pub struct Server {
    addr: SocketAddr,
    base_url: String,
    log: Arc<Mutex<Log>>,
    accept: JoinHandle<()>,
}

impl Server {
    /// Starts a server on a free port of `127.0.0.1`.
    ///
    /// `handler` is called once per request, in arrival order and one at a time, with the
    /// request as recorded ([`Recorded::index`] numbers the requests from 0). The request is
    /// logged before its reply is written, so a test may read it as soon as the client has
    /// the response head.
    ///
    /// Must be called inside a Tokio runtime.
    pub async fn start<F>(handler: F) -> Server
    where
        F: Fn(&Recorded) -> Reply + Send + Sync + 'static,
    {
        Server::with(Handling::Record(Arc::new(handler))).await
    }

    /// Starts a server that does not keep request bodies, so that tests can send bodies larger
    /// than they want in memory.
    ///
    /// For each request, once its head has been read, `open` is called with the request so
    /// far (method, target, headers; empty `body`) and returns a [`BodySink`]; the body is fed
    /// to that sink piece by piece, in pieces of at most 64 KiB, as it arrives. Once the body
    /// is complete, `handler` gets the request and the sink, and returns the reply.
    ///
    /// Differences from [`start`](Server::start):
    ///
    /// - requests are numbered ([`Recorded::index`]) when their head has been read, so `open`
    ///   sees the final number;
    /// - the recorded [`body`](Recorded::body) is empty, and [`raw`](Recorded::raw) holds
    ///   only the request line and headers;
    /// - a request whose body breaks off is not logged and `handler` is not called for it: its
    ///   sink is dropped (it has seen the pieces that arrived), and its number is not reused.
    ///
    /// Must be called inside a Tokio runtime.
    pub async fn start_streaming<O, S, F>(open: O, handler: F) -> Server
    where
        O: Fn(&Recorded) -> S + Send + Sync + 'static,
        S: BodySink,
        F: Fn(&Recorded, S) -> Reply + Send + Sync + 'static,
    {
        let handler = Arc::new(handler);
        let opener: Opener = Arc::new(move |head: &Recorded| {
            Box::new(Pending {
                sink: open(head),
                handler: handler.clone(),
            }) as Box<dyn OpenSink>
        });
        Server::with(Handling::Stream(opener)).await
    }

    async fn with(handling: Handling) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let log = Arc::new(Mutex::new(Log::default()));
        let server_log = log.clone();
        let accept = tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let (handling, log) = (handling.clone(), server_log.clone());
                tokio::spawn(async move {
                    // A client that gives up early is no failure of the server.
                    let _ = serve(sock, handling, log).await;
                });
            }
        });
        Server {
            addr,
            base_url: format!("http://{addr}"),
            log,
            accept,
        }
    }

    /// Starts a server that answers every request with a copy of `reply`.
    pub async fn replying(reply: Reply) -> Server {
        Server::start(move |_| reply.clone()).await
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The requests recorded since the start or the last [`take`](Server::take), oldest
    /// first; the log is kept.
    pub fn requests(&self) -> Vec<Recorded> {
        self.log().requests.clone()
    }

    /// The requests recorded since the start or the last `take`, oldest first, clearing the
    /// log. [`Recorded::index`] keeps counting from where it was.
    pub fn take(&self) -> Vec<Recorded> {
        std::mem::take(&mut self.log().requests)
    }

    /// The one request recorded since the start or the last `take`, clearing the log.
    ///
    /// # Panics
    ///
    /// If there were no requests or more than one.
    pub fn take_one(&self) -> Recorded {
        let mut requests = self.take();
        assert_eq!(
            requests.len(),
            1,
            "expected exactly one request, got {requests:#?}"
        );
        requests.pop().unwrap()
    }

    /// The pauses between consecutive recorded requests (by [`Recorded::at`]).
    pub fn gaps(&self) -> Vec<Duration> {
        let log = self.log();
        log.requests.windows(2).map(|w| w[1].at - w[0].at).collect()
    }

    fn log(&self) -> MutexGuard<'_, Log> {
        // A panicking handler must not hide what was recorded.
        self.log.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("addr", &self.addr)
            .field("recorded", &self.log().requests.len())
            .finish()
    }
}

// ---------------------------------------------------------------- recorded requests

/// One request as the server received it, and the body it answered with.
#[derive(Clone)]
pub struct Recorded {
    /// The number of the request on its server, from 0, in arrival order.
    pub index: usize,
    /// When the request (head and body) had been read.
    pub at: Instant,
    /// The method, as sent (`"GET"`, `"POST"`, ...).
    pub method: String,
    /// The request target as sent: the path and, after `?`, the raw query.
    pub target: String,
    /// The headers in the order received, names lowercased, values trimmed.
    pub headers: Vec<(String, String)>,
    /// The body, with any chunked transfer encoding removed.
    pub body: Vec<u8>,
    /// The request exactly as it came off the wire: request line, headers and body.
    pub raw: Vec<u8>,
    /// The body of the reply: its pieces joined (empty for a [`Reply::stream`]).
    pub answered: Vec<u8>,
}

impl Recorded {
    /// The path of the target, without the query.
    pub fn path(&self) -> &str {
        self.target.split_once('?').map_or(&self.target, |(p, _)| p)
    }

    /// The raw (still encoded) query of the target, if it has one.
    pub fn raw_query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, q)| q)
    }

    /// The first value of a query parameter, percent-decoded (`+` read as a space).
    pub fn query(&self, key: &str) -> Option<String> {
        self.query_values(key).next()
    }

    /// Every value of a repeated query parameter (`group_by[]=a&group_by[]=b`), in order,
    /// percent-decoded.
    pub fn query_all(&self, key: &str) -> Vec<String> {
        self.query_values(key).collect()
    }

    fn query_values<'a>(&'a self, key: &'a str) -> impl Iterator<Item = String> + 'a {
        self.raw_query()
            .into_iter()
            .flat_map(|query| query.split('&'))
            .filter_map(move |pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                (percent_decode(k) == key).then(|| percent_decode(v))
            })
    }

    /// The value of a header, by case-insensitive name.
    ///
    /// # Panics
    ///
    /// If the header was sent more than once: read [`headers`](Recorded::headers) for those.
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        let mut values = self
            .headers
            .iter()
            .filter(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str());
        let first = values.next();
        assert!(values.next().is_none(), "header {name} sent twice");
        first
    }

    /// The body parsed as JSON.
    ///
    /// # Panics
    ///
    /// If the body is not JSON; the message shows the body.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "request body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// The body of the reply parsed as JSON.
    ///
    /// # Panics
    ///
    /// If the reply body is not JSON.
    pub fn answered_json(&self) -> Value {
        serde_json::from_slice(&self.answered).unwrap_or_else(|e| {
            panic!(
                "reply body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.answered)
            )
        })
    }
}

impl fmt::Debug for Recorded {
    /// Shows the bodies as (lossy) text rather than as lists of bytes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recorded")
            .field("index", &self.index)
            .field("method", &self.method)
            .field("target", &self.target)
            .field("headers", &self.headers)
            .field("body", &String::from_utf8_lossy(&self.body))
            .field("answered", &String::from_utf8_lossy(&self.answered))
            .finish_non_exhaustive()
    }
}

/// Percent-decodes a query component (`+` read as a space, as form decoders do).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

// ---------------------------------------------------------------- replies

/// What the server sends back for one request: built from a constructor ([`Reply::new`],
/// [`Reply::json`], [`Reply::api_error`], [`Reply::stream`], [`Reply::reset`]) and refined
/// with the builder methods.
///
/// By default the body goes out whole with a `content-length`; every reply ends with
/// `connection: close` and a clean shutdown unless [`truncated`](Reply::truncated).
#[derive(Clone)]
pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Body,
    chunked: bool,
    delay: Duration,
    pause: Option<Duration>,
    fate: Fate,
}

#[derive(Clone)]
enum Body {
    Pieces(Vec<Bytes>),
    /// Taken by the first connection that sends it.
    Stream(Arc<Mutex<Option<BoxStream<'static, Bytes>>>>),
}

#[derive(Clone, Copy, Debug)]
enum Fate {
    Answer,
    Reset,
    Truncate {
        announced: usize,
    },
    /// No `content-length` and no chunked encoding: the body ends where the connection is
    /// closed (cleanly).
    CloseDelimited,
}

impl Reply {
    /// `status` with `body` and no content type.
    pub fn new(status: u16, body: impl AsRef<[u8]>) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Body::Pieces(vec![Bytes::copy_from_slice(body.as_ref())]),
            chunked: false,
            delay: Duration::ZERO,
            pause: None,
            fate: Fate::Answer,
        }
    }

    /// 200 with a JSON body (`content-type: application/json`): JSON text as given, or a
    /// [`serde_json::Value`] serialized.
    pub fn json(body: impl IntoJsonBody) -> Reply {
        Reply::new(200, body.into_json_body()).content_type("application/json")
    }

    /// `status` with the API's error envelope as body:
    /// `{"type":"error","error":{"type":<kind>,"message":<message>}}`.
    pub fn api_error(status: u16, kind: &str, message: &str) -> Reply {
        let body = format!(
            r#"{{"type":"error","error":{{"type":{},"message":{}}}}}"#,
            Value::from(kind),
            Value::from(message)
        );
        Reply::json(body).status(status)
    }

    /// `status` with a body read from `stream` while it is sent, one HTTP chunk per item
    /// (`transfer-encoding: chunked`).
    ///
    /// A stream can be sent once: a copy of this reply used for a second request panics in
    /// the server task, and that connection closes without an answer.
    pub fn stream(status: u16, stream: impl Stream<Item = Bytes> + Send + 'static) -> Reply {
        let mut reply = Reply::new(status, "");
        reply.body = Body::Stream(Arc::new(Mutex::new(Some(stream.boxed()))));
        reply.chunked = true;
        reply
    }

    /// Resets the connection (TCP RST) without sending anything: a failure before the
    /// response headers.
    pub fn reset() -> Reply {
        let mut reply = Reply::new(0, "");
        reply.fate = Fate::Reset;
        reply
    }

    /// Sets the status code.
    pub fn status(mut self, status: u16) -> Reply {
        self.status = status;
        self
    }

    /// Adds a header (after any added before).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Adds a `content-type` header.
    pub fn content_type(self, value: impl Into<String>) -> Reply {
        self.header("content-type", value)
    }

    /// Adds a `request-id` header, as the API sends.
    pub fn request_id(self, id: impl Into<String>) -> Reply {
        self.header("request-id", id)
    }

    /// Replaces the body with `pieces`, written and flushed one at a time.
    pub fn pieces<I>(mut self, pieces: I) -> Reply
    where
        I: IntoIterator,
        I::Item: AsRef<[u8]>,
    {
        self.body = Body::Pieces(
            pieces
                .into_iter()
                .map(|p| Bytes::copy_from_slice(p.as_ref()))
                .collect(),
        );
        self
    }

    /// Cuts the body into pieces of at most `len` bytes, anywhere (mid-line, mid-UTF-8).
    ///
    /// # Panics
    ///
    /// If `len` is 0, or the body is a stream.
    pub fn split(mut self, len: usize) -> Reply {
        assert!(len > 0, "pieces of 0 bytes");
        let Body::Pieces(pieces) = &self.body else {
            panic!("a stream body cannot be split");
        };
        let whole = pieces.concat();
        self.body = Body::Pieces(whole.chunks(len).map(Bytes::copy_from_slice).collect());
        self
    }

    /// Sends the body with `transfer-encoding: chunked`, one HTTP chunk per piece, instead of
    /// a `content-length`.
    pub fn chunked(mut self) -> Reply {
        self.chunked = true;
        self
    }

    /// Waits `pause` between pieces (by default the server only yields), so that the client
    /// receives them separately.
    pub fn pause(mut self, pause: Duration) -> Reply {
        self.pause = Some(pause);
        self
    }

    /// Waits `delay` after reading the request, before answering (or resetting): a stalled
    /// server.
    pub fn delay(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }

    /// Announces `content-length: announced`, sends only the body (which should be shorter),
    /// then resets the connection: a response broken mid-body.
    pub fn truncated(mut self, announced: usize) -> Reply {
        self.fate = Fate::Truncate { announced };
        self
    }

    /// Sends the body with neither a `content-length` nor chunked encoding, then closes the
    /// connection cleanly: an HTTP/1.1 body whose end is the end of the connection, so that
    /// the client cannot tell a complete body from one that was cut short.
    pub fn close_delimited(mut self) -> Reply {
        self.fate = Fate::CloseDelimited;
        self
    }

    /// The body pieces joined; empty for a stream.
    fn body_bytes(&self) -> Vec<u8> {
        match &self.body {
            Body::Pieces(pieces) => pieces.concat(),
            Body::Stream(_) => Vec::new(),
        }
    }
}

impl fmt::Debug for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let body = match &self.body {
            Body::Pieces(pieces) => format!("{} piece(s), {} bytes", pieces.len(), {
                pieces.iter().map(Bytes::len).sum::<usize>()
            }),
            Body::Stream(_) => "a stream".to_string(),
        };
        f.debug_struct("Reply")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &body)
            .field("chunked", &self.chunked)
            .field("delay", &self.delay)
            .field("pause", &self.pause)
            .field("fate", &self.fate)
            .finish()
    }
}

/// A JSON body for [`Reply::json`]: JSON text (`&str`, `String`), sent as is, or a
/// [`serde_json::Value`], serialized.
pub trait IntoJsonBody {
    /// The bytes of the body.
    fn into_json_body(self) -> Vec<u8>;
}

impl IntoJsonBody for &str {
    fn into_json_body(self) -> Vec<u8> {
        self.as_bytes().to_vec()
    }
}

impl IntoJsonBody for String {
    fn into_json_body(self) -> Vec<u8> {
        self.into_bytes()
    }
}

impl IntoJsonBody for &String {
    fn into_json_body(self) -> Vec<u8> {
        self.as_bytes().to_vec()
    }
}

impl IntoJsonBody for Value {
    fn into_json_body(self) -> Vec<u8> {
        serde_json::to_vec(&self).expect("a JSON value serializes")
    }
}

impl IntoJsonBody for &Value {
    fn into_json_body(self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a JSON value serializes")
    }
}

// ---------------------------------------------------------------- the wire

/// Reads one request from `sock`, records it, and writes the handler's reply.
async fn serve(sock: TcpStream, handling: Handling, log: Arc<Mutex<Log>>) -> std::io::Result<()> {
    sock.set_nodelay(true)?;
    let mut r = BufReader::new(sock);
    let mut raw = Vec::new();

    let line = read_line(&mut r, &mut raw).await?;
    if line.is_empty() {
        // Connected and closed without a request.
        return Ok(());
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let target = parts.next().unwrap_or_default().to_string();
    let mut headers = Vec::new();
    loop {
        let line = read_line(&mut r, &mut raw).await?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (n, v) = line.split_once(':').expect("a header line");
        headers.push((n.trim().to_ascii_lowercase(), v.trim().to_string()));
    }
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let content_length = header("content-length");
    let chunked_body = header("transfer-encoding").is_some_and(|v| v.contains("chunked"));

    let reply = match handling {
        Handling::Record(handler) => {
            let mut body = Vec::new();
            if let Some(len) = content_length {
                body.resize(len.parse().expect("a numeric content-length"), 0);
                r.read_exact(&mut body).await?;
                raw.extend_from_slice(&body);
            } else if chunked_body {
                loop {
                    let size = read_line(&mut r, &mut raw).await?;
                    let size = usize::from_str_radix(size.trim(), 16).expect("a chunk size");
                    let mut chunk = vec![0; size + 2];
                    r.read_exact(&mut chunk).await?;
                    raw.extend_from_slice(&chunk);
                    if size == 0 {
                        break;
                    }
                    body.extend_from_slice(&chunk[..size]);
                }
            }
            let mut log = log.lock().unwrap_or_else(PoisonError::into_inner);
            let mut request = Recorded {
                index: log.next,
                at: Instant::now(),
                method,
                target,
                headers,
                body,
                raw,
                answered: Vec::new(),
            };
            log.next += 1;
            let reply = handler(&request);
            request.answered = reply.body_bytes();
            log.requests.push(request);
            reply
        }
        Handling::Stream(open) => {
            let mut request = Recorded {
                index: {
                    let mut log = log.lock().unwrap_or_else(PoisonError::into_inner);
                    log.next += 1;
                    log.next - 1
                },
                at: Instant::now(),
                method,
                target,
                headers,
                body: Vec::new(),
                raw,
                answered: Vec::new(),
            };
            let mut sink = open(&request);
            let mut buf = vec![0; 64 * 1024];
            if let Some(len) = content_length {
                let len: u64 = len.parse().expect("a numeric content-length");
                stream_body(&mut r, len, &mut buf, sink.as_mut()).await?;
            } else if chunked_body {
                let mut framing = Vec::new();
                loop {
                    let size = read_line(&mut r, &mut framing).await?;
                    let size = u64::from_str_radix(size.trim(), 16).expect("a chunk size");
                    stream_body(&mut r, size, &mut buf, sink.as_mut()).await?;
                    r.read_exact(&mut [0; 2]).await?;
                    if size == 0 {
                        break;
                    }
                }
            }
            request.at = Instant::now();
            let reply = sink.reply(&request);
            request.answered = reply.body_bytes();
            log.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .requests
                .push(request);
            reply
        }
    };

    let mut sock = r.into_inner();
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    if let Fate::Reset = reply.fate {
        return reset(sock);
    }

    let mut head = format!(
        "HTTP/1.1 {} {}\r\nconnection: close\r\n",
        reply.status,
        reason(reply.status)
    );
    match (reply.fate, &reply.body) {
        (Fate::Truncate { announced }, _) => {
            head.push_str(&format!("content-length: {announced}\r\n"));
        }
        (Fate::CloseDelimited, _) => {}
        (_, Body::Pieces(pieces)) if !reply.chunked => {
            let total: usize = pieces.iter().map(Bytes::len).sum();
            head.push_str(&format!("content-length: {total}\r\n"));
        }
        _ => head.push_str("transfer-encoding: chunked\r\n"),
    }
    for (n, v) in &reply.headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    head.push_str("\r\n");
    sock.write_all(head.as_bytes()).await?;

    let chunked =
        reply.chunked && !matches!(reply.fate, Fate::Truncate { .. } | Fate::CloseDelimited);
    match &reply.body {
        Body::Pieces(pieces) => {
            for (i, piece) in pieces.iter().enumerate() {
                if i > 0 {
                    pause(reply.pause).await;
                }
                write_piece(&mut sock, piece, chunked).await?;
            }
        }
        Body::Stream(stream) => {
            let mut stream = stream
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take()
                .expect("a stream reply can be sent only once");
            let mut first = true;
            while let Some(piece) = stream.next().await {
                if !first {
                    pause(reply.pause).await;
                }
                first = false;
                write_piece(&mut sock, &piece, chunked).await?;
            }
        }
    }

    if let Fate::Truncate { .. } = reply.fate {
        // Let the client read what was sent before the connection breaks.
        tokio::time::sleep(Duration::from_millis(20)).await;
        return reset(sock);
    }
    if chunked {
        sock.write_all(b"0\r\n\r\n").await?;
    }
    sock.flush().await?;
    sock.shutdown().await
}

/// Reads `len` bytes of body into `sink`, through `buf`, without keeping them.
async fn stream_body(
    r: &mut (impl AsyncRead + Unpin),
    mut len: u64,
    buf: &mut [u8],
    sink: &mut dyn OpenSink,
) -> std::io::Result<()> {
    while len > 0 {
        let want = buf.len().min(usize::try_from(len).unwrap_or(usize::MAX));
        let n = r.read(&mut buf[..want]).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        sink.feed(&buf[..n]);
        len -= n as u64;
    }
    Ok(())
}

/// Reads one line (up to and including `\n`) into `raw` and returns it as text.
async fn read_line(
    r: &mut (impl AsyncBufRead + Unpin),
    raw: &mut Vec<u8>,
) -> std::io::Result<String> {
    let start = raw.len();
    r.read_until(b'\n', raw).await?;
    Ok(String::from_utf8_lossy(&raw[start..]).into_owned())
}

/// Writes one body piece, as an HTTP chunk when `chunked`, and flushes it. Empty pieces are
/// skipped when chunked, since an empty chunk would end the body.
async fn write_piece(sock: &mut TcpStream, piece: &[u8], chunked: bool) -> std::io::Result<()> {
    if chunked {
        if piece.is_empty() {
            return Ok(());
        }
        sock.write_all(format!("{:x}\r\n", piece.len()).as_bytes())
            .await?;
        sock.write_all(piece).await?;
        sock.write_all(b"\r\n").await?;
    } else {
        sock.write_all(piece).await?;
    }
    sock.flush().await
}

async fn pause(pause: Option<Duration>) {
    match pause {
        Some(d) => tokio::time::sleep(d).await,
        None => tokio::task::yield_now().await,
    }
}

/// Closes with a TCP RST rather than a FIN.
fn reset(sock: TcpStream) -> std::io::Result<()> {
    sock.set_zero_linger()?;
    drop(sock);
    Ok(())
}

/// A reason phrase for the status line (clients ignore it).
fn reason(status: u16) -> &'static str {
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
