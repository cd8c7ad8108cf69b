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

mod exchange;
pub mod http;
mod recorded;
mod reply;
mod server;
mod sink;
mod wire;

pub use recorded::Recorded;
pub use reply::{IntoJsonBody, Reply};
pub use server::Server;
pub use sink::BodySink;
