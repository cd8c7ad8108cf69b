//! The `anthropic-ai-sdk` crate (crates.io, pinned by `cargo xtask bench runtime`) running the
//! jobs of `cargo xtask bench runtime`, as a user of that crate would write them.
//!
//! ```text
//! anthropic-ai-sdk PORT noop|stream|message|results
//! ```
//!
//! The server is `bench-runtime serve DIR` on 127.0.0.1:PORT; the checksum lines are those of
//! `bench/peers/python_sdk.py` and `bench-runtime PORT JOB`.
//!
//! What the crate can do, and how:
//!
//! - `noop`: the client is built, nothing is sent.
//! - `stream`: `create_message_streaming` gives the typed events (`StreamEvent`); the crate
//!   has no accumulator, so this program folds them into the final blocks itself, as a user
//!   would: the thinking and text deltas appended to their blocks, the `input_json_delta`
//!   pieces appended to a string that is parsed into a `serde_json::Value` when the block
//!   stops. Two departures, both said here: the crate's `message_delta` usage type has
//!   `input_tokens: u32`, and the input (like the API's spec, where it is nullable) sends
//!   `"input_tokens": null`, so that one event fails to decode. The program accepts that
//!   decode error for the `message_delta` event only (no field of the checksum line comes
//!   from it) and fails on any other error.
//! - `message`: fifty `create_message` calls, into the crate's `CreateMessageResponse`.
//! - `results`: not available. `retrieve_message_batch_results` reads the whole JSONL body as
//!   one JSON array (`Vec<MessageBatchResult>`), and its result type requires a `message`,
//!   which errored, canceled and expired results do not have; so it fails on any batch's
//!   results.
//!
//! A job that is not available prints `n/a REASON` and exits with status 3, which the xtask
//! shows in the table.

use std::process::ExitCode;

use anthropic_ai_sdk::client::AnthropicClient;
use anthropic_ai_sdk::types::message::{
    ContentBlock, ContentBlockDelta, CreateMessageParams, Message, MessageClient, MessageError,
    RequiredMessageParams, Role, StreamEvent,
};
use futures_util::StreamExt as _;

#[path = "../../../src/pyrepr.rs"]
#[allow(dead_code)]
mod pyrepr;

const MODEL: &str = "claude-sonnet-4-5";

