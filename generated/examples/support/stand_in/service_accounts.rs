//! `/v1/organizations/service_accounts/…`: service accounts and their workspace memberships,
//! kept in memory. Lists page with `limit` and `next_page` (the index of the next item).
//! Like the API, these endpoints take only an OAuth token (checked in `wire`).

use serde::Deserialize;
use serde_json::{Value, json};
use testkit::Reply;

use super::wire::{Call, Ids, timestamp};

/// The workspace every service account is an implicit member of.
const DEFAULT_WORKSPACE: &str = "wrkspc_default";

#[derive(Default)]
pub struct ServiceAccounts {
    accounts: Vec<Value>,
    /// `(service_account_id, workspace_id, workspace_role)` of explicit memberships.
    memberships: Vec<(String, String, String)>,
}

#[derive(Deserialize)]
struct Create {
    name: String,
    description: Option<String>,
    organization_role: Option<String>,
}

#[derive(Deserialize)]
struct Join {
    workspace_id: String,
    workspace_role: String,
}

impl ServiceAccounts {
    /// `POST /v1/organizations/service_accounts`.
    pub fn create(&mut self, call: &Call<'_>, ids: &mut Ids) -> Reply {
        let body: Create = match call.body() {
            Ok(body) => body,
            Err(refused) => return refused,
        };
        let valid = !body.name.is_empty()
            && body
                .name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !valid {
            return call.error(
                400,
                "invalid_request_error",
                "name: lowercase letters, digits and hyphens only",
            );
        }
        if self.accounts.iter().any(|a| a["name"] == body.name) {
            return call.error(
                409,
                "conflict_error",
                "a service account has this name already",
            );
        }
        let now = timestamp(call.now);
        let account = json!({
            "id": ids.next("svac"),
            "archived_at": null,
            "archived_by_actor_id": null,
            "created_at": now,
            "created_by_actor_id": "user_01LocalStandInAdmin",
            "description": body.description,
            "name": body.name,
            "organization_role": body.organization_role.unwrap_or_else(|| "developer".into()),
            "type": "service_account",
            "updated_at": now,
            "updated_by_actor_id": null,
        });
        self.accounts.push(account.clone());
        Reply::json(account)
    }

    /// `GET /v1/organizations/service_accounts`, newest first.
    pub fn list(&self, call: &Call<'_>) -> Reply {
        let newest_first: Vec<Value> = self.accounts.iter().rev().cloned().collect();
        page(call, newest_first)
    }

    /// `POST /v1/organizations/service_accounts/{id}/workspaces`.
    pub fn join(&mut self, call: &Call<'_>, id: &str) -> Reply {
        let body: Join = match call.body() {
            Ok(body) => body,
            Err(refused) => return refused,
        };
        if !self.accounts.iter().any(|a| a["id"] == id) {
            return call.error(404, "not_found_error", "no such service account");
        }
        self.memberships
            .retain(|(a, w, _)| !(a == id && *w == body.workspace_id));
        self.memberships.push((
            id.to_string(),
            body.workspace_id.clone(),
            body.workspace_role.clone(),
        ));
        Reply::json(membership(
            id,
            &body.workspace_id,
            &body.workspace_role,
            false,
        ))
    }

    /// `GET /v1/organizations/service_accounts/{id}/workspaces`: the implicit default-workspace
    /// membership first (unless made explicit), then the explicit ones.
    pub fn workspaces(&self, call: &Call<'_>, id: &str) -> Reply {
        if !self.accounts.iter().any(|a| a["id"] == id) {
            return call.error(404, "not_found_error", "no such service account");
        }
        let explicit: Vec<&(String, String, String)> = self
            .memberships
            .iter()
            .filter(|(a, _, _)| a == id)
            .collect();
        let mut all = Vec::new();
        if !explicit.iter().any(|(_, w, _)| w == DEFAULT_WORKSPACE) {
            all.push(membership(id, DEFAULT_WORKSPACE, "workspace_user", true));
        }
        all.extend(
            explicit
                .iter()
                .map(|(a, w, role)| membership(a, w, role, false)),
        );
        page(call, all)
    }
}

fn membership(account: &str, workspace: &str, role: &str, implicit: bool) -> Value {
    json!({
        "created_by_actor_id": if implicit { Value::Null } else { json!("user_01LocalStandInAdmin") },
        "implicit": implicit,
        "service_account_id": account,
        "type": "service_account_workspace_member",
        "workspace_id": workspace,
        "workspace_role": role,
    })
}

/// One page of `items`: `limit` of them from the index in `page`.
fn page(call: &Call<'_>, items: Vec<Value>) -> Reply {
    let limit = match call.query_int("limit", 20, 1, 100) {
        Ok(limit) => limit as usize,
        Err(refused) => return refused,
    };
    let start: usize = call.query("page").and_then(|p| p.parse().ok()).unwrap_or(0);
    let end = items.len().min(start + limit);
    let next = (end < items.len()).then(|| end.to_string());
    Reply::json(json!({"data": items.get(start..end).unwrap_or_default(), "next_page": next}))
}
