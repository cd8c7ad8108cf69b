//! `POST /v1/messages`: a scripted "model".
//!
//! It does not understand anything. It knows canned answers to the examples' questions, echoes
//! any other question back, calls each tool it is offered once per place named in the
//! question ("…in Paris and in Tokyo…"), sums up tool results when they come back, and
//! answers a request for a structured output with JSON of its schema ([`super::structured`]). What
//! it builds is a [`Message`](anthropic_openapi::Message) in the API's JSON shape, sent whole
//! or as the API's stream of server-sent events.

use std::time::Duration;

use anthropic_openapi::{
    ContentBlockParam, MessageContent, MessageCountTokensParams, MessageCreateParams, MessageParam,
    MessageParamRole, ThinkingConfigParam, ToolChoiceParam, ToolResultContent,
    ToolResultContentBlockParam, ToolUnion,
};
use serde_json::{Value, json};
use testkit::Reply;

use super::wire::{Call, Ids};

/// The most output tokens the simulated model may be asked for, as for Claude Sonnet 4.5.
const MAX_OUTPUT_TOKENS: i64 = 64_000;

/// Canned answers: the first entry whose keywords all appear in the question answers it.
const ANSWERS: &[(&[&str], &str)] = &[
    (
        &["borrow checker"],
        "The borrow checker enforces Rust's ownership rules at compile time: a value may have \
         many shared references or one mutable reference, never both at once, and no reference \
         may outlive its value, which rules out dangling pointers and data races before the \
         program ever runs.",
    ),
    (
        &["eight words"],
        "Compile-time proof that every reference is safe.",
    ),
    (
        &["poem", "lighthouse"],
        "The keeper climbs at dusk with oil and flame,\n\
         a hundred iron steps, worn smooth and cold;\n\
         the sea below him never learns his name,\n\
         yet every ship he guards is his to hold.\n\
         \n\
         He trims the wick and watches through the glass\n\
         as squalls roll in and fishing boats run home;\n\
         he counts their lights and lets the long night pass,\n\
         one patient star above a field of foam.",
    ),
    (&["capital", "australia"], "Canberra."),
    (
        &["prime", "between 20 and 30"],
        "23 is a prime number between 20 and 30 (29 is the other one).",
    ),
    (&["good morning", "spanish"], "Buenos días."),
    (&["legs", "spider"], "A spider has eight legs."),
];

/// Answers `POST /v1/messages`.
pub fn create(call: &Call<'_>, ids: &mut Ids) -> Reply {
    let params: MessageCreateParams = match call.body() {
        Ok(params) => params,
        Err(refused) => return refused,
    };
    if let Err(unknown) = super::models::check(call, params.model.as_str()) {
        return unknown;
    }
    if let Err(message) = validate(&params) {
        return call.error(400, "invalid_request_error", &message);
    }
    let message = respond(&params, ids, "standard");
    if params.stream() == Some(true) {
        stream(&message)
    } else {
        Reply::json(message)
    }
}

/// Answers `POST /v1/messages/count_tokens` with the same estimate a reply's usage gives.
pub fn count_tokens(call: &Call<'_>) -> Reply {
    let params: MessageCountTokensParams = match call.body() {
        Ok(params) => params,
        Err(refused) => return refused,
    };
    if let Err(unknown) = super::models::check(call, params.model.as_str()) {
        return unknown;
    }
    let input_tokens = input_tokens(
        &params.messages,
        params.system.as_ref(),
        params.tools.as_ref(),
    );
    Reply::json(json!({ "input_tokens": input_tokens }))
}

/// About how many tokens the model reads: the messages, the system prompt and the tools.
fn input_tokens(
    messages: &[MessageParam],
    system: Option<&impl serde::Serialize>,
    tools: Option<&impl serde::Serialize>,
) -> usize {
    json_tokens(&messages) + system.map_or(0, json_tokens) + tools.map_or(0, json_tokens)
}

fn json_tokens(value: &impl serde::Serialize) -> usize {
    estimate_tokens(&serde_json::to_string(value).unwrap_or_default())
}

