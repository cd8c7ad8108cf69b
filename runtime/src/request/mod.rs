//! Describing a request: method, path, query, headers, body and betas.
//!
//! Generated endpoint methods build a [`Request`] and hand it to
//! [`ClientCore`](crate::ClientCore). The body is serialized once into [`Bytes`] (or kept as a
//! [`Multipart`] description) so that the same request can be sent again by a retry. Files
//! to upload are streamed from disk on each attempt rather than held in memory; see
//! [`UploadFile`].
//!
//! | file | what |
//! | --- | --- |
//! | `path.rs` | percent-encoding ids into path segments |
//! | `query.rs` | query strings |
//! | `multipart.rs` | `multipart/form-data` bodies, encoded part by part as they are sent |
//! | `upload.rs` | [`UploadFile`]: where a file to upload comes from |
//! | `betas.rs` | [`BodyBetas`]: betas a request needs because of what its body holds |

mod betas;
mod multipart;
mod path;
mod query;
mod upload;

pub use betas::BodyBetas;
pub use multipart::Multipart;
pub(crate) use multipart::{BodyFault, EncodedMultipart};
pub use path::{encode_path, encode_path_segment};
pub use query::{Query, QueryValue};
pub use upload::{ByteStream, UploadFile};

use std::fmt;

use bytes::Bytes;

use crate::error::{Error, Result};

/// A request to the API, built by generated code and sent by [`ClientCore`](crate::ClientCore).
pub struct Request {
    pub(crate) method: reqwest::Method,
    pub(crate) path: String,
    pub(crate) query: Query,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Body,
    pub(crate) betas: Vec<&'static str>,
    pub(crate) auth: crate::client::Auth,
}

/// The body of a [`Request`], kept in a form that can be sent more than once.
pub(crate) enum Body {
    Empty,
    Json(Bytes),
    Multipart(Multipart),
}

impl Request {
    /// A request without query, body or extra headers. `path` starts with `/v1/` and its
    /// parameters are already encoded (see [`encode_path`] and [`encode_path_segment`]).
    pub fn new(method: reqwest::Method, path: String) -> Self {
        Request {
            method,
            path,
            query: Query::new(),
            headers: Vec::new(),
            body: Body::Empty,
            betas: Vec::new(),
            auth: crate::client::Auth::Any,
        }
    }

    /// Sets the query string.
    pub fn query(mut self, q: Query) -> Self {
        self.query = q;
        self
    }

    /// Adds a header for this request only; it overrides a client default of the same name.
    pub fn header(mut self, name: &'static str, value: String) -> Self {
        self.headers.push((name, value));
        self
    }

    /// Serializes `body` as JSON (once, so a retry can send the same bytes).
    pub fn json_body<B: serde::Serialize + ?Sized>(mut self, body: &B) -> Result<Self> {
        let bytes = serde_json::to_vec(body).map_err(|e| Error::Decode {
            message: format!("could not serialize the request body: {e}"),
            path: String::new(),
            snippet: String::new(),
        })?;
        self.body = Body::Json(Bytes::from(bytes));
        Ok(self)
    }

    /// Sets a `multipart/form-data` body.
    pub fn multipart_body(mut self, form: Multipart) -> Self {
        self.body = Body::Multipart(form);
        self
    }

    /// Adds beta names this operation needs; they are sent in `anthropic-beta` after the
    /// client's default betas.
    pub fn betas(mut self, betas: &'static [&'static str]) -> Self {
        self.betas.extend_from_slice(betas);
        self
    }

    /// Adds the betas that parts of `body` need ([`BodyBetas`]), each name once.
    pub fn body_betas<B: BodyBetas + ?Sized>(mut self, body: &B) -> Self {
        let mut needed = Vec::new();
        body.body_betas(&mut needed);
        for beta in needed {
            if !self.betas.contains(&beta) {
                self.betas.push(beta);
            }
        }
        self
    }

    /// Restricts the credentials this request may carry to those its operation accepts.
    pub fn auth(mut self, auth: crate::client::Auth) -> Self {
        self.auth = auth;
        self
    }

    /// The HTTP method.
    pub fn method(&self) -> &reqwest::Method {
        &self.method
    }

    /// The path (encoded), without the query.
    pub fn path(&self) -> &str {
        &self.path
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let body = match &self.body {
            Body::Empty => "empty".to_string(),
            Body::Json(b) => format!("json ({} bytes)", b.len()),
            Body::Multipart(m) => format!("multipart ({} parts)", m.len()),
        };
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query.to_query_string())
            .field(
                "headers",
                &self.headers.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            )
            .field("betas", &self.betas)
            .field("auth", &self.auth)
            .field("body", &body)
            .finish()
    }
}
