//! `everything` against the client progenitor generates from our spec (the subset it reads,
//! see `bench::progenitor_subset`): one call in each operation group of the subset (two or
//! more for messages and batches), so that all of its API is linked in. Progenitor writes no
//! streaming, pagination or upload helpers: streaming and `files.upload` (multipart, dropped
//! from the subset) are not there to call.
//!
//! Built by `cargo xtask bench compile` (section "programs") to measure what depending on the
//! crate costs a program; it is never run there.

use std::error::Error;

use chrono::{TimeDelta, Utc};
use futures::TryStreamExt as _;
use progenitor_generated::{Client, types};

type Outcome<T = ()> = Result<T, Box<dyn Error>>;

/// The `anthropic-version` header, which progenitor's methods take as an argument.
const VERSION: Option<&str> = Some("2023-06-01");

/// An identifier the program is given (the API's objects it acts on), from the environment.
fn id(name: &str) -> Outcome<String> {
    Ok(std::env::var(name)?)
}

fn model() -> types::Model {
    types::Model {
        subtype_0: None,
        subtype_1: Some("claude-sonnet-4-5".into()),
    }
}

fn question(text: &str) -> types::MessageCreateParams {
    types::MessageCreateParams {
        cache_control: None,
        container: None,
        inference_geo: None,
        max_tokens: 1024,
        messages: vec![types::MessageParam {
            content: types::MessageContent::String(text.into()),
            role: types::MessageParamRole::User,
        }],
        metadata: None,
        model: model(),
        output_config: None,
        service_tier: None,
        stop_sequences: Vec::new(),
        stream: None,
        system: None,
        temperature: None,
        thinking: None,
        tool_choice: None,
        tools: Vec::new(),
        top_k: None,
        top_p: None,
    }
}

fn client(key_variable: &str) -> Outcome<Client> {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-api-key", std::env::var(key_variable)?.parse()?);
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .build()?;
    Ok(Client::new_with_client("https://api.anthropic.com", http))
}

async fn messages(client: &Client) -> Outcome {
    let message = client
        .messages_create(None, VERSION, &question("Hello, Claude"))
        .await?
        .into_inner();
    for block in &message.content {
        if let types::ContentBlock::TextBlock(text) = block {
            println!("create: {}", *text.text);
        }
    }
    let params = question("How long is this?");
    let count = client
        .messages_count_tokens(
            None,
            VERSION,
            &types::MessageCountTokensParams {
                cache_control: None,
                messages: params.messages,
                model: params.model,
                output_config: None,
                system: None,
                thinking: None,
                tool_choice: None,
                tools: Vec::new(),
            },
        )
        .await?;
    println!("count_tokens: {} input tokens", count.input_tokens);
    Ok(())
}

async fn completions(client: &Client) -> Outcome {
    let params = types::CompletionCreateParams {
        max_tokens_to_sample: 256.try_into()?,
        metadata: None,
        model: model(),
        prompt: "\n\nHuman: Hello\n\nAssistant:".parse()?,
        stop_sequences: Vec::new(),
        stream: None,
        temperature: None,
        top_k: None,
        top_p: None,
    };
    let completion = client.completions_create(None, VERSION, &params).await?;
    println!("completion: {}", completion.completion);
    Ok(())
}

async fn batches(client: &Client) -> Outcome {
    let request = types::MessageBatchRequest {
        custom_id: "q1".parse()?,
        params: question("What is the capital of Australia?"),
    };
    let batch = client
        .messages_batches_create(
            None,
            VERSION,
            &types::MessageBatchCreateParams {
                requests: vec![request],
            },
        )
        .await?;
    let batch = client
        .messages_batches_retrieve(&batch.id, None, VERSION)
        .await?;
    let listed = client
        .messages_batches_list(None, None, None, None, VERSION)
        .await?;
    println!("batches: {} listed", listed.data.len());
    // The results are JSON Lines; progenitor hands over the bytes.
    let mut results = client
        .messages_batches_results(&batch.id, None, VERSION)
        .await?
        .into_inner();
    let mut text = Vec::new();
    while let Some(chunk) = results.try_next().await? {
        text.extend_from_slice(&chunk);
    }
    for line in text.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        let result: types::MessageBatchIndividualResponse = serde_json::from_slice(line)?;
        println!("result: {}", result.custom_id);
    }
    client
        .messages_batches_cancel(&batch.id, None, VERSION)
        .await?;
    client
        .messages_batches_delete(&batch.id, None, VERSION)
        .await?;
    Ok(())
}

async fn files_and_models(client: &Client) -> Outcome {
    let files = client
        .files_list(None, None, None, None, None, VERSION)
        .await?;
    let file_id = id("FILE_ID")?;
    let metadata = client
        .files_retrieve_metadata(&file_id, None, VERSION)
        .await?;
    let mut download = client
        .files_download(&file_id, None, VERSION)
        .await?
        .into_inner();
    let mut bytes = 0;
    while let Some(chunk) = download.try_next().await? {
        bytes += chunk.len();
    }
    client.files_delete(&file_id, None, VERSION).await?;
    println!(
        "files: {} listed, {bytes} of {} bytes downloaded",
        files.data.len(),
        metadata.size_bytes
    );
    let models = client.models_list(None, None, None, None, VERSION).await?;
    let first = client
        .models_retrieve(&models.data[0].id, None, VERSION)
        .await?;
    println!(
        "models: {} listed, first {}",
        models.data.len(),
        first.display_name
    );
    Ok(())
}

