//! Every generated operation, called with a realistic request: all required and several
//! optional parameters, path parameters, query arrays, a multipart upload.
//!
//! Each entry sends exactly one HTTP request (the clients never retry), so the runner can match
//! the entry to its lines in Prism's log.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use anthropic_openapi::UploadFile;
use anthropic_openapi::types::*;
use anthropic_openapi::{AdminClient, Client, Result};
use futures::TryStreamExt;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// The regular and the admin client, both aimed at one Prism.
#[derive(Clone)]
pub struct Clients {
    pub api: Client,
    pub admin: AdminClient,
}

/// Sent in `anthropic-beta` on every request. Prism 5.14.2 validates the optional array header
/// `anthropic-beta` (declared on every operation of `spec/anthropic.yaml`) by splitting its
/// value, and when the header is absent that throws a `TypeError` that takes the whole Prism
/// process down (spec/SOURCES.md, "Known limitations"). The real API ignores beta names it does
/// not know, so a harmless made-up name keeps the mock alive without changing any request.
pub const PRISM_BETA: &str = "prism-mock-needs-a-beta-header";

impl Clients {
    pub fn new(base_url: &str) -> Clients {
        let api = Client::builder()
            .api_key("sk-ant-api03-prism-conformance")
            .base_url(base_url)
            .beta(PRISM_BETA)
            // One request per call: a retried 5xx would shift the log segments, and Prism's
            // errors are deterministic anyway.
            .max_retries(0)
            .build()
            .expect("client");
        // Both admin credentials: each operation sends the one it accepts (the token where
        // either is accepted), so every admin scheme of the document is exercised.
        let admin = AdminClient::builder()
            .api_key("sk-ant-admin01-prism-conformance")
            .auth_token("sk-ant-oat01-prism-conformance")
            .base_url(base_url)
            .beta(PRISM_BETA)
            .max_retries(0)
            .build()
            .expect("admin client");
        Clients { api, admin }
    }
}

/// The response media type of an operation, which decides what Prism can do with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Media {
    Json,
    /// `text/event-stream` (the `_stream` variants).
    Sse,
    /// `application/x-jsonl` (batch results).
    Jsonl,
    /// `application/octet-stream` (file download).
    Bytes,
}

/// What a successful call returned, re-serialized to JSON for the report.
#[derive(Debug)]
pub enum Got {
    Json(Value),
    Events(Vec<Value>),
    Lines(Vec<Value>),
    Bytes(usize),
}

pub type OpFuture = Pin<Box<dyn Future<Output = Result<Got>> + Send>>;

pub struct Op {
    /// The spec's operationId (plus `:stream` for the event-stream variants).
    pub name: &'static str,
    pub media: Media,
    /// Whether the official (Stainless) document has this operation too.
    pub official: bool,
    pub run: fn(Clients) -> OpFuture,
}

fn got_json<T: Serialize>(result: Result<T>) -> Result<Got> {
    result.map(|v| Got::Json(serde_json::to_value(v).expect("re-serializes")))
}

fn to_values<T: Serialize>(items: &[T]) -> Vec<Value> {
    items
        .iter()
        .map(|v| serde_json::to_value(v).expect("re-serializes"))
        .collect()
}

/// A request-side value built from JSON (the way callers holding JSON build one).
fn from_json<T: DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value.clone())
        .unwrap_or_else(|e| panic!("test request does not decode ({e}): {value}"))
}

fn time(s: &str) -> chrono::DateTime<chrono::Utc> {
    s.parse().expect("RFC 3339 time")
}

fn day(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).expect("a date")
}

// ---------------------------------------------------------------- ids used in paths

const BATCH_ID: &str = "msgbatch_01HkcTjaV5uDC8jWR4ZsDV8d";
const FILE_ID: &str = "file_011CNha8iCJcU1wXNR6q4V8w";
const MODEL_ID: &str = "claude-sonnet-4-5-20250929";
const USER_ID: &str = "user_01WCz1FkmYMm4gnmykNKUu3Q";
const INVITE_ID: &str = "invite_015gWxCN9Hfg2QhZwTK7Mdeu";
const WORKSPACE_ID: &str = "wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ";
const API_KEY_ID: &str = "apikey_01Rj2N8SVvo6BePZj99NhmiT";
const EXTERNAL_KEY_ID: &str = "ekey_01SDCCSbTxrXDpWc1phhtcfK";
const CERTIFICATE_ID: &str = "tcert_01Hx9Kp2RtQvMn3sWbYdLcF8";
const TUNNEL_ID: &str = "tnl_01Hx9Kp2RtQvMn3sWbYdLcF8";
const RULE_ID: &str = "fdrl_01SDCCSbTxrXDpWc1phhtcfK";
const ISSUER_ID: &str = "fdis_01SDCCSbTxrXDpWc1phhtcfK";
const INCREASE_REQUEST_ID: &str = "slir_01H6K2XRZ4Q8JXMP3N9WBYT5VE";
const SPEND_LIMIT_ID: &str = "spl_01H6K2XRZ4Q8JXMP3N9WBYT5VE";
const RBAC_ROLE_ID: &str = "rbac_role_016J8xVtKpDq3Wy9ZmN2hR4s";
const RBAC_GROUP_ID: &str = "rbac_group_012rppKaSVsmTo6NqRDXQXNF";
const SERVICE_ACCOUNT_ID: &str = "svac_01SDCCSbTxrXDpWc1phhtcfK";

