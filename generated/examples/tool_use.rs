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
    ContentBlockParam, InputSchema, MessageCreateParams, MessageParam, StopReason, Tool,
    ToolResultBlockParam, ToolUseBlock,
};
use serde::Deserialize;
use serde_json::{Value, json};

const QUESTION: &str = "What is the weather like in Paris and in Tokyo right now?";

/// How many requests the loop may make before giving up.
const MAX_TURNS: usize = 5;

/// The input of `get_weather`, as its schema describes it.
#[derive(Deserialize)]
struct WeatherInput {
    location: String,
    unit: Unit,
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum Unit {
    Celsius,
    Fahrenheit,
}

#[tokio::main]
async fn main() -> anthropic_openapi::Result<()> {
    let (client, _backend) = support::client().await?;

    let schema = InputSchema::try_from(json!({
        "type": "object",
        "properties": {
            "location": { "type": "string", "description": "A city, such as \"Paris\"" },
            "unit": { "type": "string", "enum": ["celsius", "fahrenheit"] }
        },
        "required": ["location", "unit"]
    }))
    .expect("an object schema");
    let weather = Tool::new("get_weather", schema)
        .description("The current weather in a city: temperature, sky and wind.");

    let mut messages = vec![MessageParam::user(QUESTION)];
    println!("user: {QUESTION}");

    for _ in 0..MAX_TURNS {
        let params = MessageCreateParams::new(support::MODEL, messages.clone(), 1024)
            .tools([weather.clone()]);
        let response = client.messages().create(params).await?;
        println!("assistant: {}", response.text());

        // Every tool call in the answer gets a result in the next user turn.
        let results: Vec<ContentBlockParam> = response
            .tool_uses()
            .map(|call| run_tool(call).into())
            .collect();
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

/// Runs a tool call locally and returns its result. An input that does not fit the tool's
/// type is answered with an error result, so that the model can try again.
fn run_tool(call: &ToolUseBlock) -> ToolResultBlockParam {
    let shown = Value::Object(call.input.clone());
    if call.name != "get_weather" {
        let output = format!("unknown tool {}", call.name);
        println!("  tool call {}({shown}) -> {output}", call.name);
        return ToolResultBlockParam::new(call.id.as_str())
            .content(output)
            .is_error(true);
    }
    let input = match call.input_as::<WeatherInput>() {
        Ok(input) => input,
        Err(e) => {
            println!("  tool call {}({shown}) failed: {e}", call.name);
            return e.to_tool_result();
        }
    };
    let (output, failed) = get_weather(&input);
    println!("  tool call {}({shown}) -> {output}", call.name);
    ToolResultBlockParam::new(call.id.as_str())
        .content(output)
        .is_error(failed)
}

/// A stand-in for a real weather service: the text of its answer, and whether it failed.
fn get_weather(input: &WeatherInput) -> (String, bool) {
    let location = input.location.as_str();
    let (celsius, sky, wind) = match location.to_lowercase().as_str() {
        l if l.starts_with("paris") => (17.0, "light rain", 14),
        l if l.starts_with("tokyo") => (24.0, "sunny", 9),
        l if l.starts_with("london") => (13.0, "overcast", 21),
        l if l.starts_with("new york") => (19.0, "partly cloudy", 17),
        _ => return (format!("no weather data for {location:?}"), true),
    };
    let temperature = match input.unit {
        Unit::Fahrenheit => format!("{:.0} °F", celsius * 9.0 / 5.0 + 32.0),
        Unit::Celsius => format!("{celsius:.0} °C"),
    };
    (
        format!("{location}: {temperature}, {sky}, wind {wind} km/h"),
        false,
    )
}
