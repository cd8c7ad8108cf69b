//! A tool use loop: offer a tool, run the calls the model makes, send back the results, and
//! repeat until the model gives its final answer.
//!
//! ```sh
//! cargo run -p anthropic-openapi --example tool_use
//! ```
//!
//! Talks to the API when `ANTHROPIC_API_KEY` is set, otherwise to a local stand-in.

mod support;

use anthropic_openapi::{
    ContentBlock, ContentBlockParam, InputSchema, MessageCreateParams, MessageParam, StopReason,
    Tool, ToolResultBlockParam,
};
use serde_json::{Map, Value, json};

const QUESTION: &str = "What is the weather like in Paris and in Tokyo right now?";

/// How many requests the loop may make before giving up.
const MAX_TURNS: usize = 5;

#[tokio::main]
async fn main() -> anthropic_openapi::Result<()> {
    let (client, _backend) = support::client().await?;

    let schema: InputSchema = serde_json::from_value(json!({
        "type": "object",
        "properties": {
            "location": { "type": "string", "description": "A city, such as \"Paris\"" },
            "unit": { "type": "string", "enum": ["celsius", "fahrenheit"] }
        },
        "required": ["location", "unit"]
    }))
    .expect("a valid JSON schema");
    let weather = Tool::new("get_weather", schema)
        .description("The current weather in a city: temperature, sky and wind.");

    let mut messages = vec![MessageParam::user(QUESTION)];
    println!("user: {QUESTION}");

    for _ in 0..MAX_TURNS {
        let params = MessageCreateParams::new(support::MODEL, messages.clone(), 1024)
            .tools([weather.clone()]);
        let response = client.messages().create(params).await?;

        // Every tool call in the answer gets a result in the next user turn.
        let mut results: Vec<ContentBlockParam> = Vec::new();
        for block in &response.content {
            match block {
                ContentBlock::Text(text) => println!("assistant: {}", text.text),
                ContentBlock::ToolUse(call) => {
                    let input = Value::Object(call.input.clone());
                    let (output, failed) = run_tool(&call.name, &call.input);
                    println!("  tool call {}({input}) -> {output}", call.name);
                    results.push(
                        ToolResultBlockParam::new(call.id.as_str())
                            .content(output)
                            .is_error(failed)
                            .into(),
                    );
                }
                other => println!("  ({} block)", other.tag()),
            }
        }
        // The answer goes back into the conversation as it came, every block of it.
        messages.push(MessageParam::from(&response));

        if response.stop_reason != Some(StopReason::ToolUse) {
            let reason = response.stop_reason.as_ref().map_or("none", |r| r.as_str());
            println!("\ndone: stop reason {reason}");
            return Ok(());
        }
        messages.push(MessageParam::user(results));
    }
    println!("\ngave up after {MAX_TURNS} requests");
    Ok(())
}

/// Runs a tool call locally: the text of its result, and whether it failed.
fn run_tool(name: &str, input: &Map<String, Value>) -> (String, bool) {
    if name != "get_weather" {
        return (format!("unknown tool {name}"), true);
    }
    let location = input.get("location").and_then(Value::as_str).unwrap_or("");
    let fahrenheit = input.get("unit").and_then(Value::as_str) == Some("fahrenheit");
    // A stand-in for a real weather service.
    let (celsius, sky, wind) = match location.to_lowercase().as_str() {
        l if l.starts_with("paris") => (17.0, "light rain", 14),
        l if l.starts_with("tokyo") => (24.0, "sunny", 9),
        l if l.starts_with("london") => (13.0, "overcast", 21),
        l if l.starts_with("new york") => (19.0, "partly cloudy", 17),
        _ => return (format!("no weather data for {location:?}"), true),
    };
    let temperature = if fahrenheit {
        format!("{:.0} °F", celsius * 9.0 / 5.0 + 32.0)
    } else {
        format!("{celsius:.0} °C")
    };
    (
        format!("{location}: {temperature}, {sky}, wind {wind} km/h"),
        false,
    )
}
