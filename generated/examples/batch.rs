//! A message batch from creation to results, with a progress bar while it is processing.
//!
//! ```sh
//! cargo run -p anthropic-openapi --example batch
//! ```
//!
//! Talks to the API when `ANTHROPIC_API_KEY` is set, otherwise to a local stand-in. Batches
//! on the real API usually end within an hour, and the example waits until this one has (up
//! to 24 hours). When standard error is not a terminal the bar hides itself, and each poll is
//! printed as a line instead.

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use anthropic_openapi::{
    ContentBlock, MessageBatch, MessageBatchCreateParams, MessageBatchProcessingStatus,
    MessageBatchRequest, MessageBatchResult, MessageCreateParams, MessageParam,
};
use futures::StreamExt as _;
use indicatif::{ProgressBar, ProgressStyle};

const QUESTIONS: &[&str] = &[
    "What is the capital of Australia? One word.",
    "Name a prime number between 20 and 30.",
    "Translate 'good morning' into Spanish.",
    "How many legs does a spider have?",
];

#[tokio::main]
async fn main() -> anthropic_openapi::Result<()> {
    let (client, backend) = support::client().await?;
    let batches = client.messages().batches();

    let mut requests: Vec<MessageBatchRequest> = QUESTIONS
        .iter()
        .enumerate()
        .map(|(i, question)| {
            let params =
                MessageCreateParams::new(support::MODEL, vec![MessageParam::user(*question)], 256);
            MessageBatchRequest::new(format!("question-{}", i + 1), params)
        })
        .collect();
    // Parameters are checked while the batch is processed, not when it is created: this
    // request asks for more output than the model allows, and comes back `errored`.
    requests.push(MessageBatchRequest::new(
        "too-long",
        MessageCreateParams::new(
            support::MODEL,
            vec![MessageParam::user("Write a very long story.")],
            100_000,
        ),
    ));
    let prompts: BTreeMap<String, String> = requests
        .iter()
        .map(|r| (r.custom_id.clone(), first_text(&r.params)))
        .collect();

    let batch = batches
        .create(MessageBatchCreateParams::new(requests))
        .await?;
    let total = prompts.len() as u64;
    println!(
        "created batch {} with {total} requests: {}",
        batch.id, batch.processing_status
    );

    // Poll until processing has ended, showing how many requests are done.
    let poll_every = if backend.is_stand_in() {
        Duration::from_millis(300)
    } else {
        Duration::from_secs(30)
    };
    let bar = ProgressBar::new(total).with_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} requests done {msg}",
        )
        .expect("a valid progress template"),
    );
    bar.enable_steady_tick(Duration::from_millis(100));
    let batch = loop {
        let batch = batches.retrieve(&batch.id).await?;
        show_progress(&bar, &batch);
        if batch.processing_status == MessageBatchProcessingStatus::Ended {
            bar.finish();
            break batch;
        }
        tokio::time::sleep(poll_every).await;
    };
    let counts = &batch.request_counts;
    println!(
        "batch ended: {} succeeded, {} errored, {} canceled, {} expired",
        counts.succeeded, counts.errored, counts.canceled, counts.expired
    );

    // Results arrive as JSON Lines, one per request, in any order: match them by custom_id.
    let mut results = batches.results_of(&batch).await?;
    let mut by_id = BTreeMap::new();
    while let Some(line) = results.next().await {
        let line = line?;
        by_id.insert(line.custom_id, line.result);
    }
    for (custom_id, prompt) in &prompts {
        println!("\n{custom_id}: {prompt}");
        match by_id.get(custom_id) {
            Some(MessageBatchResult::Succeeded(ok)) => {
                for block in &ok.message.content {
                    if let ContentBlock::Text(text) = block {
                        println!("  succeeded: {}", text.text);
                    }
                }
            }
            Some(MessageBatchResult::Errored(failed)) => {
                let error = &failed.error.error;
                println!(
                    "  errored: {}: {}",
                    error.tag(),
                    error.message().unwrap_or("")
                );
            }
            Some(other) => println!("  {}", other.tag()),
            None => println!("  no result"),
        }
    }
    Ok(())
}

fn show_progress(bar: &ProgressBar, batch: &MessageBatch) {
    let c = &batch.request_counts;
    let done = c.succeeded + c.errored + c.canceled + c.expired;
    bar.set_position(u64::try_from(done).unwrap_or(0));
    bar.set_message(format!(
        "({} succeeded, {} errored)",
        c.succeeded, c.errored
    ));
    if bar.is_hidden() {
        println!(
            "  {}: {done}/{} requests done ({} processing)",
            batch.processing_status,
            bar.length().unwrap_or(0),
            c.processing
        );
    }
}

/// The text of a request's first message.
fn first_text(params: &MessageCreateParams) -> String {
    match params.messages.first().map(|m| &m.content) {
        Some(anthropic_openapi::MessageContent::String(text)) => text.clone(),
        _ => String::new(),
    }
}
