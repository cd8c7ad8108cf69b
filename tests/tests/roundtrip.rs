//! Round trips of the generated model types through realistic, API-shaped JSON.
//!
//! Every sample under `tests/fixtures/json/` was written against the schema it is decoded as in
//! `spec/anthropic.yaml` (required properties, enum values and nesting as the spec says). A round
//! trip decodes the sample into its Rust type, encodes the result again and compares both sides
//! as `serde_json::Value`, so key order does not matter (see [`roundtrip`] for the one leniency,
//! date-times).
//!
//! Equal JSON alone would also be produced by a type that kept everything as raw JSON, so the
//! tests also prove the typed decoding: samples land in the expected union variant (never in
//! `Unknown`), known properties land in fields (the `extra` maps stay empty), and a few values
//! are read back through the typed API. The last sections check that what the crate does not
//! know is kept (unknown variants, properties and enum values) and that bad input fails with a
//! clear error instead of a panic.

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::path::PathBuf;

use anthropic_openapi::*;
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

// ============================================================================ helpers

fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/json")
        .join(format!("{name}.json"))
}

/// The text of `tests/fixtures/json/{name}.json`.
fn fixture_text(name: &str) -> String {
    let path = fixture_path(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// The sample `name` as plain JSON.
fn fixture(name: &str) -> Value {
    serde_json::from_str(&fixture_text(name))
        .unwrap_or_else(|e| panic!("fixture {name} is not valid JSON: {e}"))
}

/// Round-trips the sample `name` through `T` and returns the decoded value.
///
/// The sample is decoded from its text (as the client decodes response bodies: borrowed keys,
/// unions read while streaming) and from a `serde_json::Value` (owned input, the buffered path);
/// both must agree. The re-encoded JSON must equal the sample (see [`assert_json_eq`]), and
/// decoding that output again must give the same value, so encoding is stable.
fn roundtrip<T>(name: &str) -> T
where
    T: DeserializeOwned + Serialize + PartialEq + Debug,
{
    roundtrip_expecting(name, |_| {})
}

/// Like [`roundtrip`], for a sample that the encoder legitimately changes: `adjust` turns the
/// sample into the JSON the encoder is expected to write.
fn roundtrip_expecting<T>(name: &str, adjust: impl FnOnce(&mut Value)) -> T
where
    T: DeserializeOwned + Serialize + PartialEq + Debug,
{
    let type_name = std::any::type_name::<T>();
    let text = fixture_text(name);
    let input: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("fixture {name} is not valid JSON: {e}"));
    let decoded: T = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{name}: does not decode as {type_name}: {e}"));
    let from_value: T = serde_json::from_value(input.clone())
        .unwrap_or_else(|e| panic!("{name}: does not decode as {type_name} from a Value: {e}"));
    assert_eq!(
        decoded, from_value,
        "{name}: decoding from text and from a Value disagree"
    );

    let output = serde_json::to_value(&decoded)
        .unwrap_or_else(|e| panic!("{name}: {type_name} does not encode: {e}"));
    let mut expected = input;
    adjust(&mut expected);
    assert_json_eq(name, &expected, &output);

    let again: T = serde_json::from_value(output)
        .unwrap_or_else(|e| panic!("{name}: the re-encoded JSON does not decode again: {e}"));
    assert_eq!(
        again, decoded,
        "{name}: decoding the re-encoded JSON gives another value"
    );
    decoded
}

/// Asserts that `actual` (the re-encoded value) equals `expected` (the sample) as JSON values,
/// listing every difference by JSON pointer.
///
/// Date-times are normalised: the API spells the same instant in several RFC 3339 forms
/// (`…:24Z`, `…:24.000000Z`, `…:24+00:00`, `….5Z`) while chrono, which the generated types decode
/// `format: date-time` into, writes back one canonical form (`…:24Z`, `….500Z`). So two strings
/// that both parse as RFC 3339 date-times count as equal when they denote the same instant. Every
/// other string, and every other value, must be exactly equal (a number must even keep its
/// integer or float form).
fn assert_json_eq(name: &str, expected: &Value, actual: &Value) {
    let mut differences = Vec::new();
    diff("", expected, actual, &mut differences);
    assert!(
        differences.is_empty(),
        "{name}: the round trip changed the JSON:\n  {}\nre-encoded: {}",
        differences.join("\n  "),
        serde_json::to_string_pretty(actual).unwrap_or_default()
    );
}

fn diff(path: &str, expected: &Value, actual: &Value, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (key, e_value) in e {
                let child = format!("{path}/{key}");
                match a.get(key) {
                    Some(a_value) => diff(&child, e_value, a_value, out),
                    None => out.push(format!("{child}: dropped (was {e_value})")),
                }
            }
            for (key, a_value) in a {
                if !e.contains_key(key) {
                    out.push(format!("{path}/{key}: added ({a_value})"));
                }
            }
        }
        (Value::Array(e), Value::Array(a)) if e.len() == a.len() => {
            for (i, (e_item, a_item)) in e.iter().zip(a).enumerate() {
                diff(&format!("{path}/{i}"), e_item, a_item, out);
            }
        }
        (Value::String(e), Value::String(a)) if e == a || same_instant(e, a) => {}
        _ if expected == actual => {}
        _ => out.push(format!("{path}: {expected} became {actual}")),
    }
}

/// Whether both strings are RFC 3339 date-times denoting the same instant.
fn same_instant(a: &str, b: &str) -> bool {
    match (
        DateTime::parse_from_rfc3339(a),
        DateTime::parse_from_rfc3339(b),
    ) {
        (Ok(a), Ok(b)) => a.with_timezone(&Utc) == b.with_timezone(&Utc),
        _ => false,
    }
}

/// Decodes the sample `name` as `T`, expecting failure; returns the error message.
fn decode_error<T: DeserializeOwned + Debug>(name: &str) -> String {
    let text = fixture_text(name);
    match serde_json::from_str::<T>(&text) {
        Ok(value) => panic!("{name}: decoded although it is invalid: {value:?}"),
        Err(e) => {
            assert!(e.line() > 0, "{name}: the error has no position: {e}");
            e.to_string()
        }
    }
}

fn assert_mentions(name: &str, message: &str, parts: &[&str]) {
    for part in parts {
        assert!(
            message.contains(part),
            "{name}: error message {message:?} does not mention {part:?}"
        );
    }
}

/// Asserts that a decoded object kept nothing in `extra`: every property of the sample was
/// known and landed in a field.
fn assert_no_extra(context: &str, extra: &Map<String, Value>) {
    assert!(
        extra.is_empty(),
        "{context}: properties landed in `extra` instead of fields: {extra:?}"
    );
}

/// Asserts that `extra` holds exactly `keys`.
fn assert_extra_keys(context: &str, extra: &Map<String, Value>, keys: &[&str]) {
    let found: BTreeSet<&str> = extra.keys().map(String::as_str).collect();
    let wanted: BTreeSet<&str> = keys.iter().copied().collect();
    assert_eq!(found, wanted, "{context}: unexpected `extra` keys");
}

/// Returns the payload of the named variant, or fails naming the variant found instead.
macro_rules! variant {
    ($value:expr, $variant:path) => {
        match $value {
            $variant(inner) => inner,
            other => panic!("expected {}, found {:?}", stringify!($variant), other),
        }
    };
}

/// The `extra` map of a known content block (`None` for `Unknown`).
fn block_extra(block: &ContentBlock) -> Option<&Map<String, Value>> {
    Some(match block {
        ContentBlock::Text(b) => &b.extra,
        ContentBlock::Thinking(b) => &b.extra,
        ContentBlock::RedactedThinking(b) => &b.extra,
        ContentBlock::ToolUse(b) => &b.extra,
        ContentBlock::ServerToolUse(b) => &b.extra,
        ContentBlock::WebSearchToolResult(b) => &b.extra,
        ContentBlock::WebFetchToolResult(b) => &b.extra,
        ContentBlock::CodeExecutionToolResult(b) => &b.extra,
        ContentBlock::BashCodeExecutionToolResult(b) => &b.extra,
        ContentBlock::TextEditorCodeExecutionToolResult(b) => &b.extra,
        ContentBlock::ToolSearchToolResult(b) => &b.extra,
        ContentBlock::ContainerUpload(b) => &b.extra,
        ContentBlock::Unknown(_) => return None,
    })
}

/// The `extra` map of a known request content block (`None` for `Unknown`).
fn param_extra(block: &ContentBlockParam) -> Option<&Map<String, Value>> {
    Some(match block {
        ContentBlockParam::Text(b) => &b.extra,
        ContentBlockParam::Image(b) => &b.extra,
        ContentBlockParam::Document(b) => &b.extra,
        ContentBlockParam::SearchResult(b) => &b.extra,
        ContentBlockParam::Thinking(b) => &b.extra,
        ContentBlockParam::RedactedThinking(b) => &b.extra,
        ContentBlockParam::ToolUse(b) => &b.extra,
        ContentBlockParam::ToolResult(b) => &b.extra,
        ContentBlockParam::ServerToolUse(b) => &b.extra,
        ContentBlockParam::WebSearchToolResult(b) => &b.extra,
        ContentBlockParam::WebFetchToolResult(b) => &b.extra,
        ContentBlockParam::CodeExecutionToolResult(b) => &b.extra,
        ContentBlockParam::BashCodeExecutionToolResult(b) => &b.extra,
        ContentBlockParam::TextEditorCodeExecutionToolResult(b) => &b.extra,
        ContentBlockParam::ToolSearchToolResult(b) => &b.extra,
        ContentBlockParam::ContainerUpload(b) => &b.extra,
        ContentBlockParam::MidConvSystem(b) => &b.extra,
        ContentBlockParam::Unknown(_) => return None,
    })
}

/// The `extra` map of a known tool definition (`None` for `Unknown`).
fn tool_extra(tool: &ToolUnion) -> Option<&Map<String, Value>> {
    Some(match tool {
        ToolUnion::Custom(t) => &t.extra,
        ToolUnion::Bash20250124(t) => &t.extra,
        ToolUnion::CodeExecution20250522(t) => &t.extra,
        ToolUnion::CodeExecution20250825(t) => &t.extra,
        ToolUnion::CodeExecution20260120(t) => &t.extra,
        ToolUnion::CodeExecution20260521(t) => &t.extra,
        ToolUnion::Memory20250818(t) => &t.extra,
        ToolUnion::TextEditor20250124(t) => &t.extra,
        ToolUnion::TextEditor20250429(t) => &t.extra,
        ToolUnion::TextEditor20250728(t) => &t.extra,
        ToolUnion::WebSearch20250305(t) => &t.extra,
        ToolUnion::WebFetch20250910(t) => &t.extra,
        ToolUnion::WebSearch20260209(t) => &t.extra,
        ToolUnion::WebFetch20260209(t) => &t.extra,
        ToolUnion::WebFetch20260309(t) => &t.extra,
        ToolUnion::WebSearch20260318(t) => &t.extra,
        ToolUnion::WebFetch20260318(t) => &t.extra,
        ToolUnion::ToolSearchToolBm25_20251119(t) | ToolUnion::ToolSearchToolBm25(t) => &t.extra,
        ToolUnion::ToolSearchToolRegex20251119(t) | ToolUnion::ToolSearchToolRegex(t) => &t.extra,
        ToolUnion::Unknown(_) => return None,
    })
}

