//! A tool use loop, step by step: the tool runner streams each reply, runs the calls the model
//! makes, sends back the results, and repeats until the model gives its final answer; the
//! program prints every reply and every tool result as it comes.
//!
//! ```sh
//! cargo run -p anthropic-openapi --example tool_use
//! ```
//!
//! Talks to the API when `ANTHROPIC_API_KEY` is set, otherwise to a local stand-in.

mod support;

use anthropic_openapi::{
    FunctionTool, MessageCreateParams, MessageParam, RunEvent, ToolResultContent,
};
use futures::StreamExt as _;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

const QUESTION: &str = "What is the weather like in Paris and in Tokyo right now?";

/// The current weather in a city: temperature, sky and wind.
#[derive(Deserialize, JsonSchema)]
struct WeatherInput {
    /// A city, such as "Paris".
    location: String,
    unit: Unit,
}

#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
enum Unit {
    Celsius,
    Fahrenheit,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _backend) = support::client().await?;
    let weather = FunctionTool::new("get_weather", get_weather)?;
    let params = MessageCreateParams::new(support::MODEL, [MessageParam::user(QUESTION)], 1024);
    println!("user: {QUESTION}");

    let mut run = client
        .messages()
        .tool_runner(params, [weather])
        .max_turns(5)
        .stream();
    while let Some(event) = run.next().await {
        match event? {
            RunEvent::Reply(reply) => println!("assistant: {}", reply.text()),
            RunEvent::ToolResult { call, result } => {
                let output = match result.content {
                    Some(ToolResultContent::String(text)) => text,
                    other => format!("{other:?}"),
                };
                let outcome = if result.is_error == Some(true) {
                    "failed:"
                } else {
                    "->"
                };
                let input = Value::Object(call.input);
                println!("  tool call {}({input}) {outcome} {output}", call.name);
            }
            _ => {}
        }
    }
    let reason = run.final_message().and_then(|m| m.stop_reason.clone());
    println!(
        "\ndone: stop reason {}",
        reason.as_ref().map_or("none", |r| r.as_str())
    );
    Ok(())
}

/// A stand-in for a real weather service.
async fn get_weather(input: WeatherInput) -> Result<String, String> {
    let location = input.location.as_str();
    let (celsius, sky, wind) = match location.to_lowercase().as_str() {
        l if l.starts_with("paris") => (17.0, "light rain", 14),
        l if l.starts_with("tokyo") => (24.0, "sunny", 9),
        l if l.starts_with("london") => (13.0, "overcast", 21),
        _ => return Err(format!("no weather data for {location:?}")),
    };
    let temperature = match input.unit {
        Unit::Fahrenheit => format!("{:.0} °F", celsius * 9.0 / 5.0 + 32.0),
        Unit::Celsius => format!("{celsius:.0} °C"),
    };
    Ok(format!(
        "{location}: {temperature}, {sky}, wind {wind} km/h"
    ))
}
