//! Helpers for the bulk-transfer tests, which serve them with `testkit`: the client, hashing,
//! generated file contents, following a multipart upload as it streams past, temporary
//! directories.

#![allow(dead_code)] // Each test binary uses a different part of this module.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anthropic_openapi::Client;
use testkit::{BodySink, Recorded};

pub const KEY: &str = "sk-ant-bulk-test-key";

/// `http://host:port` as the client addressed the server, by the request's `host` header.
pub fn origin(request: &Recorded) -> String {
    format!("http://{}", request.header("host").unwrap_or_default())
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
    pub fn new(head: &Recorded) -> Self {
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

impl BodySink for MultipartDigest {
    fn feed(&mut self, piece: &[u8]) {
        MultipartDigest::feed(self, piece);
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
