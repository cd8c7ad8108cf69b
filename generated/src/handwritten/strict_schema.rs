//! A JSON Schema rewritten into the subset the API accepts for strict tools
//! (`"strict": true`) and for structured outputs (`output_config.format`).
//!
//! The rules are on [`strict_schema`].

use std::collections::BTreeSet;
use std::fmt;

use serde_json::{Map, Value};

/// The string formats the API accepts.
const STRING_FORMATS: &[&str] = &[
    "date-time",
    "time",
    "date",
    "duration",
    "email",
    "hostname",
    "uri",
    "ipv4",
    "ipv6",
    "uuid",
];

/// The types the API accepts.
const TYPES: &[&str] = &[
    "object", "array", "string", "integer", "number", "boolean", "null",
];

/// Keywords that carry no constraint and are dropped without a note: a generator's
/// annotations.
const DROPPED: &[&str] = &["$schema", "$id", "$comment", "examples", "deprecated"];

/// A JSON Schema the API cannot take for a strict tool or a structured output, and where in
/// the schema the problem is (a JSON pointer such as `/properties/tags`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaError {
    path: String,
    message: String,
}

impl SchemaError {
    pub(crate) fn new(path: &str, message: impl Into<String>) -> SchemaError {
        SchemaError {
            path: if path.is_empty() {
                "/".to_string()
            } else {
                path.to_string()
            },
            message: message.into(),
        }
    }

    /// Where in the schema the problem is, as a JSON pointer (`/` for the root).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What is wrong there.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the schema cannot be used for a strict tool or a structured output: at {}: {}",
            self.path, self.message
        )
    }
}

impl std::error::Error for SchemaError {}

/// Rewrites `schema` into the form the API accepts for a strict tool's `input_schema` or a
/// structured output's `schema`. The root must be an object schema (`"type": "object"`).
///
/// The rules, as the API's structured-outputs documentation states them (see
/// `spec/SOURCES.md`, "Tools and structured outputs"):
///
/// - every object has `"additionalProperties": false`;
/// - the types are `object`, `array`, `string`, `integer`, `number`, `boolean` and `null`;
///   `enum`, `const`, `anyOf`, `allOf`, local `$ref` with `$defs` (or `definitions`) are
///   accepted; recursive schemas are not;
/// - strings take only the formats `date-time`, `time`, `date`, `duration`, `email`,
///   `hostname`, `uri`, `ipv4`, `ipv6` and `uuid`; arrays only `minItems` of 0 or 1;
/// - numeric and length constraints (`minimum`, `maxLength`, …) are not accepted.
///
/// The rewrite keeps what is accepted, turns `oneOf` into `anyOf` (the variants a schema
/// generator writes for a Rust enum exclude one another, so this accepts the same values), lists
/// every property of an object in `required` (an `Option` field is then one whose schema admits
/// `null`: the model sends `null` rather than leaving it out), and moves the keywords the API
/// does not take into the node's `description`, as the official SDKs do, so that the model still
/// reads them. What cannot be expressed at all (maps with free keys, tuples, a schema that
/// accepts any value, recursion, a non-local `$ref`) is a [`SchemaError`] naming where it is.
///
/// ```
/// use anthropic_openapi::strict_schema;
/// use serde_json::json;
///
/// let schema = strict_schema(json!({
///     "type": "object",
///     "properties": {
///         "city": { "type": "string", "minLength": 1 },
///         "days": { "type": ["integer", "null"], "format": "uint8", "maximum": 14 }
///     },
///     "required": ["city"]
/// }))?;
/// assert_eq!(json!(schema), json!({
///     "type": "object",
///     "properties": {
///         "city": { "type": "string", "description": "{minLength: 1}" },
///         "days": { "type": ["integer", "null"], "description": "{maximum: 14}" }
///     },
///     "required": ["city", "days"],
///     "additionalProperties": false
/// }));
/// # Ok::<(), anthropic_openapi::SchemaError>(())
/// ```
pub fn strict_schema(schema: Value) -> Result<Map<String, Value>, SchemaError> {
    let Value::Object(mut root) = schema else {
        return Err(SchemaError::new("", "the schema must be a JSON object"));
    };
    let mut defs = Map::new();
    for key in ["$defs", "definitions"] {
        if let Some(found) = root.remove(key) {
            let Value::Object(found) = found else {
                return Err(SchemaError::new(
                    &format!("/{key}"),
                    "definitions must be an object",
                ));
            };
            for (name, def) in found {
                let path = format!("/{key}/{}", escape(&name));
                defs.insert(format!("#/{key}/{}", escape(&name)), transform(def, &path)?);
            }
        }
    }
    check_no_cycles(&defs)?;

    if root.get("type").and_then(Value::as_str) != Some("object") {
        return Err(SchemaError::new(
            "",
            "the root must be an object schema (\"type\": \"object\"): a struct, or an enum \
             inside one",
        ));
    }
    let Value::Object(mut out) = transform(Value::Object(root), "")? else {
        unreachable!("an object schema stays an object");
    };
    if !defs.is_empty() {
        let mut grouped = Map::new();
        for (pointer, def) in defs {
            let (_, rest) = pointer.split_at(2);
            let (group, name) = rest.split_once('/').unwrap_or(("$defs", rest));
            grouped
                .entry(group.to_string())
                .or_insert_with(|| Value::Object(Map::new()))
                .as_object_mut()
                .expect("a group of definitions is an object")
                .insert(unescape(name), def);
        }
        out.extend(grouped);
    }
    Ok(out)
}

