//! `everything` against `anthropic-openapi`: a representative call or two in every area the
//! crate offers (messages, streaming, token counting, models, message batches and their
//! results, files, legacy text completions, and the Admin API), so that all of it is linked in.
//!
//! Built by `cargo xtask bench compile` (section "programs") to measure what depending on the
//! crate costs a program; it is never run there.

use std::error::Error;

use anthropic_openapi::{
    AdminClient, ApiKeysListParams, Client, CompletionCreateParams, CompletionCreateParamsRequired,
    CompletionStreamEvent, CostReportRetrieveParams, FilesListParams, FilesUploadParams,
    MessageBatchCreateParams, MessageBatchRequest, MessageBatchResult, MessageCreateParams,
    MessageParam, MessagesBatchesListParams, ModelsListParams, Piece, UploadFile,
    UsageReportMessagesParams, UsersListParams, WorkspacesListParams, WorkspacesMembersListParams,
};
use chrono::{TimeDelta, Utc};
use futures::{StreamExt as _, TryStreamExt as _};

const MODEL: &str = "claude-sonnet-4-5";

type Outcome<T = ()> = Result<T, Box<dyn Error>>;

fn question(text: &str) -> MessageCreateParams {
    MessageCreateParams::new(MODEL, vec![MessageParam::user(text)], 1024)
}

async fn messages(client: &Client) -> Outcome {
    let message = client.messages().create(question("Hello, Claude")).await?;
    println!("create: {}", message.text());
    let count = client
        .messages()
        .count_tokens((&question("How long is this?")).into())
        .await?;
    println!("count_tokens: {} input tokens", count.input_tokens);
    Ok(())
}

async fn streaming(client: &Client) -> Outcome {
    // The accumulating stream, piece by piece, then the final message.
    let mut stream = client
        .messages()
        .stream(question("Tell me a story"))
        .await?;
    while let Some(piece) = stream.next_piece().await {
        if let Piece::Text(text) = piece? {
            print!("{text}");
        }
    }
    let message = stream.final_message().await?;
    println!("\nstream: {} output tokens", message.usage.output_tokens);
    // The raw server-sent events.
    let mut events = client
        .messages()
        .create_stream(question("Count to three"))
        .await?;
    let mut count = 0;
    while let Some(event) = events.next().await {
        event?;
        count += 1;
    }
    println!("create_stream: {count} events");
    Ok(())
}

async fn models(client: &Client) -> Outcome {
    let page = client.models().list(ModelsListParams::new()).await?;
    let all: Vec<_> = client
        .models()
        .list_stream(ModelsListParams::new())
        .try_collect()
        .await?;
    let first = client.models().retrieve(&all[0].id).await?;
    println!(
        "models: {} on the first page, {} in all, first {}",
        page.data.len(),
        all.len(),
        first.display_name
    );
    Ok(())
}

async fn batches(client: &Client) -> Outcome {
    let batches = client.messages().batches();
    let request = MessageBatchRequest::new("q1", question("What is the capital of Australia?"));
    let batch = batches
        .create(MessageBatchCreateParams::new([request]))
        .await?;
    let batch = batches.retrieve(&batch.id).await?;
    let listed: Vec<_> = batches
        .list_stream(MessagesBatchesListParams::new())
        .try_collect()
        .await?;
    println!("batches: {} listed", listed.len());
    let mut results = batches.results(&batch.id).await?;
    while let Some(line) = results.try_next().await? {
        if let MessageBatchResult::Succeeded(ok) = line.result {
            println!("{}: {}", line.custom_id, ok.message.text());
        }
    }
    batches.cancel(&batch.id).await?;
    batches.delete(&batch.id).await?;
    Ok(())
}

async fn files(client: &Client) -> Outcome {
    let upload = UploadFile::from_bytes("notes.txt", b"Some notes".to_vec());
    let file = client
        .files()
        .upload(FilesUploadParams::new(upload))
        .await?;
    let listed = client.files().list(FilesListParams::new()).await?;
    let metadata = client.files().retrieve_metadata(&file.id).await?;
    let mut bytes = 0;
    let mut download = client.files().download(&file.id).await?;
    while let Some(chunk) = download.try_next().await? {
        bytes += chunk.len();
    }
    client.files().delete(&file.id).await?;
    println!(
        "files: {} listed, {} downloaded of {}",
        listed.data.len(),
        bytes,
        metadata.size_bytes
    );
    Ok(())
}

async fn completions(client: &Client) -> Outcome {
    let params = || {
        CompletionCreateParams::new(CompletionCreateParamsRequired {
            model: "claude-2.1".into(),
            prompt: "\n\nHuman: Hello\n\nAssistant:".into(),
            max_tokens_to_sample: 256,
        })
    };
    let completion = client.completions().create(params()).await?;
    println!("completion: {}", completion.completion);
    let mut events = client.completions().create_stream(params()).await?;
    while let Some(event) = events.try_next().await? {
        if let CompletionStreamEvent::Completion(piece) = event {
            print!("{}", piece.completion);
        }
    }
    println!();
    Ok(())
}

async fn admin(admin: &AdminClient) -> Outcome {
    let workspaces = admin.workspaces().list(WorkspacesListParams::new()).await?;
    for workspace in &workspaces.data {
        let members = admin
            .workspaces()
            .members()
            .list(&workspace.id, WorkspacesMembersListParams::new())
            .await?;
        println!("{}: {} members", workspace.name, members.data.len());
    }
    let users = admin.users().list(UsersListParams::new()).await?;
    let keys = admin.api_keys().list(ApiKeysListParams::new()).await?;
    println!(
        "admin: {} users, {} API keys",
        users.data.len(),
        keys.data.len()
    );
    let week_ago = Utc::now() - TimeDelta::days(7);
    let usage: Vec<_> = admin
        .usage_report()
        .messages_stream(UsageReportMessagesParams::new(week_ago))
        .try_collect()
        .await?;
    let cost = admin
        .cost_report()
        .retrieve(CostReportRetrieveParams::new(week_ago))
        .await?;
    println!(
        "admin: {} usage buckets, {} cost buckets",
        usage.len(),
        cost.data.len()
    );
    Ok(())
}

#[tokio::main]
async fn main() -> Outcome {
    let client = Client::from_env()?;
    messages(&client).await?;
    streaming(&client).await?;
    models(&client).await?;
    batches(&client).await?;
    files(&client).await?;
    completions(&client).await?;
    admin(&AdminClient::from_env()?).await?;
    Ok(())
}
