//! What names an operation: its `operationId`, split into the resource path and the method
//! name, and its HTTP method.

use super::HttpMethod;
use crate::Error;

/// The names read from an `operationId`.
pub(super) struct Identity {
    /// The whole `operationId` (`messages.batches.list`).
    pub id: String,
    /// Every segment but the last (`["messages", "batches"]`).
    pub resource: Vec<String>,
    /// The last segment (`list`).
    pub method_name: String,
}

/// Reads the `operationId`, which must be dot-separated snake_case segments, at least two.
pub(super) fn identity(op: &openapiv3::Operation, ptr: &str) -> Result<Identity, Error> {
    let id = op.operation_id.clone().ok_or_else(|| {
        Error::new(
            ptr,
            "every operation needs an operationId (`resource.method`)",
        )
    })?;
    let segments: Vec<String> = id.split('.').map(str::to_string).collect();
    let well_formed = segments.len() >= 2 && segments.iter().all(|s| is_snake_segment(s));
    if !well_formed {
        return Err(Error::new(
            format!("{ptr}/operationId"),
            format!("`{id}` must be dot-separated snake_case segments: `resource[.sub].method`"),
        ));
    }
    let (method_name, resource) = segments.split_last().expect("checked: two or more");
    Ok(Identity {
        method_name: method_name.clone(),
        resource: resource.to_vec(),
        id,
    })
}

/// A lowercase letter, then lowercase letters, digits and underscores.
fn is_snake_segment(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The HTTP method of a path item's key (`get`, `post`, ...).
pub(super) fn http_method(method: &str, ptr: &str) -> Result<HttpMethod, Error> {
    match method {
        "get" => Ok(HttpMethod::Get),
        "post" => Ok(HttpMethod::Post),
        "put" => Ok(HttpMethod::Put),
        "patch" => Ok(HttpMethod::Patch),
        "delete" => Ok(HttpMethod::Delete),
        other => Err(Error::new(
            ptr,
            format!("HTTP method `{other}` is not supported"),
        )),
    }
}
