//! What an attempt sends: the URL a request goes to (and whether it may carry the client's
//! credentials there) and its headers.

use reqwest::Url;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::builder::split_beta_names;
use super::core::ClientCore;
use crate::error::{Error, Result, quoted};
use crate::request::{Body, EncodedMultipart, Request};

const USER_AGENT: &str = concat!("anthropic-openapi/", env!("CARGO_PKG_VERSION"));

pub(super) const ACCEPT_JSON: &str = "application/json";
pub(super) const ACCEPT_SSE: &str = "text/event-stream";
pub(super) const ACCEPT_JSONL: &str = "application/x-jsonl";
pub(super) const ACCEPT_ANY: &str = "*/*";

const ANTHROPIC_VERSION: HeaderName = HeaderName::from_static("anthropic-version");
const ANTHROPIC_BETA: HeaderName = HeaderName::from_static("anthropic-beta");
pub(super) const RETRY_COUNT: HeaderName = HeaderName::from_static("x-stainless-retry-count");

/// Where a request goes and whether it may carry the client's credentials.
pub(super) struct Target {
    pub(super) url: Url,
    pub(super) credentials: bool,
}

impl ClientCore {
    /// The URL of an API request, refusing paths that would not reach the intended endpoint.
    pub(super) fn target_for(&self, req: &Request) -> Result<Target> {
        let path = &req.path;
        let Some(segments) = path.strip_prefix('/') else {
            return Err(Error::Config(format!(
                "request path {} does not start with '/'",
                quoted(path)
            )));
        };
        for segment in segments.as_bytes().split(|&b| b == b'/') {
            if segment.is_empty() {
                return Err(Error::Config(format!(
                    "request path {} has an empty segment (an empty id?)",
                    quoted(path)
                )));
            }
            if is_dot_segment(segment) {
                return Err(Error::Config(format!(
                    "request path {} has a dot segment, which would change the endpoint",
                    quoted(path)
                )));
            }
        }
        // The base URL was parsed when the client was built: only the path and query are
        // parsed here (parsing the whole URL again, host included, was the largest cost of
        // preparing a request).
        let base_path = &self.inner.base_path;
        let expected: std::borrow::Cow<'_, str> = if base_path.is_empty() {
            path.into()
        } else {
            [base_path, path.as_str()].concat().into()
        };
        let mut url = self.inner.base_url.clone();
        url.set_path(&expected);
        if !req.query.is_empty() {
            url.set_query(Some(&req.query.to_query_string()));
        }
        if url.path() != expected {
            return Err(Error::Config(format!(
                "request path {} is not a valid encoded path",
                quoted(path)
            )));
        }
        Ok(Target {
            url,
            credentials: true,
        })
    }

    /// The headers of every attempt, except those of a multipart body (see
    /// [`set_multipart_headers`]) and `x-stainless-retry-count`. The map has room for those
    /// too, so that adding them does not grow it.
    pub(super) fn headers(
        &self,
        req: &Request,
        accept: &'static str,
        credentials: bool,
    ) -> Result<HeaderMap> {
        let inner = &self.inner;
        let betas = split_beta_names(
            inner
                .betas
                .iter()
                .chain(&self.overrides.betas)
                .map(String::as_str)
                .chain(req.betas.iter().copied()),
        );
        // The most entries the map gets: user agent, accept, version and retry count; betas;
        // the content type (and length, for a multipart body); the credentials and the
        // headers of the client and of its options; those of the request.
        let mut capacity = 4 + usize::from(!betas.is_empty()) + req.headers.len();
        capacity += match req.body {
            Body::Empty => 0,
            Body::Json(_) => 1,
            Body::Multipart(_) => 2,
        };
        if credentials {
            capacity += 1 + inner.default_headers.len() + self.overrides.headers.len();
        }
        let mut h = HeaderMap::try_with_capacity(capacity).unwrap_or_default();
        h.insert(
            reqwest::header::USER_AGENT,
            HeaderValue::from_static(USER_AGENT),
        );
        h.insert(reqwest::header::ACCEPT, HeaderValue::from_static(accept));
        h.insert(ANTHROPIC_VERSION, inner.api_version.clone());
        let betas_in_header = inner.platform.as_ref().is_none_or(|p| p.betas_in_header());
        if betas_in_header && !betas.is_empty() {
            let joined = betas.join(",");
            let v = HeaderValue::from_str(&joined)
                .map_err(|_| Error::Config(format!("invalid beta names {}", quoted(&joined))))?;
            h.insert(ANTHROPIC_BETA, v);
        }
        if let Body::Json(_) = req.body {
            h.insert(
                reqwest::header::CONTENT_TYPE,
                HeaderValue::from_static(ACCEPT_JSON),
            );
        }
        if credentials {
            // Through a platform, the platform authorizes each attempt instead.
            if inner.platform.is_none() {
                let (name, value) = inner.credentials.header(req.auth)?;
                h.insert(name, value.clone());
            }
            for (name, value) in &inner.default_headers {
                h.insert(name.clone(), value.clone());
            }
            for (name, value) in &self.overrides.headers {
                let (n, v) = parse_header(name, value)?;
                h.insert(n, v);
            }
        }
        for (name, value) in &req.headers {
            let (n, v) = parse_header(name, value)?;
            h.insert(n, v);
        }
        Ok(h)
    }
}

