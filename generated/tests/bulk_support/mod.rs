//! A minimal loopback HTTP/1.1 server for the bulk-transfer tests, whose handlers read request
//! bodies and write responses as streams, plus helpers (hashing, generated file contents,
//! temporary directories). One request per connection.

#![allow(dead_code)] // Each test binary uses a different part of this module.

use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use anthropic_openapi::Client;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

pub const KEY: &str = "sk-ant-bulk-test-key";

/// The connection a handler reads the request body from and writes its response to.
pub type Conn = BufReader<TcpStream>;

/// What a handler returns.
pub type Reply = Pin<Box<dyn Future<Output = std::io::Result<()>> + Send>>;

/// The request line and headers of one request.
#[derive(Debug, Clone)]
pub struct Head {
    pub method: String,
    pub target: String,
    pub headers: HashMap<String, String>,
}

impl Head {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }

    /// `http://host:port` as the client addressed this server.
    pub fn origin(&self) -> String {
        format!("http://{}", self.header("host").unwrap_or_default())
    }
}

/// A loopback server; every connection is handed to the handler after its head is read.
pub struct Server {
    pub base: String,
}

impl Server {
    pub async fn start<F>(handler: F) -> Server
    where
        F: Fn(Head, Conn) -> Reply + Send + Sync + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let handler = Arc::new(handler);
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let handler = handler.clone();
                tokio::spawn(async move {
                    let mut conn = BufReader::new(sock);
                    if let Ok(Some(head)) = read_head(&mut conn).await {
                        let _ = handler(head, conn).await;
                    }
                });
            }
        });
        Server { base }
    }
}

/// A client of `base` that retries quickly.
pub fn client(base: &str) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(base)
        .max_retries(2)
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(1))
        .build()
        .unwrap()
}

async fn read_head(conn: &mut Conn) -> std::io::Result<Option<Head>> {
    let mut line = String::new();
    if conn.read_line(&mut line).await? == 0 {
        return Ok(None);
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let target = parts.next().unwrap_or_default().to_string();
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        conn.read_line(&mut h).await?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (n, v) = h.split_once(':').unwrap();
        headers.insert(n.trim().to_ascii_lowercase(), v.trim().to_string());
    }
    Ok(Some(Head {
        method,
        target,
        headers,
    }))
}

/// Reads the request body (by `content-length` or chunked), handing it to `sink` piece by
/// piece without keeping it; returns its length.
pub async fn read_body(
    conn: &mut Conn,
    head: &Head,
    mut sink: impl FnMut(&[u8]),
) -> std::io::Result<u64> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    if let Some(len) = head.header("content-length") {
        let mut left: u64 = len.parse().unwrap();
        while left > 0 {
            let want = buf.len().min(left as usize);
            let n = conn.read(&mut buf[..want]).await?;
            if n == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            sink(&buf[..n]);
            left -= n as u64;
            total += n as u64;
        }
    } else if head
        .header("transfer-encoding")
        .is_some_and(|v| v.contains("chunked"))
    {
        loop {
            let mut size = String::new();
            conn.read_line(&mut size).await?;
            let size = u64::from_str_radix(size.trim(), 16)
                .map_err(|_| std::io::Error::from(std::io::ErrorKind::InvalidData))?;
            let mut left = size;
            while left > 0 {
                let want = buf.len().min(left as usize);
                let n = conn.read(&mut buf[..want]).await?;
                if n == 0 {
                    return Err(std::io::ErrorKind::UnexpectedEof.into());
                }
                sink(&buf[..n]);
                left -= n as u64;
                total += n as u64;
            }
            let mut crlf = [0u8; 2];
            conn.read_exact(&mut crlf).await?;
            if size == 0 {
                break;
            }
        }
    }
    Ok(total)
}

/// Writes a complete response with a body and closes the connection.
pub async fn respond(
    conn: Conn,
    status: u16,
    content_type: &str,
    body: &[u8],
) -> std::io::Result<()> {
    let mut sock = conn.into_inner();
    let head = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\
         connection: close\r\n\r\n",
        body.len()
    );
    sock.write_all(head.as_bytes()).await?;
    sock.write_all(body).await?;
    sock.shutdown().await
}

/// FNV-1a (64 bits), fed in pieces: splitting the input does not change the hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fnv(pub u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    pub fn update(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

/// Fills `buf` with the bytes of a deterministic, non-repeating-looking sequence starting at
/// `offset`.
pub fn pattern(offset: u64, buf: &mut [u8]) {
    for (i, b) in buf.iter_mut().enumerate() {
        let x = (offset + i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        *b = (x >> 56) as u8;
    }
}

/// Writes a file of `len` pattern bytes in 1 MiB pieces and returns its hash.
pub fn write_pattern_file(path: &Path, len: u64) -> Fnv {
    use std::io::Write;
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut buf = vec![0u8; 1 << 20];
    let mut hash = Fnv::default();
    let mut done = 0u64;
    while done < len {
        let n = buf.len().min((len - done) as usize);
        pattern(done, &mut buf[..n]);
        hash.update(&buf[..n]);
        f.write_all(&buf[..n]).unwrap();
        done += n as u64;
    }
    f.flush().unwrap();
    hash
}

/// Follows a multipart body with a single file part, as it streams past: the part's head,
/// then the length and hash of the file's bytes, then the closing delimiter.
#[derive(Debug, Default)]
pub struct MultipartDigest {
    /// The body's total length, from `content-length`.
    total: u64,
    /// The length of the closing `\r\n--boundary--\r\n`.
    epilogue_len: u64,
    /// Bytes seen so far.
    seen: u64,
    /// The part's head, up to and including the blank line.
    pub head: Vec<u8>,
    head_done: bool,
    pub file_len: u64,
    pub file_hash: Fnv,
    pub tail: Vec<u8>,
}

impl MultipartDigest {
    pub fn new(head: &Head) -> Self {
        let boundary = head
            .header("content-type")
            .and_then(|c| c.strip_prefix("multipart/form-data; boundary="))
            .expect("a multipart content type")
            .to_string();
        MultipartDigest {
            total: head.header("content-length").unwrap().parse().unwrap(),
            epilogue_len: format!("\r\n--{boundary}--\r\n").len() as u64,
            ..Default::default()
        }
    }

    pub fn feed(&mut self, mut bytes: &[u8]) {
        while !self.head_done && !bytes.is_empty() {
            self.head.push(bytes[0]);
            bytes = &bytes[1..];
            self.seen += 1;
            self.head_done = self.head.ends_with(b"\r\n\r\n");
        }
        let file_end = self.total - self.epilogue_len;
        if !bytes.is_empty() && self.seen < file_end {
            let n = bytes.len().min((file_end - self.seen) as usize);
            self.file_hash.update(&bytes[..n]);
            self.file_len += n as u64;
            self.seen += n as u64;
            bytes = &bytes[n..];
        }
        self.tail.extend_from_slice(bytes);
        self.seen += bytes.len() as u64;
    }
}

/// A new empty directory under the system's temporary directory, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "anthropic-openapi-{tag}-{}-{:x}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// The names of the entries in the directory, sorted.
    pub fn entries(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
