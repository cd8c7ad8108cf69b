//! A tool's [`InputSchema`] from any JSON Schema value, such as one written with
//! `serde_json::json!` or produced by a schema generator.

use std::fmt;

use serde_json::Value;

use crate::InputSchema;

impl TryFrom<Value> for InputSchema {
    type Error = InputSchemaError;

    /// Takes a JSON Schema for a tool's input. It must be a JSON object with
    /// `"type": "object"`; `properties` (an object) and `required` (a list of strings) go
    /// to their fields, and every other keyword (`$defs`, `additionalProperties`,
    /// `description`, …) is kept in `extra` as given, so the schema is sent unchanged.
    ///
    /// ```
    /// use anthropic_openapi::InputSchema;
    /// use serde_json::json;
    ///
    /// let schema = InputSchema::try_from(json!({
    ///     "type": "object",
    ///     "properties": { "location": { "type": "string" } },
    ///     "required": ["location"],
    ///     "additionalProperties": false
    /// }))?;
    /// assert_eq!(schema.extra["additionalProperties"], json!(false));
    ///
    /// let error = InputSchema::try_from(json!({ "type": "string" })).unwrap_err();
    /// assert!(error.to_string().contains(r#""type": "object""#));
    /// # Ok::<(), anthropic_openapi::InputSchemaError>(())
    /// ```
    fn try_from(value: Value) -> Result<Self, Self::Error> {
        let Value::Object(fields) = &value else {
            return Err(InputSchemaError(format!(
                "a tool's input schema must be a JSON object with \"type\": \"object\", not {}",
                crate::runtime::de::describe(&value)
            )));
        };
        match fields.get("type") {
            Some(Value::String(t)) if t == "object" => {}
            None => {
                return Err(InputSchemaError(
                    "a tool's input schema must have \"type\": \"object\"; this one has no \
                     \"type\""
                        .to_string(),
                ));
            }
            Some(other) => {
                return Err(InputSchemaError(format!(
                    "a tool's input schema must have \"type\": \"object\", not \"type\": {other}"
                )));
            }
        }
        serde_json::from_value(value)
            .map_err(|e| InputSchemaError(format!("invalid tool input schema: {e}")))
    }
}

/// A JSON value that cannot be a tool's [`InputSchema`]: not an object, without
/// `"type": "object"`, or with `properties` or `required` of the wrong shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputSchemaError(String);

impl fmt::Display for InputSchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputSchemaError {}
