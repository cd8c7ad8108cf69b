//! Newline-delimited JSON (`application/x-jsonl`) decoded line by line as bytes arrive.
//!
//! Lines are decoded one at a time, as the stream is polled: only the chunk being read and the
//! current incomplete line are held, so memory is bounded by the longest line (plus one chunk
//! of the body), however long the body is. A line longer than the stream's limit (64 MiB
//! unless the client sets another, see
//! [`ClientBuilder::max_stream_item`](crate::ClientBuilder::max_stream_item)) ends the stream
//! with an [`Error::LimitExceeded`], without reading further. A line that does not decode yields an
//! [`Error::Decode`] naming its line number and the stream goes on with the next line; a
//! transport error ends the stream.

use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Buf, Bytes};
use futures::Stream;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use crate::error::{Error, Result, from_json_slice};
use crate::limits::DEFAULT_MAX_STREAM_ITEM;
use crate::request::ByteStream;

/// Above this capacity, the buffer of incomplete lines is shrunk back after a long line.
const KEEP_CAPACITY: usize = 1024 * 1024;

/// A stream of values, one per line of a JSONL body.
///
/// Blank lines are skipped (they still count in line numbers); a `\r` before the `\n` is
/// ignored, and a last line without a trailing newline is still a line. A line longer than the
/// stream's limit ends the stream with an [`Error::LimitExceeded`].
pub struct JsonlStream<T> {
    inner: Option<ByteStream>,
    /// The rest of the chunk being read, not yet split into lines.
    pending: Bytes,
    /// The start of a line that continues in a later chunk.
    partial: Vec<u8>,
    /// Number of the next line to complete (1-based).
    line_no: usize,
    /// The longest line read, in bytes.
    max_line: usize,
    request_id: Option<String>,
    /// The response's headers; empty for a stream made with `from_byte_stream`.
    headers: HeaderMap,
    _item: PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for JsonlStream<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonlStream")
            .field("finished", &self.inner.is_none())
            .field("line", &self.line_no)
            .field("request_id", &self.request_id)
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned> JsonlStream<T> {
    /// Decodes lines from a stream of body chunks.
    pub fn from_byte_stream<S>(s: S) -> JsonlStream<T>
    where
        S: Stream<Item = Result<Bytes>> + Send + 'static,
    {
        JsonlStream {
            inner: Some(Box::pin(s)),
            pending: Bytes::new(),
            partial: Vec::new(),
            line_no: 1,
            max_line: DEFAULT_MAX_STREAM_ITEM,
            request_id: None,
            headers: HeaderMap::new(),
            _item: PhantomData,
        }
    }

    /// Attaches the response's headers, and its `request-id`.
    pub(crate) fn with_headers(mut self, request_id: Option<String>, headers: HeaderMap) -> Self {
        self.request_id = request_id;
        self.headers = headers;
        self
    }

    /// Sets the longest line read, in bytes (by default 64 MiB); the client sets its
    /// `max_stream_item`.
    pub(crate) fn with_max_line(mut self, max: usize) -> Self {
        self.max_line = max;
        self
    }

    /// The response's `request-id`, when known.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The headers of the response the stream is read from (empty for a stream made with
    /// [`from_byte_stream`](Self::from_byte_stream)).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The rate limits the response reported in its `anthropic-ratelimit-*` headers.
    pub fn rate_limits(&self) -> crate::RateLimits {
        crate::RateLimits::from_headers(&self.headers)
    }

    /// Decodes the next complete line: `None` for a blank one.
    fn decode(&mut self, line: &[u8]) -> Option<Result<T>> {
        let n = self.line_no;
        self.line_no += 1;
        decode_line(n, line)
    }

    /// Decodes the line gathered in `partial` (completed by `tail`) and empties it.
    fn decode_partial(&mut self, tail: &[u8]) -> Option<Result<T>> {
        let mut line = std::mem::take(&mut self.partial);
        line.extend_from_slice(tail);
        let item = self.decode(&line);
        line.clear();
        if line.capacity() > KEEP_CAPACITY {
            line.shrink_to(KEEP_CAPACITY / 16);
        }
        self.partial = line;
        item
    }
}

/// Decodes line number `n`; `None` when it is blank.
fn decode_line<T: DeserializeOwned>(n: usize, line: &[u8]) -> Option<Result<T>> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    Some(from_json_slice(line).map_err(|e| match e {
        Error::Decode {
            message,
            path,
            snippet,
        } => Error::Decode {
            message: format!("line {n}: {message}"),
            path,
            snippet,
        },
        other => other,
    }))
}

impl<T: DeserializeOwned> Stream for JsonlStream<T> {
    type Item = Result<T>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            // A line that ends in the chunk at hand.
            let end = memchr::memchr(b'\n', &this.pending);
            if this.partial.len() + end.unwrap_or(this.pending.len()) > this.max_line {
                // Dropping the body closes the connection: the rest is not downloaded.
                this.inner = None;
                this.partial = Vec::new();
                this.pending = Bytes::new();
                return Poll::Ready(Some(Err(Error::LimitExceeded {
                    what: "JSONL line",
                    limit: this.max_line,
                    setting: "max_stream_item",
                })));
            }
            if let Some(i) = end {
                let chunk = std::mem::take(&mut this.pending);
                let item = if this.partial.is_empty() {
                    this.decode(&chunk[..i])
                } else {
                    this.decode_partial(&chunk[..i])
                };
                this.pending = chunk;
                this.pending.advance(i + 1);
                match item {
                    Some(item) => return Poll::Ready(Some(item)),
                    None => continue,
                }
            }
            // The rest of the chunk starts a line that ends later.
            if !this.pending.is_empty() {
                this.partial.extend_from_slice(&this.pending);
                this.pending = Bytes::new();
            }
            let Some(inner) = this.inner.as_mut() else {
                return Poll::Ready(None);
            };
            match inner.as_mut().poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => this.pending = chunk,
                Poll::Ready(Some(Err(e))) => {
                    this.inner = None;
                    this.partial = Vec::new();
                    return Poll::Ready(Some(Err(e)));
                }
                Poll::Ready(None) => {
                    this.inner = None;
                    // A last line without a trailing newline is still a line.
                    if !this.partial.is_empty()
                        && let Some(item) = this.decode_partial(&[])
                    {
                        return Poll::Ready(Some(item));
                    }
                }
            }
        }
    }
}
