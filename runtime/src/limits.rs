//! The size limits of what the client reads, and their defaults.
//!
//! Every part of a response that the client holds in memory has a limit, so that memory stays
//! bounded whatever a server sends: a JSON body is read whole before it is decoded, a
//! server-sent event or a JSONL line is gathered before it is decoded, and an error body is
//! kept in [`ApiError::body`](crate::ApiError::body). Passing the first two limits is an
//! [`Error::LimitExceeded`](crate::Error::LimitExceeded); an error body is cut at its limit.
//! Reading stops as soon as a limit is passed.

/// The default largest JSON response body: 256 MiB.
///
/// The API accepts requests of at most 32 MB (256 MB for a batch) and answers with far less:
/// a message of 128k output tokens is well under 1 MB, a page of a list a few MB, and a
/// message carrying a fetched document tens of MB at most. 256 MiB leaves a wide margin above
/// any of these while keeping the memory a hostile body can take bounded.
pub(crate) const DEFAULT_MAX_JSON_BODY: usize = 256 * 1024 * 1024;

/// The default largest server-sent event (and line of one) or JSONL line: 64 MiB.
///
/// An event or a batch result line holds at most one message or one content block, usually
/// a few KB and at most tens of MB for one that carries a document.
pub(crate) const DEFAULT_MAX_STREAM_ITEM: usize = 64 * 1024 * 1024;

/// The default part of an error body that is kept: 64 KiB.
///
/// The API's error bodies are a few hundred bytes; a gateway's HTML page a few KB. The start
/// of a longer body is enough to tell what it is.
pub(crate) const DEFAULT_MAX_ERROR_BODY: usize = 64 * 1024;

/// The limits that apply to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits {
    pub(crate) json_body: usize,
    pub(crate) stream_item: usize,
    pub(crate) error_body: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            json_body: DEFAULT_MAX_JSON_BODY,
            stream_item: DEFAULT_MAX_STREAM_ITEM,
            error_body: DEFAULT_MAX_ERROR_BODY,
        }
    }
}
