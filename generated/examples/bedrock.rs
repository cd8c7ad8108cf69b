//! Claude on Amazon Bedrock: one message, then one streamed, with `BedrockClient`.
//!
//! ```sh
//! cargo run -p anthropic-openapi --features bedrock --example bedrock
//! ```
//!
//! Talks to Bedrock when `AWS_REGION` or `AWS_BEARER_TOKEN_BEDROCK` is set (credentials from
//! the standard AWS chain or the Bedrock API key; the model from `BEDROCK_MODEL`), otherwise
//! to a local stand-in that checks each request's SigV4 signature and answers streams in AWS
//! event-stream frames, as Bedrock does.

#[path = "../tests/platform_support/mod.rs"]
mod platform_support;

use std::io::Write as _;

use anthropic_openapi::bedrock::{BedrockClient, Credentials};
use anthropic_openapi::{
    ContentBlock, ContentBlockDelta, ContentBlockDeltaEvent, MessageCreateParams, MessageParam,
    MessageStreamEvent,
};
use futures::StreamExt as _;
use platform_support::bedrock::{EVENT_STREAM, event_stream, verify_sigv4};
use platform_support::{hello_events, hello_message};
use testkit::{Reply, Server};

const DEFAULT_MODEL: &str = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let live = ["AWS_REGION", "AWS_BEARER_TOKEN_BEDROCK"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|v| !v.is_empty()));
    let model = std::env::var("BEDROCK_MODEL").unwrap_or_else(|_| DEFAULT_MODEL.to_string());
    let (client, _stand_in) = if live {
        let client = BedrockClient::from_env().await?;
        println!("Using Amazon Bedrock at {}.", client.base_url());
        (client, None)
    } else {
        let (client, server) = stand_in(&model).await?;
        (client, Some(server))
    };

    let question = "Say hello to the world.";
    println!("user: {question}");
    let params = MessageCreateParams::new(&*model, vec![MessageParam::user(question)], 256);
    let reply = client
        .messages()
        .create(params.clone())
        .with_response()
        .await?;
    for block in &reply.data.content {
        if let ContentBlock::Text(text) = block {
            println!("assistant: {}", text.text);
        }
    }
    println!("request id {}", reply.request_id.as_deref().unwrap_or("-"));

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

/// A loopback stand-in for Bedrock Runtime, and a client signing for it with example
/// credentials.
async fn stand_in(model: &str) -> Result<(BedrockClient, Server), anthropic_openapi::Error> {
    let credentials = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        None,
        None,
        "example",
    );
    let accepted = credentials.clone();
    let model = model.to_string();
    let server = Server::start(move |req| {
        if let Err(reason) = verify_sigv4(req, &accepted, "us-east-1", "bedrock") {
            return Reply::new(403, serde_json::json!({ "message": reason }).to_string())
                .content_type("application/json");
        }
        if req.path().ends_with("/invoke-with-response-stream") {
            Reply::new(200, event_stream(&hello_events(&model)))
                .content_type(EVENT_STREAM)
                .split(64)
        } else {
            Reply::json(hello_message(&model)).header("x-amzn-requestid", "bedrock-example-1")
        }
    })
    .await;
    println!(
        "AWS_REGION is not set: using a local stand-in for Bedrock at {}.\n\
         It checks the SigV4 signature of each request; its answers are simulated.\n",
        server.base_url()
    );
    let client = BedrockClient::builder()
        .region("us-east-1")
        .credentials(credentials)
        .base_url(server.base_url())
        .settings(|s| s.configure_http(|http| http.no_proxy()))
        .build()
        .await?;
    Ok((client, server))
}