/// The checks the API makes on a request's parameters.
pub fn validate(params: &MessageCreateParams) -> Result<(), String> {
    if params.max_tokens < 1 {
        return Err("max_tokens: must be at least 1".to_string());
    }
    if params.max_tokens > MAX_OUTPUT_TOKENS {
        return Err(format!(
            "max_tokens: {} > {MAX_OUTPUT_TOKENS}, which is the maximum allowed number of \
             output tokens for {}",
            params.max_tokens,
            params.model.as_str()
        ));
    }
    if params.messages.is_empty() {
        return Err("messages: at least one message is required".to_string());
    }
    if let Some(t) = params.temperature
        && !(0.0..=1.0).contains(&t)
    {
        return Err(format!("temperature: {t} is out of range 0..1"));
    }
    Ok(())
}

/// The simulated model's reply to `params`, as the API's `Message` JSON.
pub fn respond(params: &MessageCreateParams, ids: &mut Ids, service_tier: &str) -> Value {
    let (mut content, mut stop_reason) = think(params, ids);
    let mut stop_sequence = Value::Null;
    let thinking = reasoning(params, &content);

    // Honour stop sequences and max_tokens on a plain text answer, as the model would.
    if let [block] = content.as_mut_slice()
        && let Some(Value::String(text)) = block.get_mut("text")
    {
        for sequence in params.stop_sequences.iter().flatten() {
            if let Some(at) = text.find(sequence.as_str()) {
                text.truncate(at);
                stop_reason = "stop_sequence";
                stop_sequence = Value::String(sequence.clone());
                break;
            }
        }
        let budget = usize::try_from(params.max_tokens).unwrap_or(usize::MAX);
        if estimate_tokens(text) > budget {
            let mut cut = budget.saturating_mul(4).min(text.len());
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
            stop_reason = "max_tokens";
        }
    }

    if let Some(thinking) = thinking {
        content.insert(0, thinking);
    }
    let output_tokens: usize = content
        .iter()
        .map(
            |block| match (block["text"].as_str(), block["thinking"].as_str()) {
                (Some(text), _) | (None, Some(text)) => estimate_tokens(text),
                (None, None) => estimate_tokens(&block["input"].to_string()) + 8,
            },
        )
        .sum();
    let input_tokens = input_tokens(
        &params.messages,
        params.system.as_ref(),
        params.tools.as_ref(),
    );

    json!({
        "id": ids.next("msg"),
        "type": "message",
        "role": "assistant",
        "model": params.model.as_str(),
        "content": content,
        "stop_reason": stop_reason,
        "stop_sequence": stop_sequence,
        "stop_details": null,
        "usage": {
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
            "cache_creation": {
                "ephemeral_5m_input_tokens": 0,
                "ephemeral_1h_input_tokens": 0
            },
            "inference_geo": "global",
            "output_tokens_details": null,
            "server_tool_use": null,
            "service_tier": service_tier
        },
        "container": null
    })
}

/// About four characters per token, as a rough rule for English text.
fn estimate_tokens(text: &str) -> usize {
    text.len().div_ceil(4).max(1)
}

/// The content blocks and the stop reason of the reply.
fn think(params: &MessageCreateParams, ids: &mut Ids) -> (Vec<Value>, &'static str) {
    let last = params.messages.last();

    // Tool results came back: sum them up.
    let results: Vec<(String, bool)> = last.map(tool_results).unwrap_or_default();
    if !results.is_empty() {
        let mut text = String::from("Here is what the tools reported:");
        for (output, is_error) in results {
            if is_error {
                text.push_str(&format!("\n- I could not get that one: {output}"));
            } else {
                text.push_str(&format!("\n- {output}"));
            }
        }
        return (vec![text_block(&text)], "end_turn");
    }

    let question = last.map(text_of).unwrap_or_default();

    // A structured output is asked for: JSON of its schema.
    if let Some(format) = params
        .output_config
        .as_ref()
        .and_then(|c| c.format.as_ref())
    {
        let answer = super::structured::answer(&question, &format.schema);
        return (vec![text_block(&answer)], "end_turn");
    }

    // Tools are offered and the question names places: call each once per place.
    let tool_allowed = !matches!(params.tool_choice, Some(ToolChoiceParam::None(_)));
    let tools: Vec<_> = params
        .tools
        .iter()
        .flatten()
        .filter_map(|t| match t {
            ToolUnion::Custom(tool) => Some(tool),
            _ => None,
        })
        .filter(|_| tool_allowed)
        .collect();
    let places = places_in(&question);
    if !tools.is_empty() && !places.is_empty() {
        let names: Vec<&str> = tools.iter().map(|t| t.name.as_str()).collect();
        let mut blocks = vec![text_block(&format!(
            "I'll call {} for {}.",
            names.join(" and "),
            places.join(" and ")
        ))];
        for place in &places {
            for tool in &tools {
                blocks.push(json!({
                    "type": "tool_use",
                    "id": ids.next("toolu"),
                    "name": tool.name,
                    "input": super::structured::arguments(&tool.input_schema, place),
                    "caller": { "type": "direct" }
                }));
            }
        }
        return (blocks, "tool_use");
    }

    let lower = question.to_lowercase();
    let answer = ANSWERS
        .iter()
        .find(|(keywords, _)| keywords.iter().all(|k| lower.contains(k)))
        .map(|(_, answer)| answer.to_string())
        .unwrap_or_else(|| {
            format!(
                "This reply comes from the local stand-in, which does not run a model. You \
                 asked: \"{}\"",
                question.trim()
            )
        });
    (vec![text_block(&answer)], "end_turn")
}

