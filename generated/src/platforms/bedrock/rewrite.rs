//! The request as Bedrock takes it (InvokeModel / InvokeModelWithResponseStream), as the
//! official SDKs rewrite it (see PLATFORMS.md): `POST /v1/messages` becomes
//! `POST /model/{model}/invoke` or `/model/{model}/invoke-with-response-stream` (by the body's
//! `stream`), with the model id percent-encoded into one path segment; `model` and `stream`
//! leave the body; `anthropic_version` (`bedrock-2023-05-31` unless the body has one) and the
//! beta names (`anthropic_beta`, a list) go into it.

use bytes::Bytes;
use serde_json::{Map, Value};

use crate::runtime::{Error, Request, Result, encode_path_segment};

/// The `anthropic_version` Bedrock expects in the body.
pub const BEDROCK_VERSION: &str = "bedrock-2023-05-31";

/// Rewrites a Messages request for Bedrock; any other request is refused.
pub(super) fn rewrite(req: &mut Request, betas: &[String]) -> Result<()> {
    if req.path() != "/v1/messages" || *req.method() != reqwest::Method::POST {
        return Err(Error::Config(format!(
            "{} {} is not served by Amazon Bedrock",
            req.method(),
            req.path()
        )));
    }
    let bytes = req
        .json_bytes()
        .ok_or_else(|| Error::Config("a Messages request without a JSON body".into()))?;
    let mut body: Map<String, Value> = serde_json::from_slice(bytes)
        .map_err(|e| Error::Config(format!("the request body is not a JSON object: {e}")))?;
    let model = match body.remove("model") {
        Some(Value::String(model)) if !model.is_empty() => model,
        _ => return Err(Error::Config("a Bedrock request needs a model id".into())),
    };
    let stream = matches!(body.remove("stream"), Some(Value::Bool(true)));
    body.entry("anthropic_version")
        .or_insert_with(|| Value::String(BEDROCK_VERSION.to_string()));
    if !betas.is_empty() && !body.contains_key("anthropic_beta") {
        let list = betas.iter().cloned().map(Value::String).collect();
        body.insert("anthropic_beta".to_string(), Value::Array(list));
    }
    let action = if stream {
        "invoke-with-response-stream"
    } else {
        "invoke"
    };
    req.set_path(format!("/model/{}/{action}", encode_path_segment(&model)));
    let bytes = serde_json::to_vec(&body).map_err(|e| Error::Config(e.to_string()))?;
    req.set_json_bytes(Bytes::from(bytes));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(body: serde_json::Value) -> Request {
        Request::new(reqwest::Method::POST, "/v1/messages".into())
            .json_body(&body)
            .unwrap()
    }

    fn body_of(req: &Request) -> serde_json::Value {
        serde_json::from_slice(req.json_bytes().unwrap()).unwrap()
    }

    #[test]
    fn model_goes_into_the_path_encoded() {
        let mut req = request(serde_json::json!({
            "model": "arn:aws:bedrock:us-east-1:123:inference-profile/us.anthropic.claude-v1:0",
            "max_tokens": 10,
            "messages": [],
        }));
        rewrite(&mut req, &[]).unwrap();
        assert_eq!(
            req.path(),
            "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123%3Ainference-profile%2Fus.anthropic.claude-v1%3A0/invoke"
        );
        let body = body_of(&req);
        assert_eq!(body["anthropic_version"], "bedrock-2023-05-31");
        assert!(body.get("model").is_none());
        assert!(body.get("anthropic_beta").is_none());
    }

    #[test]
    fn streaming_and_betas() {
        let mut req = request(serde_json::json!({
            "model": "anthropic.claude-v1",
            "stream": true,
            "max_tokens": 10,
            "messages": [],
        }));
        rewrite(&mut req, &["a-1".to_string(), "b-2".to_string()]).unwrap();
        assert_eq!(
            req.path(),
            "/model/anthropic.claude-v1/invoke-with-response-stream"
        );
        let body = body_of(&req);
        assert!(body.get("stream").is_none());
        assert_eq!(body["anthropic_beta"], serde_json::json!(["a-1", "b-2"]));
    }

    #[test]
    fn other_endpoints_are_refused() {
        let mut req = Request::new(reqwest::Method::POST, "/v1/messages/count_tokens".into());
        assert!(rewrite(&mut req, &[]).is_err());
    }
}
