//! The helpers every program writes: the text and tool calls of a reply, typed tool input and
//! the error result that answers a bad one, an `InputSchema` from any JSON Schema value, and
//! image and PDF blocks from bytes or a file.

use std::path::PathBuf;

use anthropic_openapi::{
    Base64ImageSourceParamMediaType, ContentBlock, ContentBlockParam, Error, InputSchema,
    MediaFileError, Message, Tool, ToolUseBlock,
};
use serde::Deserialize;
use serde_json::{Value, json};

/// The recorded message: thinking, server tool use and its result, two text blocks (one with
/// citations), and a tool call.
const RECORDED: &str = include_str!("fixtures/message_stream_message.json");

fn recorded() -> Message {
    serde_json::from_str(RECORDED).unwrap()
}

#[test]
fn the_text_of_a_message_joins_its_text_blocks_only() {
    let message = recorded();
    assert_eq!(
        message.text(),
        "Paris is mild today, by the Seine. Let me get the forecast ☀️."
    );

    let mut empty = message.clone();
    empty.content.retain(|b| b.as_text().is_none());
    assert_eq!(empty.text(), "");
}

#[test]
fn tool_uses_are_the_client_tool_calls_in_order() {
    let message = recorded();
    let calls: Vec<(&str, &str)> = message
        .tool_uses()
        .map(|c| (c.name.as_str(), c.id.as_str()))
        .collect();
    // The server tool call (`web_search`) is not one of them.
    assert_eq!(calls, [("get_weather", "toolu_01T1x1fJ34qAmk2tNTrN7Up6")]);
}

#[test]
fn each_accessor_answers_for_its_own_kind_of_block() {
    let message = recorded();
    let c = &message.content;
    assert!(
        c[0].as_thinking()
            .unwrap()
            .signature
            .starts_with("EqQBCgIYAhIM")
    );
    assert!(c[0].as_text().is_none() && c[0].as_tool_use().is_none());
    assert_eq!(
        c[1].as_server_tool_use().unwrap().id,
        "srvtoolu_014hJH82Qum7Td6UV8gDXThB"
    );
    assert!(
        c[1].as_tool_use().is_none(),
        "a server tool call is not a client one"
    );
    assert!(c[3].as_text().unwrap().citations.is_some());
    assert_eq!(c[5].as_tool_use().unwrap().name, "get_weather");
    assert!(c[5].as_text().is_none());

    let redacted: ContentBlock =
        serde_json::from_value(json!({"type": "redacted_thinking", "data": "EmwK"})).unwrap();
    assert_eq!(redacted.as_redacted_thinking().unwrap().data, "EmwK");
    assert!(redacted.as_thinking().is_none());
    let upload: ContentBlock =
        serde_json::from_value(json!({"type": "container_upload", "file_id": "file_1"})).unwrap();
    assert_eq!(upload.as_container_upload().unwrap().file_id, "file_1");
}

