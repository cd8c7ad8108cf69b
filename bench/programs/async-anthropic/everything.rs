//! `everything` against `async-anthropic`: every area the crate offers (messages, streaming,
//! models), a representative call or two each, so that all of it is linked in.
//!
//! Built by `cargo xtask bench compile` (section "programs") to measure what depending on the
//! crate costs a program; it is never run there.

use std::error::Error;

use async_anthropic::Client;
use async_anthropic::types::{
    ContentBlockDelta, CreateMessagesRequest, CreateMessagesRequestBuilder, MessageBuilder,
    MessageRole, MessagesStreamEvent,
};
use tokio_stream::StreamExt as _;

type Outcome<T = ()> = Result<T, Box<dyn Error>>;

fn question(text: &str) -> Outcome<CreateMessagesRequest> {
    let message = MessageBuilder::default()
        .role(MessageRole::User)
        .content(text)
        .build()?;
    Ok(CreateMessagesRequestBuilder::default()
        .model("claude-sonnet-4-5")
        .max_tokens(1024)
        .system("Be brief.")
        .messages(vec![message])
        .build()?)
}

async fn messages(client: &Client) -> Outcome {
    let response = client.messages().create(question("Hello, Claude")?).await?;
    for message in response.messages() {
        println!("create: {}", message.text().unwrap_or_default());
    }
    Ok(())
}

async fn streaming(client: &Client) -> Outcome {
    let mut stream = client
        .messages()
        .create_stream(question("Tell me a story")?)
        .await;
    while let Some(event) = stream.next().await {
        if let MessagesStreamEvent::ContentBlockDelta {
            delta: ContentBlockDelta::TextDelta { text },
            ..
        } = event?
        {
            print!("{text}");
        }
    }
    println!();
    Ok(())
}

async fn models(client: &Client) -> Outcome {
    let list = client.models().list().await?;
    let first = client.models().get(&list.data[0].id).await?;
    println!(
        "models: {} listed, first {}",
        list.data.len(),
        first.display_name
    );
    Ok(())
}

#[tokio::main]
async fn main() -> Outcome {
    let client = Client::default(); // ANTHROPIC_API_KEY
    messages(&client).await?;
    streaming(&client).await?;
    models(&client).await?;
    Ok(())
}
