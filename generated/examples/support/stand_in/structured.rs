//! Values that fit a JSON Schema: the arguments of the stand-in's tool calls, and its answers
//! when a structured output (`output_config.format`) is asked for.
//!
//! The schemas are the ones the crate sends for typed tools and outputs: objects list their
//! properties, nested types are `$ref`s into `$defs`, `Option`s admit `null`, Rust enums are
//! `enum` or `anyOf`.

use serde_json::{Map, Value, json};

/// Canned structured answers: the first entry whose keywords all appear in the question
/// answers it, when its JSON has the properties the schema asks for.
const ANSWERS: &[(&[&str], &str)] = &[(
    &["standup", "thursday"],
    r#"{"title": "Team standup", "day": "2026-12-10", "time": "09:30", "room": "B2",
        "attendees": ["Ana", "Kwame"], "kind": "standup"}"#,
)];

/// The JSON text that answers `question` with an output of `schema`: a canned answer when one
/// fits, otherwise a value built from the schema alone.
pub fn answer(question: &str, schema: &Map<String, Value>) -> String {
    let lower = question.to_lowercase();
    let canned = ANSWERS
        .iter()
        .filter(|(keywords, _)| keywords.iter().all(|k| lower.contains(k)))
        .filter_map(|(_, text)| serde_json::from_str::<Value>(text).ok())
        .find(|value| {
            let wanted = schema.get("properties").and_then(Value::as_object);
            wanted.is_some_and(|w| w.keys().all(|k| value.get(k).is_some()))
        });
    let value = canned.unwrap_or_else(|| {
        let root = Value::Object(schema.clone());
        Filler::new(&root, "example").fill(&root)
    });
    value.to_string()
}

/// Arguments for a call of a tool with this input schema: the place for the first string,
/// the first allowed value of an enum, and a neutral value for the rest.
pub fn arguments(schema: &anthropic_openapi::InputSchema, place: &str) -> Map<String, Value> {
    let root = serde_json::to_value(schema).unwrap_or_default();
    match Filler::new(&root, place).fill(&root) {
        Value::Object(input) => input,
        _ => Map::new(),
    }
}

/// Builds a value for a schema, resolving `$ref`s against the root's `$defs`.
struct Filler<'a> {
    defs: Option<&'a Map<String, Value>>,
    /// The text of the first string; later strings are empty.
    first_text: Option<String>,
}

impl<'a> Filler<'a> {
    fn new(root: &'a Value, first_text: &str) -> Filler<'a> {
        Filler {
            defs: root.get("$defs").and_then(Value::as_object),
            first_text: Some(first_text.to_string()),
        }
    }

    fn fill(&mut self, schema: &Value) -> Value {
        if let Some(name) = schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/$defs/"))
        {
            let target = self.defs.and_then(|d| d.get(name)).cloned();
            return target.map_or(Value::Null, |t| self.fill(&t));
        }
        if let Some(value) = schema.get("const") {
            return value.clone();
        }
        if let Some(first) = schema.get("enum").and_then(|e| e.get(0)) {
            return first.clone();
        }
        if let Some(variants) = schema.get("anyOf").and_then(Value::as_array) {
            let chosen = variants
                .iter()
                .find(|v| v.get("type") != Some(&json!("null")));
            return chosen.map_or(Value::Null, |v| self.fill(v));
        }
        let kind = match schema.get("type") {
            Some(Value::Array(kinds)) => kinds.iter().find(|k| *k != "null").cloned(),
            other => other.cloned(),
        };
        match kind.as_ref().and_then(Value::as_str) {
            Some("object") => {
                let mut object = Map::new();
                let properties = schema.get("properties").and_then(Value::as_object);
                for (name, property) in properties.into_iter().flatten() {
                    object.insert(name.clone(), self.fill(property));
                }
                Value::Object(object)
            }
            Some("array") => {
                let item = schema.get("items").map_or(Value::Null, |i| self.fill(i));
                json!([item])
            }
            Some("string") => match schema.get("format").and_then(Value::as_str) {
                Some("date") => json!("2026-12-05"),
                Some("date-time") => json!("2026-12-05T09:30:00Z"),
                _ => Value::String(self.first_text.take().unwrap_or_default()),
            },
            Some("integer" | "number") => json!(1),
            Some("boolean") => json!(false),
            _ => Value::Null,
        }
    }
}
