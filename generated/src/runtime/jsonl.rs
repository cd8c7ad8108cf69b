//! Newline-delimited JSON (`application/x-jsonl`) decoded line by line as bytes arrive.
//!
//! Only the current incomplete line is buffered, so memory stays constant however long the
//! body is. A line that does not decode yields an [`Error::Decode`] naming its line number and
//! the stream goes on with the next line; a transport error ends the stream.

use std::collections::VecDeque;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::Stream;
use serde::de::DeserializeOwned;

use super::error::{Error, Result, from_json_slice};
use super::request::ByteStream;

/// A stream of values, one per line of a JSONL body.
pub struct JsonlStream<T> {
    inner: Option<ByteStream>,
    buf: Vec<u8>,
    /// Bytes of `buf` already known to hold no `\n`.
    scanned: usize,
    /// Number of the next line to complete (1-based).
    line_no: usize,
    ready: VecDeque<Result<T>>,
    request_id: Option<String>,
    _item: PhantomData<fn() -> T>,
}

// Decoded items are only moved in and out of the queue, never pinned.
impl<T> Unpin for JsonlStream<T> {}

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
            buf: Vec::new(),
            scanned: 0,
            line_no: 1,
            ready: VecDeque::new(),
            request_id: None,
            _item: PhantomData,
        }
    }

    /// Attaches the response's `request-id`.
    pub(crate) fn with_request_id(mut self, id: Option<String>) -> Self {
        self.request_id = id;
        self
    }

    /// The response's `request-id`, when known.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    fn decode_line(&mut self, line: &[u8]) {
        let n = self.line_no;
        self.line_no += 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        let item = from_json_slice(line).map_err(|e| match e {
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
        });
        self.ready.push_back(item);
    }

    fn feed(&mut self, chunk: &[u8]) {
        self.buf.extend_from_slice(chunk);
        let buf = std::mem::take(&mut self.buf);
        let mut start = 0;
        for (i, &b) in buf.iter().enumerate().skip(self.scanned) {
            if b == b'\n' {
                self.decode_line(&buf[start..i]);
                start = i + 1;
            }
        }
        self.buf = buf;
        self.buf.drain(..start);
        self.scanned = self.buf.len();
    }
}

impl<T: DeserializeOwned> Stream for JsonlStream<T> {
    type Item = Result<T>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.ready.pop_front() {
                return Poll::Ready(Some(item));
            }
            let Some(inner) = this.inner.as_mut() else {
                return Poll::Ready(None);
            };
            match inner.as_mut().poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => this.feed(&chunk),
                Poll::Ready(Some(Err(e))) => {
                    this.inner = None;
                    this.buf.clear();
                    return Poll::Ready(Some(Err(e)));
                }
                Poll::Ready(None) => {
                    this.inner = None;
                    // A last line without a trailing newline is still a line.
                    let rest = std::mem::take(&mut this.buf);
                    this.decode_line(&rest);
                }
            }
        }
    }
}
