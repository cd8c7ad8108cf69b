//! `everything` against `anthropic-ai-sdk`: every area the crate offers (messages, streaming,
//! token counting, models, message batches and their results, files, and the Admin API's API
//! keys, users, workspaces, workspace members and invites), a representative call or two each,
//! so that all of it is linked in.
//!
//! Built by `cargo xtask bench compile` (section "programs") to measure what depending on the
//! crate costs a program; it is never run there.

use std::error::Error;
use std::pin::pin;

use anthropic_ai_sdk::client::AnthropicClient;
use anthropic_ai_sdk::files::FileClient;
use anthropic_ai_sdk::types::admin::api_keys::{AdminClient, AdminError, ListApiKeysParams};
use anthropic_ai_sdk::types::admin::invites::ListInvitesParams;
use anthropic_ai_sdk::types::admin::users::ListUsersParams;
use anthropic_ai_sdk::types::admin::workspace_members::ListWorkspaceMembersParams;
use anthropic_ai_sdk::types::admin::workspaces::ListWorkspacesParams;
use anthropic_ai_sdk::types::files::ListFilesParams;
use anthropic_ai_sdk::types::message::{
    ContentBlock, ContentBlockDelta, CountMessageTokensParams, CreateMessageParams, Message,
    MessageClient, MessageError, RequiredMessageParams, Role, StreamEvent,
};
use anthropic_ai_sdk::types::message_batches::{
    self, CancelMessageBatchParams, CreateMessageBatchParams, DeleteMessageBatchParams,
    ListMessageBatchesParams, MessageBatchClient, MessageRequest, MessageRequestParams,
    RetrieveMessageBatchParams, RetrieveMessageBatchResultsParams,
};
use anthropic_ai_sdk::types::model::{ListModelsParams, ModelClient};
use futures_util::StreamExt as _;

const MODEL: &str = "claude-sonnet-4-5";
const VERSION: &str = "2023-06-01";

type Outcome<T = ()> = Result<T, Box<dyn Error>>;

fn question(text: &str) -> CreateMessageParams {
    CreateMessageParams::new(RequiredMessageParams {
        model: MODEL.to_string(),
        messages: vec![Message::new_text(Role::User, text)],
        max_tokens: 1024,
    })
}

async fn messages(client: &AnthropicClient) -> Outcome {
    let response = client
        .create_message(Some(&question("Hello, Claude")))
        .await?;
    for block in &response.content {
        if let ContentBlock::Text { text } = block {
            println!("create: {text}");
        }
    }
    let count = client
        .count_tokens(Some(&CountMessageTokensParams {
            model: MODEL.to_string(),
            messages: vec![Message::new_text(Role::User, "How long is this?")],
        }))
        .await?;
    println!("count_tokens: {} input tokens", count.input_tokens);
    Ok(())
}

async fn streaming(client: &AnthropicClient) -> Outcome {
    let params = question("Tell me a story").with_stream(true);
    let mut stream = pin!(client.create_message_streaming(&params).await?);
    while let Some(event) = stream.next().await {
        if let StreamEvent::ContentBlockDelta {
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

async fn models(client: &AnthropicClient) -> Outcome {
    let list = client
        .list_models(Some(&ListModelsParams::new().limit(10)))
        .await?;
    let first = client.get_model(&list.data[0].id).await?;
    println!(
        "models: {} listed, first {}",
        list.data.len(),
        first.display_name
    );
    Ok(())
}

async fn batches(client: &AnthropicClient) -> Outcome {
    let params = MessageRequestParams::new(
        MODEL,
        vec![message_batches::Message::new(
            "user",
            "What is the capital of Australia?",
        )],
        1024,
    );
    let request = MessageRequest::new(params).with_custom_id("q1");
    let batch = client
        .create_message_batch(&CreateMessageBatchParams::new(vec![request]))
        .await?;
    let batch = client
        .retrieve_message_batch(&RetrieveMessageBatchParams::new(&batch.id))
        .await?;
    let listed = client
        .list_message_batches(Some(&ListMessageBatchesParams::new().limit(10)))
        .await?;
    println!("batches: {} listed", listed.data.len());
    let results = client
        .retrieve_message_batch_results(&RetrieveMessageBatchResultsParams::new(&batch.id))
        .await?;
    for line in &results {
        for content in &line.result.message.content {
            println!("{}: {}", line.custom_id, content.text);
        }
    }
    client
        .cancel_message_batch(&CancelMessageBatchParams::new(&batch.id))
        .await?;
    client
        .delete_message_batch(&DeleteMessageBatchParams::new(&batch.id))
        .await?;
    Ok(())
}

async fn files(client: &AnthropicClient) -> Outcome {
    let file = client
        .upload_file("notes.txt", b"Some notes".to_vec())
        .await?;
    let listed = client
        .list_files(Some(&ListFilesParams::new().limit(10)))
        .await?;
    let metadata = client.get_file_metadata(&file.id).await?;
    let bytes = client.download_file(&file.id).await?;
    client.delete_file(&file.id).await?;
    println!(
        "files: {} listed, {} downloaded of {}",
        listed.data.len(),
        bytes.len(),
        metadata.size_bytes
    );
    Ok(())
}

async fn admin(admin: &AnthropicClient) -> Outcome {
    let workspaces = admin
        .list_workspaces(Some(&ListWorkspacesParams::new()))
        .await?;
    for workspace in &workspaces.data {
        let members = admin
            .list_workspace_members(&workspace.id, Some(&ListWorkspaceMembersParams::new()))
            .await?;
        println!("{}: {} members", workspace.name, members.data.len());
    }
    let users = admin.list_users(Some(&ListUsersParams::new())).await?;
    let keys = admin.list_api_keys(Some(&ListApiKeysParams::new())).await?;
    let invites = admin.list_invites(Some(&ListInvitesParams::new())).await?;
    println!(
        "admin: {} users, {} API keys, {} invites",
        users.data.len(),
        keys.data.len(),
        invites.data.len()
    );
    Ok(())
}

#[tokio::main]
async fn main() -> Outcome {
    let client =
        AnthropicClient::new::<MessageError>(std::env::var("ANTHROPIC_API_KEY")?, VERSION)?;
    messages(&client).await?;
    streaming(&client).await?;
    models(&client).await?;
    batches(&client).await?;
    files(&client).await?;
    let admin_client =
        AnthropicClient::new_admin::<AdminError>(std::env::var("ANTHROPIC_ADMIN_KEY")?, VERSION)?;
    admin(&admin_client).await?;
    Ok(())
}
