//! The tool runner against scripted replies from a loopback server: parallel calls run
//! concurrently, a failing tool and an input that does not fit its type are answered with
//! `is_error` results, the limit of turns ends the run with the conversation kept, a
//! `pause_turn` reply is continued, and the streamed form yields events, replies and results
//! in order.
#![cfg(feature = "schemars")]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anthropic_openapi::{
    Client, FunctionTool, MessageCreateParams, MessageParam, RunEvent, ToolRunError,
};
use futures::StreamExt as _;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};
use testkit::{Recorded, Reply, Server};
use tokio::sync::Barrier;

/// The current weather in a city.
#[derive(Deserialize, JsonSchema)]
struct GetWeather {
    city: String,
}

/// The local time in a city.
#[derive(Deserialize, JsonSchema)]
struct GetTime {
    city: String,
}

fn message(id: &str, content: Value, stop_reason: &str) -> Value {
    json!({
        "id": id,
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-5",
        "content": content,
        "stop_reason": stop_reason,
        "stop_sequence": null,
        "usage": { "input_tokens": 20, "output_tokens": 10 }
    })
}

fn tool_use(id: &str, name: &str, input: Value) -> Value {
    json!({
        "type": "tool_use",
        "id": id,
        "name": name,
        "input": input,
        "caller": { "type": "direct" }
    })
}

fn text(text: &str) -> Value {
    json!({ "type": "text", "text": text, "citations": null })
}

/// `message` as the API streams it: one delta per block. (The blocks are written in full, as
/// the API sends them, so that the assistant turn sent back can be compared with them.)
fn sse(message: &Value) -> Reply {
    let mut body = String::new();
    let mut push = |data: Value| {
        body.push_str(&format!(
            "event: {}\ndata: {data}\n\n",
            data["type"].as_str().unwrap()
        ));
    };
    let mut start = message.clone();
    start["content"] = json!([]);
    start["stop_reason"] = Value::Null;
    push(json!({ "type": "message_start", "message": start }));
    for (index, block) in message["content"].as_array().unwrap().iter().enumerate() {
        let mut opened = block.clone();
        let delta = match block["type"].as_str().unwrap() {
            "text" => {
                opened["text"] = json!("");
                json!({ "type": "text_delta", "text": block["text"] })
            }
            _ => {
                opened["input"] = json!({});
                json!({ "type": "input_json_delta", "partial_json": block["input"].to_string() })
            }
        };
        push(json!({ "type": "content_block_start", "index": index, "content_block": opened }));
        push(json!({ "type": "content_block_delta", "index": index, "delta": delta }));
        push(json!({ "type": "content_block_stop", "index": index }));
    }
    push(json!({
        "type": "message_delta",
        "delta": { "stop_reason": message["stop_reason"], "stop_sequence": null },
        "usage": { "output_tokens": 10 }
    }));
    push(json!({ "type": "message_stop" }));
    Reply::new(200, body).content_type("text/event-stream")
}

/// A server that answers the requests in order with `replies` (the last one again after
/// that), as JSON or, when the request asks for a stream, as server-sent events.
async fn scripted(replies: Vec<Value>) -> Server {
    Server::start(move |request: &Recorded| {
        let reply = &replies[request.index.min(replies.len() - 1)];
        if request.json()["stream"] == true {
            sse(reply)
        } else {
            Reply::json(reply.clone())
        }
    })
    .await
}

fn client(server: &Server) -> Client {
    Client::builder()
        .api_key("sk-ant-test")
        .base_url(server.base_url())
        .max_retries(0)
        .build()
        .unwrap()
}

fn params() -> MessageCreateParams {
    MessageCreateParams::new(
        "claude-sonnet-4-5",
        [MessageParam::user("Weather and time in Paris and Tokyo?")],
        1024,
    )
}

