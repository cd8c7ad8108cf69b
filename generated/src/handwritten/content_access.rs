//! Reading a reply without matching on every block: the text of a [`Message`], its tool
//! calls, and typed access to one [`ContentBlock`].

use crate::{
    ContainerUploadBlock, ContentBlock, Message, RedactedThinkingBlock, ServerToolUseBlock,
    TextBlock, ThinkingBlock, ToolUseBlock,
};

impl Message {
    /// The text of the message: the `text` of its text blocks, concatenated in order with
    /// nothing in between (empty when it has none). Thinking, tool calls and other blocks are
    /// left out.
    ///
    /// ```
    /// # use anthropic_openapi::Message;
    /// # let message: Message = serde_json::from_str(r#"{"id": "msg_1", "type": "message",
    /// #   "role": "assistant", "model": "claude-sonnet-4-5", "stop_reason": "end_turn",
    /// #   "stop_sequence": null, "usage": {"input_tokens": 3, "output_tokens": 2},
    /// #   "content": [{"type": "text", "text": "Hello, "}, {"type": "text", "text": "world"}]}"#)?;
    /// assert_eq!(message.text(), "Hello, world");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn text(&self) -> String {
        self.content
            .iter()
            .filter_map(ContentBlock::as_text)
            .map(|block| block.text.as_str())
            .collect()
    }

    /// The calls of client tools the message makes (its `tool_use` blocks), in order. Calls
    /// of server tools, which the API runs itself, are not among them.
    pub fn tool_uses(&self) -> impl Iterator<Item = &ToolUseBlock> {
        self.content.iter().filter_map(ContentBlock::as_tool_use)
    }
}

impl ContentBlock {
    /// The block if it is text.
    pub fn as_text(&self) -> Option<&TextBlock> {
        match self {
            ContentBlock::Text(block) => Some(block),
            _ => None,
        }
    }

    /// The block if it is visible thinking.
    pub fn as_thinking(&self) -> Option<&ThinkingBlock> {
        match self {
            ContentBlock::Thinking(block) => Some(block),
            _ => None,
        }
    }

    /// The block if it is redacted (encrypted) thinking.
    pub fn as_redacted_thinking(&self) -> Option<&RedactedThinkingBlock> {
        match self {
            ContentBlock::RedactedThinking(block) => Some(block),
            _ => None,
        }
    }

    /// The block if it is a call of a client tool, which the program runs.
    pub fn as_tool_use(&self) -> Option<&ToolUseBlock> {
        match self {
            ContentBlock::ToolUse(block) => Some(block),
            _ => None,
        }
    }

    /// The block if it is a call of a server tool, which the API runs.
    pub fn as_server_tool_use(&self) -> Option<&ServerToolUseBlock> {
        match self {
            ContentBlock::ServerToolUse(block) => Some(block),
            _ => None,
        }
    }

    /// The block if it is a file placed in the code execution container.
    pub fn as_container_upload(&self) -> Option<&ContainerUploadBlock> {
        match self {
            ContentBlock::ContainerUpload(block) => Some(block),
            _ => None,
        }
    }
}
