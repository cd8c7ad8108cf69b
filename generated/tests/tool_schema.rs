//! Schemas from Rust types, in the form the API accepts for strict tools and structured
//! outputs: the golden schema of a type with nested structs, enums, options and vectors, the
//! rules it is checked against, and the shapes that are refused with a clear error.
#![cfg(feature = "schemars")]

use std::collections::{BTreeMap, HashMap};

use anthropic_openapi::{InputSchema, JsonOutputFormatParam, Tool, schema_for, strict_schema};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// Books a trip for one traveller.
#[derive(Deserialize, JsonSchema)]
#[allow(dead_code)]
struct BookTrip {
    /// Who travels.
    traveller: Traveller,
    /// The legs of the journey, in order.
    legs: Vec<Leg>,
    /// How to pay.
    payment: Payment,
    /// Seat preference, if any.
    seat: Option<Seat>,
    /// A note for the agent.
    note: Option<String>,
    /// How many bags, at most 9.
    bags: u8,
}

#[derive(Deserialize, JsonSchema)]
#[allow(dead_code)]
struct Traveller {
    name: String,
    /// Contact address.
    #[schemars(email)]
    email: String,
    loyalty_number: Option<u32>,
}

#[derive(Deserialize, JsonSchema)]
#[allow(dead_code)]
struct Leg {
    from: String,
    to: String,
    /// The day, as YYYY-MM-DD.
    #[schemars(extend("format" = "date"))]
    date: String,
    #[schemars(length(min = 3, max = 3))]
    airline: Option<String>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
enum Seat {
    Window,
    Aisle,
}

#[derive(Deserialize, JsonSchema)]
#[serde(tag = "method", rename_all = "snake_case")]
#[allow(dead_code)]
enum Payment {
    /// The card on file.
    Card { last_four: String },
    Invoice {
        company: String,
        po_number: Option<String>,
    },
}

fn pretty(schema: &Map<String, Value>) -> String {
    serde_json::to_string_pretty(schema).unwrap() + "\n"
}

#[test]
fn a_nested_type_gives_the_golden_schema() {
    let schema = schema_for::<BookTrip>().unwrap();
    expectorate::assert_contents("tests/expected/book_trip.schema.json", &pretty(&schema));
}

/// Checks `node` and everything under it against the rules the API states for strict
/// schemas; returns the problems found, with their JSON pointers.
fn violations(node: &Value, path: &str, defs: &Map<String, Value>, out: &mut Vec<String>) {
    let Value::Object(map) = node else {
        out.push(format!("{path}: not an object schema"));
        return;
    };
    const KEYWORDS: &[&str] = &[
        "type",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "minItems",
        "enum",
        "const",
        "anyOf",
        "allOf",
        "$ref",
        "$defs",
        "description",
        "title",
        "format",
    ];
    for key in map.keys() {
        if !KEYWORDS.contains(&key.as_str()) {
            out.push(format!("{path}: keyword {key} is not accepted"));
        }
    }
    let types: Vec<&str> = match map.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if types.contains(&"object") {
        if map.get("additionalProperties") != Some(&json!(false)) {
            out.push(format!(
                "{path}: an object without additionalProperties: false"
            ));
        }
        let properties = map["properties"].as_object().cloned().unwrap_or_default();
        let required: Vec<&str> = map["required"]
            .as_array()
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for (name, property) in &properties {
            if !required.contains(&name.as_str()) {
                out.push(format!("{path}: property {name} is not required"));
            }
            violations(property, &format!("{path}/properties/{name}"), defs, out);
        }
    }
    if let Some(format) = map.get("format").and_then(Value::as_str) {
        let known = [
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
        if !known.contains(&format) {
            out.push(format!("{path}: format {format} is not accepted"));
        }
    }
    if let Some(min) = map.get("minItems")
        && !matches!(min.as_u64(), Some(0 | 1))
    {
        out.push(format!("{path}: minItems {min}"));
    }
    if let Some(items) = map.get("items") {
        violations(items, &format!("{path}/items"), defs, out);
    }
    for key in ["anyOf", "allOf"] {
        for (i, variant) in map
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            violations(variant, &format!("{path}/{key}/{i}"), defs, out);
        }
    }
    if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
        let name = reference.strip_prefix("#/$defs/").unwrap_or(reference);
        if !defs.contains_key(name) {
            out.push(format!("{path}: $ref {reference} has no definition"));
        }
    }
}

#[test]
fn the_schema_follows_the_rules_for_strict_schemas() {
    let schema = Value::Object(schema_for::<BookTrip>().unwrap());
    let defs = schema["$defs"].as_object().cloned().unwrap_or_default();
    assert!(!defs.is_empty(), "nested types are kept as definitions");
    let mut found = Vec::new();
    violations(&schema, "", &defs, &mut found);
    for (name, def) in &defs {
        violations(def, &format!("/$defs/{name}"), &defs, &mut found);
    }
    assert!(found.is_empty(), "{found:#?}\n{schema:#}");

    // Options admit null and are required; the unsupported constraints went into the
    // descriptions, and the supported formats stayed.
    assert_eq!(
        schema["properties"]["note"]["type"],
        json!(["string", "null"])
    );
    let bags = schema["properties"]["bags"]["description"]
        .as_str()
        .unwrap();
    assert!(bags.starts_with("How many bags, at most 9.\n\n{"), "{bags}");
    assert!(bags.contains("maximum: 255"), "{bags}");
    assert_eq!(defs["Traveller"]["properties"]["email"]["format"], "email");
    assert_eq!(defs["Leg"]["properties"]["date"]["format"], "date");
    let airline = &defs["Leg"]["properties"]["airline"];
    assert!(
        airline["description"]
            .as_str()
            .unwrap()
            .contains("maxLength: 3"),
        "{airline}"
    );
}

