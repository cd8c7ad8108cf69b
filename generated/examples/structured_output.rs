//! Structured output as a Rust type: the request asks for JSON of the type's schema, and the
//! reply comes back decoded into it. Then the same, streamed.
//!
//! ```sh
//! cargo run -p anthropic-openapi --example structured_output
//! ```
//!
//! Talks to the API when `ANTHROPIC_API_KEY` is set, otherwise to a local stand-in.

mod support;

use anthropic_openapi::{MessageCreateParams, MessageParam, ParseError, Piece};
use schemars::JsonSchema;
use serde::Deserialize;

const NOTE: &str = "Extract the meeting: the team standup moves to Thursday 10 December 2026 \
                    at 09:30, in room B2; Ana and Kwame will be there.";

/// A meeting, as described in a note.
#[derive(Debug, Deserialize, JsonSchema)]
struct Meeting {
    /// What the meeting is.
    title: String,
    /// The day.
    #[schemars(extend("format" = "date"))]
    day: String,
    /// The start, as HH:MM.
    time: String,
    /// The room, when the note names one.
    room: Option<String>,
    /// Who attends.
    attendees: Vec<String>,
    kind: Kind,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
enum Kind {
    Standup,
    Review,
    Planning,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _backend) = support::client().await?;
    let params = MessageCreateParams::new(support::MODEL, [MessageParam::user(NOTE)], 1024);

    match client.messages().parse::<Meeting>(params.clone()).await {
        Ok(parsed) => {
            let meeting = parsed.output;
            println!(
                "{:?} \"{}\" on {} at {}",
                meeting.kind, meeting.title, meeting.day, meeting.time
            );
            println!("room: {}", meeting.room.as_deref().unwrap_or("none given"));
            println!("attendees: {}", meeting.attendees.join(", "));
        }
        // A refusal, a reply cut by max_tokens, or JSON that does not fit: the reply is kept.
        Err(ParseError::Refusal(reply)) => println!("refused: {}", reply.text()),
        Err(other) => return Err(other.into()),
    }

    // Streamed: the JSON arrives piece by piece, and is decoded once complete.
    let mut stream = client.messages().stream_parse::<Meeting>(params).await?;
    print!("streamed: ");
    while let Some(piece) = stream.next_piece().await {
        if let Piece::Text(text) = piece? {
            print!("{text}");
        }
    }
    let parsed = stream.final_parsed().await?;
    println!("\ndecoded: {} attendees", parsed.output.attendees.len());
    Ok(())
}
