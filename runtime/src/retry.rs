//! When a failed attempt is retried, and how long to wait before the next one.
//!
//! The rules follow the official SDKs: connection errors, timeouts and the statuses 408, 409,
//! 429 and 5xx are retried, unless the response says otherwise with `x-should-retry`. The wait
//! is the server's `retry-after-ms` or `retry-after` when it is between 0 and 60 seconds, else
//! an exponential backoff (0.5 s doubling up to 8 s) shortened by up to 25 % of jitter.

use std::time::Duration;

use reqwest::header::HeaderMap;

/// The longest server-requested wait that is honoured; longer ones fall back to the backoff.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// The backoff schedule: `initial * 2^n`, capped at `max`, for retry `n` (0 for the first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Backoff {
    pub(crate) initial: Duration,
    pub(crate) max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            initial: Duration::from_millis(500),
            max: Duration::from_secs(8),
        }
    }
}

impl Backoff {
    /// The wait before retry `n`, before jitter.
    fn base(&self, n: u32) -> Duration {
        let factor = 2f64.powi(n.min(1000) as i32);
        let secs = (self.initial.as_secs_f64() * factor).min(self.max.as_secs_f64());
        Duration::from_secs_f64(secs.max(0.0))
    }

    /// The wait before retry `n` with `jitter` (in `0..1`) times 25 % taken off.
    fn with_jitter(&self, n: u32, jitter: f64) -> Duration {
        let factor = (1.0 - 0.25 * jitter.clamp(0.0, 1.0)).max(0.0);
        self.base(n).mul_f64(factor)
    }
}

/// Whether a status is worth retrying when the response does not say.
pub(crate) fn retryable_status(status: u16) -> bool {
    matches!(status, 408 | 409 | 429) || status >= 500
}

/// Whether an error response may be retried: as its `x-should-retry` header says, else by
/// its status. (The retry loop also gives up on a response whose body went over the kept
/// limit; see `client/response.rs`.)
pub(crate) fn retryable_response(status: u16, headers: &HeaderMap) -> bool {
    should_retry_header(headers).unwrap_or_else(|| retryable_status(status))
}

/// Whether a failure to send a request or read its response may be retried: all may, except
/// those another attempt would repeat (a request that cannot be built, a redirect loop).
pub(crate) fn retryable_transport(e: &reqwest::Error) -> bool {
    !(e.is_builder() || e.is_redirect())
}

