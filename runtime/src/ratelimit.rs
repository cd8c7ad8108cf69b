//! Typed rate-limit information, read from the `anthropic-ratelimit-*` response headers.
//!
//! The API reports, on its responses, how much of each of the organization's rate limits is
//! left: for requests, for tokens, and for input and output tokens separately. Each limit has
//! three headers, `anthropic-ratelimit-<kind>-limit`, `-remaining` and `-reset`, where `<kind>`
//! is `requests`, `tokens`, `input-tokens` or `output-tokens`; the first two are whole numbers
//! and the last is an RFC 3339 timestamp.
//!
//! Reading them never fails: a header that is absent, not text, or not of the expected form
//! is left out (`None`), so a proxy that drops or rewrites them costs nothing but the
//! information.

use chrono::{DateTime, Utc};
use reqwest::header::HeaderMap;

/// One rate limit's state, as a response reported it.
///
/// Each field is `None` when its header was absent or could not be read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct RateLimit {
    /// The most the limit allows (`anthropic-ratelimit-<kind>-limit`).
    pub limit: Option<u64>,
    /// How much of it is left (`anthropic-ratelimit-<kind>-remaining`).
    pub remaining: Option<u64>,
    /// When the limit is fully replenished (`anthropic-ratelimit-<kind>-reset`, RFC 3339).
    pub reset: Option<DateTime<Utc>>,
}

impl RateLimit {
    /// Whether the response said nothing about this limit (every field is `None`).
    pub fn is_empty(&self) -> bool {
        self.limit.is_none() && self.remaining.is_none() && self.reset.is_none()
    }

    /// Reads the three headers of `anthropic-ratelimit-<kind>-…`.
    fn read(headers: &HeaderMap, kind: &str) -> Self {
        let text = |suffix: &str| {
            let name = format!("anthropic-ratelimit-{kind}-{suffix}");
            headers
                .get(name.as_str())
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
        };
        RateLimit {
            limit: text("limit").and_then(|v| v.parse().ok()),
            remaining: text("remaining").and_then(|v| v.parse().ok()),
            reset: text("reset")
                .and_then(|v| DateTime::parse_from_rfc3339(v).ok())
                .map(|d| d.with_timezone(&Utc)),
        }
    }
}

/// The rate limits a response reported, from its `anthropic-ratelimit-*` headers.
///
/// Available on a success through [`ApiResponse::rate_limits`](crate::ApiResponse::rate_limits)
/// (with `.with_response()` on a call) and on an error response through
/// [`ApiError::rate_limits`](crate::ApiError::rate_limits), such as a 429 that says which limit
/// was reached and when it resets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct RateLimits {
    /// Requests (`anthropic-ratelimit-requests-*`).
    pub requests: RateLimit,
    /// Tokens (`anthropic-ratelimit-tokens-*`).
    pub tokens: RateLimit,
    /// Input tokens (`anthropic-ratelimit-input-tokens-*`).
    pub input_tokens: RateLimit,
    /// Output tokens (`anthropic-ratelimit-output-tokens-*`).
    pub output_tokens: RateLimit,
}

impl RateLimits {
    /// Reads the rate limits from a response's headers. Never fails: what is absent or
    /// unreadable is `None`.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        RateLimits {
            requests: RateLimit::read(headers, "requests"),
            tokens: RateLimit::read(headers, "tokens"),
            input_tokens: RateLimit::read(headers, "input-tokens"),
            output_tokens: RateLimit::read(headers, "output-tokens"),
        }
    }

    /// Whether the headers said nothing about any limit (as for an `error` event inside a
    /// stream, or a response from a server that does not send them).
    pub fn is_empty(&self) -> bool {
        self.requests.is_empty()
            && self.tokens.is_empty()
            && self.input_tokens.is_empty()
            && self.output_tokens.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &[u8])]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (n, v) in pairs {
            h.insert(*n, HeaderValue::from_bytes(v).unwrap());
        }
        h
    }

    #[test]
    fn reads_every_kind() {
        let h = headers(&[
            ("anthropic-ratelimit-requests-limit", b"1000"),
            ("anthropic-ratelimit-requests-remaining", b"999"),
            (
                "anthropic-ratelimit-requests-reset",
                b"2025-08-21T12:40:59Z",
            ),
            ("anthropic-ratelimit-tokens-limit", b"96000"),
            ("anthropic-ratelimit-tokens-remaining", b" 95000 "),
            (
                "anthropic-ratelimit-tokens-reset",
                b"2025-08-21T14:41:00+02:00",
            ),
            ("anthropic-ratelimit-input-tokens-limit", b"80000"),
            ("anthropic-ratelimit-input-tokens-remaining", b"0"),
            ("anthropic-ratelimit-output-tokens-limit", b"16000"),
            (
                "anthropic-ratelimit-output-tokens-reset",
                b"2025-08-21T12:41:00.5Z",
            ),
        ]);
        let r = RateLimits::from_headers(&h);
        let at = |s| Utc.with_ymd_and_hms(2025, 8, 21, 12, 40, s).unwrap();
        assert_eq!(r.requests.limit, Some(1000));
        assert_eq!(r.requests.remaining, Some(999));
        assert_eq!(r.requests.reset, Some(at(59)));
        assert_eq!(r.tokens.limit, Some(96000));
        assert_eq!(r.tokens.remaining, Some(95000));
        // An offset is converted to UTC.
        assert_eq!(
            r.tokens.reset,
            Some(Utc.with_ymd_and_hms(2025, 8, 21, 12, 41, 0).unwrap())
        );
        assert_eq!(r.input_tokens.limit, Some(80000));
        assert_eq!(r.input_tokens.remaining, Some(0));
        assert_eq!(r.input_tokens.reset, None);
        assert_eq!(r.output_tokens.limit, Some(16000));
        assert_eq!(r.output_tokens.remaining, None);
        assert_eq!(
            r.output_tokens.reset,
            Some(
                Utc.with_ymd_and_hms(2025, 8, 21, 12, 41, 0).unwrap()
                    + chrono::Duration::milliseconds(500)
            )
        );
        assert!(!r.is_empty());
    }

    #[test]
    fn odd_values_are_none() {
        let h = headers(&[
            ("anthropic-ratelimit-requests-limit", b"-1"),
            ("anthropic-ratelimit-requests-remaining", b"12.5"),
            (
                "anthropic-ratelimit-requests-reset",
                b"Wed, 21 Oct 2015 07:28:00 GMT",
            ),
            (
                "anthropic-ratelimit-tokens-limit",
                b"99999999999999999999999",
            ),
            ("anthropic-ratelimit-tokens-remaining", b""),
            ("anthropic-ratelimit-tokens-reset", b"tomorrow"),
            ("anthropic-ratelimit-input-tokens-limit", b"\xff\xfe"),
            ("anthropic-ratelimit-input-tokens-reset", b"1755780059"),
        ]);
        let r = RateLimits::from_headers(&h);
        assert_eq!(r, RateLimits::default());
        assert!(r.is_empty());
    }

    #[test]
    fn no_headers_is_empty() {
        let r = RateLimits::from_headers(&HeaderMap::new());
        assert!(r.is_empty());
        assert!(r.requests.is_empty());
    }
}
