//! Hand-written minimal structs for `message.json`: what a program that needs only this one
//! response would write with `#[derive(Deserialize)]`. They are the limit the generated types
//! are measured against: no unknown properties kept, no unknown block types accepted, open
//! enums as plain strings.

use serde::Deserialize;
use serde_json::{Map, Value};

/// A `Message`, with the fields a caller reads.
#[derive(Debug, Deserialize)]
pub struct Message {
    /// Message id.
    pub id: String,
    /// Always `assistant`.
    pub role: String,
    /// Model id.
    pub model: String,
    /// The content blocks.
    pub content: Vec<Block>,
    /// Why generation stopped.
    pub stop_reason: Option<String>,
    /// The stop sequence that ended generation.
    pub stop_sequence: Option<String>,
    /// Token counts.
    pub usage: Usage,
}

/// A content block, tagged on `type`; only the three kinds the input has.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    /// Extended thinking.
    Thinking {
        /// The thinking text.
        thinking: String,
        /// Its signature.
        signature: String,
    },
    /// Text.
    Text {
        /// The text.
        text: String,
        /// Citations, if any.
        citations: Option<Vec<Value>>,
    },
    /// A tool call.
    ToolUse {
        /// Tool call id.
        id: String,
        /// Tool name.
        name: String,
        /// Tool input.
        input: Map<String, Value>,
    },
}

/// Token counts.
#[derive(Debug, Deserialize)]
pub struct Usage {
    /// Input tokens.
    pub input_tokens: i64,
    /// Output tokens.
    pub output_tokens: i64,
    /// Tokens written to the cache.
    pub cache_creation_input_tokens: Option<i64>,
    /// Tokens read from the cache.
    pub cache_read_input_tokens: Option<i64>,
    /// Service tier.
    pub service_tier: Option<String>,
}
