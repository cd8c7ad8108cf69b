//! Conversions that carry a response back into the next request, as a multi-turn
//! conversation or a tool-use loop needs: a [`Message`] becomes the assistant's
//! [`MessageParam`], each [`ContentBlock`] the matching [`ContentBlockParam`], and an
//! [`ErrorObject`] tells its message whatever its type.
//!
//! The API accepts the blocks of its responses as request blocks. The conversion goes through
//! their JSON, so every property survives, including ones this crate does not know: a block
//! whose shape differs from the request type (or an `Unknown` one) is passed on as
//! [`ContentBlockParam::Unknown`] with the same JSON.
//!
//! The conversions are `#[inline]`, so that the encoders and decoders they reach are compiled
//! in the program that uses them, as for the endpoint methods, and not in this crate.

use crate::{ContentBlock, ContentBlockParam, ErrorObject, Message, MessageParam};

impl From<&ContentBlock> for ContentBlockParam {
    #[inline]
    fn from(block: &ContentBlock) -> Self {
        // Through the block's JSON text rather than a `serde_json::Value`: the request types
        // are then decoded by the same code as any JSON input, and no second copy of their
        // decoders (one reading from a `Value`) is compiled.
        let Ok(json) = serde_json::to_string(block) else {
            // Serializing a block cannot fail: its maps have string keys.
            return ContentBlockParam::Unknown(serde_json::Value::Null);
        };
        serde_json::from_str(&json).unwrap_or_else(|_| {
            ContentBlockParam::Unknown(serde_json::from_str(&json).unwrap_or_default())
        })
    }
}

impl From<ContentBlock> for ContentBlockParam {
    #[inline]
    fn from(block: ContentBlock) -> Self {
        ContentBlockParam::from(&block)
    }
}

impl From<&Message> for MessageParam {
    /// The assistant turn that `message` was, with all of its content blocks.
    #[inline]
    fn from(message: &Message) -> Self {
        let blocks: Vec<ContentBlockParam> = message
            .content
            .iter()
            .map(ContentBlockParam::from)
            .collect();
        MessageParam::assistant(blocks)
    }
}

impl From<Message> for MessageParam {
    /// The assistant turn that `message` was, with all of its content blocks.
    #[inline]
    fn from(message: Message) -> Self {
        MessageParam::from(&message)
    }
}

impl ErrorObject {
    /// The human-readable message of the error, whatever its type (for an `Unknown` error, its
    /// `message` property when it has a string there).
    pub fn message(&self) -> Option<&str> {
        Some(match self {
            ErrorObject::InvalidRequestError(e) => &e.message,
            ErrorObject::AuthenticationError(e) => &e.message,
            ErrorObject::BillingError(e) => &e.message,
            ErrorObject::PermissionError(e) => &e.message,
            ErrorObject::NotFoundError(e) => &e.message,
            ErrorObject::RateLimitError(e) => &e.message,
            ErrorObject::TimeoutError(e) => &e.message,
            ErrorObject::InternalServerError(e) => &e.message,
            ErrorObject::OverloadedError(e) => &e.message,
            ErrorObject::Unknown(value) => return value.get("message")?.as_str(),
        })
    }
}