#[test]
fn a_tool_takes_its_schema_and_description_from_the_type() {
    let tool = Tool::for_input::<BookTrip>("book_trip").unwrap();
    assert_eq!(tool.name, "book_trip");
    assert_eq!(tool.strict, Some(true));
    assert_eq!(
        tool.description.as_deref(),
        Some("Books a trip for one traveller.")
    );
    let sent = serde_json::to_value(&tool).unwrap();
    let mut expected = schema_for::<BookTrip>().unwrap();
    expected.remove("title");
    expected.remove("description");
    assert_eq!(sent["input_schema"], Value::Object(expected));
    assert_eq!(sent["input_schema"]["type"], "object");

    let schema = InputSchema::from_type::<BookTrip>().unwrap();
    assert_eq!(schema.required.as_ref().map(Vec::len), Some(6));

    let format = JsonOutputFormatParam::from_type::<BookTrip>().unwrap();
    assert_eq!(
        serde_json::to_value(&format).unwrap()["type"],
        "json_schema",
        "the output format is tagged"
    );
}

#[derive(Deserialize, JsonSchema)]
#[allow(dead_code)]
struct WithMap {
    scores: HashMap<String, u32>,
}

#[derive(Deserialize, JsonSchema)]
#[allow(dead_code)]
struct Tree {
    label: String,
    children: Vec<Tree>,
}

#[derive(Deserialize, JsonSchema)]
#[allow(dead_code)]
struct Anything {
    payload: Value,
}

#[derive(Deserialize, JsonSchema)]
#[allow(dead_code)]
struct WithTuple {
    point: (f64, f64),
}

#[test]
fn shapes_the_api_cannot_take_are_refused_with_where_and_why() {
    let map = schema_for::<WithMap>().unwrap_err();
    assert_eq!(map.path(), "/properties/scores");
    assert!(map.message().contains("free-form keys"), "{map}");

    let tree = schema_for::<Tree>().unwrap_err();
    assert_eq!(tree.path(), "/properties/children/items");
    assert!(tree.message().contains("recursive"), "{tree}");

    let any = schema_for::<Anything>().unwrap_err();
    assert_eq!(any.path(), "/properties/payload");
    assert!(any.message().contains("any JSON value"), "{any}");

    let tuple = schema_for::<WithTuple>().unwrap_err();
    assert_eq!(tuple.path(), "/properties/point");
    assert!(tuple.message().contains("tuples"), "{tuple}");

    let list = schema_for::<Vec<String>>().unwrap_err();
    assert_eq!(list.path(), "/");
    assert!(list.message().contains("root must be an object"), "{list}");

    // A map at the root is refused too: it is an object without listed properties.
    let root_map = schema_for::<BTreeMap<String, String>>().unwrap_err();
    assert!(root_map.message().contains("free-form keys"), "{root_map}");
}

#[test]
fn strict_schema_rewrites_a_hand_written_schema() {
    let schema = strict_schema(json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
            "kind": { "oneOf": [{ "const": "a" }, { "const": "b" }] },
            "tags": { "type": "array", "items": { "type": "string" }, "minItems": 2 },
            "id": { "type": "string", "format": "int64-string", "description": "The id." }
        },
        "required": ["kind"],
        "additionalProperties": false
    }))
    .unwrap();
    assert_eq!(
        Value::Object(schema),
        json!({
            "type": "object",
            "properties": {
                "kind": { "anyOf": [{ "const": "a" }, { "const": "b" }] },
                "tags": {
                    "type": "array",
                    "items": { "type": "string" },
                    "description": "{minItems: 2}"
                },
                "id": { "type": "string", "description": "The id.\n\n{format: int64-string}" }
            },
            "required": ["id", "kind", "tags"],
            "additionalProperties": false
        })
    );

    let external = strict_schema(json!({
        "type": "object",
        "properties": { "x": { "$ref": "https://example.com/x.json" } }
    }))
    .unwrap_err();
    assert_eq!(external.path(), "/properties/x");
    assert!(
        external.message().contains("only local references"),
        "{external}"
    );
}

#[derive(Deserialize, JsonSchema)]
#[allow(dead_code)]
struct Outer {
    first: Inner,
}

#[derive(Deserialize, JsonSchema)]
#[allow(dead_code)]
struct Inner {
    back: Option<Box<Outer>>,
}

#[test]
fn recursion_through_definitions_is_refused() {
    let error = schema_for::<Outer>().unwrap_err();
    assert!(error.message().contains("recursive"), "{error}");
}
