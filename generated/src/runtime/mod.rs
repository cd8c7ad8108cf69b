//! The hand-written runtime the generated code builds on: client configuration, request
//! sending, errors, server-sent events, JSONL streams and pagination.

pub mod client;
pub mod de;
pub mod error;
pub mod jsonl;
pub mod page;
pub mod request;
pub mod sse;

pub use client::{AdminClient, Client, ClientBuilder, ClientCore};
pub use error::{ApiError, Error, ErrorType, Result};
pub use jsonl::JsonlStream;
pub use request::{
    ByteStream, Multipart, Query, QueryValue, Request, UploadFile, encode_path_segment,
};
pub use sse::SseStream;
