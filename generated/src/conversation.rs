//! Conversions that carry a response back into the next request, as a multi-turn
//! conversation or a tool-use loop needs: a [`Message`] becomes the assistant's
//! [`MessageParam`], each [`ContentBlock`] the matching [`ContentBlockParam`], and an
//! [`ErrorObject`] tells its message whatever its type.
//!
//! The API accepts the blocks of its responses as request blocks. The conversion goes through
//! their JSON, so every property survives, including ones this crate does not know: a block
//! whose shape differs from the request type (or an `Unknown` one) is passed on as
//! [`ContentBlockParam::Unknown`] with the same JSON.

use serde::{Deserialize, Serialize};

use crate::{ContentBlock, ContentBlockParam, ErrorObject, Message, MessageParam};

/// Re-reads `value` (a response type) as the request type `T`, keeping its JSON as it is.
fn reread<T: for<'de> Deserialize<'de>>(value: &impl Serialize) -> serde_json::Result<T> {
    let json = serde_json::to_value(value)?;
    T::deserialize(json)
}

impl From<&ContentBlock> for ContentBlockParam {
    fn from(block: &ContentBlock) -> Self {
        match reread(block) {
            Ok(param) => param,
            Err(_) => {
                // Serializing a block cannot fail (its maps have string keys); keep whatever
                // JSON there is.
                ContentBlockParam::Unknown(serde_json::to_value(block).unwrap_or_default())
            }
        }
    }
}

impl From<ContentBlock> for ContentBlockParam {
    fn from(block: ContentBlock) -> Self {
        ContentBlockParam::from(&block)
    }
}

impl From<&Message> for MessageParam {
    /// The assistant turn that `message` was, with all of its content blocks.
    fn from(message: &Message) -> Self {
        let blocks: Vec<ContentBlockParam> = message
            .content
            .iter()
            .map(ContentBlockParam::from)
            .collect();
        MessageParam::new(blocks, "assistant")
    }
}

impl From<Message> for MessageParam {
    /// The assistant turn that `message` was, with all of its content blocks.
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
            ErrorObject::ApiError(e) => &e.message,
            ErrorObject::OverloadedError(e) => &e.message,
            ErrorObject::Unknown(value) => return value.get("message")?.as_str(),
        })
    }
}
