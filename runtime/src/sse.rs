//! Server-sent events (`text/event-stream`) decoded from bytes as they arrive.
//!
//! The decoder keeps a byte buffer, so a line end, a CR/LF pair or a UTF-8 character split
//! across chunks is handled; text is only formed from complete lines. Each event's `data` is
//! decoded as JSON into the stream's item type, except `ping` events (skipped) and `error`
//! events (turned into [`Error::Api`], which ends the stream).
//!
//! Memory is bounded by the largest event: a line or an event's data longer than the stream's
//! limit (64 MiB unless the client sets another, see
//! [`ClientBuilder::max_stream_item`](crate::ClientBuilder::max_stream_item)) ends the stream
//! with an [`Error::LimitExceeded`], without reading further.

use std::collections::VecDeque;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::Stream;
use reqwest::header::HeaderMap;
use serde::de::{DeserializeOwned, IgnoredAny, MapAccess, Visitor};

use crate::de::Key;
use crate::error::{ApiError, Error, Result, from_json_slice};
use crate::limits::DEFAULT_MAX_STREAM_ITEM;
use crate::request::ByteStream;

/// One complete event as framed by the SSE rules.
#[derive(Debug, Default)]
struct RawEvent {
    event: Option<String>,
    data: Vec<u8>,
}

/// The byte-level SSE line and event parser.
#[derive(Debug)]
struct Decoder {
    /// The longest line, and the most data an event may gather, in bytes.
    max: usize,
    /// A line or an event went over `max`: nothing more is read.
    over: bool,
    /// The start of a line that continues in a later chunk (it holds no line end).
    buf: Vec<u8>,
    /// The previous chunk ended with `\r`: a `\n` at the start of the next one belongs to it.
    skip_lf: bool,
    /// Fields of the event being built.
    event: Option<String>,
    data: Vec<u8>,
    has_data: bool,
    /// Any field line seen since the last dispatch (an event is in progress).
    in_event: bool,
    /// The last event id and reconnection delay; kept for completeness of the framing rules.
    last_id: Option<String>,
    retry: Option<u64>,
}

impl Decoder {
    fn new(max: usize) -> Decoder {
        Decoder {
            max,
            over: false,
            buf: Vec::new(),
            skip_lf: false,
            event: None,
            data: Vec::new(),
            has_data: false,
            in_event: false,
            last_id: None,
            retry: None,
        }
    }

    /// Marks the decoder as over its limit and drops what it holds.
    fn overflow(&mut self) {
        self.over = true;
        self.buf = Vec::new();
        self.data = Vec::new();
    }

    /// Feeds a chunk, appending every completed event to `out`.
    ///
    /// Lines are found with `memchr` and read where they lie in the chunk; only the start of
    /// a line that the chunk does not finish is copied, to be completed by the next one.
    ///
    /// A line longer than the limit, or an event whose data would grow past it, stops the
    /// decoder (see [`Decoder::over`]); events completed before it are still in `out`.
    fn feed(&mut self, mut chunk: &[u8], out: &mut VecDeque<RawEvent>) {
        if self.over {
            return;
        }
        if self.skip_lf && !chunk.is_empty() {
            if chunk[0] == b'\n' {
                chunk = &chunk[1..];
            }
            self.skip_lf = false;
        }
        if !self.buf.is_empty() {
            let end = memchr::memchr2(b'\n', b'\r', chunk);
            if self.buf.len() + end.unwrap_or(chunk.len()) > self.max {
                return self.overflow();
            }
            let Some(end) = end else {
                self.buf.extend_from_slice(chunk);
                return;
            };
            let mut line = std::mem::take(&mut self.buf);
            line.extend_from_slice(&chunk[..end]);
            self.line(&line, out);
            line.clear();
            self.buf = line;
            chunk = self.after_line_end(chunk, end);
        }
        while let Some(end) = memchr::memchr2(b'\n', b'\r', chunk) {
            if self.over {
                return;
            }
            if end > self.max {
                return self.overflow();
            }
            self.line(&chunk[..end], out);
            chunk = self.after_line_end(chunk, end);
        }
        if self.over {
            return;
        }
        if chunk.len() > self.max {
            return self.overflow();
        }
        self.buf.extend_from_slice(chunk);
    }

