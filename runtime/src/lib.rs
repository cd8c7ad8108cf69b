#![warn(missing_docs)]
//! The hand-written runtime of [`anthropic-openapi`](https://docs.rs/anthropic-openapi): the
//! code its generated types and endpoint methods run on.
//!
//! Programs depend on `anthropic-openapi`, which re-exports everything here that a caller
//! touches: the client builder, per-request options, errors, and the awaitable and streamed
//! results of endpoint methods. The rest is public only because the generated code, which
//! lives in another crate, calls it; it is hidden from these docs and may change with the
//! generator.
//!
//! | module | what |
//! | --- | --- |
//! | `client` | [`ClientBuilder`], the shared client core, and the send path with retries |
//! | `call` | [`Call`], the awaitable result of a JSON endpoint |
//! | `options` | [`RequestOptions`] and [`ApiResponse`] |
//! | `error` | [`Error`], [`ApiError`], [`ErrorType`] |
//! | `request` | requests, query strings, multipart bodies, [`UploadFile`], [`BodyBetas`] |
//! | `sse`, `jsonl` | [`SseStream`] and [`JsonlStream`], decoded as bytes arrive |
//! | `page` | [`PageStream`], the lazy stream over a paginated list |
//! | `de` | the JSON helpers of the generated types |
//! | `platform` | [`Platform`]: how a cloud platform rewrites, authorizes and decodes requests |
//! | `ratelimit` | [`RateLimits`] and [`RateLimit`], from the `anthropic-ratelimit-*` headers |
//! | `retry` | when and after how long a failed attempt is retried |
//! | `limits` | the size limits of what is read, and their defaults |

// `#[derive(JsonObject)]` names this crate by its path, which must also resolve in the
// crate's own tests.
extern crate self as anthropic_openapi_runtime;

mod call;
mod client;
#[doc(hidden)]
pub mod de;
mod error;
mod jsonl;
mod limits;
mod options;
#[doc(hidden)]
pub mod page;
mod platform;
mod ratelimit;
mod request;
mod retry;
mod sse;

pub use call::Call;
#[doc(hidden)]
pub use client::ClientCore;
#[cfg(feature = "rustls")]
pub use client::install_rustls_provider;
pub use client::{Auth, ClientBuilder, ClientKind};
#[doc(hidden)]
pub use error::from_json_slice;
pub use error::{ApiError, Error, ErrorType, Result};
pub use jsonl::JsonlStream;
pub use options::{ApiResponse, RequestOptions};
pub use page::PageStream;
pub use platform::{Attempt, AuthorizeFuture, Platform};
pub use ratelimit::{RateLimit, RateLimits};
pub use request::{BodyBetas, ByteStream, UploadFile};
#[doc(hidden)]
pub use request::{Multipart, Query, QueryValue, Request, encode_path, encode_path_segment};
pub use sse::SseStream;
