//! An agent with two typed tools: each tool's schema comes from its input type, and the tool
//! runner calls the model, runs the tools it asks for (concurrently), sends the results back
//! and repeats until the model has its answer.
//!
//! ```sh
//! cargo run -p anthropic-openapi --example tool_runner
//! ```
//!
//! Talks to the API when `ANTHROPIC_API_KEY` is set, otherwise to a local stand-in.

mod support;

use anthropic_openapi::{FunctionTool, MessageCreateParams, MessageParam};
use schemars::JsonSchema;
use serde::Deserialize;

/// The current weather in a city.
#[derive(Deserialize, JsonSchema)]
struct GetWeather {
    /// A city, such as "Paris".
    city: String,
}

/// The local time in a city.
#[derive(Deserialize, JsonSchema)]
struct GetTime {
    /// A city, such as "Tokyo".
    city: String,
}

async fn get_weather(input: GetWeather) -> String {
    let sky = if input.city == "Tokyo" {
        "sunny, 24 °C"
    } else {
        "light rain, 17 °C"
    };
    format!("{}: {sky}", input.city)
}

async fn get_time(input: GetTime) -> Result<String, String> {
    match input.city.as_str() {
        "Paris" => Ok("Paris: 10:30".to_string()),
        "Tokyo" => Ok("Tokyo: 18:30".to_string()),
        other => Err(format!("no time zone known for {other}")),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _backend) = support::client().await?;
    let question = "What are the weather and the local time in Paris and in Tokyo?";
    let params = MessageCreateParams::new(support::MODEL, [MessageParam::user(question)], 1024);
    let tools = [
        FunctionTool::new("get_weather", get_weather)?,
        FunctionTool::new("get_time", get_time)?,
    ];
    // At most 10 requests unless `.max_turns(n)` says otherwise.
    let run = client.messages().tool_runner(params, tools).await?;
    for reply in run.replies() {
        println!("assistant: {}", reply.text());
    }
    Ok(())
}
