//! A two-turn conversation with `messages().create`.
//!
//! ```sh
//! cargo run -p anthropic-openapi --example chat
//! cargo run -p anthropic-openapi --example chat -- "Your own question"
//! ```
//!
//! Talks to the API when `ANTHROPIC_API_KEY` is set, otherwise to a local stand-in.

mod support;

use anthropic_openapi::{Message, MessageCreateParams, MessageParam};

const QUESTION: &str = "In one sentence, what does the Rust borrow checker do?";
const FOLLOW_UP: &str = "Now say that in at most eight words.";

#[tokio::main]
async fn main() -> anthropic_openapi::Result<()> {
    let (client, _backend) = support::client().await?;
    let question = std::env::args()
        .nth(1)
        .unwrap_or_else(|| QUESTION.to_string());

    // The API is stateless: every request carries the whole conversation so far.
    let mut conversation = vec![MessageParam::user(question.as_str())];

    println!("user: {question}");
    let params = MessageCreateParams::new(support::MODEL, conversation.clone(), 1024)
        .system("You are a concise assistant for Rust programmers.");
    // `.with_response()` also gives the HTTP status, headers and request id.
    let response = client.messages().create(params).with_response().await?;
    let first = response.data;
    let answer = first.text(); // the text blocks, joined
    println!("assistant: {answer}");
    println!(
        "  ({} input tokens, {} output tokens, stop reason {}, request id {})\n",
        first.usage.input_tokens,
        first.usage.output_tokens,
        stop_reason(&first),
        response.request_id.as_deref().unwrap_or("unknown"),
    );

    // Add the answer and a follow-up question, and ask again.
    conversation.push(MessageParam::assistant(answer));
    conversation.push(MessageParam::user(FOLLOW_UP));
    println!("user: {FOLLOW_UP}");
    let params = MessageCreateParams::new(support::MODEL, conversation, 1024)
        .system("You are a concise assistant for Rust programmers.");
    let second = client.messages().create(params).await?;
    println!("assistant: {}", second.text());
    println!(
        "  ({} input tokens, {} output tokens, stop reason {})",
        second.usage.input_tokens,
        second.usage.output_tokens,
        stop_reason(&second),
    );
    Ok(())
}

fn stop_reason(message: &Message) -> &str {
    message.stop_reason.as_ref().map_or("none", |r| r.as_str())
}
