//! `hello` against `anthropic-ai-sdk`: send one message and print the reply's text.
//!
//! Built by `cargo xtask bench compile` (section "programs") to measure what depending on the
//! crate costs a program; it is never run there.

use anthropic_ai_sdk::client::AnthropicClient;
use anthropic_ai_sdk::types::message::{
    ContentBlock, CreateMessageParams, Message, MessageClient, MessageError, RequiredMessageParams,
    Role,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let api_key = std::env::var("ANTHROPIC_API_KEY")?;
    let client = AnthropicClient::new::<MessageError>(api_key, "2023-06-01")?;
    let params = CreateMessageParams::new(RequiredMessageParams {
        model: "claude-sonnet-4-5".to_string(),
        messages: vec![Message::new_text(Role::User, "Hello, Claude")],
        max_tokens: 1024,
    });
    let response = client.create_message(Some(&params)).await?;
    for block in &response.content {
        if let ContentBlock::Text { text } = block {
            println!("{text}");
        }
    }
    Ok(())
}
