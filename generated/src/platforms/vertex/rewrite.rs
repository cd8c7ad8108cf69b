//! The request as Vertex AI takes it, as the official SDKs rewrite it (see PLATFORMS.md):
//! `POST /v1/messages` becomes
//! `POST /projects/{project}/locations/{region}/publishers/anthropic/models/{model}:rawPredict`
//! (`:streamRawPredict` when the body's `stream` is true, which stays in the body), without
//! `model` in the body; `POST /v1/messages/count_tokens` becomes
//! `…/publishers/anthropic/models/count-tokens:rawPredict` with the body as it is. Both get
//! `anthropic_version` (`vertex-2023-10-16` unless the body has one). Betas stay in the
//! `anthropic-beta` header.

use bytes::Bytes;
use serde_json::{Map, Value};

use crate::runtime::{Error, Request, Result, encode_path_segment};

/// The `anthropic_version` Vertex AI expects in the body.
pub const VERTEX_VERSION: &str = "vertex-2023-10-16";

/// Where requests go: the project and the region (location) of the model.
#[derive(Debug, Clone)]
pub(super) struct Location {
    pub(super) project: String,
    pub(super) region: String,
}

/// Rewrites a Messages or count-tokens request for Vertex AI; any other is refused.
pub(super) fn rewrite(req: &mut Request, at: &Location) -> Result<()> {
    let count = match (req.method().as_str(), req.path()) {
        ("POST", "/v1/messages") => false,
        ("POST", "/v1/messages/count_tokens") => true,
        (method, path) => {
            return Err(Error::Config(format!(
                "{method} {path} is not served by Vertex AI"
            )));
        }
    };
    let bytes = req
        .json_bytes()
        .ok_or_else(|| Error::Config("a Messages request without a JSON body".into()))?;
    let mut body: Map<String, Value> = serde_json::from_slice(bytes)
        .map_err(|e| Error::Config(format!("the request body is not a JSON object: {e}")))?;
    body.entry("anthropic_version")
        .or_insert_with(|| Value::String(VERTEX_VERSION.to_string()));
    let prefix = format!(
        "/projects/{}/locations/{}/publishers/anthropic/models",
        encode_path_segment(&at.project),
        encode_path_segment(&at.region)
    );
    let path = if count {
        format!("{prefix}/count-tokens:rawPredict")
    } else {
        let model = match body.remove("model") {
            Some(Value::String(model)) if !model.is_empty() => model,
            _ => return Err(Error::Config("a Vertex AI request needs a model".into())),
        };
        let specifier = match body.get("stream") {
            Some(Value::Bool(true)) => "streamRawPredict",
            _ => "rawPredict",
        };
        // `@` (as in `claude-sonnet-4-5@20250929`) may stay as it is in a path segment.
        let model = encode_path_segment(&model).replace("%40", "@");
        format!("{prefix}/{model}:{specifier}")
    };
    req.set_path(path);
    let bytes = serde_json::to_vec(&body).map_err(|e| Error::Config(e.to_string()))?;
    req.set_json_bytes(Bytes::from(bytes));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> Location {
        Location {
            project: "my-project".into(),
            region: "us-east5".into(),
        }
    }

    fn body_of(req: &Request) -> Value {
        serde_json::from_slice(req.json_bytes().unwrap()).unwrap()
    }

    #[test]
    fn messages() {
        let mut req = Request::new(reqwest::Method::POST, "/v1/messages".into())
            .json_body(&serde_json::json!({"model": "claude-sonnet-4-5@20250929", "stream": true}))
            .unwrap();
        rewrite(&mut req, &at()).unwrap();
        assert_eq!(
            req.path(),
            "/projects/my-project/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929:streamRawPredict"
        );
        let body = body_of(&req);
        assert_eq!(body["anthropic_version"], "vertex-2023-10-16");
        assert_eq!(body["stream"], true);
        assert!(body.get("model").is_none());
    }

    #[test]
    fn count_tokens_keeps_the_model() {
        let mut req = Request::new(reqwest::Method::POST, "/v1/messages/count_tokens".into())
            .json_body(&serde_json::json!({"model": "claude-haiku-4-5@20251001"}))
            .unwrap();
        rewrite(&mut req, &at()).unwrap();
        assert_eq!(
            req.path(),
            "/projects/my-project/locations/us-east5/publishers/anthropic/models/count-tokens:rawPredict"
        );
        assert_eq!(body_of(&req)["model"], "claude-haiku-4-5@20251001");
    }

    #[test]
    fn batches_are_refused() {
        let mut req = Request::new(reqwest::Method::POST, "/v1/messages/batches".into());
        assert!(rewrite(&mut req, &at()).is_err());
    }
}