/// `get_weather`, whose calls wait for each other: two calls finish only if they run at the
/// same time. A city other than Paris or Tokyo is an error.
fn weather_tool(calls: Arc<AtomicUsize>) -> FunctionTool {
    let barrier = Arc::new(Barrier::new(2));
    FunctionTool::new("get_weather", move |input: GetWeather| {
        let (barrier, calls) = (barrier.clone(), calls.clone());
        async move {
            calls.fetch_add(1, Ordering::SeqCst);
            match input.city.as_str() {
                "Paris" | "Tokyo" => {
                    tokio::time::timeout(Duration::from_secs(5), barrier.wait())
                        .await
                        .map_err(|_| "the other call never ran alongside this one")?;
                    Ok(format!("{}: sunny", input.city))
                }
                other => Err(format!("no weather data for {other}")),
            }
        }
    })
    .unwrap()
}

async fn get_time(input: GetTime) -> Result<String, String> {
    Err(format!("the clock service for {} is down", input.city))
}

fn tools(calls: Arc<AtomicUsize>) -> Vec<FunctionTool> {
    vec![
        weather_tool(calls),
        FunctionTool::new("get_time", get_time).unwrap(),
    ]
}

/// The first reply: three calls, two of which must run concurrently, one failing.
fn three_calls() -> Value {
    message(
        "msg_1",
        json!([
            text("Let me check."),
            tool_use("toolu_1", "get_weather", json!({ "city": "Paris" })),
            tool_use("toolu_2", "get_weather", json!({ "city": "Tokyo" })),
            tool_use("toolu_3", "get_time", json!({ "city": "Paris" })),
        ]),
        "tool_use",
    )
}

fn done() -> Value {
    message(
        "msg_2",
        json!([text("Sunny in both; the clock is down.")]),
        "end_turn",
    )
}