/// The `extra` map of a known citation (`None` for `Unknown`).
fn citation_extra(citation: &TextCitation) -> Option<&Map<String, Value>> {
    Some(match citation {
        TextCitation::CharLocation(c) => &c.extra,
        TextCitation::PageLocation(c) => &c.extra,
        TextCitation::ContentBlockLocation(c) => &c.extra,
        TextCitation::WebSearchResultLocation(c) => &c.extra,
        TextCitation::SearchResultLocation(c) => &c.extra,
        TextCitation::Unknown(_) => return None,
    })
}

/// Asserts that a message decoded from a sample without unknown properties is fully typed: the
/// message, its usage and every content block and citation kept nothing in `extra`, and no
/// block or citation fell back to `Unknown`.
fn assert_message_typed(name: &str, message: &Message) {
    assert_no_extra(&format!("{name}: Message"), &message.extra);
    assert_no_extra(&format!("{name}: Usage"), &message.usage.extra);
    for (i, block) in message.content.iter().enumerate() {
        let extra = block_extra(block)
            .unwrap_or_else(|| panic!("{name}: block {i} fell back to Unknown: {block:?}"));
        assert_no_extra(&format!("{name}: block {i} ({})", block.tag()), extra);
        if let ContentBlock::Text(text) = block {
            for citation in text.citations.iter().flatten() {
                let extra = citation_extra(citation).unwrap_or_else(|| {
                    panic!("{name}: citation in block {i} fell back to Unknown: {citation:?}")
                });
                assert_no_extra(&format!("{name}: citation in block {i}"), extra);
            }
        }
    }
}

/// Asserts the same of a request: no `extra` on the request, its messages and their blocks.
fn assert_request_typed(name: &str, extra: &Map<String, Value>, messages: &[MessageParam]) {
    assert_no_extra(&format!("{name}: request"), extra);
    for (m, message) in messages.iter().enumerate() {
        assert_no_extra(&format!("{name}: message {m}"), &message.extra);
        for (i, block) in param_blocks(message).iter().enumerate() {
            let extra = param_extra(block).unwrap_or_else(|| {
                panic!("{name}: message {m} block {i} fell back to Unknown: {block:?}")
            });
            assert_no_extra(
                &format!("{name}: message {m} block {i} ({})", block.tag()),
                extra,
            );
        }
    }
}

fn tags(blocks: &[ContentBlock]) -> Vec<&str> {
    blocks.iter().map(ContentBlock::tag).collect()
}

/// The blocks of a request turn (none for a plain-string turn).
fn param_blocks(message: &MessageParam) -> &[ContentBlockParam] {
    match &message.content {
        MessageContent::String(_) => &[],
        MessageContent::ContentBlockParamList(blocks) => blocks,
    }
}

fn param_tags(messages: &[MessageParam]) -> Vec<&str> {
    messages
        .iter()
        .flat_map(param_blocks)
        .map(ContentBlockParam::tag)
        .collect()
}

fn text_citations(block: &ContentBlock) -> &[TextCitation] {
    variant!(block, ContentBlock::Text)
        .citations
        .as_deref()
        .unwrap_or_default()
}

fn utc(
    (year, month, day): (i32, u32, u32),
    (hour, minute, second): (u32, u32, u32),
    micros: i64,
) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, hour, minute, second)
        .single()
        .expect("valid date")
        + TimeDelta::microseconds(micros)
}

// ============================================================================ the helpers themselves

#[test]
fn date_time_normalisation_compares_instants_only() {
    assert!(same_instant(
        "2025-09-24T19:02:11.5Z",
        "2025-09-24T19:02:11.500Z"
    ));
    assert!(same_instant(
        "2025-09-24T18:59:00+00:00",
        "2025-09-24T18:59:00Z"
    ));
    assert!(same_instant(
        "2025-09-24T20:59:00+02:00",
        "2025-09-24T18:59:00Z"
    ));
    assert!(same_instant(
        "2025-09-24T18:40:00.000000Z",
        "2025-09-24T18:40:00Z"
    ));
    assert!(!same_instant(
        "2025-09-24T18:59:00Z",
        "2025-09-24T18:59:01Z"
    ));
    assert!(!same_instant("February 20, 2025", "2025-02-20T00:00:00Z"));
    assert!(!same_instant("end_turn", "end_turn"));

    let mut differences = Vec::new();
    diff(
        "",
        &json!({"a": 1, "b": [true], "c": "x", "t": "2025-01-01T00:00:00+00:00"}),
        &json!({"a": 1.0, "b": [false], "d": null, "t": "2025-01-01T00:00:00Z"}),
        &mut differences,
    );
    assert_eq!(
        differences,
        [
            "/a: 1 became 1.0",
            "/b/0: true became false",
            "/c: dropped (was \"x\")",
            "/d: added (null)",
        ]
    );
}

// ============================================================================ 1. responses: Message and every ContentBlock

#[test]
fn message_text_with_every_citation_kind() {
    let name = "messages/text_citations";
    let message: Message = roundtrip(name);
    assert_message_typed(name, &message);

    assert_eq!(message.id, "msg_01XFDUDYJgAACzvnptvVoYEL");
    assert_eq!(message.model, Model::ClaudeSonnet4_5_20250929);
    assert_eq!(message.stop_reason, Some(StopReason::EndTurn));
    assert_eq!(message.stop_sequence, None);
    assert_eq!(message.stop_details, None);
    assert_eq!(message.container, None);
    assert_eq!(tags(&message.content), ["text"; 6]);

    let first = variant!(&message.content[0], ContentBlock::Text);
    assert_eq!(first.text, "Here is what the sources say.");
    assert_eq!(first.citations, None);

    let kinds: Vec<&str> = message
        .content
        .iter()
        .flat_map(text_citations)
        .map(TextCitation::tag)
        .collect();
    assert_eq!(
        kinds,
        [
            "char_location",
            "page_location",
            "content_block_location",
            "web_search_result_location",
            "search_result_location",
        ]
    );

    let char_location = variant!(
        &text_citations(&message.content[1])[0],
        TextCitation::CharLocation
    );
    assert_eq!(char_location.end_char_index, 20);
    assert_eq!(char_location.file_id, None);
    let page = variant!(
        &text_citations(&message.content[2])[0],
        TextCitation::PageLocation
    );
    assert_eq!((page.start_page_number, page.end_page_number), (4, 5));
    assert_eq!(
        page.file_id.as_deref(),
        Some("file_011CNha8iCJcU1wXNR6q4V8w")
    );
    let blocks = variant!(
        &text_citations(&message.content[3])[0],
        TextCitation::ContentBlockLocation
    );
    assert_eq!(blocks.document_title, None);
    let web = variant!(
        &text_citations(&message.content[4])[0],
        TextCitation::WebSearchResultLocation
    );
    assert_eq!(
        web.url,
        "https://blog.rust-lang.org/2025/02/20/Rust-1.85.0.html"
    );
    let search = variant!(
        &text_citations(&message.content[5])[0],
        TextCitation::SearchResultLocation
    );
    assert_eq!(search.source, "https://help.example.com/billing/refunds");

    let usage = &message.usage;
    assert_eq!((usage.input_tokens, usage.output_tokens), (2095, 503));
    assert_eq!(usage.service_tier, Some(UsageServiceTier::Standard));
    assert_eq!(usage.inference_geo.as_deref(), Some("global"));
    assert_eq!(usage.output_tokens_details, None);
}

#[test]
fn message_thinking_and_redacted_thinking() {
    let name = "messages/thinking";
    let message: Message = roundtrip(name);
    assert_message_typed(name, &message);
    assert_eq!(
        tags(&message.content),
        ["thinking", "redacted_thinking", "text"]
    );
    assert_eq!(message.model, Model::ClaudeOpus4_5);

    let thinking = variant!(&message.content[0], ContentBlock::Thinking);
    assert!(thinking.thinking.ends_with("= 12231."));
    assert!(thinking.signature.starts_with("EqQBCgIYAhIM"));
    let redacted = variant!(&message.content[1], ContentBlock::RedactedThinking);
    assert!(redacted.data.starts_with("EmwKAhgBEgy3va3pzix"));

    let usage = &message.usage;
    let cache = usage.cache_creation.as_ref().expect("cache_creation");
    assert_eq!(cache.ephemeral_1h_input_tokens, 1024);
    assert_no_extra("thinking: CacheCreation", &cache.extra);
    assert_eq!(usage.cache_read_input_tokens, Some(2048));
    assert_eq!(
        usage
            .output_tokens_details
            .as_ref()
            .map(|d| d.thinking_tokens),
        Some(377)
    );
    assert_eq!(usage.service_tier, Some(UsageServiceTier::Priority));
}

#[test]
fn message_client_tool_use() {
    let name = "messages/tool_use";
    let message: Message = roundtrip(name);
    assert_message_typed(name, &message);
    assert_eq!(tags(&message.content), ["text", "tool_use"]);
    assert_eq!(message.stop_reason, Some(StopReason::ToolUse));

    let tool_use = variant!(&message.content[1], ContentBlock::ToolUse);
    assert_eq!(tool_use.id, "toolu_01A09q90qw90lq917835lq9");
    assert_eq!(tool_use.name, "get_weather");
    assert_eq!(tool_use.input["location"], "San Francisco, CA");
    assert_no_extra(
        "tool_use caller",
        &variant!(&tool_use.caller, ToolCaller::Direct).extra,
    );

    // Every nullable usage property is null here.
    let usage = &message.usage;
    assert_eq!(usage.cache_creation, None);
    assert_eq!(usage.cache_creation_input_tokens, None);
    assert_eq!(usage.service_tier, None);
}

#[test]
fn message_stopped_by_stop_sequence() {
    let name = "messages/stop_sequence";
    let message: Message = roundtrip(name);
    assert_message_typed(name, &message);
    assert_eq!(message.model, Model::ClaudeHaiku4_5_20251001);
    assert_eq!(message.stop_reason, Some(StopReason::StopSequence));
    assert_eq!(message.stop_sequence.as_deref(), Some("4."));
    assert_eq!(message.usage.service_tier, Some(UsageServiceTier::Batch));
    let server = message
        .usage
        .server_tool_use
        .as_ref()
        .expect("server_tool_use");
    assert_eq!(
        (server.web_search_requests, server.web_fetch_requests),
        (0, 0)
    );
}

#[test]
fn message_refusal_with_stop_details() {
    let name = "messages/refusal";
    let message: Message = roundtrip(name);
    assert_message_typed(name, &message);
    assert!(message.content.is_empty());
    assert_eq!(message.model, Model::ClaudeOpus4_1_20250805);
    assert_eq!(message.stop_reason, Some(StopReason::Refusal));
    let details = message.stop_details.as_ref().expect("stop_details");
    assert_eq!(details.category, Some(RefusalCategory::Bio));
    assert!(
        details
            .explanation
            .as_deref()
            .unwrap_or_default()
            .contains("pathogen")
    );
    assert_no_extra("refusal: stop_details", &details.extra);
}