// ---------------------------------------------------------------- request bodies

/// A tool-use conversation with an image, a citable document, a thinking block, a tool call
/// and its result; custom and server tools; extended thinking; a cached system prompt.
pub fn rich_message() -> MessageCreateParams {
    let messages: Vec<MessageParam> = from_json(json!([
        {"role": "user", "content": [
            {"type": "text", "text": "What's the weather where the report was written?",
             "cache_control": {"type": "ephemeral", "ttl": "5m"}},
            {"type": "image", "source": {"type": "base64", "media_type": "image/png",
             "data": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="}},
            {"type": "document", "title": "Field report",
             "source": {"type": "text", "media_type": "text/plain",
                        "data": "Written in San Francisco on a foggy morning."},
             "citations": {"enabled": true}},
        ]},
        {"role": "assistant", "content": [
            {"type": "thinking", "thinking": "The report names San Francisco; check its weather.",
             "signature": "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds"},
            {"type": "text", "text": "Let me look that up."},
            {"type": "tool_use", "id": "toolu_01A09q90qw90lq917835lq9", "name": "get_weather",
             "input": {"location": "San Francisco, CA", "unit": "celsius"}},
        ]},
        {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "toolu_01A09q90qw90lq917835lq9",
             "content": [{"type": "text", "text": "15 degrees, fog"}], "is_error": false},
        ]},
    ]));
    let tools: Vec<ToolUnion> = from_json(json!([
        {"name": "get_weather", "description": "Current weather for a location.",
         "input_schema": {"type": "object",
            "properties": {"location": {"type": "string", "description": "City and state"},
                           "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
            "required": ["location"]}},
        {"type": "web_search_20250305", "name": "web_search", "max_uses": 3,
         "allowed_domains": ["weather.gov"]},
    ]));
    let system: Vec<TextBlockParam> = from_json(json!([
        {"type": "text", "text": "You are a concise assistant.",
         "cache_control": {"type": "ephemeral"}},
    ]));
    MessageCreateParams::new("claude-sonnet-4-5", messages, 4096)
        .system(system)
        .tools(tools)
        .tool_choice(ToolChoiceParam::Auto(from_json(
            json!({"type": "auto", "disable_parallel_tool_use": true}),
        )))
        .thinking(ThinkingConfigParam::Enabled(
            ThinkingConfigEnabledParam::new(2048),
        ))
        .metadata(MetadataParam::new().user_id("13803d75-b4b5-4c3e-b2a2-6f21399b021b"))
        .stop_sequences(vec!["\n\nHuman:".to_string()])
        .service_tier(MessageCreateParamsServiceTier::Auto)
}

/// A plain request with the sampling parameters.
pub fn simple_message(text: &str) -> MessageCreateParams {
    MessageCreateParams::new("claude-haiku-4-5", vec![MessageParam::user(text)], 256)
        .system("Answer in one sentence.")
        .temperature(0.7)
        .top_p(0.9)
        .top_k(40)
}

fn count_tokens_params() -> MessageCountTokensParams {
    // The same request as the message, less what only shapes the output.
    MessageCountTokensParams::from(rich_message())
}

fn completion_params() -> CompletionCreateParams {
    CompletionCreateParams::new(CompletionCreateParamsRequired {
        model: "claude-2.1".into(),
        prompt: "\n\nHuman: Hello, Claude\n\nAssistant:".into(),
        max_tokens_to_sample: 256,
    })
    .stop_sequences(["\n\nHuman:"])
    .temperature(0.5)
    .top_p(0.9)
    .top_k(40)
    .metadata(MetadataParam::new().user_id("13803d75-b4b5-4c3e-b2a2-6f21399b021b"))
}

fn batch_params() -> MessageBatchCreateParams {
    MessageBatchCreateParams::new(vec![
        MessageBatchRequest::new("weather-1", rich_message()),
        MessageBatchRequest::new("greeting-2", simple_message("Hello, Claude")),
    ])
}

fn upload_file() -> UploadFile {
    let mut pdf = b"%PDF-1.7\r\n1 0 obj << /Type /Catalog >> endobj\r\n".to_vec();
    pdf.extend((0..=255u8).chain((0..=255u8).rev()));
    pdf.extend_from_slice(b"\r\n%%EOF\r\n");
    UploadFile::from_bytes("quarterly-report.pdf", pdf).mime_type("application/pdf")
}

fn tags() -> BTreeMap<String, String> {
    BTreeMap::from([
        ("team".to_string(), "research".to_string()),
        ("cost-center".to_string(), "4711".to_string()),
    ])
}

// ---------------------------------------------------------------- the operations

macro_rules! op {
    ($name:literal, $media:ident, $official:literal, |$c:ident| $body:expr) => {
        Op {
            name: $name,
            media: Media::$media,
            official: $official,
            run: |$c: Clients| -> OpFuture { Box::pin(async move { $body }) },
        }
    };
}

/// All 41 operations of `spec/anthropic.yaml` in spec order, plus the two event-stream
/// variants (`messages.create:stream`, `completions.create:stream`).
pub fn all() -> Vec<Op> {
    vec![
        // ------------------------------------------------ messages, completions
        op!("messages.create", Json, true, |c| got_json(
            c.api.messages().create(rich_message()).await
        )),
        op!("messages.create:stream", Sse, true, |c| {
            let stream = c.api.messages().create_stream(rich_message()).await?;
            let events: Vec<MessageStreamEvent> = stream.try_collect().await?;
            Ok(Got::Events(to_values(&events)))
        }),
        op!("messages.count_tokens", Json, true, |c| got_json(
            c.api.messages().count_tokens(count_tokens_params()).await
        )),
        op!("completions.create", Json, true, |c| got_json(
            c.api.completions().create(completion_params()).await
        )),
        op!("completions.create:stream", Sse, true, |c| {
            let stream = c
                .api
                .completions()
                .create_stream(completion_params())
                .await?;
            let events: Vec<CompletionStreamEvent> = stream.try_collect().await?;
            Ok(Got::Events(to_values(&events)))
        }),
        // ------------------------------------------------ message batches
        op!("messages.batches.create", Json, true, |c| got_json(
            c.api.messages().batches().create(batch_params()).await
        )),
        op!("messages.batches.list", Json, true, |c| got_json(
            c.api
                .messages()
                .batches()
                .list(
                    MessagesBatchesListParams::new()
                        .after_id("msgbatch_01ABCDEFGHJKMNPQRSTVWXYZ")
                        .limit(20)
                )
                .await
        )),
        op!("messages.batches.retrieve", Json, true, |c| got_json(
            c.api.messages().batches().retrieve(BATCH_ID).await
        )),
        op!("messages.batches.delete", Json, true, |c| got_json(
            c.api.messages().batches().delete(BATCH_ID).await
        )),
        op!("messages.batches.cancel", Json, true, |c| got_json(
            c.api.messages().batches().cancel(BATCH_ID).await
        )),
        op!("messages.batches.results", Jsonl, true, |c| {
            let lines = c.api.messages().batches().results(BATCH_ID).await?;
            let lines: Vec<MessageBatchIndividualResponse> = lines.try_collect().await?;
            Ok(Got::Lines(to_values(&lines)))
        }),
        // ------------------------------------------------ files (beta)
        op!("files.upload", Json, false, |c| got_json(
            c.api
                .files()
                .upload(FilesUploadParams::new(upload_file()))
                .await
        )),
        op!("files.list", Json, false, |c| got_json(
            c.api
                .files()
                .list(
                    FilesListParams::new()
                        .before_id("file_013Zva2CMHLNnXjNJJKqJ2EF")
                        .limit(50)
                        .scope_id("sesn_011CZkZHJ6bxTvvsPqHtS5Ez")
                )
                .await
        )),
        op!("files.retrieve_metadata", Json, false, |c| got_json(
            c.api.files().retrieve_metadata(FILE_ID).await
        )),
        op!("files.delete", Json, false, |c| got_json(
            c.api.files().delete(FILE_ID).await
        )),
        op!("files.download", Bytes, false, |c| {
            let chunks: Vec<bytes::Bytes> =
                c.api.files().download(FILE_ID).await?.try_collect().await?;
            Ok(Got::Bytes(chunks.iter().map(|b| b.len()).sum()))
        }),
        // ------------------------------------------------ models
        op!("models.list", Json, true, |c| got_json(
            c.api
                .models()
                .list(
                    ModelsListParams::new()
                        .after_id("claude-3-7-sonnet-20250219")
                        .limit(5)
                )
                .await
        )),
        op!("models.retrieve", Json, true, |c| got_json(
            c.api.models().retrieve(MODEL_ID).await
        )),
        // ------------------------------------------------ admin: organization, users
        op!("organization.me", Json, false, |c| got_json(
            c.admin.organization().me().await
        )),
        op!("users.list", Json, false, |c| got_json(
            c.admin
                .users()
                .list(
                    UsersListParams::new()
                        .email("ada@example.com")
                        .roles(vec!["developer".to_string(), "admin".to_string()])
                        .limit(20)
                )
                .await
        )),
        op!("users.retrieve", Json, false, |c| got_json(
            c.admin.users().retrieve(USER_ID).await
        )),
        op!("users.update", Json, false, |c| got_json(
            c.admin
                .users()
                .update(
                    USER_ID,
                    UserUpdateParams::new(OrganizationRoleParam::Developer)
                )
                .await
        )),
        op!("users.delete", Json, false, |c| got_json(
            c.admin.users().delete(USER_ID).await
        )),
        // ------------------------------------------------ admin: invites
        op!("invites.list", Json, false, |c| got_json(
            c.admin
                .invites()
                .list(
                    InvitesListParams::new()
                        .statuses(vec![
                            InviteStatusFilter::Pending,
                            InviteStatusFilter::Expired
                        ])
                        .roles(vec!["user".to_string(), "claude_code_user".to_string()])
                        .limit(10)
                )
                .await
        )),
        op!("invites.create", Json, false, |c| got_json(
            c.admin
                .invites()
                .create(
                    InviteCreateParams::new("grace@example.com", OrganizationRoleParam::Developer)
                        .rbac_group_ids(vec!["rbacgrp_01ABCDEFGHJKMNPQRSTVWXYZ".to_string()])
                )
                .await
        )),
        op!("invites.retrieve", Json, false, |c| got_json(
            c.admin.invites().retrieve(INVITE_ID).await
        )),
        op!("invites.delete", Json, false, |c| got_json(
            c.admin.invites().delete(INVITE_ID).await
        )),
        // ------------------------------------------------ admin: workspaces
        op!("workspaces.list", Json, false, |c| got_json(
            c.admin
                .workspaces()
                .list(WorkspacesListParams::new().include_archived(true).limit(10))
                .await
        )),
        op!("workspaces.create", Json, false, |c| got_json(
            c.admin
                .workspaces()
                .create(
                    WorkspaceCreateParams::new("Research")
                        .data_residency(from_json::<WorkspaceDataResidencyParam>(json!({
                            "workspace_geo": "us",
                            "default_inference_geo": "us",
                            "allowed_inference_geos": ["us", "global"],
                        })))
                        .tags(tags())
                )
                .await
        )),
        op!("workspaces.retrieve", Json, false, |c| got_json(
            c.admin.workspaces().retrieve(WORKSPACE_ID).await
        )),
        op!("workspaces.update", Json, false, |c| got_json(
            c.admin
                .workspaces()
                .update(
                    WORKSPACE_ID,
                    WorkspaceUpdateParams::new()
                        .name("Research (EU)")
                        .data_residency(from_json::<WorkspaceDataResidencyUpdateParam>(
                            json!({"allowed_inference_geos": "unrestricted"})
                        ))
                        .tags(tags())
                )
                .await
        )),
        op!("workspaces.archive", Json, false, |c| got_json(
            c.admin.workspaces().archive(WORKSPACE_ID).await
        )),
        // ------------------------------------------------ admin: workspace members
        op!("workspaces.members.list", Json, false, |c| got_json(
            c.admin
                .workspaces()
                .members()
                .list(
                    WORKSPACE_ID,
                    WorkspacesMembersListParams::new()
                        .after_id(USER_ID)
                        .limit(20)
                )
                .await
        )),
        op!("workspaces.members.create", Json, false, |c| got_json(
            c.admin
                .workspaces()
                .members()
                .create(
                    WORKSPACE_ID,
                    WorkspaceMemberCreateParams::new(
                        USER_ID,
                        WorkspaceRoleParam::WorkspaceDeveloper
                    )
                )
                .await
        )),
        op!("workspaces.members.retrieve", Json, false, |c| got_json(
            c.admin
                .workspaces()
                .members()
                .retrieve(WORKSPACE_ID, USER_ID)
                .await
        )),
        op!("workspaces.members.update", Json, false, |c| got_json(
            c.admin
                .workspaces()
                .members()
                .update(
                    WORKSPACE_ID,
                    USER_ID,
                    WorkspaceMemberUpdateParams::new(WorkspaceRole::WorkspaceAdmin)
                )
                .await
        )),
        op!("workspaces.members.delete", Json, false, |c| got_json(
            c.admin
                .workspaces()
                .members()
                .delete(WORKSPACE_ID, USER_ID)
                .await
        )),
        // ------------------------------------------------ admin: API keys
        op!("api_keys.list", Json, false, |c| got_json(
            c.admin
                .api_keys()
                .list(
                    ApiKeysListParams::new()
                        .status(ApiKeyStatus::Active)
                        .workspace_id(WORKSPACE_ID)
                        .created_by_user_id(USER_ID)
                        .limit(20)
                )
                .await
        )),
        op!("api_keys.retrieve", Json, false, |c| got_json(
            c.admin.api_keys().retrieve(API_KEY_ID).await
        )),
        op!("api_keys.update", Json, false, |c| got_json(
            c.admin
                .api_keys()
                .update(
                    API_KEY_ID,
                    ApiKeyUpdateParams::new()
                        .name("CI key (rotated)")
                        .status(ApiKeyStatusParam::Inactive)
                )
                .await
        )),
        // ------------------------------------------------ admin: reports
        op!("usage_report.messages", Json, false, |c| got_json(
            c.admin
                .usage_report()
                .messages(
                    UsageReportMessagesParams::new(time("2025-01-01T00:00:00Z"))
                        .ending_at(time("2025-01-08T00:00:00Z"))
                        .bucket_width(MessagesUsageReportBucketWidth::OneDay)
                        .group_by(vec![
                            MessagesUsageReportGroupBy::Model,
                            MessagesUsageReportGroupBy::WorkspaceId,
                            MessagesUsageReportGroupBy::ServiceTier,
                        ])
                        .models(vec!["claude-sonnet-4-5-20250929".to_string()])
                        .service_tiers(vec![
                            UsageReportServiceTier::Standard,
                            UsageReportServiceTier::Batch
                        ])
                        .context_window(vec![UsageReportContextWindow::UpTo200k])
                        .inference_geos(vec![UsageReportInferenceGeo::Global])
                        .workspace_ids(vec![WORKSPACE_ID.to_string()])
                        .api_key_ids(vec![API_KEY_ID.to_string()])
                        .limit(7)
                )
                .await
        )),
        op!("usage_report.claude_code", Json, false, |c| got_json(
            c.admin
                .usage_report()
                .claude_code(
                    UsageReportClaudeCodeParams::new(
                        chrono::NaiveDate::from_ymd_opt(2025, 1, 15).expect("date")
                    )
                    .limit(20)
                )
                .await
        )),
        op!("cost_report.retrieve", Json, false, |c| got_json(
            c.admin
                .cost_report()
                .retrieve(
                    CostReportRetrieveParams::new(time("2025-01-01T00:00:00Z"))
                        .ending_at(time("2025-01-31T00:00:00Z"))
                        .bucket_width(CostReportBucketWidth::OneDay)
                        .group_by(vec![
                            CostReportGroupBy::WorkspaceId,
                            CostReportGroupBy::Description
                        ])
                        .limit(31)
                )
                .await
        )),
        // ------------------------------------------------ admin: rate limits
        op!("rate_limits.list", Json, false, |c| got_json(
            c.admin
                .rate_limits()
                .list(
                    RateLimitsListParams::new()
                        .group_type(RateLimitGroupType::ModelGroup)
                        .model("claude-sonnet-4-5")
                )
                .await
        )),
        op!("workspaces.rate_limits.list", Json, false, |c| got_json(
            c.admin
                .workspaces()
                .rate_limits()
                .list(
                    WORKSPACE_ID,
                    WorkspacesRateLimitsListParams::new().group_type(RateLimitGroupType::Files)
                )
                .await
        )),
        // ------------------------------------------------ admin: service accounts
        op!("service_accounts.create", Json, false, |c| got_json(
            c.admin
                .service_accounts()
                .create(
                    ServiceAccountCreateParams::new("inference-worker")
                        .description("Runs the nightly batch")
                        .organization_role(ServiceAccountRole::Developer)
                )
                .await
        )),
        op!("service_accounts.retrieve", Json, false, |c| got_json(
            c.admin
                .service_accounts()
                .retrieve(SERVICE_ACCOUNT_ID)
                .await
        )),
        op!("service_accounts.list", Json, false, |c| got_json(
            c.admin
                .service_accounts()
                .list(
                    ServiceAccountsListParams::new()
                        .include_archived(true)
                        .limit(20)
                )
                .await
        )),
        op!("service_accounts.update", Json, false, |c| got_json(
            c.admin
                .service_accounts()
                .update(
                    SERVICE_ACCOUNT_ID,
                    ServiceAccountUpdateParams::new().description("Deploys from main")
                )
                .await
        )),
        op!("service_accounts.archive", Json, false, |c| got_json(
            c.admin.service_accounts().archive(SERVICE_ACCOUNT_ID).await
        )),
        op!("service_accounts.workspaces.create", Json, false, |c| {
            got_json(
                c.admin
                    .service_accounts()
                    .workspaces()
                    .create(
                        SERVICE_ACCOUNT_ID,
                        ServiceAccountWorkspaceCreateParams::new(
                            WORKSPACE_ID,
                            WorkspaceRoleParam::WorkspaceDeveloper,
                        ),
                    )
                    .await,
            )
        }),
        op!("service_accounts.workspaces.list", Json, false, |c| {
            got_json(
                c.admin
                    .service_accounts()
                    .workspaces()
                    .list(
                        SERVICE_ACCOUNT_ID,
                        ServiceAccountsWorkspacesListParams::new().limit(10),
                    )
                    .await,
            )
        }),
        op!("service_accounts.workspaces.delete", Json, false, |c| {
            got_json(
                c.admin
                    .service_accounts()
                    .workspaces()
                    .delete(SERVICE_ACCOUNT_ID, WORKSPACE_ID)
                    .await,
            )
        }),
        op!("workspaces.service_accounts.create", Json, false, |c| {
            got_json(
                c.admin
                    .workspaces()
                    .service_accounts()
                    .create(
                        WORKSPACE_ID,
                        WorkspaceServiceAccountCreateParams::new(
                            SERVICE_ACCOUNT_ID,
                            WorkspaceRoleParam::WorkspaceUser,
                        ),
                    )
                    .await,
            )
        }),
        op!("workspaces.service_accounts.retrieve", Json, false, |c| {
            got_json(
                c.admin
                    .workspaces()
                    .service_accounts()
                    .retrieve(WORKSPACE_ID, SERVICE_ACCOUNT_ID)
                    .await,
            )
        }),
        op!("workspaces.service_accounts.list", Json, false, |c| {
            got_json(
                c.admin
                    .workspaces()
                    .service_accounts()
                    .list(
                        WORKSPACE_ID,
                        WorkspacesServiceAccountsListParams::new().limit(10),
                    )
                    .await,
            )
        }),
        op!("workspaces.service_accounts.update", Json, false, |c| {
            got_json(
                c.admin
                    .workspaces()
                    .service_accounts()
                    .update(
                        WORKSPACE_ID,
                        SERVICE_ACCOUNT_ID,
                        WorkspaceServiceAccountUpdateParams::new(
                            WorkspaceRoleParam::WorkspaceAdmin,
                        ),
                    )
                    .await,
            )
        }),
        op!("workspaces.service_accounts.delete", Json, false, |c| {
            got_json(
                c.admin
                    .workspaces()
                    .service_accounts()
                    .delete(WORKSPACE_ID, SERVICE_ACCOUNT_ID)
                    .await,
            )
        }),
        // ------------------------------------------------ admin: RBAC groups and roles
        op!("rbac_groups.list", Json, false, |c| got_json(
            c.admin
                .rbac_groups()
                .list(RbacGroupsListParams::new().limit(20))
                .await
        )),
        op!("rbac_groups.retrieve", Json, false, |c| got_json(
            c.admin.rbac_groups().retrieve(RBAC_GROUP_ID).await
        )),
        op!("rbac_groups.create", Json, false, |c| got_json(
            c.admin
                .rbac_groups()
                .create(RbacGroupCreateParams::new("Engineering"))
                .await
        )),
        op!("rbac_groups.update", Json, false, |c| got_json(
            c.admin
                .rbac_groups()
                .update(RBAC_GROUP_ID, RbacGroupUpdateParams::new().name("Platform"))
                .await
        )),
        op!("rbac_groups.delete", Json, false, |c| got_json(
            c.admin.rbac_groups().delete(RBAC_GROUP_ID).await
        )),
        op!("rbac_groups.members.list", Json, false, |c| got_json(
            c.admin
                .rbac_groups()
                .members()
                .list(RBAC_GROUP_ID, RbacGroupsMembersListParams::new().limit(20))
                .await
        )),
        op!("rbac_groups.members.create", Json, false, |c| got_json(
            c.admin
                .rbac_groups()
                .members()
                .create(RBAC_GROUP_ID, RbacGroupMemberCreateParams::new(USER_ID))
                .await
        )),
        op!("rbac_groups.members.delete", Json, false, |c| got_json(
            c.admin
                .rbac_groups()
                .members()
                .delete(RBAC_GROUP_ID, USER_ID)
                .await
        )),
        op!("rbac_roles.list", Json, false, |c| got_json(
            c.admin
                .rbac_roles()
                .list(RbacRolesListParams::new().limit(20))
                .await
        )),
        op!("rbac_roles.retrieve", Json, false, |c| got_json(
            c.admin.rbac_roles().retrieve(RBAC_ROLE_ID).await
        )),
        op!("rbac_roles.permissions.list", Json, false, |c| got_json(
            c.admin
                .rbac_roles()
                .permissions()
                .list(
                    RBAC_ROLE_ID,
                    RbacRolesPermissionsListParams::new().limit(20)
                )
                .await
        )),
        // ------------------------------------------------ admin: spend limits
        op!("spend_limits.create", Json, false, |c| got_json(
            c.admin
                .spend_limits()
                .create(
                    SpendLimitCreateParams::new(SpendLimitUserScopeParam::new(USER_ID))
                        .amount("50000")
                        .period(SpendLimitPeriod::Monthly)
                )
                .await
        )),
        op!("spend_limits.retrieve", Json, false, |c| got_json(
            c.admin.spend_limits().retrieve(SPEND_LIMIT_ID).await
        )),
        op!("spend_limits.delete", Json, false, |c| got_json(
            c.admin.spend_limits().delete(SPEND_LIMIT_ID).await
        )),
        op!("spend_limits.list_effective", Json, false, |c| got_json(
            c.admin
                .spend_limits()
                .list_effective(
                    SpendLimitsListEffectiveParams::new()
                        .limit(20)
                        .period(["monthly"])
                        .user_ids([USER_ID])
                )
                .await
        )),
        op!("spend_limit_increase_requests.list", Json, false, |c| {
            got_json(
                c.admin
                    .spend_limit_increase_requests()
                    .list(
                        SpendLimitIncreaseRequestsListParams::new()
                            .status([SpendLimitIncreaseRequestStatus::Pending])
                            .limit(20),
                    )
                    .await,
            )
        }),
        op!("spend_limit_increase_requests.retrieve", Json, false, |c| {
            got_json(
                c.admin
                    .spend_limit_increase_requests()
                    .retrieve(INCREASE_REQUEST_ID)
                    .await,
            )
        }),
        op!("spend_limit_increase_requests.approve", Json, false, |c| {
            got_json(
                c.admin
                    .spend_limit_increase_requests()
                    .approve(
                        INCREASE_REQUEST_ID,
                        SpendLimitIncreaseRequestApproveParams::new("75000")
                            .suppress_notification(true),
                    )
                    .await,
            )
        }),
        op!("spend_limit_increase_requests.deny", Json, false, |c| {
            got_json(
                c.admin
                    .spend_limit_increase_requests()
                    .deny(
                        INCREASE_REQUEST_ID,
                        SpendLimitIncreaseRequestDenyParams::new(),
                    )
                    .await,
            )
        }),
        // ------------------------------------------------ admin: workload identity federation
        op!("federation_issuers.create", Json, false, |c| got_json(
            c.admin
                .federation_issuers()
                .create(
                    FederationIssuerCreateParams::new(FederationIssuerCreateParamsRequired {
                        issuer_url: "https://token.actions.githubusercontent.com".into(),
                        name: "github-actions".into(),
                    })
                    .jwks(FederationJwksDiscovery::new())
                )
                .await
        )),
        op!("federation_issuers.retrieve", Json, false, |c| got_json(
            c.admin.federation_issuers().retrieve(ISSUER_ID).await
        )),
        op!("federation_issuers.list", Json, false, |c| got_json(
            c.admin
                .federation_issuers()
                .list(FederationIssuersListParams::new().limit(20))
                .await
        )),
        op!("federation_issuers.update", Json, false, |c| got_json(
            c.admin
                .federation_issuers()
                .update(
                    ISSUER_ID,
                    FederationIssuerUpdateParams::new().check_jti(true)
                )
                .await
        )),
        op!("federation_issuers.archive", Json, false, |c| got_json(
            c.admin.federation_issuers().archive(ISSUER_ID).await
        )),
        op!("federation_rules.create", Json, false, |c| got_json(
            c.admin
                .federation_rules()
                .create(
                    FederationRuleCreateParams::new(FederationRuleCreateParamsRequired {
                        issuer_id: ISSUER_ID.into(),
                        r#match: FederationRuleMatch::new()
                            .subject_prefix("repo:my-org/my-repo:ref:refs/heads/main"),
                        name: "gha-deploy".into(),
                        oauth_scope: "workspace:developer".into(),
                        target: FederationRuleTarget::new(SERVICE_ACCOUNT_ID),
                    })
                    .workspace_id(WORKSPACE_ID)
                )
                .await
        )),
        op!("federation_rules.retrieve", Json, false, |c| got_json(
            c.admin.federation_rules().retrieve(RULE_ID).await
        )),
        op!("federation_rules.list", Json, false, |c| got_json(
            c.admin
                .federation_rules()
                .list(FederationRulesListParams::new().issuer_id(ISSUER_ID))
                .await
        )),
        op!("federation_rules.update", Json, false, |c| got_json(
            c.admin
                .federation_rules()
                .update(
                    RULE_ID,
                    FederationRuleUpdateParams::new().token_lifetime_seconds(600)
                )
                .await
        )),
        op!("federation_rules.archive", Json, false, |c| got_json(
            c.admin.federation_rules().archive(RULE_ID).await
        )),
        op!("federation_rules.workspaces.list", Json, false, |c| {
            got_json(
                c.admin
                    .federation_rules()
                    .workspaces()
                    .list(RULE_ID, FederationRulesWorkspacesListParams::new())
                    .await,
            )
        }),
        op!("federation_rules.workspaces.create", Json, false, |c| {
            got_json(
                c.admin
                    .federation_rules()
                    .workspaces()
                    .create(
                        RULE_ID,
                        FederationRuleWorkspaceCreateParams::new(WORKSPACE_ID),
                    )
                    .await,
            )
        }),
        op!("federation_rules.workspaces.delete", Json, false, |c| {
            got_json(
                c.admin
                    .federation_rules()
                    .workspaces()
                    .delete(RULE_ID, WORKSPACE_ID)
                    .await,
            )
        }),
        // ------------------------------------------------ admin: MCP tunnels
        op!("tunnels.retrieve", Json, false, |c| got_json(
            c.admin.tunnels().retrieve(TUNNEL_ID).await
        )),
        op!("tunnels.list", Json, false, |c| got_json(
            c.admin
                .tunnels()
                .list(
                    TunnelsListParams::new()
                        .workspace_id(WORKSPACE_ID)
                        .limit(20)
                )
                .await
        )),
        op!("tunnels.reveal_token", Json, false, |c| got_json(
            c.admin.tunnels().reveal_token(TUNNEL_ID).await
        )),
        op!("tunnels.rotate_token", Json, false, |c| got_json(
            c.admin
                .tunnels()
                .rotate_token(TUNNEL_ID, TunnelRotateTokenParams::new().reason("rotation"))
                .await
        )),
        op!("tunnels.archive", Json, false, |c| got_json(
            c.admin.tunnels().archive(TUNNEL_ID).await
        )),
        op!("tunnels.certificates.create", Json, false, |c| got_json(
            c.admin
                .tunnels()
                .certificates()
                .create(
                    TUNNEL_ID,
                    TunnelCertificateCreateParams::new(
                        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
                    )
                )
                .await
        )),
        op!("tunnels.certificates.retrieve", Json, false, |c| got_json(
            c.admin
                .tunnels()
                .certificates()
                .retrieve(TUNNEL_ID, CERTIFICATE_ID)
                .await
        )),
        op!("tunnels.certificates.list", Json, false, |c| got_json(
            c.admin
                .tunnels()
                .certificates()
                .list(
                    TUNNEL_ID,
                    TunnelsCertificatesListParams::new().include_archived(true)
                )
                .await
        )),
        op!("tunnels.certificates.archive", Json, false, |c| got_json(
            c.admin
                .tunnels()
                .certificates()
                .archive(TUNNEL_ID, CERTIFICATE_ID)
                .await
        )),
        // ------------------------------------------------ admin: external keys
        op!("external_keys.create", Json, false, |c| {
            got_json(
            c.admin
                .external_keys()
                .create(
                    ExternalKeyCreateParams::new(ExternalKeyAwsConfig::new(
                        "arn:aws:kms:us-east-1:111122223333:key/abcd1234-5678-90ab-cdef-000011112222"
                    ))
                    .geo(ExternalKeyGeo::Us)
                )
                .await
        )
        }),
        op!("external_keys.list", Json, false, |c| got_json(
            c.admin
                .external_keys()
                .list(ExternalKeysListParams::new().limit(20))
                .await
        )),
        op!("external_keys.retrieve", Json, false, |c| got_json(
            c.admin.external_keys().retrieve(EXTERNAL_KEY_ID).await
        )),
        op!("external_keys.update", Json, false, |c| got_json(
            c.admin
                .external_keys()
                .update(
                    EXTERNAL_KEY_ID,
                    ExternalKeyUpdateParams::new().display_name("prod-us-key")
                )
                .await
        )),
        op!("external_keys.delete", Json, false, |c| got_json(
            c.admin.external_keys().delete(EXTERNAL_KEY_ID).await
        )),
        op!("external_keys.validate", Json, false, |c| got_json(
            c.admin.external_keys().validate(EXTERNAL_KEY_ID).await
        )),
        // ------------------------------------------------ admin: analytics
        op!("analytics.usage_report", Json, false, |c| got_json(
            c.admin
                .analytics()
                .usage_report(
                    AnalyticsUsageReportParams::new(time("2026-01-01T00:00:00Z"))
                        .bucket_width(AnalyticsBucketWidth::OneDay)
                        .group_by([AnalyticsUsageGroupBy::Model])
                )
                .await
        )),
        op!("analytics.user_usage_report", Json, false, |c| got_json(
            c.admin
                .analytics()
                .user_usage_report(
                    AnalyticsUserUsageReportParams::new(time("2026-01-01T00:00:00Z"))
                        .order_by(AnalyticsUserUsageOrderBy::TotalTokens)
                        .limit(20)
                )
                .await
        )),
        op!("analytics.cost_report", Json, false, |c| got_json(
            c.admin
                .analytics()
                .cost_report(
                    AnalyticsCostReportParams::new(time("2026-01-01T00:00:00Z"))
                        .group_by([AnalyticsCostGroupBy::CostType])
                )
                .await
        )),
        op!("analytics.user_cost_report", Json, false, |c| got_json(
            c.admin
                .analytics()
                .user_cost_report(
                    AnalyticsUserCostReportParams::new(time("2026-01-01T00:00:00Z"))
                        .order(AnalyticsOrder::Desc)
                )
                .await
        )),
        op!("analytics.summaries", Json, false, |c| got_json(
            c.admin
                .analytics()
                .summaries(
                    AnalyticsSummariesParams::new(
                        chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("date")
                    )
                    .ending_date(chrono::NaiveDate::from_ymd_opt(2026, 1, 8).expect("date"))
                )
                .await
        )),
        op!("analytics.skills", Json, false, |c| got_json(
            c.admin
                .analytics()
                .skills(AnalyticsSkillsParams::new().date(day(2026, 1, 15)))
                .await
        )),
        op!("analytics.connectors", Json, false, |c| got_json(
            c.admin
                .analytics()
                .connectors(
                    AnalyticsConnectorsParams::new()
                        .starting_date(day(2026, 1, 1))
                        .ending_date(day(2026, 2, 1))
                )
                .await
        )),
        op!("analytics.chat_projects", Json, false, |c| got_json(
            c.admin
                .analytics()
                .chat_projects(AnalyticsChatProjectsParams::new().date(day(2026, 1, 15)))
                .await
        )),
        op!("analytics.plugins", Json, false, |c| got_json(
            c.admin
                .analytics()
                .plugins(
                    AnalyticsPluginsParams::new()
                        .date(day(2026, 1, 15))
                        .group_by([AnalyticsProductGroupBy::Product])
                )
                .await
        )),
        op!("analytics.artifacts", Json, false, |c| got_json(
            c.admin
                .analytics()
                .artifacts(AnalyticsArtifactsParams::new(day(2026, 1, 15)))
                .await
        )),
        op!("analytics.users", Json, false, |c| got_json(
            c.admin
                .analytics()
                .users(
                    AnalyticsUsersParams::new()
                        .date(day(2026, 1, 15))
                        .limit(100)
                )
                .await
        )),
    ]
}
