//! Helpers shared by the `fault_limits`, `fault_secrets` and `fault_errors` suites: a client
//! of a loopback server, the request bodies they send, bodies that flood the client without
//! being held by the server, and a raw TCP server for what `testkit` cannot send (a false
//! `content-length`, a body that trickles forever).

#![allow(dead_code)] // Each test binary uses a different part of this module.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anthropic_openapi::{Client, ClientBuilder, MessageCreateParams, MessageParam};
use bytes::Bytes;
use futures::Stream;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

pub const KEY: &str = "sk-ant-fault-key-0123456789";

/// The longest any case may take; a hang fails the test instead of blocking the suite.
pub const LIMIT: Duration = Duration::from_secs(60);

/// Runs `f` under [`LIMIT`].
pub async fn within<F: IntoFuture>(f: F) -> F::Output {
    tokio::time::timeout(LIMIT, f.into_future())
        .await
        .expect("the client hung instead of finishing or failing")
}

/// A builder for a client of `base` that retries without waiting.
pub fn builder(base: &str) -> ClientBuilder {
    Client::builder()
        .api_key(KEY)
        .base_url(base)
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(4))
}

pub fn client(base: &str) -> Client {
    builder(base).build().unwrap()
}

pub fn params() -> MessageCreateParams {
    MessageCreateParams::new("claude-sonnet-4-5", vec![MessageParam::user("Hello")], 64)
}

/// A body of `total` bytes: `head`, then copies of `piece` (shared, not copied, so the server
/// allocates nothing per piece). `produced` counts the bytes handed to the server so far.
pub fn flood(
    head: &'static [u8],
    piece: Bytes,
    total: usize,
    produced: Arc<AtomicUsize>,
) -> impl Stream<Item = Bytes> + Send + 'static {
    let first = Bytes::from_static(head);
    futures::stream::unfold((Some(first), 0usize), move |(first, sent)| {
        let piece = piece.clone();
        let produced = produced.clone();
        async move {
            let next = match first {
                Some(first) => first,
                None if sent < total => piece,
                None => return None,
            };
            produced.fetch_add(next.len(), Ordering::SeqCst);
            Some((next.clone(), (None, sent + next.len())))
        }
    })
}

/// `len` bytes of `unit` repeated.
pub fn piece(unit: &[u8], len: usize) -> Bytes {
    Bytes::from(unit.iter().copied().cycle().take(len).collect::<Vec<u8>>())
}

/// Waits until `counter` stops growing (the server stopped writing), and returns its value.
pub async fn settled(counter: &AtomicUsize) -> usize {
    let mut last = counter.load(Ordering::SeqCst);
    loop {
        tokio::time::sleep(Duration::from_millis(150)).await;
        let now = counter.load(Ordering::SeqCst);
        if now == last {
            return now;
        }
        last = now;
    }
}

/// What the raw server writes after the response head.
#[derive(Clone)]
pub enum Body {
    /// Copies of a piece until `total` bytes, as fast as the client reads.
    Flood { piece: Bytes, total: usize },
    /// `piece` every `every`, forever (until the client goes away).
    Trickle { piece: Bytes, every: Duration },
}

/// A raw HTTP/1.1 server on the loopback interface: it reads each request, then writes `head`
/// (the status line and headers, ending with the blank line) and the body as scripted. It
/// counts the requests and the body bytes written.
pub struct Hostile {
    pub base_url: String,
    pub requests: Arc<AtomicUsize>,
    pub written: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Hostile {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Hostile {
    pub async fn start(head: String, body: Body) -> Hostile {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(AtomicUsize::new(0));
        let written = Arc::new(AtomicUsize::new(0));
        let (r, w) = (requests.clone(), written.clone());
        let task = tokio::spawn(async move {
            loop {
                let Ok((sock, _)) = listener.accept().await else {
                    return;
                };
                let (head, body, r, w) = (head.clone(), body.clone(), r.clone(), w.clone());
                tokio::spawn(async move {
                    let _ = answer(sock, &head, body, &r, &w).await;
                });
            }
        });
        Hostile {
            base_url,
            requests,
            written,
            task,
        }
    }

    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

async fn answer(
    sock: TcpStream,
    head: &str,
    body: Body,
    requests: &AtomicUsize,
    written: &AtomicUsize,
) -> std::io::Result<()> {
    let mut r = BufReader::new(sock);
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        if line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
    }
    let mut request_body = vec![0; length];
    r.read_exact(&mut request_body).await?;
    requests.fetch_add(1, Ordering::SeqCst);
    let mut sock = r.into_inner();
    sock.write_all(head.as_bytes()).await?;
    match body {
        Body::Flood { piece, total } => {
            let mut sent = 0;
            while sent < total {
                sock.write_all(&piece).await?;
                sent += piece.len();
                written.fetch_add(piece.len(), Ordering::SeqCst);
            }
        }
        Body::Trickle { piece, every } => loop {
            sock.write_all(&piece).await?;
            sock.flush().await?;
            written.fetch_add(piece.len(), Ordering::SeqCst);
            tokio::time::sleep(every).await;
        },
    }
    sock.shutdown().await
}
