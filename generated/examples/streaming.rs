//! Streaming a reply to the terminal with `messages().stream`, then reading the assembled
//! message.
//!
//! ```sh
//! cargo run -p anthropic-openapi --example streaming
//! ```
//!
//! Talks to the API when `ANTHROPIC_API_KEY` is set, otherwise to a local stand-in.

mod support;

use std::io::Write as _;

use anthropic_openapi::{
    ContentBlockDelta, ContentBlockDeltaEvent, MessageCreateParams, MessageParam,
    MessageStreamEvent,
};
use futures::StreamExt as _;

const PROMPT: &str = "Write a short poem about a lighthouse keeper.";

#[tokio::main]
async fn main() -> anthropic_openapi::Result<()> {
    let (client, _backend) = support::client().await?;
    let params = MessageCreateParams::new(support::MODEL, vec![MessageParam::user(PROMPT)], 1024);

    println!("user: {PROMPT}\n");
    let mut stream = client.messages().stream(params).await?;

    // Each item is a typed server-sent event; print the text as it arrives.
    let mut stdout = std::io::stdout();
    while let Some(event) = stream.next().await {
        if let MessageStreamEvent::ContentBlockDelta(ContentBlockDeltaEvent {
            delta: ContentBlockDelta::TextDelta(delta),
            ..
        }) = event?
        {
            print!("{}", delta.text);
            stdout.flush()?;
        }
    }
    println!("\n");

    // Meanwhile the stream has assembled the whole message from the events.
    let Some(message) = stream.snapshot().filter(|_| stream.is_complete()) else {
        println!("the stream ended before the message was complete");
        return Ok(());
    };
    println!(
        "message {}: {} content block(s), stop reason {}, {} input / {} output tokens",
        message.id,
        message.content.len(),
        message.stop_reason.as_ref().map_or("none", |r| r.as_str()),
        message.usage.input_tokens,
        message.usage.output_tokens,
    );
    Ok(())
}
