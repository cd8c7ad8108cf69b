//! The `async-anthropic` crate (crates.io, pinned by `cargo xtask bench runtime`) running the
//! jobs of `cargo xtask bench runtime`, as a user of that crate would write them.
//!
//! ```text
//! async-anthropic PORT noop|stream|message|results
//! ```
//!
//! The server is `bench-runtime serve DIR` on 127.0.0.1:PORT; the checksum lines are those of
//! `bench/peers/python_sdk.py` and `bench-runtime PORT JOB`.
//!
//! What the crate can do, and how:
//!
//! - `noop`: the client is built, nothing is sent.
//! - `message`: fifty `POST /v1/messages` through the crate's public `Client::post`, with its
//!   request type (`CreateMessagesRequest`) and its headers, retry policy and error handling,
//!   decoded into `serde_json::Value`. Its own response type (`CreateMessagesResponse`, which
//!   `messages().create` returns) cannot hold the input: its content-block enum has no
//!   `thinking` variant, so `messages().create` fails with `unknown variant "thinking"`. A
//!   user with thinking blocks in the response would have to do the same. Prints the number
//!   of blocks of the last message.
//! - `stream`: not available. `messages().create_stream` decodes every event into the
//!   crate's `MessagesStreamEvent`, which has no thinking block and no `thinking_delta` or
//!   `signature_delta`, so the stream ends with an error at the first block of the input; and
//!   the crate's streaming request is not public, so it cannot be decoded into anything else.
//! - `results`: not available: the crate has no Message Batches API.
//!
//! A job that is not available prints `n/a REASON` and exits with status 3, which the xtask
//! shows in the table.

use std::process::ExitCode;

use async_anthropic::types::{CreateMessagesRequest, CreateMessagesRequestBuilder, Message};

const MODEL: &str = "claude-sonnet-4-5";

/// Exit status of a job the crate cannot do.
const NOT_AVAILABLE: u8 = 3;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [port, job] = args.as_slice() else {
        eprintln!("usage: async-anthropic PORT noop|stream|message|results");
        return ExitCode::FAILURE;
    };
    let Ok(port) = port.parse::<u16>() else {
        eprintln!("PORT must be a port number, not {port:?}");
        return ExitCode::FAILURE;
    };
    let not_available = match job.as_str() {
        "stream" => {
            Some("its stream events have no thinking block or delta: fails at the first block")
        }
        "results" => Some("no Message Batches API"),
        _ => None,
    };
    if let Some(reason) = not_available {
        println!("n/a {reason}");
        return ExitCode::from(NOT_AVAILABLE);
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("tokio runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        let client = async_anthropic::Client::builder()
            .api_key("k")
            .base_url(format!("http://127.0.0.1:{port}"))
            .version("2023-06-01")
            .build()
            .map_err(|e| e.to_string())?;
        match job.as_str() {
            "noop" => Ok(None),
            "message" => message(&client).await.map(Some),
            other => Err(format!("unknown job {other:?}")),
        }
    });
    match result {
        Ok(line) => {
            if let Some(line) = line {
                println!("{line}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("async-anthropic: {e}");
            ExitCode::FAILURE
        }
    }
}

fn request() -> Result<CreateMessagesRequest, String> {
    CreateMessagesRequestBuilder::default()
        .model(MODEL)
        .max_tokens(1024)
        .messages(vec![Message::from("hi")])
        .build()
        .map_err(|e| e.to_string())
}

/// Fifty messages, not streamed; the number of blocks of the last one.
async fn message(client: &async_anthropic::Client) -> Result<String, String> {
    let mut blocks = 0;
    for _ in 0..50 {
        let message: serde_json::Value = client
            .post("/v1/messages", request()?)
            .await
            .map_err(|e| e.to_string())?;
        blocks = message["content"]
            .as_array()
            .ok_or("the message has no content array")?
            .len();
    }
    Ok(blocks.to_string())
}
