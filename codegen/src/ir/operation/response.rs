//! What a successful call returns, from the media types of the first 2xx response: JSON,
//! JSON or server-sent events, JSON lines, bytes, or nothing.

use openapiv3::{ReferenceOr, StatusCode};

use super::Response;
use crate::Error;
use crate::error::pointer_segment;
use crate::ir::TypeRef;
use crate::ir::schema::TypeBuilder;

/// The response media types the generator reads.
const SUPPORTED: &[&str] = &[
    "application/json",
    "text/event-stream",
    "application/x-jsonl",
    "application/octet-stream",
];

/// Reads the first 2xx response (which must be written inline). Inline schemas become types
/// named after the operation: `…Response` for JSON, `…Event` for one server-sent event,
/// `…Line` for one JSON line.
pub(super) fn build_response(
    types: &mut TypeBuilder,
    op: &openapiv3::Operation,
    params_name: &str,
    ptr: &str,
) -> Result<Response, Error> {
    let success = op.responses.responses.iter().find(|(code, _)| match code {
        StatusCode::Code(c) => (200..300).contains(c),
        StatusCode::Range(r) => *r == 2,
    });
    let Some((code, resp)) = success else {
        return Err(Error::new(
            format!("{ptr}/responses"),
            "an operation needs a 2xx response",
        ));
    };
    let resp_ptr = format!("{ptr}/responses/{code}");
    let ReferenceOr::Item(resp) = resp else {
        return Err(Error::new(&resp_ptr, "write success responses inline"));
    };
    if let Some(media) = resp
        .content
        .keys()
        .find(|m| !SUPPORTED.contains(&m.as_str()))
    {
        return Err(Error::new(
            &resp_ptr,
            format!("response media type `{media}` is not supported"),
        ));
    }
    let base = params_name.trim_end_matches("Params").to_string();
    let mut schema_of = |media: &str, suffix: &str| -> Result<Option<TypeRef>, Error> {
        let Some(content) = resp.content.get(media) else {
            return Ok(None);
        };
        let s_ptr = format!("{resp_ptr}/content/{}/schema", pointer_segment(media));
        match &content.schema {
            None => Err(Error::new(&s_ptr, "a response media type needs a schema")),
            Some(ReferenceOr::Reference { reference }) => {
                Ok(Some(TypeRef::Named(types.resolve_name(reference, &s_ptr)?)))
            }
            Some(ReferenceOr::Item(s)) => Ok(Some(
                types.inline_ref(s, &format!("{base}{suffix}"), &s_ptr)?.0,
            )),
        }
    };
    let json = schema_of("application/json", "Response")?;
    let sse = schema_of("text/event-stream", "Event")?;
    let jsonl = schema_of("application/x-jsonl", "Line")?;
    let binary = resp.content.contains_key("application/octet-stream");
    combine(json, sse, jsonl, binary).ok_or_else(|| {
        Error::new(
            &resp_ptr,
            "this combination of response media types is not supported",
        )
    })
}

/// The response kind for the media types present: JSON alone, JSON with server-sent events,
/// JSON lines alone, bytes alone, or none at all.
fn combine(
    json: Option<TypeRef>,
    sse: Option<TypeRef>,
    jsonl: Option<TypeRef>,
    binary: bool,
) -> Option<Response> {
    Some(match (json, sse, jsonl, binary) {
        (Some(json), Some(event), None, false) => Response::Sse { json, event },
        (Some(json), None, None, false) => Response::Json(json),
        (None, None, Some(line), false) => Response::Jsonl(line),
        (None, None, None, true) => Response::Binary,
        (None, None, None, false) => Response::Empty,
        _ => return None,
    })
}
