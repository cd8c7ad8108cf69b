//! Eleven everyday tasks, each written as a program would write it: a chat, an image and a PDF,
//! streaming with thinking, a tool call, token counting, models, a batch, an uploaded file,
//! errors, per-request options and headers, and an Admin usage report.
//!
//! Each task is one function that takes a client; `main` runs them in turn. `EVERYDAY.md`
//! compares each function's length with the same task written with the official Python SDK
//! (in `docs/everyday/`), and a test keeps that table true.
//!
//! Run with `cargo run -p anthropic-openapi --example everyday`. Without `ANTHROPIC_API_KEY` (and
//! `ANTHROPIC_ADMIN_KEY` for the report), it runs against the local stand-in of the examples.

mod support;

use std::error::Error;
use std::path::Path;
use std::time::Duration;

use anthropic_openapi::{
    AdminClient, Client, ContentBlockParam, DocumentBlockParam, FileDocumentSourceParam,
    FilesUploadParams, InputSchema, MessageBatchCreateParams, MessageBatchProcessingStatus,
    MessageBatchRequest, MessageBatchResult, MessageCreateParams, MessageParam,
    MessagesUsageReportBucket, MessagesUsageReportGroupBy, ModelInfo, ModelsListParams, Piece,
    RequestOptions, ThinkingConfigEnabledParam, Tool, ToolResultBlockParam, UploadFile,
    UsageReportMessagesParams,
};
use chrono::{TimeDelta, Utc};
use futures::TryStreamExt;
use serde::Deserialize;
use serde_json::json;

const MODEL: &str = support::MODEL;

type Outcome<T> = Result<T, Box<dyn Error>>;

// task: chat
async fn chat(client: &Client) -> Outcome<String> {
    let question = MessageParam::user("What is the capital of Australia?");
    let params = MessageCreateParams::new(MODEL, [question], 1024);
    let message = client.messages().create(params).await?;
    Ok(message.text())
}
// end

// task: images and PDFs
async fn image_and_pdf(client: &Client, dir: &Path) -> Outcome<String> {
    let image = ContentBlockParam::image_path(dir.join("chart.png")).await?;
    let pdf = ContentBlockParam::pdf_path(dir.join("report.pdf")).await?;
    let question = MessageParam::user(vec![image, pdf, "Does the chart match the report?".into()]);
    let params = MessageCreateParams::new(MODEL, [question], 1024);
    let message = client.messages().create(params).await?;
    Ok(message.text())
}
// end

// task: streaming with thinking
async fn stream_with_thinking(client: &Client) -> Outcome<i64> {
    let question = MessageParam::user("How many legs does a spider have?");
    let params = MessageCreateParams::new(MODEL, [question], 4096)
        .thinking(ThinkingConfigEnabledParam::new(2048));
    let mut stream = client.messages().stream(params).await?;
    while let Some(piece) = stream.next_piece().await {
        match piece? {
            Piece::Thinking(thinking) => print!("{thinking}"),
            Piece::Text(text) => print!("{text}"),
            _ => {}
        }
    }
    let message = stream.final_message().await?;
    Ok(message.usage.output_tokens)
}
// end

#[derive(Deserialize)]
struct Weather {
    location: String,
}

// task: tools
async fn tools(client: &Client) -> Outcome<String> {
    let schema = InputSchema::try_from(json!({
        "type": "object",
        "properties": {"location": {"type": "string", "description": "A city"}},
        "required": ["location"]
    }))?;
    let weather = Tool::new("get_weather", schema).description("The weather in a city now");
    let mut messages = vec![MessageParam::user("What is the weather in Paris?")];
    let params = MessageCreateParams::new(MODEL, messages.clone(), 1024).tools([weather.clone()]);
    let reply = client.messages().create(params).await?;
    let mut results: Vec<ContentBlockParam> = Vec::new();
    for call in reply.tool_uses() {
        let result = match call.input_as::<Weather>() {
            Ok(input) => {
                ToolResultBlockParam::new(&call.id).content(format!("Sunny in {}", input.location))
            }
            Err(bad_input) => bad_input.to_tool_result(),
        };
        results.push(result.into());
    }
    messages.extend([MessageParam::from(&reply), MessageParam::user(results)]);
    let params = MessageCreateParams::new(MODEL, messages, 1024).tools([weather]);
    Ok(client.messages().create(params).await?.text())
}
// end

// task: token counting
async fn count_tokens(client: &Client) -> Outcome<i64> {
    let question = MessageParam::user("Summarize the plot of Hamlet.");
    let params = MessageCreateParams::new(MODEL, [question], 1024).system("Be brief.");
    let count = client.messages().count_tokens((&params).into()).await?;
    Ok(count.input_tokens)
}
// end

// task: models
async fn models(client: &Client) -> Outcome<Vec<String>> {
    let list = client.models().list_stream(ModelsListParams::new());
    let all: Vec<ModelInfo> = list.try_collect().await?;
    let newest = client.models().retrieve(&all[0].id).await?;
    let max_input = newest.max_input_tokens.unwrap_or(0);
    println!("newest: {} ({max_input} tokens in)", newest.display_name);
    Ok(all.into_iter().map(|model| model.id).collect())
}
// end

