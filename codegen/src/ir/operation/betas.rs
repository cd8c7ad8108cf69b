//! `x-anthropic-beta`: the betas an operation always sends.

use indexmap::IndexMap;
use serde_json::Value;

use crate::Error;

/// The operation's fixed beta names, empty when it has none.
pub(super) fn betas(ext: &IndexMap<String, Value>, ptr: &str) -> Result<Vec<String>, Error> {
    let Some(v) = ext.get("x-anthropic-beta") else {
        return Ok(Vec::new());
    };
    v.as_array()
        .and_then(|a| {
            a.iter()
                .map(|b| b.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
        })
        .ok_or_else(|| {
            Error::new(
                format!("{ptr}/x-anthropic-beta"),
                "must be a list of strings",
            )
        })
}
