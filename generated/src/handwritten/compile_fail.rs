//! The mistakes the request types rule out, as doc tests that must fail to compile with the
//! error code named on each: a role swapped with a text, a media type with image data, a tool
//! call's id with its name, a stream flag set on a request, a count-tokens request built in
//! the wrong order. Each has a counterpart that compiles, so that a block fails for the
//! reason it names and not for a typo. Compiled only by `cargo test --doc`.

/// The role of a turn is an enum, so a string in its place does not compile:
///
/// ```compile_fail,E0308
/// use anthropic_openapi::MessageParam;
/// let _ = MessageParam::new("user", "What is 2 + 2?");
/// ```
///
/// ```
/// use anthropic_openapi::{MessageParam, MessageParamRole};
/// let _ = MessageParam::new("What is 2 + 2?", MessageParamRole::User);
/// let _ = MessageParam::user("What is 2 + 2?");
/// ```
///
/// An image's media type is an enum too, so the data cannot take its place:
///
/// ```compile_fail,E0308
/// use anthropic_openapi::Base64ImageSourceParam;
/// let data = String::from("iVBORw0KGgo=");
/// let _ = Base64ImageSourceParam::new("image/png", data);
/// ```
///
/// ```
/// use anthropic_openapi::{Base64ImageSourceParam, Base64ImageSourceParamMediaType};
/// let data = String::from("iVBORw0KGgo=");
/// let _ = Base64ImageSourceParam::new(data, Base64ImageSourceParamMediaType::ImagePng);
/// ```
///
/// A tool call's id and name are both strings, so they are named, not positional:
///
/// ```compile_fail,E0061
/// use anthropic_openapi::ToolUseBlockParam;
/// let _ = ToolUseBlockParam::new("get_weather", serde_json::Map::new(), "toolu_01");
/// ```
///
/// ```
/// use anthropic_openapi::{ToolUseBlockParam, ToolUseBlockParamRequired};
/// let _ = ToolUseBlockParam::new(ToolUseBlockParamRequired {
///     id: "toolu_01".into(),
///     input: serde_json::Map::new(),
///     name: "get_weather".into(),
/// });
/// ```
///
/// `stream` is decided by the method that sends the request, so there is no setter for it:
///
/// ```compile_fail,E0061
/// use anthropic_openapi::{MessageCreateParams, MessageParam};
/// let _ = MessageCreateParams::new("claude-sonnet-4-5", [MessageParam::user("Hi")], 1024)
///     .stream(true);
/// ```
///
/// ```
/// use anthropic_openapi::{MessageCreateParams, MessageParam};
/// let params = MessageCreateParams::new("claude-sonnet-4-5", [MessageParam::user("Hi")], 1024);
/// assert_eq!(params.stream(), None);
/// ```
///
/// Counting tokens takes the model first, as creating a message does:
///
/// ```compile_fail,E0277
/// use anthropic_openapi::{MessageCountTokensParams, MessageParam};
/// let _ = MessageCountTokensParams::new([MessageParam::user("Hi")], "claude-sonnet-4-5");
/// ```
///
/// ```
/// use anthropic_openapi::{MessageCountTokensParams, MessageParam};
/// let _ = MessageCountTokensParams::new("claude-sonnet-4-5", [MessageParam::user("Hi")]);
/// ```
pub struct Traps;
