//! Decoding the generated types through the runtime's helpers: fixed properties, union tags in
//! any position, unknown variants, defaults, and where decode errors say they happened.

use anthropic_openapi::{
    ContentBlock, DirectCaller, MessageContent, MessageParam, TextBlock, ToolCaller,
    ToolSearchToolBm2520251119Type, ToolUnion, ToolUseBlock,
};
use anthropic_openapi_runtime::{Error, from_json_slice};
use serde_json::json;

/// A fixed property with its expected value adds nothing to `extra`; any other value is
/// kept there as received and written back unchanged.
#[test]
fn constant_keeps_only_unexpected_values() {
    let plain: TextBlock = serde_json::from_value(json!({"type": "text", "text": "a"})).unwrap();
    assert!(plain.extra.is_empty());
    let tagged: ContentBlock = serde_json::from_str(r#"{"type": "text", "text": "a"}"#).unwrap();
    let ContentBlock::Text(tagged) = tagged else {
        panic!("not a text block");
    };
    assert!(tagged.extra.is_empty());

    for other in [
        json!("texts"),
        json!(""),
        json!(5),
        json!(-1.5),
        json!(true),
        json!(null),
        json!(["text"]),
        json!({"a": [1, {"b": null}]}),
    ] {
        let input = json!({"type": other, "text": "a", "citations": null});
        // From bytes (borrowed strings) and from a `Value` (owned strings).
        let from_str: TextBlock = serde_json::from_str(&input.to_string()).unwrap();
        let from_value: TextBlock = serde_json::from_value(input.clone()).unwrap();
        for block in [from_str, from_value] {
            assert_eq!(block.extra.get("type"), Some(&other), "{input}");
            assert_eq!(serde_json::to_value(&block).unwrap(), input);
        }
    }
    // An escaped string equal to the expected value is the expected value.
    let escaped: TextBlock = serde_json::from_str(r#"{"type": "t\u0065xt", "text": "a"}"#).unwrap();
    assert!(escaped.extra.is_empty());
}

/// Decodes `input` from bytes and from a `Value`, checks both with `check`, and checks
/// that each encodes back to `input`.
fn both_ways<T>(input: serde_json::Value, check: impl Fn(&T))
where
    T: serde::de::DeserializeOwned + serde::Serialize,
{
    let from_bytes: T = serde_json::from_slice(input.to_string().as_bytes()).unwrap();
    let from_value: T = serde_json::from_value(input.clone()).unwrap();
    for decoded in [from_bytes, from_value] {
        check(&decoded);
        assert_eq!(serde_json::to_value(&decoded).unwrap(), input);
    }
}

/// A union tag read before the variant was chosen reaches the variant, whether the variant
/// fixes it (a constant) or has a field for it (here an enum of two values), and whether
/// it came first (streamed) or later (buffered).
#[test]
fn tag_reaches_the_variant_in_any_position() {
    let text = |b: &ContentBlock| {
        let ContentBlock::Text(t) = b else {
            panic!("not text: {b:?}")
        };
        assert_eq!(t.text, "a");
        assert!(t.extra.is_empty(), "{:?}", t.extra);
    };
    both_ways(
        json!({"type": "text", "text": "a", "citations": null}),
        text,
    );
    let mut last = serde_json::Map::new();
    last.insert("text".into(), json!("a"));
    last.insert("type".into(), json!("text"));
    let last = serde_json::Value::Object(last);
    let from_bytes: ContentBlock = serde_json::from_str(&last.to_string()).unwrap();
    text(&from_bytes);

    for (tag, expected) in [
        (
            "tool_search_tool_bm25",
            ToolSearchToolBm2520251119Type::ToolSearchToolBm25,
        ),
        (
            "tool_search_tool_bm25_20251119",
            ToolSearchToolBm2520251119Type::ToolSearchToolBm25_20251119,
        ),
    ] {
        let check = |u: &ToolUnion| {
            let (ToolUnion::ToolSearchToolBm25(t) | ToolUnion::ToolSearchToolBm25_20251119(t)) = u
            else {
                panic!("not a bm25 tool: {u:?}")
            };
            assert_eq!(u.tag(), tag);
            assert_eq!(t.r#type, expected);
            assert_eq!(t.strict, Some(true));
            assert!(t.extra.is_empty(), "{:?}", t.extra);
        };
        let name = "tool_search_tool_bm25";
        both_ways(json!({"type": tag, "name": name, "strict": true}), check);
        let buffered = format!(r#"{{"name": "{name}", "strict": true, "type": "{tag}"}}"#);
        check(&serde_json::from_str(&buffered).unwrap());
        // A repeated tag is refused in both positions, as any repeated property is.
        for twice in [
            format!(r#"{{"type": "{tag}", "strict": true, "type": "{tag}"}}"#),
            format!(r#"{{"strict": true, "type": "{tag}", "type": "{tag}"}}"#),
        ] {
            let err = serde_json::from_str::<ToolUnion>(&twice).unwrap_err();
            assert!(err.to_string().contains("duplicate field `type`"), "{err}");
        }
    }
}

/// A variant this crate does not know is kept whole, tag first or not; its tag may not
/// repeat.
#[test]
fn unknown_variant_is_kept_whole() {
    let input = json!({"type": "hologram", "depth": [1, 2], "note": null});
    both_ways(input.clone(), |b: &ContentBlock| {
        assert_eq!(b, &ContentBlock::Unknown(input.clone()));
        assert_eq!(b.tag(), "hologram");
    });
    let later: ContentBlock = serde_json::from_str(r#"{"depth": 3, "type": "hologram"}"#).unwrap();
    assert_eq!(
        later,
        ContentBlock::Unknown(json!({"depth": 3, "type": "hologram"}))
    );
    let err =
        serde_json::from_str::<ContentBlock>(r#"{"type": "hologram", "depth": 3, "type": "text"}"#)
            .unwrap_err();
    assert!(err.to_string().contains("duplicate field `type`"), "{err}");
}

/// A required property with a spec default that is a union variant named by its tag
/// decodes, when missing, to that variant with nothing set: the same value as the default
/// written out.
#[test]
fn missing_property_takes_its_default() {
    let without: ToolUseBlock =
        serde_json::from_value(json!({"type": "tool_use", "id": "t", "name": "n", "input": {}}))
            .unwrap();
    assert_eq!(without.caller, ToolCaller::Direct(DirectCaller::default()));
    let with: ToolUseBlock = serde_json::from_value(json!({
        "type": "tool_use", "id": "t", "name": "n", "input": {},
        "caller": {"type": "direct"}
    }))
    .unwrap();
    assert_eq!(with, without);
}

/// A value read back from JSON text the decoder wrote itself (an untagged union's member,
/// a union object whose tag is not first) fails with the member's own message, placed
/// once: where the value is in the caller's input, not where it was in the re-written text.
#[test]
fn reread_values_report_their_place_in_the_input() {
    fn placed_once<T: serde::de::DeserializeOwned + std::fmt::Debug>(
        input: &str,
        start: &str,
        line: usize,
    ) {
        let err = serde_json::from_str::<T>(input).unwrap_err();
        let message = err.to_string();
        assert!(message.starts_with(start), "{message}");
        assert_eq!(message.matches(" at line ").count(), 1, "{message}");
        assert_eq!(err.line(), line, "{message}");
    }
    placed_once::<MessageContent>(
        "[\n  {\"type\": \"text\", \"text\": 5}\n]",
        "invalid `MessageContent`: invalid type: integer `5`",
        3,
    );
    placed_once::<ContentBlock>(
        "{\"text\": 5,\n \"type\": \"text\"}",
        "invalid type: integer `5`, expected a string",
        2,
    );

    // Read back whole when they are valid.
    let content: MessageContent =
        serde_json::from_str(r#"[{"text": "a", "type": "text"}]"#).unwrap();
    assert!(matches!(content, MessageContent::ContentBlockParamList(ref b) if b.len() == 1));
    let block: ContentBlock = serde_json::from_str(r#"{"text": "a", "type": "text"}"#).unwrap();
    assert_eq!(block.tag(), "text");
}

fn path_of<T: serde::de::DeserializeOwned + std::fmt::Debug>(body: &str) -> String {
    match from_json_slice::<T>(body.as_bytes()) {
        Err(Error::Decode { path, .. }) => path,
        other => panic!("{body}: {other:?}"),
    }
}

/// The path of a decode failure in a generated type names the value that failed, or the
/// object that lacks a property.
#[test]
fn decode_errors_name_the_place() {
    assert_eq!(
        path_of::<Vec<TextBlock>>(r#"[{"type":"text","text":5}]"#),
        "[0].text"
    );
    assert_eq!(
        path_of::<Vec<TextBlock>>(r#"[{"type":"text","text":"a"}, {"type":"text"}]"#),
        "[1]"
    );
    assert_eq!(path_of::<TextBlock>(r#"{"type":"text"}"#), ".");
    // An untagged union that matches no form, last in its object.
    assert_eq!(
        path_of::<MessageParam>(r#"{"role":"user","content":5}"#),
        "content"
    );
    assert_eq!(
        path_of::<MessageParam>(r#"{"content":[{"type":"text"}],"role":"user"}"#),
        "content"
    );
}