#[test]
fn message_web_search_results_and_error() {
    let name = "messages/web_search";
    let message: Message = roundtrip(name);
    assert_message_typed(name, &message);
    assert_eq!(
        tags(&message.content),
        [
            "server_tool_use",
            "web_search_tool_result",
            "server_tool_use",
            "web_search_tool_result",
            "text",
        ]
    );

    let call = variant!(&message.content[0], ContentBlock::ServerToolUse);
    assert_eq!(call.name, ServerToolUseBlockName::WebSearch);
    assert_eq!(call.input["query"], "rust 2024 edition release date");

    let found = variant!(&message.content[1], ContentBlock::WebSearchToolResult);
    assert_eq!(found.tool_use_id, call.id);
    let results = variant!(
        &found.content,
        WebSearchToolResultBlockContent::WebSearchResultBlockList
    );
    assert_eq!(results.len(), 2);
    assert_eq!(results[0].page_age.as_deref(), Some("February 20, 2025"));
    assert_eq!(results[1].page_age, None);
    for result in results {
        assert_no_extra("web_search: result", &result.extra);
    }

    let failed = variant!(&message.content[3], ContentBlock::WebSearchToolResult);
    let error = variant!(
        &failed.content,
        WebSearchToolResultBlockContent::WebSearchToolResultError
    );
    assert_eq!(
        error.error_code,
        WebSearchToolResultErrorCode::MaxUsesExceeded
    );

    assert_eq!(
        message
            .usage
            .server_tool_use
            .as_ref()
            .map(|s| s.web_search_requests),
        Some(2)
    );
}

#[test]
fn message_web_fetch_documents_and_error() {
    let name = "messages/web_fetch";
    let message: Message = roundtrip(name);
    assert_message_typed(name, &message);
    assert_eq!(
        tags(&message.content),
        [
            "server_tool_use",
            "web_fetch_tool_result",
            "server_tool_use",
            "web_fetch_tool_result",
            "server_tool_use",
            "web_fetch_tool_result",
            "text",
        ]
    );
    assert_eq!(
        variant!(&message.content[0], ContentBlock::ServerToolUse).name,
        ServerToolUseBlockName::WebFetch
    );

    let page = variant!(
        &variant!(&message.content[1], ContentBlock::WebFetchToolResult).content,
        WebFetchToolResultBlockContent::WebFetchResult
    );
    // `retrieved_at` is a plain string in the spec, so it is kept exactly as sent.
    assert_eq!(
        page.retrieved_at.as_deref(),
        Some("2025-09-10T14:22:05.113000+00:00")
    );
    assert_eq!(
        page.content.title.as_deref(),
        Some("Understanding Ownership")
    );
    assert_eq!(
        page.content.citations.as_ref().map(|c| c.enabled),
        Some(true)
    );
    let text = variant!(&page.content.source, DocumentSource::Text);
    assert!(text.data.starts_with("Ownership is a set of rules"));

    let pdf = variant!(
        &variant!(&message.content[3], ContentBlock::WebFetchToolResult).content,
        WebFetchToolResultBlockContent::WebFetchResult
    );
    assert_eq!(pdf.retrieved_at, None);
    assert_eq!(pdf.content.citations, None);
    assert!(
        variant!(&pdf.content.source, DocumentSource::Base64)
            .data
            .starts_with("JVBERi0")
    );

    let error = variant!(
        &variant!(&message.content[5], ContentBlock::WebFetchToolResult).content,
        WebFetchToolResultBlockContent::WebFetchToolResultError
    );
    assert_eq!(
        error.error_code,
        WebFetchToolResultErrorCode::UrlNotAccessible
    );
}

#[test]
fn message_code_execution_results_and_container() {
    let name = "messages/code_execution";
    let message: Message = roundtrip(name);
    assert_message_typed(name, &message);
    assert_eq!(message.model, Model::ClaudeOpus4_5_20251101);

    let contents: Vec<&CodeExecutionToolResultBlockContent> = message
        .content
        .iter()
        .filter_map(|block| match block {
            ContentBlock::CodeExecutionToolResult(result) => Some(&result.content),
            _ => None,
        })
        .collect();
    assert_eq!(contents.len(), 3);
    let done = variant!(
        contents[0],
        CodeExecutionToolResultBlockContent::CodeExecutionResult
    );
    assert_eq!((done.stdout.as_str(), done.return_code), ("3.0\n", 0));
    assert_eq!(done.content[0].file_id, "file_011CPR5CNjB747bTd36fQLFk");
    let encrypted = variant!(
        contents[1],
        CodeExecutionToolResultBlockContent::EncryptedCodeExecutionResult
    );
    assert!(encrypted.encrypted_stdout.starts_with("EsIBCkYIBRgC"));
    assert!(encrypted.content.is_empty());
    let error = variant!(
        contents[2],
        CodeExecutionToolResultBlockContent::CodeExecutionToolResultError
    );
    assert_eq!(
        error.error_code,
        CodeExecutionToolResultErrorCode::ExecutionTimeExceeded
    );

    let container = message.container.as_ref().expect("container");
    assert_eq!(container.id, "container_011CPR5CNjB747bTd36fQLFk");
    assert_eq!(
        container.expires_at,
        utc((2025, 5, 23), (21, 13, 31), 749_448)
    );
    assert_no_extra("code_execution: container", &container.extra);
}

#[test]
fn message_bash_text_editor_and_container_upload() {
    let name = "messages/bash_text_editor";
    let message: Message = roundtrip(name);
    assert_message_typed(name, &message);
    assert_eq!(
        tags(&message.content),
        [
            "container_upload",
            "server_tool_use",
            "bash_code_execution_tool_result",
            "server_tool_use",
            "bash_code_execution_tool_result",
            "server_tool_use",
            "text_editor_code_execution_tool_result",
            "server_tool_use",
            "text_editor_code_execution_tool_result",
            "server_tool_use",
            "text_editor_code_execution_tool_result",
            "server_tool_use",
            "text_editor_code_execution_tool_result",
            "tool_use",
        ]
    );

    let upload = variant!(&message.content[0], ContentBlock::ContainerUpload);
    assert_eq!(upload.file_id, "file_011CNha8iCJcU1wXNR6q4V8w");

    let bash = |i: usize| {
        &variant!(
            &message.content[i],
            ContentBlock::BashCodeExecutionToolResult
        )
        .content
    };
    let ok = variant!(
        bash(2),
        BashCodeExecutionToolResultBlockContent::BashCodeExecutionResult
    );
    assert_eq!(ok.stdout, "1201 sales.csv\n");
    assert_eq!(ok.content[0].file_id, "file_011CPS7hGvq3nKxWb2d9mRtE");
    let too_large = variant!(
        bash(4),
        BashCodeExecutionToolResultBlockContent::BashCodeExecutionToolResultError
    );
    assert_eq!(
        too_large.error_code,
        BashCodeExecutionToolResultErrorCode::OutputFileTooLarge
    );

    let editor = |i: usize| {
        &variant!(
            &message.content[i],
            ContentBlock::TextEditorCodeExecutionToolResult
        )
        .content
    };
    let view = variant!(
        editor(6),
        TextEditorCodeExecutionToolResultBlockContent::TextEditorCodeExecutionViewResult
    );
    assert_eq!(
        view.file_type,
        TextEditorCodeExecutionViewResultBlockFileType::Text
    );
    assert_eq!(
        (view.num_lines, view.start_line, view.total_lines),
        (Some(4), Some(1), Some(4))
    );
    let create = variant!(
        editor(8),
        TextEditorCodeExecutionToolResultBlockContent::TextEditorCodeExecutionCreateResult
    );
    assert!(!create.is_file_update);
    let replace = variant!(
        editor(10),
        TextEditorCodeExecutionToolResultBlockContent::TextEditorCodeExecutionStrReplaceResult
    );
    assert_eq!(replace.lines.as_ref().map(Vec::len), Some(2));
    assert_eq!((replace.old_start, replace.new_lines), (Some(4), Some(1)));
    let missing = variant!(
        editor(12),
        TextEditorCodeExecutionToolResultBlockContent::TextEditorCodeExecutionToolResultError
    );
    assert_eq!(
        missing.error_code,
        TextEditorCodeExecutionToolResultErrorCode::FileNotFound
    );

    // A client tool called from inside the code execution sandbox.
    let nested = variant!(&message.content[13], ContentBlock::ToolUse);
    let caller = variant!(&nested.caller, ToolCaller::CodeExecution20250825);
    assert_eq!(caller.tool_id, "srvtoolu_01B3C4D5E6F7G8H9I0J1K2L3");

    assert_eq!(
        message.container.as_ref().map(|c| c.expires_at),
        Some(utc((2025, 9, 30), (12, 41, 7), 0))
    );
}

#[test]
fn message_tool_search_results_and_error() {
    let name = "messages/tool_search";
    let message: Message = roundtrip(name);
    assert_message_typed(name, &message);
    assert_eq!(message.model, Model::ClaudeOpus4_7);
    assert_eq!(
        variant!(&message.content[0], ContentBlock::ServerToolUse).name,
        ServerToolUseBlockName::ToolSearchToolRegex
    );
    assert_eq!(
        variant!(&message.content[2], ContentBlock::ServerToolUse).name,
        ServerToolUseBlockName::ToolSearchToolBm25
    );

    let found = variant!(
        &variant!(&message.content[1], ContentBlock::ToolSearchToolResult).content,
        ToolSearchToolResultBlockContent::ToolSearchToolSearchResult
    );
    let names: Vec<&str> = found
        .tool_references
        .iter()
        .map(|r| r.tool_name.as_str())
        .collect();
    assert_eq!(names, ["get_weather", "get_forecast"]);

    let error = variant!(
        &variant!(&message.content[3], ContentBlock::ToolSearchToolResult).content,
        ToolSearchToolResultBlockContent::ToolSearchToolResultError
    );
    assert_eq!(error.error_code, ToolSearchToolResultErrorCode::Unavailable);
    assert_eq!(error.error_message, None);

    let tool_use = variant!(&message.content[4], ContentBlock::ToolUse);
    let caller = variant!(&tool_use.caller, ToolCaller::CodeExecution20260120);
    assert_eq!(caller.tool_id, "srvtoolu_01H9I0J1K2L3M4N5O6P7Q8R9");
}

#[test]
fn message_samples_cover_every_content_block_type() {
    let samples = [
        "messages/text_citations",
        "messages/thinking",
        "messages/tool_use",
        "messages/web_search",
        "messages/web_fetch",
        "messages/code_execution",
        "messages/bash_text_editor",
        "messages/tool_search",
    ];
    let mut seen = BTreeSet::new();
    for name in samples {
        let message: Message = serde_json::from_value(fixture(name)).expect(name);
        seen.extend(message.content.iter().map(|b| b.tag().to_string()));
    }
    // The `ContentBlock` discriminator mapping of the spec.
    let expected: BTreeSet<String> = [
        "text",
        "thinking",
        "redacted_thinking",
        "tool_use",
        "server_tool_use",
        "web_search_tool_result",
        "web_fetch_tool_result",
        "code_execution_tool_result",
        "bash_code_execution_tool_result",
        "text_editor_code_execution_tool_result",
        "tool_search_tool_result",
        "container_upload",
    ]
    .map(String::from)
    .into();
    assert_eq!(seen, expected);
}

#[test]
fn message_tokens_count() {
    let count: MessageTokensCount = roundtrip("messages/tokens_count");
    assert_eq!(count.input_tokens, 2095);
    assert_no_extra("tokens_count", &count.extra);
}

// ============================================================================ 2. requests: MessageCreateParams, every ContentBlockParam and ToolUnion