    /// The rest of `chunk` after the line end at `end`: a CR/LF pair counts as one line end,
    /// and a CR that ends the chunk may be followed by an LF in the next one.
    fn after_line_end<'c>(&mut self, chunk: &'c [u8], end: usize) -> &'c [u8] {
        if chunk[end] == b'\r' {
            match chunk.get(end + 1) {
                Some(b'\n') => return &chunk[end + 2..],
                Some(_) => {}
                None => self.skip_lf = true,
            }
        }
        &chunk[end + 1..]
    }

    fn line(&mut self, line: &[u8], out: &mut VecDeque<RawEvent>) {
        if line.is_empty() {
            if self.has_data {
                out.push_back(RawEvent {
                    event: self.event.take(),
                    data: std::mem::take(&mut self.data),
                });
            }
            self.event = None;
            self.data.clear();
            self.has_data = false;
            self.in_event = false;
            return;
        }
        if line[0] == b':' {
            return; // comment
        }
        self.in_event = true;
        let (field, value) = match line.iter().position(|&b| b == b':') {
            Some(p) => {
                let v = &line[p + 1..];
                (&line[..p], v.strip_prefix(b" ").unwrap_or(v))
            }
            None => (line, &b""[..]),
        };
        match field {
            b"data" => {
                if self.data.len() + usize::from(self.has_data) + value.len() > self.max {
                    return self.overflow();
                }
                if self.has_data {
                    self.data.push(b'\n');
                }
                self.data.extend_from_slice(value);
                self.has_data = true;
            }
            b"event" => self.event = Some(String::from_utf8_lossy(value).into_owned()),
            b"id" if !value.contains(&0) => {
                self.last_id = Some(String::from_utf8_lossy(value).into_owned());
            }
            b"retry" => {
                if let Ok(ms) = std::str::from_utf8(value).unwrap_or("").parse() {
                    self.retry = Some(ms);
                }
            }
            _ => {}
        }
    }

    /// Whether the body ended in the middle of a line or of an event.
    fn incomplete(&self) -> bool {
        !self.buf.is_empty() || self.in_event
    }
}