// task: batches
async fn batch(client: &Client, poll: Duration) -> Outcome<Vec<String>> {
    let questions = [
        "What is the capital of Australia?",
        "How many legs does a spider have?",
    ];
    let requests = questions.iter().enumerate().map(|(i, question)| {
        let params = MessageCreateParams::new(MODEL, [MessageParam::user(*question)], 256);
        MessageBatchRequest::new(format!("q{i}"), params)
    });
    let batches = client.messages().batches();
    let params = MessageBatchCreateParams::new(requests);
    let mut batch = batches.create(params).await?;
    while batch.processing_status != MessageBatchProcessingStatus::Ended {
        tokio::time::sleep(poll).await;
        batch = batches.retrieve(&batch.id).await?;
    }
    let mut answers = Vec::new();
    let mut results = batches.results_of(&batch).await?;
    while let Some(line) = results.try_next().await? {
        if let MessageBatchResult::Succeeded(ok) = line.result {
            answers.push(format!("{}: {}", line.custom_id, ok.message.text()));
        }
    }
    Ok(answers)
}
// end

// task: files
async fn files(client: &Client, dir: &Path) -> Outcome<String> {
    let upload = UploadFile::from_path(dir.join("report.pdf")).await?;
    let file = client
        .files()
        .upload(FilesUploadParams::new(upload))
        .await?;
    let document = DocumentBlockParam::new(FileDocumentSourceParam::new(&file.id));
    let question = MessageParam::user(vec![document.into(), "Summarize this report.".into()]);
    let params = MessageCreateParams::new(MODEL, [question], 1024);
    let message = client.messages().create(params).await?;
    client.files().delete(&file.id).await?;
    Ok(message.text())
}
// end

// task: errors
async fn errors(client: &Client) -> Outcome<String> {
    let params = MessageCreateParams::new("gpt-none", [MessageParam::user("Hello")], 64);
    match client.messages().create(params).await {
        Ok(message) => Ok(message.text()),
        Err(error) if error.status() == Some(404) => {
            let id = error.request_id().unwrap_or("?");
            Ok(format!("no such model (request {id})"))
        }
        Err(error) if error.is_retryable() => {
            Ok(format!("busy, retry in {:?}", error.retry_after()))
        }
        Err(error) => Err(error.into()),
    }
}
// end

// task: per-request options and headers
async fn options_and_headers(client: &Client) -> Outcome<String> {
    let options = RequestOptions::new().timeout(Duration::from_secs(20));
    let traced = options.max_retries(5).header("x-trace-id", "everyday-10");
    let question = MessageParam::user("Good morning in Spanish?");
    let params = MessageCreateParams::new(MODEL, [question], 64);
    let call = client.with_options(traced).messages().create(params);
    let response = call.with_response().await?;
    let left = response.rate_limits().requests.remaining;
    let id = response.request_id.clone().unwrap_or_default();
    let text = response.data.text();
    Ok(format!("{text} (request {id}, {left:?} requests left)"))
}
// end

// task: admin report
async fn admin_report(admin: &AdminClient) -> Outcome<Vec<(String, i64)>> {
    let week_ago = Utc::now() - TimeDelta::days(7);
    let params =
        UsageReportMessagesParams::new(week_ago).group_by([MessagesUsageReportGroupBy::Model]);
    let report = admin.usage_report().messages_stream(params);
    let buckets: Vec<MessagesUsageReportBucket> = report.try_collect().await?;
    let mut per_model = std::collections::BTreeMap::new();
    for result in buckets.into_iter().flat_map(|bucket| bucket.results) {
        let model = result.model.unwrap_or_default();
        *per_model.entry(model).or_insert(0) += result.output_tokens;
    }
    Ok(per_model.into_iter().collect())
}
// end

#[tokio::main]
async fn main() -> Outcome<()> {
    let (client, backend) = support::client().await?;
    let (admin, _admin_backend) = support::admin_client().await?;
    // The stand-in ends a batch after a few polls; the API takes minutes.
    let poll = if backend.is_stand_in() {
        Duration::from_millis(50)
    } else {
        Duration::from_secs(30)
    };
    let dir = std::env::temp_dir().join(format!("everyday-{}", std::process::id()));
    support::write_sample_media(&dir)?;

    println!("1. chat: {}", chat(&client).await?);
    println!("2. image and PDF: {}", image_and_pdf(&client, &dir).await?);
    print!("3. streaming with thinking: ");
    let output_tokens = stream_with_thinking(&client).await?;
    println!("\n   ({output_tokens} output tokens)");
    println!("4. tools: {}", tools(&client).await?);
    println!(
        "5. token count: {} input tokens",
        count_tokens(&client).await?
    );
    println!("6. models: {}", models(&client).await?.join(", "));
    for answer in batch(&client, poll).await? {
        println!("7. batch: {answer}");
    }
    println!("8. files: {}", files(&client, &dir).await?);
    println!("9. errors: {}", errors(&client).await?);
    println!(
        "10. options and headers: {}",
        options_and_headers(&client).await?
    );
    for (model, output_tokens) in admin_report(&admin).await? {
        println!("11. admin report: {model}: {output_tokens} output tokens this week");
    }
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