/// The `x-should-retry` header: `Some(true)` forces a retry, `Some(false)` forbids it.
pub(crate) fn should_retry_header(headers: &HeaderMap) -> Option<bool> {
    match headers.get("x-should-retry")?.to_str().ok()?.trim() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// The wait the server asked for, from `retry-after-ms` (milliseconds) or else `retry-after`
/// (seconds, or an HTTP date compared with `now`). May be zero, negative values excluded.
pub(crate) fn server_delay(
    headers: &HeaderMap,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<Duration> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    // `try_from`: a server may send any number, and a huge one must not panic.
    let secs = |s: f64| {
        (s >= 0.0)
            .then(|| Duration::try_from_secs_f64(s).ok())
            .flatten()
    };
    if let Some(ms) = text("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        return secs(ms / 1000.0);
    }
    let value = text("retry-after")?;
    if let Ok(s) = value.parse::<f64>() {
        return secs(s);
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let millis = date.with_timezone(&chrono::Utc) - now;
    secs(millis.num_milliseconds() as f64 / 1000.0)
}

/// The wait before retry `n` (0 for the first retry) after a response with `headers` (none
/// for a connection error or a timeout).
pub(crate) fn retry_delay(headers: Option<&HeaderMap>, n: u32, backoff: &Backoff) -> Duration {
    if let Some(d) = headers.and_then(|h| server_delay(h, chrono::Utc::now()))
        && !d.is_zero()
        && d <= MAX_RETRY_AFTER
    {
        return d;
    }
    backoff.with_jitter(n, fastrand::f64())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (n, v) in pairs {
            h.insert(*n, v.parse().unwrap());
        }
        h
    }

    fn now() -> chrono::DateTime<chrono::Utc> {
        chrono::Utc
            .with_ymd_and_hms(2015, 10, 21, 7, 28, 0)
            .unwrap()
    }

    #[test]
    fn statuses() {
        for s in [408, 409, 429, 500, 502, 503, 504, 529, 599] {
            assert!(retryable_status(s), "{s}");
        }
        for s in [200, 400, 401, 403, 404, 413, 422] {
            assert!(!retryable_status(s), "{s}");
        }
    }

    #[test]
    fn x_should_retry_overrides_the_status() {
        assert!(retryable_response(429, &HeaderMap::new()));
        assert!(!retryable_response(400, &HeaderMap::new()));
        assert!(!retryable_response(
            503,
            &headers(&[("x-should-retry", "false")])
        ));
        assert!(retryable_response(
            400,
            &headers(&[("x-should-retry", "true")])
        ));
    }

    #[test]
    fn should_retry() {
        assert_eq!(
            should_retry_header(&headers(&[("x-should-retry", "true")])),
            Some(true)
        );
        assert_eq!(
            should_retry_header(&headers(&[("x-should-retry", "false")])),
            Some(false)
        );
        assert_eq!(
            should_retry_header(&headers(&[("x-should-retry", "maybe")])),
            None
        );
        assert_eq!(should_retry_header(&HeaderMap::new()), None);
    }

    #[test]
    fn retry_after_forms() {
        let ms = |pairs: &[(&'static str, &str)]| {
            server_delay(&headers(pairs), now()).map(|d| d.as_millis())
        };
        assert_eq!(ms(&[("retry-after-ms", "150.5")]), Some(150));
        assert_eq!(
            ms(&[("retry-after-ms", "20"), ("retry-after", "7")]),
            Some(20)
        );
        assert_eq!(ms(&[("retry-after", "1.25")]), Some(1250));
        assert_eq!(ms(&[("retry-after", "-3")]), None);
        assert_eq!(
            ms(&[("retry-after", "Wed, 21 Oct 2015 07:28:05 GMT")]),
            Some(5000)
        );
        assert_eq!(
            ms(&[("retry-after", "Wed, 21 Oct 2015 07:27:00 GMT")]),
            None
        );
        assert_eq!(ms(&[("retry-after", "soon")]), None);
        // Numbers too large for a Duration are ignored, not a panic.
        assert_eq!(ms(&[("retry-after", "1e300")]), None);
        assert_eq!(ms(&[("retry-after-ms", "inf")]), None);
        assert_eq!(ms(&[]), None);
    }

    #[test]
    fn out_of_range_server_delays_fall_back_to_backoff() {
        let b = Backoff::default();
        for v in ["0", "61", "3600", "1e300", "inf", "NaN"] {
            let d = retry_delay(Some(&headers(&[("retry-after", v)])), 0, &b);
            assert!(
                d <= Duration::from_millis(500) && d >= Duration::from_millis(375),
                "{v}: {d:?}"
            );
        }
        let d = retry_delay(Some(&headers(&[("retry-after", "60")])), 0, &b);
        assert_eq!(d, Duration::from_secs(60));
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_and_jitter_subtracts_at_most_a_quarter() {
        let b = Backoff::default();
        let secs: Vec<f64> = (0..7).map(|n| b.base(n).as_secs_f64()).collect();
        assert_eq!(secs, [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]);
        assert_eq!(b.base(u32::MAX), Duration::from_secs(8));
        assert_eq!(b.with_jitter(0, 0.0), Duration::from_millis(500));
        assert_eq!(b.with_jitter(0, 1.0), Duration::from_millis(375));
        for n in 0..10 {
            let d = retry_delay(None, n, &b);
            assert!(d <= b.base(n) && d >= b.base(n).mul_f64(0.75), "{n}: {d:?}");
        }
    }
}
