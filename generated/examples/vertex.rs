//! Claude on Google Vertex AI: one message, one streamed, and a token count, with
//! `VertexClient`.
//!
//! ```sh
//! cargo run -p anthropic-openapi --features vertex --example vertex
//! ```
//!
//! Talks to Vertex AI when `CLOUD_ML_REGION` is set (application default credentials, the
//! project from `ANTHROPIC_VERTEX_PROJECT_ID` or the credentials, the model from
//! `VERTEX_MODEL`), otherwise to a local stand-in, with tokens from a local OAuth endpoint that
//! checks the signed JWT of a test service account, as Google's does.

#[path = "../tests/platform_support/mod.rs"]
mod platform_support;

use std::io::Write as _;

use anthropic_openapi::vertex::VertexClient;
use anthropic_openapi::{
    ContentBlock, ContentBlockDelta, ContentBlockDeltaEvent, MessageCountTokensParams,
    MessageCreateParams, MessageParam, MessageStreamEvent,
};
use futures::StreamExt as _;
use platform_support::vertex::{service_account_key, token_endpoint};
use platform_support::{hello_events, hello_message, sse};
use testkit::{Reply, Server};

const DEFAULT_MODEL: &str = "claude-sonnet-4-5@20250929";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let live = std::env::var_os("CLOUD_ML_REGION").is_some_and(|v| !v.is_empty());
    let model = std::env::var("VERTEX_MODEL").unwrap_or_else(|_| DEFAULT_MODEL.to_string());
    let (client, _servers) = if live {
        let client = VertexClient::from_env().await?;
        println!("Using Vertex AI at {}.", client.base_url());
        (client, None)
    } else {
        let (client, servers) = stand_in(&model).await?;
        (client, Some(servers))
    };

    let question = "Say hello to the world.";
    println!("user: {question}");
    let params = MessageCreateParams::new(&*model, vec![MessageParam::user(question)], 256);
    let count = client
        .messages()
        .count_tokens(MessageCountTokensParams::new(
            &*model,
            vec![MessageParam::user(question)],
        ))
        .await?;
    println!("the question is {} input tokens", count.input_tokens);

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

/// A loopback OAuth token endpoint and Vertex AI stand-in, and a client whose service-account
/// key gets its tokens from the former.
async fn stand_in(
    model: &str,
) -> Result<(VertexClient, (Server, Server)), anthropic_openapi::Error> {
    let tokens = token_endpoint(vec![3600]).await;
    let model = model.to_string();
    let vertex = Server::start(move |req| {
        if !req
            .header("authorization")
            .is_some_and(|v| v.starts_with("Bearer ya29.token-"))
        {
            return Reply::api_error(401, "authentication_error", "no valid token");
        }
        let path = req.path();
        if path.ends_with("/count-tokens:rawPredict") {
            Reply::json(serde_json::json!({"input_tokens": 14}))
        } else if path.ends_with(":streamRawPredict") {
            Reply::new(200, sse(&hello_events(&model))).content_type("text/event-stream")
        } else {
            Reply::json(hello_message(&model))
        }
    })
    .await;
    println!(
        "CLOUD_ML_REGION is not set: using a local stand-in for Vertex AI at {}.\n\
         Its tokens come from a local OAuth endpoint for a test service account; its answers \
         are simulated.\n",
        vertex.base_url()
    );
    let client = VertexClient::builder()
        .region("us-east5")
        .service_account_key(service_account_key(&tokens))
        .base_url(format!("{}/v1", vertex.base_url()))
        .settings(|s| s.configure_http(|http| http.no_proxy()))
        .build()
        .await?;
    Ok((client, (tokens, vertex)))
}
