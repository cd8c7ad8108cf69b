//! The server: binding the loopback port, accepting connections, and the log of recorded
//! requests that tests read back.

use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::exchange::serve;
use crate::recorded::Recorded;
use crate::reply::Reply;
use crate::sink::{BodySink, OpenSink, Pending};

pub(crate) type Handler = Arc<dyn Fn(&Recorded) -> Reply + Send + Sync>;

/// Opens the sink for one streamed request body, given the request head.
pub(crate) type Opener = Arc<dyn Fn(&Recorded) -> Box<dyn OpenSink> + Send + Sync>;

/// How the server reads request bodies and chooses replies.
#[derive(Clone)]
pub(crate) enum Handling {
    /// Bodies are recorded whole; the handler sees the complete request.
    Record(Handler),
    /// Bodies go to a sink as they arrive; the sink, once the body is complete, makes the reply.
    Stream(Opener),
}

/// What the server has seen: the requests not yet taken, and the number of the next one.
#[derive(Default)]
pub(crate) struct Log {
    pub(crate) next: usize,
    pub(crate) requests: Vec<Recorded>,
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
