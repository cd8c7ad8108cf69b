//! `/v1/organizations/rate_limits` and `/v1/organizations/workspaces/{id}/rate_limits`: the
//! organization's limits per rate-limit group, and one workspace's overrides, as fixed tables.
//! Both answer in one page (`next_page: null`), as the API does today.

use serde_json::{Value, json};
use testkit::Reply;

use super::wire::Call;

/// One rate-limit group of the organization: `(id, group_type, models, [(limiter, value)])`.
type Group = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [(&'static str, i64)],
);

/// The organization's groups.
const GROUPS: &[Group] = &[
    (
        "rl_sonnet",
        "model_group",
        &["claude-sonnet-4-5", "claude-sonnet-4-5-20250929"],
        &[
            ("requests_per_minute", 4_000),
            ("input_tokens_per_minute", 2_000_000),
            ("output_tokens_per_minute", 400_000),
        ],
    ),
    ("rl_batch", "batch", &[], &[("requests_per_minute", 4_000)]),
    ("rl_files", "files", &[], &[("requests_per_minute", 1_000)]),
];

/// The workspace with an override, and its limit on the Sonnet group's input tokens.
const OVERRIDE: (&str, &str, i64) = (
    "wrkspc_01Kf8sR2mWq7TzL4xN9pB3cD",
    "input_tokens_per_minute",
    500_000,
);

fn group_json((id, group_type, models, limits): &Group) -> Value {
    json!({
        "id": id,
        "group_type": group_type,
        "limits": limits.iter().map(|(t, v)| json!({"type": t, "value": v})).collect::<Vec<_>>(),
        "models": if models.is_empty() { Value::Null } else { json!(models) },
        "type": "rate_limit",
    })
}

/// `GET /v1/organizations/rate_limits`, filtered by `group_type`.
pub fn organization(call: &Call<'_>) -> Reply {
    let only = call.query("group_type");
    let data: Vec<Value> = GROUPS
        .iter()
        .filter(|g| only.as_deref().is_none_or(|t| t == g.1))
        .map(group_json)
        .collect();
    Reply::json(json!({"data": data, "next_page": null}))
}

/// `GET /v1/organizations/workspaces/{id}/rate_limits`: one override in one workspace.
pub fn workspace(call: &Call<'_>, workspace_id: &str) -> Reply {
    let data = if workspace_id == OVERRIDE.0 && call.query("group_type").is_none() {
        let (id, group_type, models, limits) = GROUPS[0];
        let org_limit = limits
            .iter()
            .find(|(t, _)| *t == OVERRIDE.1)
            .map(|(_, v)| *v);
        vec![json!({
            "group_type": group_type,
            "limits": [{"org_limit": org_limit, "type": OVERRIDE.1, "value": OVERRIDE.2}],
            "models": models,
            "rate_limit_id": id,
            "type": "workspace_rate_limit",
            "workspace_id": workspace_id,
        })]
    } else {
        Vec::new()
    };
    Reply::json(json!({"data": data, "next_page": null}))
}
