//! What every simulated endpoint needs: the request at hand, error replies in the API's
//! envelope, query and multipart parsing, ids and timestamps.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};
use testkit::{Recorded, Reply};

/// One request being answered.
pub struct Call<'a> {
    pub request: &'a Recorded,
    /// The `request-id` the reply will carry (also written into error bodies).
    pub request_id: String,
    pub now: DateTime<Utc>,
}

impl<'a> Call<'a> {
    pub fn new(request: &'a Recorded, request_id: String) -> Call<'a> {
        Call {
            request,
            request_id,
            now: Utc::now(),
        }
    }

    /// The checks the API makes before looking at a request: credentials, and the
    /// `anthropic-version` header.
    pub fn check_headers(&self) -> Result<(), Reply> {
        let key = self.request.header("x-api-key").unwrap_or_default();
        let bearer = self.request.header("authorization").is_some();
        let path = self.request.path();
        let admin_path = path.starts_with("/v1/organizations");
        let token_only = path.starts_with("/v1/organizations/service_accounts")
            || path.starts_with("/v1/organizations/federation_");
        if key.is_empty() && !bearer {
            return Err(self.error(401, "authentication_error", "x-api-key header is required"));
        }
        if token_only && !bearer {
            return Err(self.error(
                401,
                "authentication_error",
                "admin keys are not accepted here: use an org:admin OAuth token",
            ));
        }
        if admin_path && !bearer && !key.starts_with("sk-ant-admin") {
            return Err(self.error(
                401,
                "authentication_error",
                "the Admin API needs an admin key (sk-ant-admin...) or an org:admin OAuth token",
            ));
        }
        if self.request.header("anthropic-version").is_none() {
            return Err(self.error(
                400,
                "invalid_request_error",
                "anthropic-version: header is required",
            ));
        }
        Ok(())
    }

    /// A reply in the API's error envelope.
    pub fn error(&self, status: u16, kind: &str, message: &str) -> Reply {
        Reply::json(json!({
            "type": "error",
            "error": { "type": kind, "message": message },
            "request_id": self.request_id,
        }))
        .status(status)
    }

    /// Whether the `anthropic-beta` header names `beta`.
    pub fn has_beta(&self, beta: &str) -> bool {
        self.request
            .headers
            .iter()
            .filter(|(name, _)| name == "anthropic-beta")
            .flat_map(|(_, value)| value.split(','))
            .any(|name| name.trim() == beta)
    }

    /// The first value of a query parameter.
    pub fn query(&self, key: &str) -> Option<String> {
        self.request.query(key)
    }

    /// Every value of a repeated query parameter (`group_by[]=a&group_by[]=b`).
    pub fn query_all(&self, key: &str) -> Vec<String> {
        self.request.query_all(key)
    }

    /// An integer query parameter within `min..=max`, or `default` when absent.
    pub fn query_int(&self, key: &str, default: i64, min: i64, max: i64) -> Result<i64, Reply> {
        match self.query(key) {
            None => Ok(default),
            Some(text) => match text.parse::<i64>() {
                Ok(n) if (min..=max).contains(&n) => Ok(n),
                _ => Err(self.error(
                    400,
                    "invalid_request_error",
                    &format!("{key}: must be an integer from {min} to {max}, got {text:?}"),
                )),
            },
        }
    }

    /// A date-time query parameter (RFC 3339).
    pub fn query_time(&self, key: &str) -> Result<Option<DateTime<Utc>>, Reply> {
        match self.query(key) {
            None => Ok(None),
            Some(text) => DateTime::parse_from_rfc3339(&text)
                .map(|t| Some(t.with_timezone(&Utc)))
                .map_err(|e| {
                    self.error(
                        400,
                        "invalid_request_error",
                        &format!("{key}: {text:?} is not an RFC 3339 date-time ({e})"),
                    )
                }),
        }
    }

    /// The JSON body decoded into `T`, or a `400` naming what is wrong.
    pub fn body<T: serde::de::DeserializeOwned>(&self) -> Result<T, Reply> {
        serde_json::from_slice(&self.request.body).map_err(|e| {
            self.error(
                400,
                "invalid_request_error",
                &format!("the request body is not valid: {e}"),
            )
        })
    }

    /// `http://<host>` as the client addressed the server, for absolute URLs in responses.
    pub fn origin(&self) -> String {
        let host = self.request.header("host").unwrap_or("127.0.0.1");
        format!("http://{host}")
    }
}

/// A time as the API writes it: RFC 3339, UTC, microseconds.
pub fn timestamp(t: DateTime<Utc>) -> Value {
    Value::String(t.to_rfc3339_opts(SecondsFormat::Micros, true))
}

/// Ids in the API's style (`msg_01` followed by 22 letters and digits), from a fixed seed so
/// that every run of an example prints the same ones.
pub struct Ids {
    rng: fastrand::Rng,
}

impl Ids {
    pub fn new() -> Ids {
        Ids {
            rng: fastrand::Rng::with_seed(0x5eed),
        }
    }

    pub fn next(&mut self, prefix: &str) -> String {
        const ALPHABET: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
        let tail: String = (0..22)
            .map(|_| char::from(ALPHABET[self.rng.usize(..ALPHABET.len())]))
            .collect();
        format!("{prefix}_01{tail}")
    }
}

/// One part of a `multipart/form-data` body.
pub struct Part {
    pub name: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

/// Splits a `multipart/form-data` body into its parts, given the request's `content-type`.
pub fn multipart(content_type: &str, body: &[u8]) -> Result<Vec<Part>, String> {
    let boundary = content_type
        .split(';')
        .find_map(|p| p.trim().strip_prefix("boundary="))
        .map(|b| b.trim_matches('"'))
        .ok_or("the content-type has no multipart boundary")?;
    let delimiter = format!("--{boundary}").into_bytes();
    let closing = [b"\r\n".as_slice(), &delimiter].concat();

    let start = find(body, &delimiter).ok_or("the body has no multipart boundary")?;
    let mut rest = &body[start + delimiter.len()..];
    let mut parts = Vec::new();
    while !rest.starts_with(b"--") {
        rest = rest
            .strip_prefix(b"\r\n")
            .ok_or("a multipart boundary is not followed by a line break")?;
        let end = find(rest, &closing).ok_or("a multipart part is not terminated")?;
        let (part, after) = rest.split_at(end);
        rest = &after[closing.len()..];

        let head_end = find(part, b"\r\n\r\n").ok_or("a multipart part has no header end")?;
        let head = String::from_utf8_lossy(&part[..head_end]);
        let mut parsed = Part {
            name: String::new(),
            filename: None,
            content_type: None,
            data: part[head_end + 4..].to_vec(),
        };
        for line in head.lines() {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            match name.trim().to_ascii_lowercase().as_str() {
                "content-disposition" => {
                    for param in value.split(';').skip(1) {
                        if let Some((k, v)) = param.trim().split_once('=') {
                            let v = v.trim_matches('"').to_string();
                            match k {
                                "name" => parsed.name = v,
                                "filename" => parsed.filename = Some(v),
                                _ => {}
                            }
                        }
                    }
                }
                "content-type" => parsed.content_type = Some(value.trim().to_string()),
                _ => {}
            }
        }
        parts.push(parsed);
    }
    Ok(parts)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