/// Rewrites one schema node at `path`.
fn transform(node: Value, path: &str) -> Result<Value, SchemaError> {
    let mut node = match node {
        Value::Object(node) => node,
        Value::Bool(true) => {
            return Err(SchemaError::new(
                path,
                "this part accepts any JSON value (such as a `serde_json::Value` field); give it \
                 a concrete type",
            ));
        }
        Value::Bool(false) => {
            return Err(SchemaError::new(path, "this part accepts no value at all"));
        }
        _ => return Err(SchemaError::new(path, "a schema must be a JSON object")),
    };
    for key in DROPPED {
        node.remove(*key);
    }
    let mut out = Map::new();
    let mut notes: Vec<(String, Value)> = Vec::new();

    if let Some(reference) = node.remove("$ref") {
        if reference == "#" {
            return Err(SchemaError::new(
                path,
                "recursive schemas are not accepted (the type contains itself)",
            ));
        }
        let local = reference
            .as_str()
            .is_some_and(|r| r.starts_with("#/$defs/") || r.starts_with("#/definitions/"));
        if !local {
            return Err(SchemaError::new(
                path,
                format!("only local references (#/$defs/…) are accepted, not {reference}"),
            ));
        }
        out.insert("$ref".into(), reference);
    }

    let types = types_of(&node, path)?;
    if let Some(kind) = node.remove("type") {
        out.insert("type".into(), kind);
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        let Some(variants) = node.remove(key) else {
            continue;
        };
        let Value::Array(variants) = variants else {
            return Err(SchemaError::new(path, format!("{key} must be a list")));
        };
        let rewritten = variants
            .into_iter()
            .enumerate()
            .map(|(i, v)| transform(v, &format!("{path}/{key}/{i}")))
            .collect::<Result<Vec<_>, _>>()?;
        let target = if key == "allOf" { "allOf" } else { "anyOf" };
        match out.get_mut(target) {
            Some(Value::Array(existing)) => existing.extend(rewritten),
            _ => {
                out.insert(target.into(), Value::Array(rewritten));
            }
        }
    }
    for key in ["enum", "const", "title", "description"] {
        if let Some(value) = node.remove(key) {
            out.insert(key.into(), value);
        }
    }
    if !out.contains_key("type")
        && !out.contains_key("$ref")
        && !out.contains_key("anyOf")
        && !out.contains_key("allOf")
        && !out.contains_key("enum")
        && !out.contains_key("const")
    {
        return Err(SchemaError::new(
            path,
            "this part has no type (nor anyOf, allOf, enum, const or $ref), so it accepts any \
             value; give it a concrete type",
        ));
    }

    if types.contains("object") {
        object_keywords(&mut node, &mut out, path)?;
    }
    if types.contains("array") {
        array_keywords(&mut node, &mut out, &mut notes, path)?;
    }
    if let Some(format) = node.remove("format") {
        let known = format.as_str().is_some_and(|f| STRING_FORMATS.contains(&f));
        if types.contains("string") && known {
            out.insert("format".into(), format);
        } else if types.contains("string") {
            notes.push(("format".into(), format));
        }
        // On numbers, a format (`int32`, `uint8`, `double`) only names the Rust type it came
        // from; the type and the bounds noted below say what matters.
    }
    for (key, value) in node {
        notes.push((key, value));
    }
    if !notes.is_empty() {
        let listed: Vec<String> = notes
            .iter()
            .map(|(key, value)| format!("{key}: {}", plain(value)))
            .collect();
        let note = format!("{{{}}}", listed.join(", "));
        let description = match out.remove("description") {
            Some(Value::String(text)) => format!("{text}\n\n{note}"),
            _ => note,
        };
        out.insert("description".into(), Value::String(description));
    }
    Ok(Value::Object(out))
}

