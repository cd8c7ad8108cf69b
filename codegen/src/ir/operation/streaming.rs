//! Streaming: `x-stream-flag`, the body property that switches a response to server-sent
//! events, and `x-nonstreaming-guard`, the body property from which the runtime judges whether
//! a call that does not stream may take too long.

use indexmap::IndexMap;
use serde_json::Value;

use super::{Body, Response, json_body_type, struct_of};
use crate::Error;
use crate::ir::TypeRef;
use crate::ir::schema::TypeBuilder;

/// The stream flag, if any. An operation has one exactly when its response can be server-sent
/// events, and the flag must be an optional boolean property of its JSON body.
pub(super) fn stream_flag(
    types: &TypeBuilder,
    ext: &IndexMap<String, Value>,
    body: Option<&Body>,
    response: &Response,
    ptr: &str,
) -> Result<Option<String>, Error> {
    let Some(v) = ext.get("x-stream-flag") else {
        if matches!(response, Response::Sse { .. }) {
            return Err(Error::new(
                ptr,
                "a text/event-stream response needs x-stream-flag naming the body property that turns it on",
            ));
        }
        return Ok(None);
    };
    let flag = v
        .as_str()
        .ok_or_else(|| Error::new(format!("{ptr}/x-stream-flag"), "must be a string"))?;
    if !matches!(response, Response::Sse { .. }) {
        return Err(Error::new(
            ptr,
            "x-stream-flag needs a 200 response with both application/json and text/event-stream",
        ));
    }
    let Some(body_ty) = json_body_type(body) else {
        return Err(Error::new(
            ptr,
            "x-stream-flag needs a JSON body of a named object type",
        ));
    };
    let has_flag = struct_of(types, body_ty).is_some_and(|s| {
        s.fields
            .iter()
            .any(|f| f.wire == flag && f.ty == TypeRef::Bool && !f.required)
    });
    if !has_flag {
        return Err(Error::new(
            ptr,
            format!("x-stream-flag `{flag}` must be an optional boolean property of `{body_ty}`"),
        ));
    }
    Ok(Some(flag.to_string()))
}

/// The Rust field of the body named by `x-nonstreaming-guard`, if any: a required,
/// non-nullable integer property of the JSON body.
pub(super) fn nonstreaming_guard(
    types: &TypeBuilder,
    ext: &IndexMap<String, Value>,
    body: Option<&Body>,
    ptr: &str,
) -> Result<Option<String>, Error> {
    let Some(v) = ext.get("x-nonstreaming-guard") else {
        return Ok(None);
    };
    let g_ptr = format!("{ptr}/x-nonstreaming-guard");
    let prop = v
        .as_str()
        .ok_or_else(|| Error::new(&g_ptr, "must name a body property"))?;
    let Some(body_ty) = json_body_type(body) else {
        return Err(Error::new(
            &g_ptr,
            "needs a JSON body of a named object type",
        ));
    };
    let field = struct_of(types, body_ty)
        .and_then(|s| s.fields.iter().find(|f| f.wire == prop))
        .filter(|f| f.required && !f.nullable && f.ty == TypeRef::Integer)
        .ok_or_else(|| {
            Error::new(
                &g_ptr,
                format!("`{prop}` must be a required integer property of `{body_ty}`"),
            )
        })?;
    Ok(Some(field.ident.clone()))
}