#[test]
fn request_with_string_system_and_sampling_options() {
    let name = "requests/basic";
    let request: MessageCreateParams = roundtrip(name);
    assert_request_typed(name, &request.extra, &request.messages);

    assert_eq!(request.model, Model::ClaudeSonnet4_5);
    assert_eq!(request.max_tokens, 1024);
    let system = variant!(
        request.system.as_ref().expect("system"),
        SystemPrompt::String
    );
    assert!(system.starts_with("You are a concise assistant"));
    let roles: Vec<&MessageParamRole> = request.messages.iter().map(|m| &m.role).collect();
    assert_eq!(
        roles,
        [
            &MessageParamRole::User,
            &MessageParamRole::Assistant,
            &MessageParamRole::User
        ]
    );
    assert_eq!(
        variant!(&request.messages[0].content, MessageContent::String),
        "Hello, Claude"
    );
    assert_eq!(
        request.metadata.as_ref().and_then(|m| m.user_id.as_deref()),
        Some("13803d75-b4b5-4c3e-b2a2-6f21399b021b")
    );
    assert_eq!(
        request.stop_sequences.as_deref(),
        Some(&["4.".to_string(), "\n\nHuman:".to_string()][..])
    );
    assert_eq!(request.stream(), Some(false));
    assert_eq!(
        (request.temperature, request.top_p, request.top_k),
        (Some(0.7), Some(0.9), Some(40))
    );
    assert_eq!(
        request.service_tier,
        Some(MessageCreateParamsServiceTier::StandardOnly)
    );
    let auto = variant!(
        request.tool_choice.as_ref().expect("tool_choice"),
        ToolChoiceParam::Auto
    );
    assert_eq!(auto.disable_parallel_tool_use, Some(true));
    variant!(
        request.thinking.as_ref().expect("thinking"),
        ThinkingConfigParam::Disabled
    );
}

#[test]
fn request_with_block_system_output_config_and_cache_control() {
    let name = "requests/system_blocks_and_config";
    let request: MessageCreateParams = roundtrip(name);
    assert_request_typed(name, &request.extra, &request.messages);

    let system = variant!(
        request.system.as_ref().expect("system"),
        SystemPrompt::TextBlockParamList
    );
    assert_eq!(system.len(), 2);
    assert_eq!(system[0].cache_control, None);
    assert_eq!(
        system[1].cache_control.as_ref().and_then(|c| c.ttl.clone()),
        Some(CacheControlEphemeralParamTtl::OneHour)
    );
    assert_eq!(
        request.cache_control.as_ref().map(|c| c.ttl.clone()),
        Some(None)
    );
    assert_eq!(
        request.container.as_deref(),
        Some("container_011CPR5CNjB747bTd36fQLFk")
    );
    assert_eq!(request.inference_geo.as_deref(), Some("us"));

    let output = request.output_config.as_ref().expect("output_config");
    assert_eq!(output.effort, Some(EffortLevel::High));
    let format = output.format.as_ref().expect("format");
    assert_eq!(format.schema["required"], json!(["summary", "risk_level"]));
    assert_no_extra("output_config", &output.extra);
    assert_no_extra("output_config.format", &format.extra);

    let adaptive = variant!(
        request.thinking.as_ref().expect("thinking"),
        ThinkingConfigParam::Adaptive
    );
    assert_eq!(adaptive.display, Some(ThinkingDisplayMode::Summarized));
    variant!(
        request.tool_choice.as_ref().expect("tool_choice"),
        ToolChoiceParam::None
    );
    assert_eq!(
        request.service_tier,
        Some(MessageCreateParamsServiceTier::Auto)
    );
    assert_eq!(request.stream(), Some(true));
}

#[test]
fn request_user_blocks_images_documents_search_results() {
    let name = "requests/user_content_blocks";
    let request: MessageCreateParams = roundtrip(name);
    assert_request_typed(name, &request.extra, &request.messages);
    assert_eq!(
        param_tags(&request.messages),
        [
            "text",
            "image",
            "image",
            "document",
            "document",
            "document",
            "document",
            "document",
            "search_result",
            "container_upload",
        ]
    );
    let blocks = param_blocks(&request.messages[0]);

    let text = variant!(&blocks[0], ContentBlockParam::Text);
    assert_eq!(
        text.cache_control.as_ref().and_then(|c| c.ttl.clone()),
        Some(CacheControlEphemeralParamTtl::FiveMinutes)
    );

    let png = variant!(
        &variant!(&blocks[1], ContentBlockParam::Image).source,
        ImageSourceParam::Base64
    );
    assert_eq!(png.media_type, Base64ImageSourceParamMediaType::ImagePng);
    let url = variant!(
        &variant!(&blocks[2], ContentBlockParam::Image).source,
        ImageSourceParam::Url
    );
    assert!(url.url.ends_with("Camponotus_flavomarginatus_ant.jpg"));

    let document = |i: usize| variant!(&blocks[i], ContentBlockParam::Document);
    let pdf = document(3);
    assert_eq!(pdf.title.as_deref(), Some("Annual Report 2025"));
    assert_eq!(pdf.citations.as_ref().and_then(|c| c.enabled), Some(true));
    assert!(pdf.context.is_some());
    variant!(&pdf.source, DocumentSourceParam::Base64);
    let plain = variant!(&document(4).source, DocumentSourceParam::Text);
    assert_eq!(plain.data, "The grass is green. The sky is blue.");
    let custom_string = variant!(&document(5).source, DocumentSourceParam::Content);
    assert_eq!(
        variant!(&custom_string.content, ContentBlockSourceContent::String),
        "A single string of custom content."
    );
    let custom_blocks = variant!(&document(6).source, DocumentSourceParam::Content);
    let inner = variant!(
        &custom_blocks.content,
        ContentBlockSourceContent::ContentBlockSourceContentParamList
    );
    let inner_tags: Vec<&str> = inner
        .iter()
        .map(ContentBlockSourceContentParam::tag)
        .collect();
    assert_eq!(inner_tags, ["text", "text", "image"]);
    let remote = variant!(&document(7).source, DocumentSourceParam::Url);
    assert!(remote.url.ends_with(".pdf"));

    let search = variant!(&blocks[8], ContentBlockParam::SearchResult);
    assert_eq!(search.title, "Refund policy");
    assert_eq!(
        search.content[0].text,
        "Refunds are issued within 5 business days of approval."
    );
    let upload = variant!(&blocks[9], ContentBlockParam::ContainerUpload);
    assert_eq!(upload.file_id, "file_011CNha8iCJcU1wXNR6q4V8w");
}

#[test]
fn request_conversation_thinking_tools_results_and_mid_conversation_system() {
    let name = "requests/conversation_blocks";
    let request: MessageCreateParams = roundtrip(name);
    assert_request_typed(name, &request.extra, &request.messages);
    assert_eq!(
        param_tags(&request.messages),
        [
            "thinking",
            "redacted_thinking",
            "text",
            "tool_use",
            "tool_use",
            "tool_result",
            "tool_result",
            "tool_result",
            "text",
            "mid_conv_system",
        ]
    );
    let enabled = variant!(
        request.thinking.as_ref().expect("thinking"),
        ThinkingConfigParam::Enabled
    );
    assert_eq!(enabled.budget_tokens, 2048);
    assert_eq!(enabled.display, Some(ThinkingDisplayMode::Omitted));

    let assistant = param_blocks(&request.messages[1]);
    assert_eq!(request.messages[1].role, MessageParamRole::Assistant);
    let cited = variant!(&assistant[2], ContentBlockParam::Text);
    let kinds: Vec<&str> = cited
        .citations
        .iter()
        .flatten()
        .map(TextCitationParam::tag)
        .collect();
    assert_eq!(
        kinds,
        [
            "char_location",
            "page_location",
            "content_block_location",
            "web_search_result_location",
            "search_result_location",
        ]
    );
    let tool_use = variant!(&assistant[3], ContentBlockParam::ToolUse);
    assert_eq!(tool_use.caller, None);
    assert_eq!(tool_use.input["location"], "Paris, France");
    let with_caller = variant!(&assistant[4], ContentBlockParam::ToolUse);
    variant!(
        with_caller.caller.as_ref().expect("caller"),
        ToolCaller::Direct
    );

    let results = param_blocks(&request.messages[2]);
    let plain = variant!(&results[0], ContentBlockParam::ToolResult);
    assert_eq!(
        variant!(
            plain.content.as_ref().expect("content"),
            ToolResultContent::String
        ),
        "15 degrees, light rain"
    );
    assert_eq!(plain.is_error, None);
    let rich = variant!(&results[1], ContentBlockParam::ToolResult);
    let rich_blocks = variant!(
        rich.content.as_ref().expect("content"),
        ToolResultContent::ToolResultContentBlockParamList
    );
    let rich_tags: Vec<&str> = rich_blocks
        .iter()
        .map(ToolResultContentBlockParam::tag)
        .collect();
    assert_eq!(
        rich_tags,
        [
            "text",
            "image",
            "search_result",
            "document",
            "tool_reference"
        ]
    );
    let reference = variant!(&rich_blocks[4], ToolResultContentBlockParam::ToolReference);
    assert_eq!(reference.tool_name, "get_forecast");
    assert_eq!(
        variant!(&results[2], ContentBlockParam::ToolResult).is_error,
        Some(true)
    );

    assert_eq!(request.messages[3].role, MessageParamRole::System);
    let system = variant!(
        &param_blocks(&request.messages[3])[0],
        ContentBlockParam::MidConvSystem
    );
    assert_eq!(system.content[0].text, "From now on, answer in French.");
}

#[test]
fn request_server_tool_blocks_passed_back() {
    let name = "requests/server_tool_blocks";
    let request: MessageCreateParams = roundtrip(name);
    assert_request_typed(name, &request.extra, &request.messages);
    let blocks = param_blocks(&request.messages[1]);
    assert_eq!(blocks.len(), 22);
    assert_eq!(blocks[21].tag(), "text");

    let search = variant!(&blocks[0], ContentBlockParam::ServerToolUse);
    assert_eq!(search.name, ServerToolUseBlockParamName::WebSearch);
    let results = variant!(
        &variant!(&blocks[1], ContentBlockParam::WebSearchToolResult).content,
        WebSearchToolResultBlockContentParam::WebSearchResultBlockParamList
    );
    assert_eq!(results.len(), 2);
    assert_eq!(results[1].page_age, None);
    let search_error = variant!(
        &variant!(&blocks[3], ContentBlockParam::WebSearchToolResult).content,
        WebSearchToolResultBlockContentParam::WebSearchToolRequestErrorParam
    );
    assert_eq!(
        search_error.error_code,
        WebSearchToolResultErrorCode::TooManyRequests
    );

    let fetched = variant!(
        &variant!(&blocks[5], ContentBlockParam::WebFetchToolResult).content,
        WebFetchToolResultBlockContentParam::WebFetchResult
    );
    variant!(&fetched.content.source, DocumentSourceParam::Text);
    let fetch_error = variant!(
        &variant!(&blocks[7], ContentBlockParam::WebFetchToolResult).content,
        WebFetchToolResultBlockContentParam::WebFetchToolResultError
    );
    assert_eq!(
        fetch_error.error_code,
        WebFetchToolResultErrorCode::UrlNotAllowed
    );

    let code: Vec<&str> = blocks
        .iter()
        .filter_map(|b| match b {
            ContentBlockParam::CodeExecutionToolResult(r) => Some(r.content.tag()),
            ContentBlockParam::BashCodeExecutionToolResult(r) => Some(r.content.tag()),
            ContentBlockParam::TextEditorCodeExecutionToolResult(r) => Some(r.content.tag()),
            ContentBlockParam::ToolSearchToolResult(r) => Some(r.content.tag()),
            _ => None,
        })
        .collect();
    assert_eq!(
        code,
        [
            "code_execution_result",
            "encrypted_code_execution_result",
            "code_execution_tool_result_error",
            "bash_code_execution_result",
            "bash_code_execution_tool_result_error",
            "text_editor_code_execution_view_result",
            "text_editor_code_execution_create_result",
            "text_editor_code_execution_str_replace_result",
            "text_editor_code_execution_tool_result_error",
            "tool_search_tool_search_result",
            "tool_search_tool_result_error",
        ]
    );
    let regex = variant!(&blocks[18], ContentBlockParam::ServerToolUse);
    assert_eq!(regex.name, ServerToolUseBlockParamName::ToolSearchToolRegex);
    let caller = variant!(
        regex.caller.as_ref().expect("caller"),
        ToolCaller::CodeExecution20250825
    );
    assert_eq!(caller.tool_id, "srvtoolu_01A2B3C4D5E6F7G8H9I0J1K2");
}

