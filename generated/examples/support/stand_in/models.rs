//! The models: `GET /v1/models` (paged), `GET /v1/models/{id}`, and the model check every
//! message request goes through.
//!
//! The catalogue is a short fixed list in the API's shape, newest first, as the API lists them.
//! A message request for a model that is not a `claude-…` id is answered as the API answers an
//! unknown model: `404 not_found_error`.

use serde_json::{Value, json};
use testkit::Reply;

use super::wire::Call;

/// `(id, display name, created at, max input tokens, max output tokens)`, newest first.
const MODELS: &[(&str, &str, &str, i64, i64)] = &[
    (
        "claude-opus-4-5",
        "Claude Opus 4.5",
        "2025-11-24T00:00:00Z",
        200_000,
        64_000,
    ),
    (
        "claude-haiku-4-5",
        "Claude Haiku 4.5",
        "2025-10-15T00:00:00Z",
        200_000,
        64_000,
    ),
    (
        "claude-sonnet-4-5",
        "Claude Sonnet 4.5",
        "2025-09-29T00:00:00Z",
        200_000,
        64_000,
    ),
    (
        "claude-opus-4-1",
        "Claude Opus 4.1",
        "2025-08-05T00:00:00Z",
        200_000,
        32_000,
    ),
    (
        "claude-sonnet-4",
        "Claude Sonnet 4",
        "2025-05-22T00:00:00Z",
        200_000,
        64_000,
    ),
];

fn model_json(&(id, name, created, max_input, max_output): &(&str, &str, &str, i64, i64)) -> Value {
    json!({
        "type": "model",
        "id": id,
        "display_name": name,
        "created_at": created,
        "max_input_tokens": max_input,
        "max_tokens": max_output
    })
}

/// `GET /v1/models`: `limit` (default 20) models after `after_id`.
pub fn list(call: &Call<'_>) -> Reply {
    let limit = call
        .request
        .query("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(20)
        .clamp(1, 1000);
    let start = match call.request.query("after_id") {
        Some(after) => match MODELS.iter().position(|m| m.0 == after) {
            Some(at) => at + 1,
            None => return unknown(call, &after),
        },
        None => 0,
    };
    let page: Vec<Value> = MODELS
        .iter()
        .skip(start)
        .take(limit)
        .map(model_json)
        .collect();
    let first = page.first().map(|m| m["id"].clone()).unwrap_or(Value::Null);
    let last = page.last().map(|m| m["id"].clone()).unwrap_or(Value::Null);
    Reply::json(json!({
        "data": page,
        "has_more": start + limit < MODELS.len(),
        "first_id": first,
        "last_id": last
    }))
}

/// `GET /v1/models/{id}`.
pub fn retrieve(call: &Call<'_>, id: &str) -> Reply {
    match MODELS.iter().find(|m| m.0 == id) {
        Some(model) => Reply::json(model_json(model)),
        None => unknown(call, id),
    }
}

/// `Err` with the API's answer when a message request names a model it would not know.
pub fn check(call: &Call<'_>, model: &str) -> Result<(), Reply> {
    if model.starts_with("claude-") {
        Ok(())
    } else {
        Err(unknown(call, model))
    }
}

fn unknown(call: &Call<'_>, model: &str) -> Reply {
    call.error(404, "not_found_error", &format!("model: {model}"))
}