#[derive(Debug, Deserialize, PartialEq)]
struct Weather {
    location: String,
    unit: String,
    days: Vec<u8>,
    opts: Options,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Options {
    hourly: bool,
    q: String,
}

fn recorded_call() -> ToolUseBlock {
    recorded().tool_uses().next().unwrap().clone()
}

#[test]
fn tool_input_decodes_into_the_programs_type() {
    let call = recorded_call();
    let weather: Weather = call.input_as().unwrap();
    assert_eq!(
        weather,
        Weather {
            location: "Paris, France".into(),
            unit: "°C".into(),
            days: vec![1, 2],
            opts: Options {
                hourly: false,
                q: "a\"b".into()
            },
        }
    );
    // Borrowed fields are not possible (the input may need unescaping), but owned JSON is.
    let whole: Value = call.input_as().unwrap();
    assert_eq!(whole["note"], "café ☀");
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Strict {
    location: String,
    unit: u32,
}

#[test]
fn a_tool_input_that_does_not_fit_names_the_call_and_answers_it_as_an_error() {
    let call = recorded_call();
    let err = call.input_as::<Strict>().unwrap_err();
    assert_eq!(err.tool_name(), "get_weather");
    assert_eq!(err.tool_use_id(), "toolu_01T1x1fJ34qAmk2tNTrN7Up6");
    assert!(err.message().contains("invalid type"), "{}", err.message());
    let shown = err.to_string();
    assert!(
        shown.contains("`get_weather`") && shown.contains("toolu_01T1x1fJ34qAmk2tNTrN7Up6"),
        "{shown}"
    );
    let as_error: &dyn std::error::Error = &err;
    assert!(as_error.source().is_none());

    let result: ContentBlockParam = err.to_tool_result().into();
    let sent = serde_json::to_value(&result).unwrap();
    assert_eq!(sent["type"], "tool_result");
    assert_eq!(sent["tool_use_id"], "toolu_01T1x1fJ34qAmk2tNTrN7Up6");
    assert_eq!(sent["is_error"], true);
    let text = sent["content"].as_str().unwrap();
    assert!(
        text.contains("get_weather") && text.contains(err.message()),
        "{text}"
    );

    let missing = ToolUseBlock::new(anthropic_openapi::ToolUseBlockRequired {
        caller: anthropic_openapi::ToolCaller::Direct(Default::default()),
        id: "toolu_2".into(),
        input: serde_json::Map::new(),
        name: "get_weather".into(),
    })
    .input_as::<Strict>()
    .unwrap_err();
    assert!(
        missing.message().contains("missing field `location`"),
        "{}",
        missing.message()
    );
}

#[test]
fn an_input_schema_from_json_keeps_every_keyword() {
    let given = json!({
        "type": "object",
        "properties": {
            "location": { "type": "string" },
            "nested": { "$ref": "#/$defs/Nested" }
        },
        "required": ["location"],
        "additionalProperties": false,
        "$defs": { "Nested": { "type": "object", "properties": { "n": { "type": "integer" } } } },
        "description": "Where to look"
    });
    let schema = InputSchema::try_from(given.clone()).unwrap();
    assert_eq!(
        schema.required.as_deref(),
        Some(&["location".to_string()][..])
    );
    assert_eq!(schema.properties.as_ref().unwrap().len(), 2);
    assert_eq!(schema.extra["additionalProperties"], json!(false));
    assert_eq!(
        serde_json::to_value(&schema).unwrap(),
        given,
        "nothing is lost"
    );

    let tool = Tool::new(
        "lookup",
        InputSchema::try_from(json!({"type": "object"})).unwrap(),
    );
    assert_eq!(
        serde_json::to_value(&tool).unwrap()["input_schema"],
        json!({"type": "object"})
    );
}

#[test]
fn a_json_value_that_is_no_object_schema_is_refused_clearly() {
    let cases = [
        (json!("object"), "not a string"),
        (json!([1]), "not an array"),
        (json!({"properties": {}}), "has no \"type\""),
        (json!({"type": "array"}), "not \"type\": \"array\""),
        (
            json!({"type": ["object", "null"]}),
            "not \"type\": [\"object\",\"null\"]",
        ),
    ];
    for (value, says) in cases {
        let err = InputSchema::try_from(value.clone()).unwrap_err();
        let shown = err.to_string();
        assert!(shown.contains("\"type\": \"object\""), "{value}: {shown}");
        assert!(shown.contains(says), "{value}: {shown}");
    }
    let err = InputSchema::try_from(json!({"type": "object", "required": "location"}))
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("invalid tool input schema: "), "{err}");
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
const PDF: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";

/// A file in the temporary directory, named for this process and the test, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, contents: &[u8]) -> TempFile {
        let path = std::env::temp_dir().join(format!(
            "anthropic-openapi-helpers-{}-{name}",
            std::process::id()
        ));
        std::fs::write(&path, contents).unwrap();
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn sent(block: &ContentBlockParam) -> Value {
    serde_json::to_value(block).unwrap()
}

#[test]
fn image_and_pdf_blocks_from_bytes_are_base64_inline() {
    let image = ContentBlockParam::image_bytes(Base64ImageSourceParamMediaType::ImagePng, PNG);
    assert_eq!(
        sent(&image),
        json!({"type": "image", "source": {
            "type": "base64", "media_type": "image/png", "data": "iVBORw0KGgoAAAANSUhEUg=="
        }})
    );
    let pdf = ContentBlockParam::pdf_bytes(b"%PDF-1.4");
    assert_eq!(
        sent(&pdf),
        json!({"type": "document", "source": {
            "type": "base64", "media_type": "application/pdf", "data": "JVBERi0xLjQ="
        }})
    );
}

#[tokio::test]
async fn an_image_files_format_comes_from_its_bytes_then_its_extension() {
    // The bytes win over a misleading extension.
    let png = TempFile::new("really-a-png.jpg", PNG);
    let block = ContentBlockParam::image_path(&png.0).await.unwrap();
    assert_eq!(sent(&block)["source"]["media_type"], "image/png");

    let signatures: [(&str, &[u8], &str); 3] = [
        ("a.bin", b"\xff\xd8\xff\xe0\0\x10JFIF", "image/jpeg"),
        ("b.bin", b"GIF89a\x01\0\x01\0", "image/gif"),
        ("c.bin", b"RIFF\x24\0\0\0WEBPVP8 ", "image/webp"),
    ];
    for (name, bytes, media_type) in signatures {
        let file = TempFile::new(name, bytes);
        let block = ContentBlockParam::image_path(&file.0).await.unwrap();
        assert_eq!(sent(&block)["source"]["media_type"], media_type, "{name}");
    }

    // Unrecognized bytes: the extension decides, in any case.
    let by_name = TempFile::new("photo.JPEG", b"not a real jpeg");
    let block = ContentBlockParam::image_path(&by_name.0).await.unwrap();
    assert_eq!(sent(&block)["source"]["media_type"], "image/jpeg");
    assert_eq!(sent(&block)["source"]["data"], "bm90IGEgcmVhbCBqcGVn");
}

#[tokio::test]
async fn a_file_that_is_no_image_or_pdf_is_an_error_naming_it() {
    let text = TempFile::new("notes.txt", b"hello");
    let err = ContentBlockParam::image_path(&text.0).await.unwrap_err();
    assert!(matches!(err, MediaFileError::NotAnImage { .. }), "{err:?}");
    assert_eq!(err.path(), text.0);
    assert!(
        err.to_string().contains(&*text.0.to_string_lossy()),
        "{err}"
    );

    let pdf = TempFile::new("paper.png", PDF);
    let err = ContentBlockParam::image_path(&pdf.0).await.unwrap_err();
    assert!(err.to_string().contains("pdf_path"), "{err}");

    let err = ContentBlockParam::pdf_path(&text.0).await.unwrap_err();
    assert!(matches!(err, MediaFileError::NotAPdf { .. }), "{err:?}");
    assert!(err.to_string().contains("notes.txt"), "{err}");

    let missing = std::env::temp_dir().join("anthropic-openapi-helpers-does-not-exist.png");
    let err = ContentBlockParam::image_path(&missing).await.unwrap_err();
    assert!(matches!(err, MediaFileError::Read { .. }), "{err:?}");
    assert!(std::error::Error::source(&err).is_some());
    // With `?` in a function returning the crate's `Result`, it is an I/O error naming the file.
    let err = Error::from(err);
    let Error::Io(io) = &err else {
        panic!("expected Error::Io, got {err:?}");
    };
    assert_eq!(io.kind(), std::io::ErrorKind::NotFound);
    assert!(err.to_string().contains("does-not-exist.png"), "{err}");
}

#[tokio::test]
async fn a_pdf_file_by_its_signature_or_its_extension() {
    let pdf = TempFile::new("paper.bin", PDF);
    let block = ContentBlockParam::pdf_path(&pdf.0).await.unwrap();
    assert_eq!(sent(&block)["source"]["media_type"], "application/pdf");
    assert_eq!(sent(&block)["source"]["data"], "JVBERi0xLjcKJeLjz9MK");

    let by_name = TempFile::new("scan.PDF", b"\0\0garbled");
    assert!(ContentBlockParam::pdf_path(&by_name.0).await.is_ok());
    // An image named `.pdf` is still an image.
    let image = TempFile::new("photo.pdf", PNG);
    let err = ContentBlockParam::pdf_path(&image.0).await.unwrap_err();
    assert!(matches!(err, MediaFileError::NotAPdf { .. }), "{err:?}");
}