async fn admin(admin: &Client) -> Outcome {
    let (workspace, user) = (id("WORKSPACE_ID")?, id("USER_ID")?);
    let (account, group) = (id("SERVICE_ACCOUNT_ID")?, id("RBAC_GROUP_ID")?);
    let (role, rule, tunnel) = (
        id("RBAC_ROLE_ID")?,
        id("FEDERATION_RULE_ID")?,
        id("TUNNEL_ID")?,
    );
    let week_ago = Utc::now() - TimeDelta::days(7);
    let me = admin.organization_me(None, VERSION).await?;
    println!("organization: {}", me.id);
    let counts = [
        (
            "users",
            admin
                .users_list(None, None, None, None, None, None, VERSION)
                .await?
                .data
                .len(),
        ),
        (
            "invites",
            admin
                .invites_list(None, None, None, None, None, None, None, VERSION)
                .await?
                .data
                .len(),
        ),
        (
            "workspaces",
            admin
                .workspaces_list(None, None, None, None, None, VERSION)
                .await?
                .data
                .len(),
        ),
        (
            "workspace members",
            admin
                .workspaces_members_list(&workspace, None, None, None, None, VERSION)
                .await?
                .data
                .len(),
        ),
        (
            "API keys",
            admin
                .api_keys_list(None, None, None, None, None, None, None, VERSION)
                .await?
                .data
                .len(),
        ),
        (
            "usage buckets",
            admin
                .usage_report_messages(
                    None, None, None, None, None, None, None, None, None, None, None, None, None,
                    &week_ago, None, None, VERSION,
                )
                .await?
                .data
                .len(),
        ),
        (
            "cost buckets",
            admin
                .cost_report_retrieve(None, None, None, None, None, &week_ago, None, VERSION)
                .await?
                .data
                .len(),
        ),
        (
            "rate limits",
            admin
                .rate_limits_list(None, None, None, None, VERSION)
                .await?
                .data
                .len(),
        ),
        (
            "workspace rate limits",
            admin
                .workspaces_rate_limits_list(&workspace, None, None, None, VERSION)
                .await?
                .data
                .len(),
        ),
        (
            "service accounts",
            admin
                .service_accounts_list(None, None, None, None, VERSION)
                .await?
                .data
                .len(),
        ),
        (
            "service account workspaces",
            admin
                .service_accounts_workspaces_list(&account, None, None, None, VERSION)
                .await?
                .data
                .len(),
        ),
        (
            "workspace service accounts",
            admin
                .workspaces_service_accounts_list(&workspace, None, None, None, VERSION)
                .await?
                .data
                .len(),
        ),
        (
            "RBAC groups",
            admin
                .rbac_groups_list(None, None, None, VERSION)
                .await?
                .data
                .len(),
        ),
        (
            "RBAC group members",
            admin
                .rbac_groups_members_list(&group, None, None, None, VERSION)
                .await?
                .data
                .len(),
        ),
        (
            "RBAC roles",
            admin
                .rbac_roles_list(None, None, None, VERSION)
                .await?
                .data
                .len(),
        ),
        (
            "RBAC role permissions",
            admin
                .rbac_roles_permissions_list(&role, None, None, None, VERSION)
                .await?
                .data
                .len(),
        ),
        (
            "effective spend limits",
            admin
                .spend_limits_list_effective(None, None, None, None, None, VERSION)
                .await?
                .data
                .len(),
        ),
        (
            "spend limit increase requests",
            admin
                .spend_limit_increase_requests_list(None, None, None, None, None, VERSION)
                .await?
                .data
                .len(),
        ),
        (
            "federation issuers",
            admin
                .federation_issuers_list(None, None, None, None, VERSION)
                .await?
                .data
                .len(),
        ),
        (
            "federation rules",
            admin
                .federation_rules_list(None, None, None, None, None, VERSION)
                .await?
                .data
                .len(),
        ),
        (
            "federation rule workspaces",
            admin
                .federation_rules_workspaces_list(&rule, None, None, None, VERSION)
                .await?
                .data
                .len(),
        ),
        (
            "tunnels",
            admin
                .tunnels_list(None, None, None, None, None, VERSION)
                .await?
                .data
                .len(),
        ),
        (
            "tunnel certificates",
            admin
                .tunnels_certificates_list(&tunnel, None, None, None, None, VERSION)
                .await?
                .data
                .len(),
        ),
        (
            "external keys",
            admin
                .external_keys_list(None, None, None, VERSION)
                .await?
                .data
                .len(),
        ),
        (
            "analytics buckets",
            admin
                .analytics_usage_report(
                    None, None, None, None, None, None, None, None, None, None, None, None,
                    &week_ago, None, None, VERSION,
                )
                .await?
                .data
                .len(),
        ),
    ];
    for (what, count) in counts {
        println!("{what}: {count}");
    }
    let member = admin
        .workspaces_members_retrieve(&workspace, &user, None, VERSION)
        .await?;
    println!("member: {}", member.user_id);
    Ok(())
}

#[tokio::main]
async fn main() -> Outcome {
    let client = client("ANTHROPIC_API_KEY")?;
    messages(&client).await?;
    completions(&client).await?;
    batches(&client).await?;
    files_and_models(&client).await?;
    admin(&self::client("ANTHROPIC_ADMIN_KEY")?).await?;
    Ok(())
}
