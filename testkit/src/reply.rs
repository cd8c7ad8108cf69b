//! Scripted replies: what the server sends back for a request, or how it misbehaves.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use futures::StreamExt;
use futures::stream::{BoxStream, Stream};
use serde_json::Value;

/// What the server sends back for one request: built from a constructor ([`Reply::new`],
/// [`Reply::json`], [`Reply::api_error`], [`Reply::stream`], [`Reply::reset`]) and refined
/// with the builder methods.
///
/// By default the body goes out whole with a `content-length`; every reply ends with
/// `connection: close` and a clean shutdown unless [`truncated`](Reply::truncated).
#[derive(Clone)]
pub struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Body,
    pub(crate) chunked: bool,
    pub(crate) delay: Duration,
    pub(crate) pause: Option<Duration>,
    pub(crate) fate: Fate,
}

#[derive(Clone)]
pub(crate) enum Body {
    Pieces(Vec<Bytes>),
    /// Taken by the first connection that sends it.
    Stream(Arc<Mutex<Option<BoxStream<'static, Bytes>>>>),
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum Fate {
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
        Reply::json(crate::http::api_error_body(kind, message)).status(status)
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
    pub(crate) fn body_bytes(&self) -> Vec<u8> {
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