pub(super) fn parse_header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue)> {
    let n = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| Error::Config(format!("invalid header name {}", quoted(name))))?;
    let v = HeaderValue::from_str(value)
        .map_err(|_| Error::Config(format!("invalid value for header {}", quoted(name))))?;
    let mut v = v;
    if is_sensitive_name(&n) {
        v.set_sensitive(true);
    }
    Ok((n, v))
}

/// Whether a header may hold a credential: its value is then marked sensitive, which keeps
/// it out of `reqwest`'s and `hyper`'s debug output.
fn is_sensitive_name(name: &HeaderName) -> bool {
    let n = name.as_str();
    matches!(
        n,
        "authorization" | "proxy-authorization" | "cookie" | "set-cookie"
    ) || ["key", "token", "secret", "password", "auth"]
        .iter()
        .any(|word| n.contains(word))
}

/// The value of `x-stainless-retry-count`; the usual ones are not formatted each time.
pub(super) fn retry_count_value(retry: u32) -> HeaderValue {
    match retry {
        0 => HeaderValue::from_static("0"),
        1 => HeaderValue::from_static("1"),
        2 => HeaderValue::from_static("2"),
        n => HeaderValue::from(n),
    }
}

/// The `Content-Type` (with the boundary) and, when known, the `Content-Length` of a
/// multipart body; they replace any the request had.
pub(super) fn set_multipart_headers(
    headers: &mut HeaderMap,
    encoded: &EncodedMultipart,
) -> Result<()> {
    let content_type = HeaderValue::from_str(&encoded.content_type)
        .map_err(|_| Error::Config("invalid multipart content type".into()))?;
    headers.insert(reqwest::header::CONTENT_TYPE, content_type);
    // Without a length (a stream of unknown size) the body is sent chunked.
    if let Some(len) = encoded.len {
        headers.insert(reqwest::header::CONTENT_LENGTH, len.into());
    }
    Ok(())
}

/// Whether a path segment is `.` or `..` once percent-decoded (`%2E`, `.%2e`, …), which URL
/// parsers resolve, changing the endpoint. Only `.` and `%2E` (either case) decode to a dot,
/// and any other byte makes the segment something else.
pub(super) fn is_dot_segment(segment: &[u8]) -> bool {
    let mut rest = segment;
    let mut dots = 0;
    while !rest.is_empty() {
        rest = match rest {
            [b'.', tail @ ..] | [b'%', b'2', b'e' | b'E', tail @ ..] => tail,
            _ => return false,
        };
        dots += 1;
    }
    matches!(dots, 1 | 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_segments_are_found_as_percent_decoding_finds_them() {
        for segment in [
            "",
            ".",
            "..",
            "...",
            "%2e",
            "%2E",
            ".%2e",
            "%2E.",
            "%2e%2E",
            "%2e%2e%2e",
            "%2",
            "%2f",
            "%25%2e",
            "%2e%",
            "%",
            "a",
            ".a",
            "a.",
            "%C0%AE",
            "%2e%2e%2f",
            "%2E%2",
            "%%2e",
            "%2e %2e",
        ] {
            let decoded = percent_encoding::percent_decode_str(segment).decode_utf8_lossy();
            assert_eq!(
                is_dot_segment(segment.as_bytes()),
                decoded == "." || decoded == "..",
                "{segment:?}"
            );
        }
    }

    #[test]
    fn retry_count_values() {
        for n in [0, 1, 2, 3, 10, u32::MAX] {
            assert_eq!(retry_count_value(n), HeaderValue::from(n));
        }
    }
}
