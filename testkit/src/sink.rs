//! Streamed request bodies: the sinks [`Server::start_streaming`](crate::Server::start_streaming)
//! feeds, and the handler that takes a sink once its body is complete.

use crate::recorded::Recorded;
use crate::reply::Reply;
use std::sync::Arc;

/// Receives a request body piece by piece, as
/// [`Server::start_streaming`](crate::Server::start_streaming) reads it.
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
pub(crate) trait OpenSink: Send {
    fn feed(&mut self, piece: &[u8]);
    fn reply(self: Box<Self>, request: &Recorded) -> Reply;
}

pub(crate) struct Pending<S, F> {
    pub(crate) sink: S,
    pub(crate) handler: Arc<F>,
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