/// A stream of typed server-sent events.
///
/// Ends after an `error` event or a transport error (both yielded as `Err`). If the body ends
/// in the middle of an event, or after a `message_start` without a `message_stop`, the last
/// item is an [`Error::Stream`]. A line or an event larger than the stream's limit ends it
/// with an [`Error::LimitExceeded`].
pub struct SseStream<T> {
    inner: Option<ByteStream>,
    decoder: Decoder,
    events: VecDeque<RawEvent>,
    request_id: Option<String>,
    /// The response's headers; empty for a stream made with `from_byte_stream`.
    headers: HeaderMap,
    /// How much of an `error` event's data is kept in the [`ApiError`].
    max_error_body: usize,
    saw_message_start: bool,
    saw_message_stop: bool,
    _item: PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for SseStream<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SseStream")
            .field("finished", &self.inner.is_none())
            .field("request_id", &self.request_id)
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned> SseStream<T> {
    /// Decodes events from a stream of body chunks.
    pub fn from_byte_stream<S>(s: S) -> SseStream<T>
    where
        S: Stream<Item = Result<Bytes>> + Send + 'static,
    {
        SseStream {
            inner: Some(Box::pin(s)),
            decoder: Decoder::new(DEFAULT_MAX_STREAM_ITEM),
            events: VecDeque::new(),
            request_id: None,
            headers: HeaderMap::new(),
            max_error_body: crate::limits::DEFAULT_MAX_ERROR_BODY,
            saw_message_start: false,
            saw_message_stop: false,
            _item: PhantomData,
        }
    }

    /// Attaches the response's headers, and its `request-id` (reported in errors from `error` events).
    pub(crate) fn with_headers(mut self, request_id: Option<String>, headers: HeaderMap) -> Self {
        self.request_id = request_id;
        self.headers = headers;
        self
    }

    /// Sets the largest line or event read, in bytes (by default 64 MiB); the client sets
    /// its `max_stream_item`.
    pub(crate) fn with_max_event(mut self, max: usize) -> Self {
        self.decoder.max = max;
        self
    }

    /// Sets how much of an `error` event's data is kept in its [`ApiError::body`] (by
    /// default 64 KiB); the client sets its `max_error_body`.
    pub(crate) fn with_max_error_body(mut self, max: usize) -> Self {
        self.max_error_body = max;
        self
    }

    /// The `id` of the last event that carried one.
    pub fn last_event_id(&self) -> Option<&str> {
        self.decoder.last_id.as_deref()
    }

    /// The reconnection delay last announced by a `retry` field.
    pub fn retry(&self) -> Option<std::time::Duration> {
        self.decoder.retry.map(std::time::Duration::from_millis)
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

    /// Turns one raw event into an item: `None` to skip it, `Some(Err)` to end the stream.
    fn process(&mut self, ev: RawEvent) -> Option<Result<T>> {
        let peeked = peek_type(&ev.data);
        let json_type = peeked.as_ref().map(Key::as_str);
        let name = ev
            .event
            .as_deref()
            .filter(|n| !n.is_empty() && *n != "message");
        let kind = name.or(json_type).unwrap_or("");
        let is = |k: &str| name == Some(k) || json_type == Some(k);
        if is("ping") {
            return None;
        }
        if is("error") {
            self.inner = None;
            self.events.clear();
            let keep = self.max_error_body;
            let (data, cut) = match ev.data.get(..keep) {
                Some(start) if ev.data.len() > keep => (start, Some(keep)),
                _ => (&ev.data[..], None),
            };
            let mut err = ApiError::from_body(200, self.request_id.clone(), data, cut);
            if err.error_type == crate::error::ErrorType::Other("http_200".into()) {
                err.error_type = crate::error::ErrorType::InternalServerError;
                if cut.is_none() {
                    err.message = "the stream reported an error without details".into();
                }
            }
            return Some(Err(Error::Api(err)));
        }
        match kind {
            "message_start" => self.saw_message_start = true,
            "message_stop" => self.saw_message_stop = true,
            _ => {}
        }
        Some(from_json_slice(&ev.data))
    }
}

/// The `type` property of an event's JSON object, or `None` when the data is not an object
/// with a string `type`. Only the properties up to `type` are read (it comes first in what the
/// API sends), so an event's JSON is not decoded twice.
fn peek_type(data: &[u8]) -> Option<Key<'_>> {
    struct Peek<'a, 'de>(&'a mut Option<Key<'de>>);

    impl<'de> Visitor<'de> for Peek<'_, 'de> {
        type Value = ();

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
            while let Some(key) = map.next_key::<Key<'de>>()? {
                if key.as_str() == "type" {
                    *self.0 = map.next_value::<Option<Key<'de>>>()?;
                    // Stop here: the rest of the object is left unread.
                    return Ok(());
                }
                map.next_value::<IgnoredAny>()?;
            }
            Ok(())
        }
    }

    let mut tag = None;
    let mut de = serde_json::Deserializer::from_slice(data);
    // Stopping before the end of the object makes the deserializer report an error; the tag,
    // if one was read, is what counts.
    let _ = serde::Deserializer::deserialize_map(&mut de, Peek(&mut tag));
    tag
}

impl<T: DeserializeOwned> Stream for SseStream<T> {
    type Item = Result<T>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            while let Some(ev) = this.events.pop_front() {
                if let Some(item) = this.process(ev) {
                    return Poll::Ready(Some(item));
                }
            }
            let Some(inner) = this.inner.as_mut() else {
                return Poll::Ready(None);
            };
            if this.decoder.over {
                // Dropping the body closes the connection: the rest is not downloaded.
                this.inner = None;
                return Poll::Ready(Some(Err(Error::LimitExceeded {
                    what: "server-sent event",
                    limit: this.decoder.max,
                    setting: "max_stream_item",
                })));
            }
            match inner.as_mut().poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => this.decoder.feed(&chunk, &mut this.events),
                Poll::Ready(Some(Err(e))) => {
                    this.inner = None;
                    return Poll::Ready(Some(Err(e)));
                }
                Poll::Ready(None) => {
                    this.inner = None;
                    if this.decoder.incomplete() {
                        return Poll::Ready(Some(Err(Error::Stream(
                            "stream ended before the end of an event".into(),
                        ))));
                    }
                    if this.saw_message_start && !this.saw_message_stop {
                        return Poll::Ready(Some(Err(Error::Stream(
                            "stream ended before message_stop".into(),
                        ))));
                    }
                    return Poll::Ready(None);
                }
            }
        }
    }
}