#[tokio::test]
async fn parallel_calls_run_together_and_a_failing_tool_answers_with_an_error() {
    let server = scripted(vec![three_calls(), done()]).await;
    let calls = Arc::new(AtomicUsize::new(0));
    let run = client(&server)
        .messages()
        .tool_runner(params(), tools(calls.clone()))
        .await
        .unwrap();

    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(
        run.final_message().text(),
        "Sunny in both; the clock is down."
    );
    assert_eq!(run.replies().len(), 2);
    assert_eq!(
        run.messages().len(),
        4,
        "question, reply, results, final reply"
    );

    let requests = server.take();
    assert_eq!(requests.len(), 2);
    let first = requests[0].json();
    let offered: Vec<&str> = first["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(offered, ["get_weather", "get_time"]);
    assert_eq!(first["tools"][0]["strict"], true);
    assert_eq!(
        first["tools"][0]["description"],
        "The current weather in a city."
    );
    assert_eq!(
        first["tools"][0]["input_schema"]["additionalProperties"],
        false
    );

    let second = requests[1].json();
    let messages = second["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 3);
    assert_eq!(messages[1]["role"], "assistant");
    assert_eq!(
        messages[1]["content"],
        three_calls()["content"],
        "the reply, as it came"
    );
    assert_eq!(messages[2]["role"], "user");
    assert_eq!(
        messages[2]["content"],
        json!([
            { "type": "tool_result", "tool_use_id": "toolu_1", "content": "Paris: sunny" },
            { "type": "tool_result", "tool_use_id": "toolu_2", "content": "Tokyo: sunny" },
            {
                "type": "tool_result",
                "tool_use_id": "toolu_3",
                "content": "the clock service for Paris is down",
                "is_error": true
            }
        ])
    );
}

#[tokio::test]
async fn an_input_that_does_not_fit_and_an_unknown_tool_are_answered_with_errors() {
    let first = message(
        "msg_1",
        json!([
            tool_use("toolu_1", "get_weather", json!({ "city": 42 })),
            tool_use("toolu_2", "get_stock_price", json!({ "ticker": "ACME" })),
        ]),
        "tool_use",
    );
    let server = scripted(vec![first, done()]).await;
    let calls = Arc::new(AtomicUsize::new(0));
    client(&server)
        .messages()
        .tool_runner(params(), tools(calls.clone()))
        .await
        .unwrap();
    assert_eq!(
        calls.load(Ordering::SeqCst),
        0,
        "the function is not called"
    );

    let second = server.take()[1].json();
    let results = &second["messages"][2]["content"];
    assert_eq!(results[0]["tool_use_id"], "toolu_1");
    assert_eq!(results[0]["is_error"], true);
    let said = results[0]["content"].as_str().unwrap();
    assert!(
        said.starts_with("Invalid input for tool `get_weather`: invalid type: integer `42`"),
        "{said}"
    );
    assert_eq!(results[1]["tool_use_id"], "toolu_2");
    assert_eq!(results[1]["is_error"], true);
    assert_eq!(
        results[1]["content"],
        "There is no tool named `get_stock_price`. The tools are: `get_weather`, `get_time`."
    );
}

#[tokio::test]
async fn reaching_max_turns_is_an_error_that_keeps_the_conversation() {
    let again = message(
        "msg_n",
        json!([tool_use(
            "toolu_9",
            "get_weather",
            json!({ "city": "Lima" })
        )]),
        "tool_use",
    );
    let server = scripted(vec![again]).await;
    let error = client(&server)
        .messages()
        .tool_runner(params(), tools(Arc::default()))
        .max_turns(2)
        .await
        .unwrap_err();

    let ToolRunError::MaxTurns {
        max_turns,
        transcript,
    } = &error
    else {
        panic!("expected MaxTurns, got {error:?}");
    };
    assert_eq!(*max_turns, 2);
    assert_eq!(server.take().len(), 2, "no third request");
    assert_eq!(transcript.replies.len(), 2);
    // question, reply, results, reply, results: the last calls were answered too.
    assert_eq!(transcript.messages.len(), 5);
    let last = serde_json::to_value(&transcript.messages[4]).unwrap();
    assert_eq!(last["content"][0]["content"], "no weather data for Lima");
    assert!(error.to_string().contains("after 2 requests"), "{error}");
}

#[tokio::test]
async fn a_paused_turn_is_sent_back_to_be_continued() {
    let mut paused = message(
        "msg_1",
        json!([
            text("Searching."),
            {
                "type": "server_tool_use",
                "id": "srvtoolu_1",
                "name": "web_search",
                "input": { "query": "weather Paris" },
                "caller": { "type": "direct" }
            }
        ]),
        "pause_turn",
    );
    paused["container"] = json!({ "id": "container_7", "expires_at": "2026-12-05T10:00:00Z" });
    let server = scripted(vec![paused.clone(), done()]).await;
    let run = client(&server)
        .messages()
        .tool_runner(params(), tools(Arc::default()))
        .await
        .unwrap();
    assert_eq!(run.replies().len(), 2);

    let requests = server.take();
    let second = requests[1].json();
    let messages = second["messages"].as_array().unwrap();
    assert_eq!(
        messages.len(),
        2,
        "the question and the paused turn, nothing after it"
    );
    assert_eq!(messages[1]["role"], "assistant");
    assert_eq!(messages[1]["content"], paused["content"]);
    assert_eq!(second["container"], "container_7");
    assert!(requests[0].json().get("container").is_none());
}

#[tokio::test]
async fn a_failed_request_is_an_error_that_keeps_the_replies_so_far() {
    let server = Server::start(|request: &Recorded| match request.index {
        0 => Reply::json(three_calls()),
        _ => Reply::api_error(529, "overloaded_error", "Overloaded"),
    })
    .await;
    let error = client(&server)
        .messages()
        .tool_runner(params(), tools(Arc::default()))
        .await
        .unwrap_err();
    let ToolRunError::Request {
        error: cause,
        transcript,
    } = &error
    else {
        panic!("expected Request, got {error:?}");
    };
    assert!(cause.to_string().contains("Overloaded"), "{cause}");
    assert_eq!(transcript.replies.len(), 1);
    assert_eq!(transcript.messages.len(), 3);
    assert!(
        error
            .to_string()
            .starts_with("request 2 of the tool runner failed"),
        "{error}"
    );
}

#[tokio::test]
async fn the_streamed_run_yields_events_replies_and_results_in_order() {
    let server = scripted(vec![three_calls(), done()]).await;
    let mut run = client(&server)
        .messages()
        .tool_runner(params(), tools(Arc::default()))
        .stream();
    let mut seen = Vec::new();
    let mut text = String::new();
    while let Some(event) = run.next().await {
        match event.unwrap() {
            RunEvent::Stream(event) => {
                if let anthropic_openapi::MessageStreamEvent::ContentBlockDelta(delta) = &event
                    && let anthropic_openapi::ContentBlockDelta::TextDelta(d) = &delta.delta
                {
                    text.push_str(&d.text);
                }
                if seen.last() != Some(&"events".to_string()) {
                    seen.push("events".to_string());
                }
            }
            RunEvent::Reply(reply) => seen.push(format!("reply {}", reply.id)),
            RunEvent::ToolResult { call, result } => {
                seen.push(format!("{} {}", call.id, result.is_error == Some(true)))
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(
        seen,
        [
            "events",
            "reply msg_1",
            "toolu_1 false",
            "toolu_2 false",
            "toolu_3 true",
            "events",
            "reply msg_2"
        ]
    );
    assert_eq!(text, "Let me check.Sunny in both; the clock is down.");
    assert_eq!(run.transcript().replies.len(), 2);
    assert_eq!(run.transcript().messages.len(), 4);
    assert_eq!(run.final_message().unwrap().id, "msg_2");
    assert!(run.next().await.is_none(), "the stream stays ended");

    let requests = server.take();
    assert_eq!(
        requests[1].json()["messages"][2]["content"][2]["is_error"],
        true
    );
}

#[tokio::test]
async fn a_refusal_ends_the_run_without_running_its_tool_calls() {
    let refused = message(
        "msg_1",
        json!([tool_use(
            "toolu_1",
            "get_weather",
            json!({ "city": "Paris" })
        )]),
        "refusal",
    );
    let server = scripted(vec![refused]).await;
    let calls = Arc::new(AtomicUsize::new(0));
    let run = client(&server)
        .messages()
        .tool_runner(params(), tools(calls.clone()))
        .await
        .unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 0);
    assert_eq!(run.replies().len(), 1);
    assert_eq!(server.take().len(), 1);
    assert_eq!(
        run.messages().len(),
        2,
        "the question and the refused reply"
    );
}

#[tokio::test]
async fn a_tool_with_its_own_definition_can_answer_with_content_blocks() {
    use anthropic_openapi::{InputSchema, TextBlockParam, Tool, ToolResultContentBlockParam};

    let schema = InputSchema::try_from(json!({
        "type": "object",
        "properties": { "city": { "type": "string" } },
        "required": ["city"]
    }))
    .unwrap();
    let definition = Tool::new("get_weather", schema).description("Weather, as blocks.");
    let tool = FunctionTool::with_definition(definition, |input: GetWeather| async move {
        vec![
            ToolResultContentBlockParam::from(TextBlockParam::new(input.city)),
            TextBlockParam::new("sunny").into(),
        ]
    });
    assert_eq!(tool.name(), "get_weather");
    let first = message(
        "msg_1",
        json!([tool_use(
            "toolu_1",
            "get_weather",
            json!({ "city": "Paris" })
        )]),
        "tool_use",
    );
    let server = scripted(vec![first, done()]).await;
    client(&server)
        .messages()
        .tool_runner(params(), [tool])
        .await
        .unwrap();
    let requests = server.take();
    let sent = requests[0].json();
    assert_eq!(sent["tools"][0]["description"], "Weather, as blocks.");
    assert!(
        sent["tools"][0].get("strict").is_none(),
        "the definition is sent as given"
    );
    assert_eq!(
        requests[1].json()["messages"][2]["content"][0]["content"],
        json!([
            { "type": "text", "text": "Paris" },
            { "type": "text", "text": "sunny" }
        ])
    );
}
