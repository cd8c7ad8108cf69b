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

use anthropic_openapi::{MessageCreateParams, MessageParam, Piece};

const PROMPT: &str = "Write a short poem about a lighthouse keeper.";

#[tokio::main]
async fn main() -> anthropic_openapi::Result<()> {
    let (client, _backend) = support::client().await?;
    let params = MessageCreateParams::new(support::MODEL, vec![MessageParam::user(PROMPT)], 1024);

    println!("user: {PROMPT}\n");
    let mut stream = client.messages().stream(params).await?;

    // Print the text as it arrives (and any visible thinking, on standard error).
    let mut stdout = std::io::stdout();
    while let Some(piece) = stream.next_piece().await {
        match piece? {
            Piece::Text(text) => {
                print!("{text}");
                stdout.flush()?;
            }
            Piece::Thinking(thinking) => eprint!("{thinking}"),
            _ => {}
        }
    }
    println!("\n");

    // Meanwhile the stream has assembled the whole message, usage included.
    let message = stream.final_message().await?;
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