#[test]
fn request_samples_cover_every_content_block_param_type() {
    let samples = [
        "requests/user_content_blocks",
        "requests/conversation_blocks",
        "requests/server_tool_blocks",
    ];
    let mut seen = BTreeSet::new();
    for name in samples {
        let request: MessageCreateParams = serde_json::from_value(fixture(name)).expect(name);
        seen.extend(param_tags(&request.messages).into_iter().map(String::from));
    }
    // The `ContentBlockParam` discriminator mapping of the spec.
    let expected: BTreeSet<String> = [
        "text",
        "image",
        "document",
        "search_result",
        "thinking",
        "redacted_thinking",
        "tool_use",
        "tool_result",
        "server_tool_use",
        "web_search_tool_result",
        "web_fetch_tool_result",
        "code_execution_tool_result",
        "bash_code_execution_tool_result",
        "text_editor_code_execution_tool_result",
        "tool_search_tool_result",
        "container_upload",
        "mid_conv_system",
    ]
    .map(String::from)
    .into();
    assert_eq!(seen, expected);
}

#[test]
fn request_with_every_tool_type() {
    let name = "requests/tools";
    let request: MessageCreateParams = roundtrip(name);
    assert_request_typed(name, &request.extra, &request.messages);
    let tools = request.tools.as_deref().expect("tools");
    for (i, tool) in tools.iter().enumerate() {
        let extra =
            tool_extra(tool).unwrap_or_else(|| panic!("tool {i} fell back to Unknown: {tool:?}"));
        assert_no_extra(&format!("{name}: tool {i} ({})", tool.tag()), extra);
    }
    // Every key of the spec's `ToolUnion` discriminator mapping, in order.
    let tool_tags: Vec<&str> = tools.iter().map(ToolUnion::tag).collect();
    assert_eq!(
        tool_tags,
        [
            "custom",
            "bash_20250124",
            "code_execution_20250522",
            "code_execution_20250825",
            "code_execution_20260120",
            "code_execution_20260521",
            "memory_20250818",
            "text_editor_20250124",
            "text_editor_20250429",
            "text_editor_20250728",
            "web_search_20250305",
            "web_fetch_20250910",
            "web_search_20260209",
            "web_fetch_20260209",
            "web_fetch_20260309",
            "web_search_20260318",
            "web_fetch_20260318",
            "tool_search_tool_bm25_20251119",
            "tool_search_tool_bm25",
            "tool_search_tool_regex_20251119",
            "tool_search_tool_regex",
        ]
    );

    let custom = variant!(&tools[0], ToolUnion::Custom);
    assert_eq!(custom.name, "get_weather");
    assert_eq!(
        custom.input_schema.required.as_deref(),
        Some(&["location".to_string()][..])
    );
    assert!(
        custom
            .input_schema
            .properties
            .as_ref()
            .is_some_and(|p| p.contains_key("unit"))
    );
    assert_no_extra("custom tool input_schema", &custom.input_schema.extra);
    assert_eq!(
        custom.allowed_callers.as_deref(),
        Some(&[AllowedCaller::Direct, AllowedCaller::CodeExecution20250825][..])
    );
    assert_eq!(custom.input_examples.as_ref().map(Vec::len), Some(1));

    let editor = variant!(&tools[9], ToolUnion::TextEditor20250728);
    assert_eq!(editor.max_characters, Some(10000));
    let search = variant!(&tools[10], ToolUnion::WebSearch20250305);
    assert_eq!(search.max_uses, Some(5));
    let location = search.user_location.as_ref().expect("user_location");
    assert_eq!(location.timezone.as_deref(), Some("America/Los_Angeles"));
    let fetch = variant!(&tools[16], ToolUnion::WebFetch20260318);
    assert_eq!(
        fetch.response_inclusion,
        Some(WebFetchTool20260318ResponseInclusion::Full)
    );
    assert_eq!(fetch.use_cache, Some(false));

    // A schema mapped from two tags keeps the tag as a field, so each spelling round-trips.
    let dated = variant!(&tools[17], ToolUnion::ToolSearchToolBm25_20251119);
    assert_eq!(
        dated.r#type,
        ToolSearchToolBm2520251119Type::ToolSearchToolBm25_20251119
    );
    let undated = variant!(&tools[18], ToolUnion::ToolSearchToolBm25);
    assert_eq!(
        undated.r#type,
        ToolSearchToolBm2520251119Type::ToolSearchToolBm25
    );
    let regex = variant!(&tools[20], ToolUnion::ToolSearchToolRegex);
    assert_eq!(
        regex.r#type,
        ToolSearchToolRegex20251119Type::ToolSearchToolRegex
    );

    let any = variant!(
        request.tool_choice.as_ref().expect("tool_choice"),
        ToolChoiceParam::Any
    );
    assert_eq!(any.disable_parallel_tool_use, Some(false));
}

