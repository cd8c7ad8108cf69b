//! `hello` against the client progenitor generates from our spec (the subset it reads, see
//! `bench::progenitor_subset`): send one message and print the reply's text.
//!
//! Built by `cargo xtask bench compile` (section "programs") to measure what depending on the
//! crate costs a program; it is never run there. Progenitor's client takes no credentials (the
//! spec's security scheme is not a parameter), so the program sets `x-api-key` on the
//! `reqwest` client it hands over.

use progenitor_generated::{Client, types};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-api-key", std::env::var("ANTHROPIC_API_KEY")?.parse()?);
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .build()?;
    let client = Client::new_with_client("https://api.anthropic.com", http);
    let body = types::MessageCreateParams {
        cache_control: None,
        container: None,
        inference_geo: None,
        max_tokens: 1024,
        messages: vec![types::MessageParam {
            content: types::MessageContent::String("Hello, Claude".into()),
            role: types::MessageParamRole::User,
        }],
        metadata: None,
        model: types::Model {
            subtype_0: None,
            subtype_1: Some("claude-sonnet-4-5".into()),
        },
        output_config: None,
        service_tier: None,
        stop_sequences: Vec::new(),
        stream: None,
        system: None,
        temperature: None,
        thinking: None,
        tool_choice: None,
        tools: Vec::new(),
        top_k: None,
        top_p: None,
    };
    let message = client
        .messages_create(None, Some("2023-06-01"), &body)
        .await?
        .into_inner();
    for block in &message.content {
        if let types::ContentBlock::TextBlock(text) = block {
            println!("{}", *text.text);
        }
    }
    Ok(())
}
