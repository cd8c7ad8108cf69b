//! The hand-written runtime the generated code builds on: client configuration, request
//! sending with retries, per-request options, errors, server-sent events, JSONL streams and
//! pagination.

pub mod call;
pub mod client;
pub mod de;
pub mod error;
pub mod jsonl;
pub mod options;
pub mod page;
pub mod request;
mod retry;
pub mod sse;

pub use call::Call;
pub use client::{AdminClient, Client, ClientBuilder, ClientCore};
pub use error::{ApiError, Error, ErrorType, Result};
pub use jsonl::JsonlStream;
pub use options::{ApiResponse, RequestOptions};
pub use request::{
    ByteStream, Multipart, Query, QueryValue, Request, UploadFile, encode_path, encode_path_segment,
};
pub use sse::SseStream;
