//! Claude in Microsoft Foundry: one message and one streamed, with `FoundryClient`.
//!
//! ```sh
//! cargo run -p anthropic-openapi --features foundry --example foundry
//! ```
//!
//! Talks to Foundry when `ANTHROPIC_FOUNDRY_API_KEY` is set (with `ANTHROPIC_FOUNDRY_RESOURCE`
//! or `ANTHROPIC_FOUNDRY_BASE_URL`; the model from `FOUNDRY_MODEL`), otherwise to a local
//! stand-in that checks the key.

#[path = "../tests/platform_support/mod.rs"]
mod platform_support;

use std::io::Write as _;

use anthropic_openapi::foundry::FoundryClient;
use anthropic_openapi::{
    ContentBlock, ContentBlockDelta, ContentBlockDeltaEvent, MessageCreateParams, MessageParam,
    MessageStreamEvent,
};
use futures::StreamExt as _;
use platform_support::{hello_events, hello_message, sse};
use testkit::{Reply, Server};

const DEFAULT_MODEL: &str = "claude-sonnet-4-5";
const STAND_IN_KEY: &str = "foundry-example-key";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let live = std::env::var_os("ANTHROPIC_FOUNDRY_API_KEY").is_some_and(|v| !v.is_empty());
    let model = std::env::var("FOUNDRY_MODEL").unwrap_or_else(|_| DEFAULT_MODEL.to_string());
    let (client, _server) = if live {
        let client = FoundryClient::from_env()?;
        println!("Using Microsoft Foundry at {}.", client.base_url());
        (client, None)
    } else {
        let model = model.clone();
        let server = Server::start(move |req| {
            if req.header("x-api-key") != Some(STAND_IN_KEY) {
                return Reply::api_error(401, "authentication_error", "invalid key");
            }
            if req.json()["stream"] == true {
                Reply::new(200, sse(&hello_events(&model))).content_type("text/event-stream")
            } else {
                Reply::json(hello_message(&model))
            }
        })
        .await;
        println!(
            "ANTHROPIC_FOUNDRY_API_KEY is not set: using a local stand-in for Foundry at {}.\n\
             Its answers are simulated.\n",
            server.base_url()
        );
        let client = FoundryClient::builder()
            .base_url(format!("{}/anthropic", server.base_url()))
            .api_key(STAND_IN_KEY)
            .settings(|s| s.configure_http(|http| http.no_proxy()))
            .build()?;
        (client, Some(server))
    };

    let question = "Say hello to the world.";
    println!("user: {question}");
    let params = MessageCreateParams::new(&*model, vec![MessageParam::user(question)], 256);
    let reply = client.messages().create(params.clone()).await?;
    for block in &reply.content {
        if let ContentBlock::Text(text) = block {
            println!("assistant: {}", text.text);
        }
    }

    print!("streamed: ");
    let mut stream = client.messages().stream(params).await?;
    while let Some(event) = stream.next().await {
        if let MessageStreamEvent::ContentBlockDelta(ContentBlockDeltaEvent {
            delta: ContentBlockDelta::TextDelta(delta),
            ..
        }) = event?
        {
            print!("{}", delta.text);
            std::io::stdout().flush()?;
        }
    }
    println!();
    let message = stream.final_message().await?;
    println!(
        "stop reason {:?}, {} output tokens",
        message.stop_reason, message.usage.output_tokens
    );
    Ok(())
}
