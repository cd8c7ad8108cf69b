//! The requests the server recorded, and how tests read them: path, query, headers, JSON.

use std::fmt;
use std::time::Instant;

use serde_json::Value;

/// One request as the server received it, and the body it answered with.
#[derive(Clone)]
pub struct Recorded {
    /// The number of the request on its server, from 0, in arrival order.
    pub index: usize,
    /// When the request (head and body) had been read.
    pub at: Instant,
    /// The method, as sent (`"GET"`, `"POST"`, ...).
    pub method: String,
    /// The request target as sent: the path and, after `?`, the raw query.
    pub target: String,
    /// The headers in the order received, names lowercased, values trimmed.
    pub headers: Vec<(String, String)>,
    /// The body, with any chunked transfer encoding removed.
    pub body: Vec<u8>,
    /// The request exactly as it came off the wire: request line, headers and body.
    pub raw: Vec<u8>,
    /// The body of the reply: its pieces joined (empty for a [`Reply::stream`](crate::Reply::stream)).
    pub answered: Vec<u8>,
}

impl Recorded {
    /// The path of the target, without the query.
    pub fn path(&self) -> &str {
        self.target.split_once('?').map_or(&self.target, |(p, _)| p)
    }

    /// The raw (still encoded) query of the target, if it has one.
    pub fn raw_query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, q)| q)
    }

    /// The first value of a query parameter, percent-decoded (`+` read as a space).
    pub fn query(&self, key: &str) -> Option<String> {
        self.query_values(key).next()
    }

    /// Every value of a repeated query parameter (`group_by[]=a&group_by[]=b`), in order,
    /// percent-decoded.
    pub fn query_all(&self, key: &str) -> Vec<String> {
        self.query_values(key).collect()
    }

    fn query_values<'a>(&'a self, key: &'a str) -> impl Iterator<Item = String> + 'a {
        self.raw_query()
            .into_iter()
            .flat_map(|query| query.split('&'))
            .filter_map(move |pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                (percent_decode(k) == key).then(|| percent_decode(v))
            })
    }

    /// The value of a header, by case-insensitive name.
    ///
    /// # Panics
    ///
    /// If the header was sent more than once: read [`headers`](Recorded::headers) for those.
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        let mut values = self
            .headers
            .iter()
            .filter(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str());
        let first = values.next();
        assert!(values.next().is_none(), "header {name} sent twice");
        first
    }

    /// The body parsed as JSON.
    ///
    /// # Panics
    ///
    /// If the body is not JSON; the message shows the body.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "request body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// The body of the reply parsed as JSON.
    ///
    /// # Panics
    ///
    /// If the reply body is not JSON.
    pub fn answered_json(&self) -> Value {
        serde_json::from_slice(&self.answered).unwrap_or_else(|e| {
            panic!(
                "reply body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.answered)
            )
        })
    }
}

impl fmt::Debug for Recorded {
    /// Shows the bodies as (lossy) text rather than as lists of bytes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recorded")
            .field("index", &self.index)
            .field("method", &self.method)
            .field("target", &self.target)
            .field("headers", &self.headers)
            .field("body", &String::from_utf8_lossy(&self.body))
            .field("answered", &String::from_utf8_lossy(&self.answered))
            .finish_non_exhaustive()
    }
}

/// Percent-decodes a query component (`+` read as a space, as form decoders do).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