/// Exit status of a job the crate cannot do.
const NOT_AVAILABLE: u8 = 3;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [port, job] = args.as_slice() else {
        eprintln!("usage: anthropic-ai-sdk PORT noop|stream|message|results");
        return ExitCode::FAILURE;
    };
    let Ok(port) = port.parse::<u16>() else {
        eprintln!("PORT must be a port number, not {port:?}");
        return ExitCode::FAILURE;
    };
    if job == "results" {
        println!(
            "n/a reads the JSONL results as one JSON array, and needs a message in every result"
        );
        return ExitCode::from(NOT_AVAILABLE);
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("tokio runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        let client = AnthropicClient::builder("k", AnthropicClient::DEFAULT_API_VERSION)
            .with_api_base_url(format!("http://127.0.0.1:{port}/v1"))
            .build::<MessageError>()
            .map_err(|e| e.to_string())?;
        match job.as_str() {
            "noop" => Ok(None),
            "stream" => stream(&client).await.map(Some),
            "message" => message(&client).await.map(Some),
            other => Err(format!("unknown job {other:?}")),
        }
    });
    match result {
        Ok(line) => {
            if let Some(line) = line {
                println!("{line}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("anthropic-ai-sdk: {e}");
            ExitCode::FAILURE
        }
    }
}

fn params() -> CreateMessageParams {
    CreateMessageParams::new(RequiredMessageParams {
        model: MODEL.to_string(),
        messages: vec![Message::new_text(Role::User, "hi")],
        max_tokens: 1024,
    })
}

/// A content block as this program accumulates it from the stream.
enum Block {
    Thinking(String),
    Text(String),
    /// The input's JSON text until the block stops, then the parsed input.
    ToolUse {
        json: String,
        input: Option<serde_json::Value>,
    },
    Other,
}

/// One streamed message, accumulated here; the number of blocks, the lengths of the text and
/// of the thinking, and `len(str(tool input))` in Python.
async fn stream(client: &AnthropicClient) -> Result<String, String> {
    let params = params().with_stream(true);
    let mut events = std::pin::pin!(
        client
            .create_message_streaming(&params)
            .await
            .map_err(|e| e.to_string())?
    );
    let mut blocks: Vec<Block> = Vec::new();
    let mut stopped = false;
    while let Some(event) = events.next().await {
        let event = match event {
            Ok(event) => event,
            // See the module's documentation: `input_tokens: null` in `message_delta`.
            Err(MessageError::ApiError(e))
                if e.starts_with("Failed to parse SSE event: invalid type: null, expected u32")
                    && e.contains("message_delta") =>
            {
                continue;
            }
            Err(e) => return Err(e.to_string()),
        };
        match event {
            StreamEvent::ContentBlockStart {
                index,
                content_block,
            } => {
                if index != blocks.len() {
                    return Err(format!("block {index} started after {}", blocks.len()));
                }
                blocks.push(match content_block {
                    ContentBlock::Thinking { thinking, .. } => Block::Thinking(thinking),
                    ContentBlock::Text { text } => Block::Text(text),
                    ContentBlock::ToolUse { .. } => Block::ToolUse {
                        json: String::new(),
                        input: None,
                    },
                    _ => Block::Other,
                });
            }
            StreamEvent::ContentBlockDelta { index, delta } => {
                let block = blocks
                    .get_mut(index)
                    .ok_or_else(|| format!("delta for block {index}, which has not started"))?;
                match (block, delta) {
                    (Block::Thinking(t), ContentBlockDelta::ThinkingDelta { thinking }) => {
                        t.push_str(&thinking);
                    }
                    (Block::Text(t), ContentBlockDelta::TextDelta { text }) => t.push_str(&text),
                    (
                        Block::ToolUse { json, .. },
                        ContentBlockDelta::InputJsonDelta { partial_json },
                    ) => {
                        json.push_str(&partial_json);
                    }
                    (_, ContentBlockDelta::SignatureDelta { .. }) => {}
                    (_, other) => return Err(format!("unexpected delta {other:?}")),
                }
            }
            StreamEvent::ContentBlockStop { index } => {
                if let Some(Block::ToolUse { json, input }) = blocks.get_mut(index) {
                    let text = if json.is_empty() { "{}" } else { json.as_str() };
                    *input = Some(serde_json::from_str(text).map_err(|e| e.to_string())?);
                }
            }
            StreamEvent::MessageStop => stopped = true,
            StreamEvent::Error { error } => return Err(format!("stream error: {error:?}")),
            StreamEvent::MessageStart { .. }
            | StreamEvent::MessageDelta { .. }
            | StreamEvent::Ping => {}
        }
    }
    if !stopped {
        return Err("the stream ended without message_stop".into());
    }
    let [
        Block::Thinking(thinking),
        Block::Text(text),
        Block::ToolUse {
            input: Some(input), ..
        },
    ] = blocks.as_slice()
    else {
        return Err("the streamed message does not have thinking, text and tool_use blocks".into());
    };
    Ok(format!(
        "{} {} {} {}",
        blocks.len(),
        text.chars().count(),
        thinking.chars().count(),
        pyrepr::repr_len(input)
    ))
}

/// Fifty messages, not streamed; the number of blocks of the last one.
async fn message(client: &AnthropicClient) -> Result<String, String> {
    let params = params();
    let mut blocks = 0;
    for _ in 0..50 {
        let message = client
            .create_message(Some(&params))
            .await
            .map_err(|e| e.to_string())?;
        blocks = message.content.len();
    }
    Ok(blocks.to_string())
}
