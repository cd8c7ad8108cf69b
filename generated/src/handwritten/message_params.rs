//! Shortcuts for building a request: a user or assistant turn without naming its role
//! type, and the token-counting request that matches a message request.

use crate::{
    MessageContent, MessageCountTokensParams, MessageCreateParams, MessageParam, MessageParamRole,
};

impl MessageParam {
    /// A user turn: `MessageParam::user("What is 2 + 2?")`, or a list of content blocks.
    pub fn user(content: impl Into<MessageContent>) -> Self {
        MessageParam::new(content, MessageParamRole::User)
    }

    /// An assistant turn: an earlier reply, or text the model should continue from.
    pub fn assistant(content: impl Into<MessageContent>) -> Self {
        MessageParam::new(content, MessageParamRole::Assistant)
    }
}

impl From<MessageCreateParams> for MessageCountTokensParams {
    /// The request that counts the input tokens of `params`: the same model, messages, system
    /// prompt, tools, tool choice, thinking, output and cache settings, and the same `extra`
    /// properties. What only shapes the output (`max_tokens`, sampling, stop sequences,
    /// metadata, service tier, container, inference region) is left out, as the counting
    /// endpoint does not take it.
    fn from(params: MessageCreateParams) -> Self {
        let mut count = MessageCountTokensParams::new(params.model, params.messages);
        count.cache_control = params.cache_control;
        count.output_config = params.output_config;
        count.system = params.system;
        count.thinking = params.thinking;
        count.tool_choice = params.tool_choice;
        count.tools = params.tools;
        count.extra = params.extra;
        count
    }
}

impl From<&MessageCreateParams> for MessageCountTokensParams {
    /// As for an owned [`MessageCreateParams`], from a clone of the parts it keeps.
    fn from(params: &MessageCreateParams) -> Self {
        let mut count =
            MessageCountTokensParams::new(params.model.clone(), params.messages.iter().cloned());
        count.cache_control = params.cache_control.clone();
        count.output_config = params.output_config.clone();
        count.system = params.system.clone();
        count.thinking = params.thinking.clone();
        count.tool_choice = params.tool_choice.clone();
        count.tools = params.tools.clone();
        count.extra = params.extra.clone();
        count
    }
}
