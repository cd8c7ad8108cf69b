//! `hello` against `anthropic-openapi`: send one message and print the reply's text.
//!
//! Built by `cargo xtask bench compile` (section "programs") to measure what depending on the
//! crate costs a program; it is never run there.

use anthropic_openapi::{Client, MessageCreateParams, MessageParam};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let params = MessageCreateParams::new(
        "claude-sonnet-4-5",
        vec![MessageParam::user("Hello, Claude")],
        1024,
    );
    let message = client.messages().create(params).await?;
    println!("{}", message.text());
    Ok(())
}