#[test]
fn custom_tool_without_type_decodes_as_custom_and_stays_without_it() {
    // `x-discriminator-default: custom`: a tool without `type` is a custom tool. The spec does
    // not require the custom tool's `type` ("`custom` or omitted"), so it is an optional field
    // and a tool decoded without it encodes without it: the round trip is exact.
    let name = "requests/custom_tool_without_type";
    assert!(fixture(name).get("type").is_none());
    let tool: ToolUnion = roundtrip(name);
    let custom = variant!(&tool, ToolUnion::Custom);
    assert_eq!(custom.name, "get_stock_price");
    assert_eq!(custom.r#type, None);
    assert_no_extra(name, &custom.extra);
    let written = serde_json::to_value(&tool).expect("encodes");
    assert!(written.get("type").is_none(), "{written}");

    // Built in Rust, the tool sends what the API requires and no `type` unless it is set;
    // either way it decodes back as the same custom tool.
    let built = ToolUnion::from(Tool::new("get_stock_price", custom.input_schema.clone()));
    let built_json = serde_json::to_value(&built).expect("encodes");
    assert!(built_json.get("type").is_none(), "{built_json}");
    let typed = ToolUnion::from(custom.clone().r#type(ToolType::Custom));
    let typed_json = serde_json::to_value(&typed).expect("encodes");
    assert_eq!(typed_json["type"], "custom");
    for json in [built_json, typed_json] {
        let back: ToolUnion = serde_json::from_value(json.clone()).expect("decodes");
        assert_eq!(serde_json::to_value(&back).expect("encodes"), json);
    }
}

#[test]
fn custom_tool_with_null_type_decodes_as_custom_and_keeps_the_null() {
    // The spec lets the custom tool's `type` be null; a null tag selects the
    // `x-discriminator-default` variant like a missing one, whether the tag comes first
    // (streamed) or last (buffered), and the explicit null is written back unchanged.
    for name in [
        "requests/custom_tool_null_type",
        "requests/custom_tool_null_type_last",
    ] {
        let tool: ToolUnion = roundtrip(name);
        let custom = variant!(&tool, ToolUnion::Custom);
        assert_eq!(custom.name, "lookup_order", "{name}");
        assert_eq!(custom.extra.get("type"), Some(&Value::Null), "{name}");
    }
}

#[test]
fn tool_choice_variants() {
    let choices: Vec<ToolChoiceParam> = roundtrip("requests/tool_choices");
    let choice_tags: Vec<&str> = choices.iter().map(ToolChoiceParam::tag).collect();
    assert_eq!(choice_tags, ["auto", "auto", "any", "tool", "none"]);
    assert_eq!(
        variant!(&choices[0], ToolChoiceParam::Auto).disable_parallel_tool_use,
        None
    );
    let tool = variant!(&choices[3], ToolChoiceParam::Tool);
    assert_eq!(tool.name, "get_weather");
    assert_eq!(tool.disable_parallel_tool_use, Some(true));
    assert_no_extra("tool choice", &tool.extra);
}

#[test]
fn thinking_config_variants() {
    let configs: Vec<ThinkingConfigParam> = roundtrip("requests/thinking_configs");
    let config_tags: Vec<&str> = configs.iter().map(ThinkingConfigParam::tag).collect();
    assert_eq!(
        config_tags,
        ["enabled", "enabled", "disabled", "adaptive", "adaptive"]
    );
    let enabled = variant!(&configs[0], ThinkingConfigParam::Enabled);
    assert_eq!((enabled.budget_tokens, &enabled.display), (10000, &None));
    assert_eq!(
        variant!(&configs[4], ThinkingConfigParam::Adaptive).display,
        Some(ThinkingDisplayMode::Omitted)
    );
}

#[test]
fn count_tokens_request_with_untyped_custom_tool() {
    // The tool omits `type` as the docs' examples do, and the encoder leaves it out too.
    let name = "requests/count_tokens";
    let request: MessageCountTokensParams = roundtrip(name);
    assert_request_typed(name, &request.extra, &request.messages);
    assert_eq!(request.model, Model::ClaudeHaiku4_5);
    let tools = request.tools.as_deref().expect("tools");
    assert_eq!(variant!(&tools[0], ToolUnion::Custom).name, "get_weather");
    assert_eq!(
        variant!(
            request.tool_choice.as_ref().expect("tool_choice"),
            ToolChoiceParam::Tool
        )
        .name,
        "get_weather"
    );
    assert_eq!(
        request
            .output_config
            .as_ref()
            .and_then(|o| o.effort.clone()),
        Some(EffortLevel::Low)
    );
}

#[test]
fn batch_create_request() {
    let name = "requests/batch_create";
    let batch: MessageBatchCreateParams = roundtrip(name);
    assert_no_extra(name, &batch.extra);
    let ids: Vec<&str> = batch
        .requests
        .iter()
        .map(|r| r.custom_id.as_str())
        .collect();
    assert_eq!(ids, ["my-first-request", "my-second-request"]);
    for request in &batch.requests {
        assert_no_extra(name, &request.extra);
        assert_request_typed(name, &request.params.extra, &request.params.messages);
    }
    assert_eq!(
        batch.requests[1].params.system,
        Some(SystemPrompt::from("Reply in one word."))
    );
}

#[test]
fn legacy_completion_request() {
    let name = "requests/completion_create";
    let request: CompletionCreateParams = roundtrip(name);
    assert_no_extra(name, &request.extra);
    assert_eq!(request.model, Model::ClaudeOpus4_1);
    assert_eq!(request.max_tokens_to_sample, 256);
    assert_eq!(
        (request.temperature, request.top_k, request.top_p),
        (Some(0.5), Some(5), Some(0.7))
    );
}

// ============================================================================ 3. streaming and legacy completions

#[test]
fn message_stream_with_every_event_and_delta_type() {
    let name = "streaming/message_stream";
    let events: Vec<MessageStreamEvent> = roundtrip(name);
    let event_tags: Vec<&str> = events.iter().map(MessageStreamEvent::tag).collect();
    assert_eq!(
        event_tags,
        [
            "message_start",
            "content_block_start",
            "content_block_delta",
            "content_block_delta",
            "content_block_stop",
            "ping",
            "content_block_start",
            "content_block_delta",
            "content_block_delta",
            "content_block_stop",
            "content_block_start",
            "content_block_delta",
            "content_block_delta",
            "content_block_delta",
            "content_block_stop",
            "message_delta",
            "message_stop",
            "error",
        ]
    );
    // Every key of the `MessageStreamEvent` mapping occurs.
    let distinct: BTreeSet<&str> = event_tags.iter().copied().collect();
    assert_eq!(distinct.len(), 8);

    let delta_tags: Vec<&str> = events
        .iter()
        .filter_map(|event| match event {
            MessageStreamEvent::ContentBlockDelta(e) => Some(e.delta.tag()),
            _ => None,
        })
        .collect();
    assert_eq!(
        delta_tags,
        [
            "thinking_delta",
            "signature_delta",
            "text_delta",
            "citations_delta",
            "input_json_delta",
            "input_json_delta",
            "input_json_delta",
        ]
    );

    let start = variant!(&events[0], MessageStreamEvent::MessageStart);
    assert_no_extra(name, &start.extra);
    assert!(start.message.content.is_empty());
    assert_eq!(start.message.stop_reason, None);
    assert_message_typed(name, &start.message);

    let block_start = variant!(&events[10], MessageStreamEvent::ContentBlockStart);
    assert_eq!(block_start.index, 2);
    assert!(
        variant!(&block_start.content_block, ContentBlock::ToolUse)
            .input
            .is_empty()
    );

    let citation = variant!(
        &variant!(&events[8], MessageStreamEvent::ContentBlockDelta).delta,
        ContentBlockDelta::CitationsDelta
    );
    variant!(&citation.citation, TextCitation::CharLocation);
    let partial: String = events
        .iter()
        .filter_map(|event| match event {
            MessageStreamEvent::ContentBlockDelta(e) => match &e.delta {
                ContentBlockDelta::InputJsonDelta(d) => Some(d.partial_json.as_str()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    assert_eq!(partial, r#"{"location": "San Francisco, CA"}"#);

    let message_delta = variant!(&events[15], MessageStreamEvent::MessageDelta);
    assert_eq!(message_delta.delta.stop_reason, Some(StopReason::ToolUse));
    assert_eq!(message_delta.usage.output_tokens, 89);
    assert_eq!(message_delta.usage.input_tokens, Some(472));
    assert_no_extra(name, &message_delta.delta.extra);
    assert_no_extra(name, &message_delta.usage.extra);

    let error = variant!(&events[17], MessageStreamEvent::Error);
    assert_eq!(
        variant!(&error.error, ErrorObject::OverloadedError).message,
        "Overloaded"
    );
}

#[test]
fn message_delta_event_with_container_and_null_usage() {
    let name = "streaming/message_delta_container";
    let event: MessageStreamEvent = roundtrip(name);
    let delta = variant!(&event, MessageStreamEvent::MessageDelta);
    assert_no_extra(name, &delta.extra);
    assert_eq!(delta.delta.stop_reason, Some(StopReason::PauseTurn));
    assert_eq!(
        delta.delta.container.as_ref().map(|c| c.expires_at),
        Some(utc((2025, 5, 23), (21, 13, 31), 749_448))
    );
    assert_eq!(delta.usage.input_tokens, None);
    assert_eq!(
        delta
            .usage
            .server_tool_use
            .as_ref()
            .map(|s| s.web_fetch_requests),
        Some(2)
    );
}

#[test]
fn completion_stream_events() {
    let events: Vec<CompletionStreamEvent> = roundtrip("streaming/completion_stream");
    let event_tags: Vec<&str> = events.iter().map(CompletionStreamEvent::tag).collect();
    assert_eq!(event_tags, ["completion", "ping", "completion", "error"]);
    let text: String = events
        .iter()
        .filter_map(|event| match event {
            CompletionStreamEvent::Completion(c) => Some(c.completion.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(text, " Hello!");
    let last = variant!(&events[2], CompletionStreamEvent::Completion);
    assert_eq!(last.stop_reason.as_deref(), Some("stop_sequence"));
    let error = variant!(&events[3], CompletionStreamEvent::Error);
    variant!(&error.error, ErrorObject::InternalServerError);
}

#[test]
fn legacy_completion() {
    let completion: Completion = roundtrip("completions/completion");
    assert_no_extra("completion", &completion.extra);
    assert_eq!(completion.id, "compl_018CKm6gsux7P8yMcwZbeCPw");
    assert_eq!(completion.model, Model::ClaudeOpus4_1_20250805);
    assert_eq!(completion.completion, " Hello! My name is Claude.");
}

// ============================================================================ 4. message batches

#[test]
fn batch_in_progress() {
    let name = "batches/in_progress";
    let batch: MessageBatch = roundtrip(name);
    assert_no_extra(name, &batch.extra);
    assert_eq!(
        batch.processing_status,
        MessageBatchProcessingStatus::InProgress
    );
    assert_eq!(batch.request_counts.processing, 100);
    assert_eq!(
        (batch.ended_at, batch.archived_at, batch.cancel_initiated_at),
        (None, None, None)
    );
    assert_eq!(batch.results_url, None);
    assert_eq!(batch.created_at, utc((2025, 9, 24), (18, 37, 24), 100_435));
}

#[test]
fn batch_ended_with_date_times_in_other_spellings() {
    let name = "batches/ended";
    let batch: MessageBatch = roundtrip(name);
    assert_no_extra(name, &batch.extra);
    assert_eq!(batch.processing_status, MessageBatchProcessingStatus::Ended);
    let counts = &batch.request_counts;
    assert_eq!(
        (
            counts.succeeded,
            counts.errored,
            counts.canceled,
            counts.expired
        ),
        (95, 2, 1, 2)
    );
    assert_eq!(
        batch.ended_at,
        Some(utc((2025, 9, 24), (19, 2, 11), 500_000))
    );
    assert_eq!(
        batch.cancel_initiated_at,
        Some(utc((2025, 9, 24), (18, 59, 0), 0))
    );
    assert!(
        batch
            .results_url
            .as_deref()
            .unwrap_or_default()
            .ends_with("/results")
    );

    // This is why the comparison normalises date-times: chrono writes its own spelling.
    let written = serde_json::to_value(&batch).expect("encodes");
    assert_eq!(written["ended_at"], "2025-09-24T19:02:11.500Z");
    assert_eq!(written["cancel_initiated_at"], "2025-09-24T18:59:00Z");
}

#[test]
fn batch_lists() {
    let list: MessageBatchList = roundtrip("batches/list");
    assert_no_extra("batches/list", &list.extra);
    assert!(list.has_more);
    assert_eq!(
        list.first_id.as_deref(),
        Some("msgbatch_01HkcTjaV5uDC8jWR4ZsDV8d")
    );
    let statuses: Vec<&MessageBatchProcessingStatus> =
        list.data.iter().map(|b| &b.processing_status).collect();
    assert_eq!(
        statuses,
        [
            &MessageBatchProcessingStatus::Canceling,
            &MessageBatchProcessingStatus::Ended
        ]
    );
    assert_eq!(
        list.data[1].archived_at,
        Some(utc((2025, 9, 1), (0, 0, 0), 0))
    );

    let empty: MessageBatchList = roundtrip("batches/list_empty");
    assert!(empty.data.is_empty());
    assert_eq!(
        (empty.first_id, empty.last_id, empty.has_more),
        (None, None, false)
    );
}

#[test]
fn batch_deleted() {
    let deleted: DeletedMessageBatch = roundtrip("batches/deleted");
    assert_no_extra("batches/deleted", &deleted.extra);
    assert_eq!(deleted.id, "msgbatch_013Zva2CMHLNnXjNJJKqJ2EF");
}

#[test]
fn batch_result_lines_of_every_kind() {
    let succeeded: MessageBatchIndividualResponse = roundtrip("batches/result_succeeded");
    assert_no_extra("result_succeeded", &succeeded.extra);
    let result = variant!(&succeeded.result, MessageBatchResult::Succeeded);
    assert_message_typed("result_succeeded", &result.message);
    assert_eq!(
        result.message.usage.service_tier,
        Some(UsageServiceTier::Batch)
    );

    let errored: MessageBatchIndividualResponse = roundtrip("batches/result_errored");
    let error = &variant!(&errored.result, MessageBatchResult::Errored).error;
    assert_no_extra("result_errored", &error.extra);
    assert_eq!(error.request_id, None);
    assert!(
        variant!(&error.error, ErrorObject::InvalidRequestError)
            .message
            .starts_with("max_tokens: 100000 > 64000")
    );

    let canceled: MessageBatchIndividualResponse = roundtrip("batches/result_canceled");
    assert_eq!(canceled.custom_id, "my-third-request");
    assert_no_extra(
        "result_canceled",
        &variant!(&canceled.result, MessageBatchResult::Canceled).extra,
    );

    let expired: MessageBatchIndividualResponse = roundtrip("batches/result_expired");
    assert_no_extra(
        "result_expired",
        &variant!(&expired.result, MessageBatchResult::Expired).extra,
    );
}

// ============================================================================ 5. models, files, errors

#[test]
fn model_info_with_capabilities() {
    let name = "models/model_info";
    let model: ModelInfo = roundtrip(name);
    assert_no_extra(name, &model.extra);
    assert_eq!(model.id, "claude-sonnet-4-5-20250929");
    assert_eq!(model.created_at, utc((2025, 9, 29), (0, 0, 0), 0));
    assert_eq!(
        (model.max_input_tokens, model.max_tokens),
        (Some(200_000), Some(64000))
    );
    let capabilities = model.capabilities.as_ref().expect("capabilities");
    assert_no_extra(name, &capabilities.extra);
    assert!(capabilities.batch.supported);
    assert_eq!(capabilities.context_management.compact_20260112, None);
    assert!(!capabilities.effort.max.supported);
    assert_eq!(capabilities.effort.xhigh, None);
    assert!(!capabilities.thinking.types.adaptive.supported);
}

#[test]
fn model_info_list() {
    let name = "models/model_info_list";
    let list: ModelInfoList = roundtrip(name);
    assert_no_extra(name, &list.extra);
    let ids: Vec<&str> = list.data.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["claude-opus-4-6", "claude-3-haiku-20240307"]);
    assert!(
        list.data[0]
            .capabilities
            .as_ref()
            .is_some_and(|c| c.effort.xhigh.is_some())
    );
    assert_eq!(list.data[1].capabilities, None);
    assert_eq!(list.data[1].created_at, utc((2024, 3, 7), (0, 0, 0), 0));
    assert_eq!(list.last_id.as_deref(), Some("claude-3-haiku-20240307"));
}

#[test]
fn file_metadata_list_and_deleted() {
    let file: FileMetadata = roundtrip("files/file_metadata");
    assert_no_extra("file_metadata", &file.extra);
    assert_eq!(file.size_bytes, 1_048_576);
    assert_eq!(file.downloadable, Some(false));
    assert_eq!(file.created_at, utc((2025, 4, 14), (9, 30, 12), 482_000));
    let scope = file.scope.as_ref().expect("scope");
    assert_eq!(scope.id, "sesn_011CZkZAtmR3yMPDzynEDxu7");
    assert_no_extra("file scope", &scope.extra);

    let list: FileList = roundtrip("files/file_list");
    assert_no_extra("file_list", &list.extra);
    assert_eq!(list.has_more, Some(false));
    assert_eq!(list.data[0].downloadable, Some(true));
    assert_eq!(
        (
            list.data[1].downloadable.as_ref(),
            list.data[1].scope.as_ref()
        ),
        (None, None)
    );

    let deleted: DeletedFile = roundtrip("files/deleted_file");
    assert_no_extra("deleted_file", &deleted.extra);
    assert_eq!(deleted.id, "file_011CNha8iCJcU1wXNR6q4V8w");
}

#[test]
fn error_response_of_every_error_type() {
    let errors: Vec<ErrorResponse> = roundtrip("errors/error_responses");
    for error in &errors {
        assert_no_extra("error response", &error.extra);
        assert!(!matches!(error.error, ErrorObject::Unknown(_)), "{error:?}");
    }
    let error_tags: Vec<&str> = errors.iter().map(|e| e.error.tag()).collect();
    assert_eq!(
        error_tags,
        [
            "invalid_request_error",
            "authentication_error",
            "billing_error",
            "permission_error",
            "not_found_error",
            "rate_limit_error",
            "timeout_error",
            "api_error",
            "overloaded_error",
        ]
    );
    assert_eq!(
        variant!(&errors[1].error, ErrorObject::AuthenticationError).message,
        "invalid x-api-key"
    );
    assert_eq!(
        errors[1].request_id.as_deref(),
        Some("req_018EeWyXxfu5pfWkrYcMdjWG")
    );
    variant!(&errors[6].error, ErrorObject::TimeoutError);
    assert_eq!(errors[6].request_id, None);
}

// ============================================================================ 6. Admin API

#[test]
fn admin_organization() {
    let organization: Organization = roundtrip("admin/organization");
    assert_no_extra("organization", &organization.extra);
    assert_eq!(organization.name, "Example Corp");
}

#[test]
fn admin_users() {
    let user: User = roundtrip("admin/user");
    assert_no_extra("user", &user.extra);
    assert_eq!(user.role, OrganizationRole::Developer);
    assert_eq!(user.added_at, utc((2024, 10, 30), (23, 58, 27), 427_722));

    let list: UserList = roundtrip("admin/user_list");
    assert_no_extra("user_list", &list.extra);
    let roles: Vec<&OrganizationRole> = list.data.iter().map(|u| &u.role).collect();
    assert_eq!(
        roles,
        [&OrganizationRole::Admin, &OrganizationRole::ClaudeCodeUser]
    );
    assert!(list.has_more);

    let deleted: DeletedUser = roundtrip("admin/deleted_user");
    assert_no_extra("deleted_user", &deleted.extra);
    assert_eq!(deleted.id, "user_01WCz1FkmYMm4gnmykNKUu3Q");
}

#[test]
fn admin_invites() {
    let invite: Invite = roundtrip("admin/invite");
    assert_no_extra("invite", &invite.extra);
    assert_eq!(invite.status, InviteStatus::Pending);
    assert_eq!(invite.accepted_at, None);
    assert!(invite.rbac_group_ids.is_empty());
    assert_eq!(invite.expires_at - invite.invited_at, TimeDelta::days(21));

    let list: InviteList = roundtrip("admin/invite_list");
    assert_no_extra("invite_list", &list.extra);
    let accepted = &list.data[1];
    assert_eq!(
        (&accepted.status, &accepted.role),
        (&InviteStatus::Accepted, &OrganizationRole::Billing)
    );
    assert_eq!(
        accepted.accepted_at,
        Some(utc((2025, 6, 4), (16, 45, 0), 123_456))
    );
    assert_eq!(accepted.invited_at, utc((2025, 6, 3), (9, 15, 30), 500_000));

    let deleted: DeletedInvite = roundtrip("admin/deleted_invite");
    assert_no_extra("deleted_invite", &deleted.extra);
}

#[test]
fn admin_workspaces() {
    let workspace: Workspace = roundtrip("admin/workspace");
    assert_no_extra("workspace", &workspace.extra);
    assert_eq!(
        workspace.tags.get("cost-center").map(String::as_str),
        Some("cc-1042")
    );
    assert_eq!(workspace.archived_at, None);
    let residency = &workspace.data_residency;
    assert_no_extra("workspace data_residency", &residency.extra);
    assert_eq!(
        residency.allowed_inference_geos,
        WorkspaceAllowedInferenceGeos::Unrestricted(
            WorkspaceAllowedInferenceGeosUnrestricted::Unrestricted
        )
    );

    let list: WorkspaceList = roundtrip("admin/workspace_list");
    assert_no_extra("workspace_list", &list.extra);
    let archived = &list.data[1];
    assert_eq!(
        archived.archived_at,
        Some(utc((2025, 7, 31), (17, 30, 0), 0))
    );
    assert_eq!(
        archived.external_key_id.as_deref(),
        Some("ekey_01Gx7Wm2Kq9Rv4Tn8Lz3PbYs")
    );
    assert_eq!(
        variant!(
            &archived.data_residency.allowed_inference_geos,
            WorkspaceAllowedInferenceGeos::Geos
        ),
        &["us".to_string()]
    );
}

#[test]
fn admin_workspace_members() {
    let member: WorkspaceMember = roundtrip("admin/workspace_member");
    assert_no_extra("workspace_member", &member.extra);
    assert_eq!(member.workspace_role, WorkspaceRole::WorkspaceDeveloper);

    let list: WorkspaceMemberList = roundtrip("admin/workspace_member_list");
    assert_no_extra("workspace_member_list", &list.extra);
    let roles: Vec<&WorkspaceRole> = list.data.iter().map(|m| &m.workspace_role).collect();
    assert_eq!(
        roles,
        [
            &WorkspaceRole::WorkspaceAdmin,
            &WorkspaceRole::WorkspaceBilling
        ]
    );

    let deleted: DeletedWorkspaceMember = roundtrip("admin/deleted_workspace_member");
    assert_no_extra("deleted_workspace_member", &deleted.extra);
    assert_eq!(deleted.workspace_id, "wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ");
}

#[test]
fn admin_api_keys() {
    let key: ApiKey = roundtrip("admin/api_key");
    assert_no_extra("api_key", &key.extra);
    assert_eq!(key.status, ApiKeyStatus::Active);
    assert_eq!(key.expires_at, None);
    let principal = key.principal.as_ref().expect("principal");
    assert_eq!(principal.r#type, ApiKeyPrincipalType::ServiceAccount);
    assert_eq!(
        key.created_by.as_ref().map(|c| c.r#type.as_str()),
        Some("user")
    );

    let list: ApiKeyList = roundtrip("admin/api_key_list");
    assert_no_extra("api_key_list", &list.extra);
    let legacy = &list.data[1];
    assert_eq!(legacy.status, ApiKeyStatus::Expired);
    assert_eq!(
        (
            &legacy.created_by,
            &legacy.principal,
            &legacy.workspace_id,
            &legacy.partial_key_hint
        ),
        (&None, &None, &None, &None)
    );
    assert_eq!(
        list.data[0].expires_at,
        Some(utc((2026, 10, 30), (23, 58, 27), 0))
    );
}

#[test]
fn admin_messages_usage_report() {
    let name = "admin/messages_usage_report";
    let report: MessagesUsageReport = roundtrip(name);
    assert_no_extra(name, &report.extra);
    assert_eq!(
        report.next_page.as_deref(),
        Some("page_MjAyNS0wOC0wM1QwMDowMDowMFo=")
    );
    let bucket = &report.data[0];
    assert_eq!(bucket.ending_at - bucket.starting_at, TimeDelta::days(1));
    let first = &bucket.results[0];
    assert_no_extra(name, &first.extra);
    assert_eq!(first.cache_creation.ephemeral_1h_input_tokens, 1000);
    assert_eq!(first.server_tool_use.web_search_requests, 10);
    assert_eq!(
        first.context_window,
        Some(UsageReportContextWindow::UpTo200k)
    );
    assert_eq!(first.account_id, None);
    let second = &bucket.results[1];
    assert_eq!(
        second.context_window,
        Some(UsageReportContextWindow::From200kTo1M)
    );
    assert_eq!(second.inference_geo, Some(UsageReportInferenceGeo::Us));
    assert_eq!(second.service_tier, Some(UsageReportServiceTier::Batch));
    assert!(report.data[1].results.is_empty());
}

#[test]
fn admin_claude_code_usage_report_with_both_actor_kinds() {
    let name = "admin/claude_code_usage_report";
    let report: ClaudeCodeUsageReport = roundtrip(name);
    assert_no_extra(name, &report.extra);
    let actor_tags: Vec<&str> = report.data.iter().map(|r| r.actor.tag()).collect();
    assert_eq!(actor_tags, ["user_actor", "api_actor"]);

    let user = &report.data[0];
    assert_no_extra(name, &user.extra);
    assert_eq!(
        variant!(&user.actor, ClaudeCodeActor::UserActor).email_address,
        "ada@example.com"
    );
    assert_eq!(user.customer_type, ClaudeCodeCustomerType::Subscription);
    assert_eq!(
        user.subscription_type,
        Some(ClaudeCodeSubscriptionType::Enterprise)
    );
    assert_eq!(user.core_metrics.lines_of_code.added, 1543);
    assert_eq!(user.tool_actions["edit_tool"].accepted, 45);
    assert_eq!(user.model_breakdown[0].estimated_cost.amount, 1025);

    let api = &report.data[1];
    assert_eq!(
        variant!(&api.actor, ClaudeCodeActor::ApiActor).api_key_name,
        "ci-pipeline-key"
    );
    assert_eq!(api.customer_type, ClaudeCodeCustomerType::Api);
    assert_eq!(api.subscription_type, None);
    assert!(api.is_remote && api.tool_actions.is_empty());
    // `+00:00` and `Z` spell the same midnight.
    assert_eq!(api.date, user.date);
}

#[test]
fn admin_cost_report() {
    let name = "admin/cost_report";
    let report: CostReport = roundtrip(name);
    assert_no_extra(name, &report.extra);
    assert_eq!(report.next_page, None);
    let results = &report.data[0].results;
    assert_no_extra(name, &results[0].extra);
    // Amounts are decimal strings, kept exactly as sent.
    let amounts: Vec<&str> = results.iter().map(|r| r.amount.as_str()).collect();
    assert_eq!(amounts, ["123.78912", "4.5", "10.00"]);
    assert_eq!(
        results[0].token_type,
        Some(CostReportTokenType::UncachedInputTokens)
    );
    assert_eq!(
        results[1].token_type,
        Some(CostReportTokenType::CacheCreationEphemeral1hInputTokens)
    );
    assert_eq!(results[1].service_tier, Some(CostReportServiceTier::Batch));
    assert_eq!(results[2].cost_type, Some(CostReportCostType::WebSearch));
    assert_eq!(
        results[2].inference_geo,
        Some(UsageReportInferenceGeo::NotAvailable)
    );
    assert_eq!((&results[2].model, &results[2].token_type), (&None, &None));
}

// ============================================================================ 7. what the crate does not know is kept

#[test]
fn unknown_content_block_is_kept_whole() {
    let name = "unknown/content_block";
    let message: Message = roundtrip(name);
    assert_no_extra(name, &message.extra);
    assert_eq!(tags(&message.content), ["compaction", "text"]);
    let unknown = variant!(&message.content[0], ContentBlock::Unknown);
    assert_eq!(unknown, &fixture(name)["content"][0]);
    variant!(&message.content[1], ContentBlock::Text);
}

#[test]
fn unknown_properties_are_kept_at_every_level() {
    let name = "unknown/extra_fields";
    let message: Message = roundtrip(name);
    assert_extra_keys(
        "Message",
        &message.extra,
        &["context_management", "fallback"],
    );
    assert_eq!(message.extra["fallback"], Value::Null);
    assert_eq!(
        message.extra["context_management"]["applied_edits"][0]["cleared_tool_uses"],
        3
    );

    let usage = &message.usage;
    assert_extra_keys("Usage", &usage.extra, &["speed", "cache_diagnosis"]);
    // The known fields next to them are still typed.
    assert_eq!(usage.cache_read_input_tokens, Some(1024));
    let cache = usage.cache_creation.as_ref().expect("cache_creation");
    assert_extra_keys(
        "CacheCreation",
        &cache.extra,
        &["ephemeral_24h_input_tokens"],
    );
    let details = usage
        .output_tokens_details
        .as_ref()
        .expect("output_tokens_details");
    assert_eq!(details.thinking_tokens, 0);
    assert_extra_keys("OutputTokensDetails", &details.extra, &["tool_tokens"]);

    let text = variant!(&message.content[0], ContentBlock::Text);
    assert_extra_keys("TextBlock", &text.extra, &["annotations"]);
    let citation = variant!(
        &text_citations(&message.content[0])[0],
        TextCitation::CharLocation
    );
    assert_extra_keys("CitationCharLocation", &citation.extra, &["confidence"]);
    assert_eq!(citation.cited_text, "The grass is green.");
}

#[test]
fn unknown_enum_values_and_model_ids_are_kept() {
    let name = "unknown/enum_values";
    let message: Message = roundtrip(name);
    assert_message_typed(name, &message);
    assert_eq!(message.model, Model::Other("claude-nova-6-20270115".into()));
    assert_eq!(message.model.as_str(), "claude-nova-6-20270115");
    assert_eq!(
        message.stop_reason,
        Some(StopReason::Other("compaction".into()))
    );
    assert_eq!(
        message.usage.service_tier,
        Some(UsageServiceTier::Other("flex".into()))
    );
    assert_eq!(
        message
            .stop_details
            .as_ref()
            .and_then(|d| d.category.clone()),
        Some(RefusalCategory::Other("privacy".into()))
    );
    assert_eq!(
        variant!(&message.content[0], ContentBlock::ServerToolUse).name,
        ServerToolUseBlockName::Other("image_generation".into())
    );
    let error = variant!(
        &variant!(&message.content[1], ContentBlock::WebSearchToolResult).content,
        WebSearchToolResultBlockContent::WebSearchToolResultError
    );
    assert_eq!(
        error.error_code,
        WebSearchToolResultErrorCode::Other("quota_exhausted".into())
    );
}

#[test]
fn unknown_stream_events_deltas_blocks_and_citations_are_kept() {
    let name = "unknown/stream_events";
    let events: Vec<MessageStreamEvent> = roundtrip(name);
    let input = fixture(name);

    assert_eq!(events[0].tag(), "message_progress");
    assert_eq!(variant!(&events[0], MessageStreamEvent::Unknown), &input[0]);

    let start = variant!(&events[1], MessageStreamEvent::ContentBlockStart);
    assert_eq!(start.content_block.tag(), "compaction");
    variant!(&start.content_block, ContentBlock::Unknown);

    let delta = variant!(&events[2], MessageStreamEvent::ContentBlockDelta);
    assert_eq!(delta.delta.tag(), "compaction_delta");
    assert_eq!(
        variant!(&delta.delta, ContentBlockDelta::Unknown),
        &input[2]["delta"]
    );

    let citations = variant!(
        &variant!(&events[3], MessageStreamEvent::ContentBlockDelta).delta,
        ContentBlockDelta::CitationsDelta
    );
    assert_eq!(citations.citation.tag(), "audio_location");
    variant!(&citations.citation, TextCitation::Unknown);
}

#[test]
fn unknown_batch_result_is_kept() {
    let name = "unknown/batch_result";
    let line: MessageBatchIndividualResponse = roundtrip(name);
    assert_no_extra(name, &line.extra);
    assert_eq!(line.result.tag(), "deferred");
    assert_eq!(
        variant!(&line.result, MessageBatchResult::Unknown),
        &fixture(name)["result"]
    );
}

#[test]
fn unknown_tool_and_tool_property_are_kept() {
    let name = "unknown/tools";
    let tools: Vec<ToolUnion> = roundtrip(name);
    assert_eq!(tools[0].tag(), "computer_20250124");
    variant!(&tools[0], ToolUnion::Unknown);
    let search = variant!(&tools[1], ToolUnion::WebSearch20250305);
    assert_eq!(search.max_uses, Some(2));
    assert_extra_keys("WebSearchTool20250305", &search.extra, &["freshness"]);
}

#[test]
fn unknown_error_type_is_kept() {
    let name = "unknown/error_response";
    let error: ErrorResponse = roundtrip(name);
    assert_no_extra(name, &error.extra);
    assert_eq!(error.error.tag(), "request_too_large");
    variant!(&error.error, ErrorObject::Unknown);
    assert_eq!(
        error.request_id.as_deref(),
        Some("req_011CSHr2Nx7Kw4Tq9Lm3PbYc")
    );
}

#[test]
fn explicit_nulls_on_optional_properties_round_trip() {
    // An optional property sent as `null` is unset in the field and remembered in `extra`, so it
    // is written back as `null` rather than dropped.
    let name = "unknown/explicit_nulls_request";
    let request: MessageCreateParams = roundtrip(name);
    assert_eq!(
        (
            &request.container,
            &request.inference_geo,
            &request.cache_control,
            &request.system
        ),
        (&None, &None, &None, &None)
    );
    assert_extra_keys(
        "MessageCreateParams",
        &request.extra,
        &["container", "inference_geo", "cache_control", "system"],
    );
    assert!(request.extra.values().all(Value::is_null));
    let metadata = request.metadata.as_ref().expect("metadata");
    assert_eq!(metadata.user_id, None);
    assert_extra_keys("MetadataParam", &metadata.extra, &["user_id"]);
    let text = variant!(
        &param_blocks(&request.messages[0])[0],
        ContentBlockParam::Text
    );
    assert_eq!((&text.cache_control, &text.citations), (&None, &None));
    assert_extra_keys(
        "TextBlockParam",
        &text.extra,
        &["cache_control", "citations"],
    );

    let name = "unknown/explicit_nulls_file";
    let file: FileMetadata = roundtrip(name);
    assert_eq!(file.scope, None);
    assert_extra_keys("FileMetadata", &file.extra, &["scope"]);
}

#[test]
fn tag_that_is_not_the_first_property_still_selects_the_variant() {
    let name = "unknown/tag_not_first";
    let message: Message = roundtrip(name);
    assert_message_typed(name, &message);
    assert_eq!(tags(&message.content), ["text", "tool_use"]);
    assert_eq!(variant!(&message.content[0], ContentBlock::Text).text, "hi");
    variant!(
        &text_citations(&message.content[0])[0],
        TextCitation::ContentBlockLocation
    );
    let tool_use = variant!(&message.content[1], ContentBlock::ToolUse);
    variant!(&tool_use.caller, ToolCaller::CodeExecution20250825);

    let event: MessageStreamEvent = roundtrip("unknown/tag_not_first_event");
    let delta = variant!(&event, MessageStreamEvent::ContentBlockDelta);
    assert_eq!(
        variant!(&delta.delta, ContentBlockDelta::TextDelta).text,
        "Hello"
    );

    // The smallest case, straight from text.
    let block: ContentBlock =
        serde_json::from_str(r#"{"text":"hi","type":"text"}"#).expect("decodes");
    assert_eq!(variant!(&block, ContentBlock::Text).text, "hi");
}

// ============================================================================ 8. bad input fails clearly

#[test]
fn missing_required_property_is_named() {
    let name = "invalid/message_missing_id";
    let message = decode_error::<Message>(name);
    assert_mentions(name, &message, &["missing field `id`"]);

    let name = "invalid/tool_use_missing_name";
    let message = decode_error::<Message>(name);
    assert_mentions(name, &message, &["missing field `name`"]);

    // With the tag last the block is buffered before decoding; the error is just as clear.
    let name = "invalid/block_tag_last_missing_name";
    let message = decode_error::<ContentBlock>(name);
    assert_mentions(name, &message, &["missing field `name`"]);
}

#[test]
fn wrong_json_type_says_what_was_expected() {
    let name = "invalid/usage_wrong_type";
    let message = decode_error::<Message>(name);
    assert_mentions(
        name,
        &message,
        &["invalid type: string \"384\"", "expected i64"],
    );

    let name = "invalid/request_content_wrong_type";
    let message = decode_error::<MessageCreateParams>(name);
    assert_mentions(name, &message, &["MessageContent", "a number"]);

    let name = "invalid/block_tag_wrong_type";
    let message = decode_error::<Message>(name);
    assert_mentions(
        name,
        &message,
        &["invalid type: integer `7`", "expected a string"],
    );

    let name = "invalid/batch_bad_date";
    let message = decode_error::<MessageBatch>(name);
    assert_mentions(name, &message, &["input contains invalid characters"]);
}

#[test]
fn blocks_as_stream_events_start_them_decode_with_spec_defaults() {
    // `content_block_start` events carry blocks before they are complete: the streaming guide's
    // own examples send `tool_use` and `server_tool_use` blocks without `caller`, which the spec
    // marks required with the default `{"type": "direct"}`; a missing required property with a
    // default decodes to that default.
    let events: Vec<MessageStreamEvent> = serde_json::from_value(json!([
        {"type": "content_block_start", "index": 1, "content_block":
            {"type": "tool_use", "id": "toolu_01T1x1fJ34qAmk2tNTrN7Up6", "name": "get_weather", "input": {}}},
        {"type": "content_block_start", "index": 0, "content_block":
            {"type": "server_tool_use", "id": "srvtoolu_014hJH82Qum7Td6UV8gDXThB", "name": "web_search", "input": {}}},
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        {"type": "content_block_start", "index": 0, "content_block":
            {"type": "thinking", "thinking": "", "signature": ""}}
    ]))
    .expect("the streaming guide's events decode");
    let block = |i: usize| match &events[i] {
        MessageStreamEvent::ContentBlockStart(start) => &start.content_block,
        other => panic!("expected content_block_start, got {other:?}"),
    };
    let tool = variant!(block(0), ContentBlock::ToolUse);
    assert!(
        matches!(tool.caller, ToolCaller::Direct(_)),
        "{:?}",
        tool.caller
    );
    let server_tool = variant!(block(1), ContentBlock::ServerToolUse);
    assert!(matches!(server_tool.caller, ToolCaller::Direct(_)));
    let text = variant!(block(2), ContentBlock::Text);
    assert_eq!(text.citations, None);
    assert_eq!(variant!(block(3), ContentBlock::Thinking).signature, "");
}