/// With extended thinking on, the thinking block that comes before the reply: a short account
/// of how the reply was reached, and a signature as the API gives (opaque; the stand-in's is
/// the length of the thinking, so a returned block can be checked).
fn reasoning(params: &MessageCreateParams, content: &[Value]) -> Option<Value> {
    if !matches!(params.thinking, Some(ThinkingConfigParam::Enabled(_))) {
        return None;
    }
    let question = params.messages.last().map(text_of).unwrap_or_default();
    let plan = if content.iter().any(|b| b["type"] == "tool_use") {
        "A tool can answer this better than I can from memory, so I will call it."
    } else {
        "I know this one; I will answer directly and keep it short."
    };
    let thinking = format!("The user asks: \"{}\". {plan}", question.trim());
    let signature = format!("stand-in-signature-{}", thinking.len());
    Some(json!({ "type": "thinking", "thinking": thinking, "signature": signature }))
}

fn text_block(text: &str) -> Value {
    json!({ "type": "text", "text": text, "citations": null })
}

/// The text of a message (its text blocks, joined).
fn text_of(message: &MessageParam) -> String {
    match &message.content {
        MessageContent::String(text) => text.clone(),
        MessageContent::ContentBlockParamList(blocks) => blocks
            .iter()
            .filter_map(|b| match b {
                ContentBlockParam::Text(t) => Some(t.text.as_str()),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// The tool results in a user message: their text and whether they report an error.
fn tool_results(message: &MessageParam) -> Vec<(String, bool)> {
    let MessageContent::ContentBlockParamList(blocks) = &message.content else {
        return Vec::new();
    };
    if message.role != MessageParamRole::User {
        return Vec::new();
    }
    blocks
        .iter()
        .filter_map(|b| match b {
            ContentBlockParam::ToolResult(result) => {
                let text = match &result.content {
                    None => String::new(),
                    Some(ToolResultContent::String(s)) => s.clone(),
                    Some(ToolResultContent::ToolResultContentBlockParamList(parts)) => parts
                        .iter()
                        .filter_map(|p| match p {
                            ToolResultContentBlockParam::Text(t) => Some(t.text.as_str()),
                            _ => None,
                        })
                        .collect::<Vec<_>>()
                        .join(" "),
                };
                Some((text, result.is_error == Some(true)))
            }
            _ => None,
        })
        .collect()
}

/// Capitalised names that follow "in", "for" or "and": "the weather in Paris and in New
/// York?" gives `["Paris", "New York"]`.
fn places_in(question: &str) -> Vec<String> {
    let words: Vec<&str> = question.split_whitespace().collect();
    let mut places: Vec<String> = Vec::new();
    let mut i = 1;
    while i < words.len() {
        let before = words[i - 1].to_lowercase();
        let starts_upper = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
        if matches!(before.as_str(), "in" | "for" | "and") && starts_upper(words[i]) {
            let mut name = vec![words[i]];
            while i + 1 < words.len()
                && starts_upper(words[i + 1])
                && !name
                    .last()
                    .is_some_and(|w| w.ends_with([',', '.', '?', '!']))
            {
                i += 1;
                name.push(words[i]);
            }
            let name = name
                .join(" ")
                .trim_end_matches([',', '.', '?', '!', ';', ':'])
                .to_string();
            if !places.contains(&name) {
                places.push(name);
            }
        }
        i += 1;
    }
    places
}

/// The message as the API streams it: `message_start`, then for each block a
/// `content_block_start`, its deltas and a `content_block_stop` (with a `ping` after the first
/// start), then `message_delta` and `message_stop`; one event per HTTP chunk, with a short
/// pause between them so that the text visibly arrives piece by piece.
fn stream(message: &Value) -> Reply {
    let mut events = Vec::new();
    let mut push = |data: Value| {
        let name = data["type"].as_str().unwrap_or("unknown").to_string();
        events.push(format!("event: {name}\ndata: {data}\n\n"));
    };

    let mut start = message.clone();
    start["content"] = json!([]);
    start["stop_reason"] = Value::Null;
    start["stop_sequence"] = Value::Null;
    start["usage"]["output_tokens"] = json!(1);
    push(json!({ "type": "message_start", "message": start }));

    let blocks = message["content"].as_array().cloned().unwrap_or_default();
    for (index, block) in blocks.iter().enumerate() {
        match block["type"].as_str() {
            Some("thinking") => {
                push(json!({
                    "type": "content_block_start",
                    "index": index,
                    "content_block": { "type": "thinking", "thinking": "", "signature": "" }
                }));
                let thinking = block["thinking"].as_str().unwrap_or_default();
                for piece in words(thinking) {
                    push(json!({
                        "type": "content_block_delta",
                        "index": index,
                        "delta": { "type": "thinking_delta", "thinking": piece }
                    }));
                }
                push(json!({
                    "type": "content_block_delta",
                    "index": index,
                    "delta": { "type": "signature_delta", "signature": block["signature"] }
                }));
            }
            Some("tool_use") => {
                let mut opened = block.clone();
                opened["input"] = json!({});
                push(
                    json!({ "type": "content_block_start", "index": index, "content_block": opened }),
                );
                let input = block["input"].to_string();
                let mut pieces = vec![String::new()];
                pieces.extend(chunks(&input, 16));
                for piece in pieces {
                    push(json!({
                        "type": "content_block_delta",
                        "index": index,
                        "delta": { "type": "input_json_delta", "partial_json": piece }
                    }));
                }
            }
            _ => {
                push(json!({
                    "type": "content_block_start",
                    "index": index,
                    "content_block": { "type": "text", "text": "", "citations": null }
                }));
                let text = block["text"].as_str().unwrap_or_default();
                for piece in words(text) {
                    push(json!({
                        "type": "content_block_delta",
                        "index": index,
                        "delta": { "type": "text_delta", "text": piece }
                    }));
                }
            }
        }
        if index == 0 {
            push(json!({ "type": "ping" }));
        }
        push(json!({ "type": "content_block_stop", "index": index }));
    }

    push(json!({
        "type": "message_delta",
        "delta": {
            "stop_reason": message["stop_reason"],
            "stop_sequence": message["stop_sequence"],
            "stop_details": null,
            "container": null
        },
        "usage": {
            "input_tokens": message["usage"]["input_tokens"],
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
            "output_tokens": message["usage"]["output_tokens"],
            "output_tokens_details": null,
            "server_tool_use": null
        }
    }));
    push(json!({ "type": "message_stop" }));

    Reply::new(200, "")
        .content_type("text/event-stream; charset=utf-8")
        .header("cache-control", "no-cache")
        .pieces(events)
        .chunked()
        .pause(Duration::from_millis(25))
}

/// `text` cut after each run of whitespace: "a b\nc" gives "a ", "b\n", "c".
fn words(text: &str) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut current = String::new();
    let mut in_space = false;
    for c in text.chars() {
        if in_space && !c.is_whitespace() {
            pieces.push(std::mem::take(&mut current));
        }
        in_space = c.is_whitespace();
        current.push(c);
    }
    if !current.is_empty() {
        pieces.push(current);
    }
    pieces
}

/// `text` in pieces of at most `len` characters.
fn chunks(text: &str, len: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    chars.chunks(len).map(|c| c.iter().collect()).collect()
}