/// The `properties`, `required` and `additionalProperties` of an object node.
fn object_keywords(
    node: &mut Map<String, Value>,
    out: &mut Map<String, Value>,
    path: &str,
) -> Result<(), SchemaError> {
    match node.remove("additionalProperties") {
        None | Some(Value::Bool(false)) => {}
        Some(_) => {
            return Err(SchemaError::new(
                path,
                "an object with free-form keys (a map) is not accepted: every object must list \
                 its properties and have \"additionalProperties\": false",
            ));
        }
    }
    for key in [
        "patternProperties",
        "propertyNames",
        "unevaluatedProperties",
    ] {
        if node.contains_key(key) {
            return Err(SchemaError::new(
                path,
                format!("{key} is not accepted: every object must list its properties"),
            ));
        }
    }
    let properties = match node.remove("properties") {
        None => Map::new(),
        Some(Value::Object(properties)) => properties,
        Some(_) => return Err(SchemaError::new(path, "properties must be an object")),
    };
    let mut rewritten = Map::new();
    for (name, schema) in properties {
        let at = format!("{path}/properties/{}", escape(&name));
        rewritten.insert(name, transform(schema, &at)?);
    }
    node.remove("required");
    let required: Vec<Value> = rewritten.keys().cloned().map(Value::String).collect();
    out.insert("properties".into(), Value::Object(rewritten));
    out.insert("required".into(), Value::Array(required));
    out.insert("additionalProperties".into(), Value::Bool(false));
    Ok(())
}

/// The `items` and `minItems` of an array node.
fn array_keywords(
    node: &mut Map<String, Value>,
    out: &mut Map<String, Value>,
    notes: &mut Vec<(String, Value)>,
    path: &str,
) -> Result<(), SchemaError> {
    if node.contains_key("prefixItems") {
        return Err(SchemaError::new(
            path,
            "tuples (prefixItems) are not accepted; use a struct with named fields",
        ));
    }
    if let Some(items) = node.remove("items") {
        out.insert("items".into(), transform(items, &format!("{path}/items"))?);
    }
    if let Some(min) = node.remove("minItems") {
        if matches!(min.as_u64(), Some(0 | 1)) {
            out.insert("minItems".into(), min);
        } else {
            notes.push(("minItems".into(), min));
        }
    }
    Ok(())
}

/// The types a node names with `type` (a string or a list), checked against the accepted
/// ones.
fn types_of(node: &Map<String, Value>, path: &str) -> Result<BTreeSet<String>, SchemaError> {
    let names: Vec<&Value> = match node.get("type") {
        None => return Ok(BTreeSet::new()),
        Some(Value::Array(list)) => list.iter().collect(),
        Some(one) => vec![one],
    };
    names
        .into_iter()
        .map(|name| match name.as_str() {
            Some(name) if TYPES.contains(&name) => Ok(name.to_string()),
            _ => Err(SchemaError::new(
                path,
                format!(
                    "{name} is not one of the accepted types ({})",
                    TYPES.join(", ")
                ),
            )),
        })
        .collect()
}

/// Fails if a definition reaches itself through `$ref`s: the API does not accept recursive
/// schemas.
fn check_no_cycles(defs: &Map<String, Value>) -> Result<(), SchemaError> {
    fn refs(value: &Value, found: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref") {
                    found.push(r.clone());
                }
                map.values().for_each(|v| refs(v, found));
            }
            Value::Array(list) => list.iter().for_each(|v| refs(v, found)),
            _ => {}
        }
    }
    fn visit(
        name: &str,
        defs: &Map<String, Value>,
        trail: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Result<(), SchemaError> {
        if done.contains(name) {
            return Ok(());
        }
        if let Some(at) = trail.iter().position(|n| n == name) {
            let cycle: Vec<&str> = trail[at..].iter().map(String::as_str).collect();
            return Err(SchemaError::new(
                &name[1..],
                format!(
                    "recursive schemas are not accepted ({} refers back to itself)",
                    cycle.join(" → ")
                ),
            ));
        }
        trail.push(name.to_string());
        let mut found = Vec::new();
        if let Some(def) = defs.get(name) {
            refs(def, &mut found);
        }
        for next in found {
            visit(&next, defs, trail, done)?;
        }
        trail.pop();
        done.insert(name.to_string());
        Ok(())
    }
    let mut done = BTreeSet::new();
    for name in defs.keys() {
        visit(name, defs, &mut Vec::new(), &mut done)?;
    }
    Ok(())
}

/// A value as written in a description note: strings without quotes.
fn plain(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// A property or definition name as a JSON pointer segment.
fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}
