//! Query strings: ordered key/value pairs, percent-encoded on output.

use percent_encoding::{AsciiSet, utf8_percent_encode};

use super::path::UNRESERVED_ONLY;

/// Query keys keep `[` and `]` readable (`group_by[]`); everything else is encoded as in values.
const QUERY_KEY: &AsciiSet = &UNRESERVED_ONLY.remove(b'[').remove(b']');

/// A query string under construction: ordered key/value pairs, percent-encoded on output.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    /// An empty query.
    pub fn new() -> Self {
        Query::default()
    }

    /// Adds `key=value`.
    pub fn push<V: QueryValue + ?Sized>(&mut self, key: &str, value: &V) {
        self.pairs.push((key.to_string(), value.to_query_value()));
    }

    /// Adds `key=value` when the value is present.
    pub fn push_opt<V: QueryValue>(&mut self, key: &str, value: &Option<V>) {
        if let Some(v) = value {
            self.push(key, v);
        }
    }

    /// Adds `key=value` once per value, repeating the key (`group_by[]=a&group_by[]=b`).
    pub fn push_each<V: QueryValue>(&mut self, key: &str, values: &[V]) {
        for v in values {
            self.push(key, v);
        }
    }

    /// Whether no pair was added.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// The pairs, unencoded, in insertion order.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// The encoded query string, without the leading `?`.
    pub fn to_query_string(&self) -> String {
        let mut out = String::new();
        for (k, v) in &self.pairs {
            if !out.is_empty() {
                out.push('&');
            }
            out.extend(utf8_percent_encode(k, QUERY_KEY));
            out.push('=');
            out.extend(utf8_percent_encode(v, UNRESERVED_ONLY));
        }
        out
    }
}

/// A value that can appear in a query string.
pub trait QueryValue {
    /// The value as text, before percent-encoding.
    fn to_query_value(&self) -> String;
}

impl QueryValue for str {
    fn to_query_value(&self) -> String {
        self.to_string()
    }
}

impl QueryValue for String {
    fn to_query_value(&self) -> String {
        self.clone()
    }
}

macro_rules! display_query_value {
    ($($t:ty),*) => {$(
        impl QueryValue for $t {
            fn to_query_value(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
display_query_value!(bool, i32, i64, u32, u64, f64);

impl QueryValue for chrono::DateTime<chrono::Utc> {
    /// RFC 3339 in UTC to the second, with a `Z` suffix (`2025-01-01T00:00:00Z`), the form the
    /// API documents for its time parameters. A fractional second (as `Utc::now()` has, to the
    /// nanosecond) is dropped: the times this crate sends bound report buckets and lists,
    /// whose finest step is a minute.
    fn to_query_value(&self) -> String {
        self.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    }
}

impl QueryValue for chrono::NaiveDate {
    /// `YYYY-MM-DD`.
    fn to_query_value(&self) -> String {
        self.format("%Y-%m-%d").to_string()
    }
}

impl<T: QueryValue + ?Sized> QueryValue for &T {
    fn to_query_value(&self) -> String {
        (**self).to_query_value()
    }
}
