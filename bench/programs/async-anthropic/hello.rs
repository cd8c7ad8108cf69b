//! `hello` against `async-anthropic`: send one message and print the reply's text.
//!
//! Built by `cargo xtask bench compile` (section "programs") to measure what depending on the
//! crate costs a program; it is never run there.

use async_anthropic::Client;
use async_anthropic::types::{CreateMessagesRequestBuilder, MessageBuilder, MessageRole};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::default(); // ANTHROPIC_API_KEY
    let request = CreateMessagesRequestBuilder::default()
        .model("claude-sonnet-4-5")
        .max_tokens(1024)
        .messages(vec![
            MessageBuilder::default()
                .role(MessageRole::User)
                .content("Hello, Claude")
                .build()?,
        ])
        .build()?;
    let response = client.messages().create(request).await?;
    for message in response.messages() {
        if let Some(text) = message.text() {
            println!("{text}");
        }
    }
    Ok(())
}
