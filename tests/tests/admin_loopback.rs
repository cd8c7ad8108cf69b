//! The Admin API operations added from the Admin API reference, against a loopback server:
//! for each one, the request the client sends (method, path, query, credential header, body)
//! and the decoding of the response example the reference gives for it (committed under
//! `tests/fixtures/admin_reference/`, one file per operation id). The paginated lists are
//! walked over several pages. The credential rules (which operations take an admin key, an
//! OAuth token, or either) are checked here too.

use std::future::Future;
use std::pin::Pin;

use anthropic_openapi::types::*;
use anthropic_openapi::{AdminClient, Error};
use futures::TryStreamExt;
use serde::Serialize;
use serde_json::{Value, json};
use testkit::{Recorded, Reply, Server};

const ADMIN_KEY: &str = "sk-ant-admin01-test";
const OAUTH_TOKEN: &str = "sk-ant-oat01-test";
const VERSION: &str = "2023-06-01";

// ---------------------------------------------------------------- clients and checks

/// Which credentials a test client holds.
#[derive(Clone, Copy, Debug)]
enum Holds {
    Key,
    Token,
    Both,
}

fn admin(server: &Server, holds: Holds) -> AdminClient {
    let mut b = AdminClient::builder()
        .base_url(server.base_url())
        .max_retries(0);
    if matches!(holds, Holds::Key | Holds::Both) {
        b = b.api_key(ADMIN_KEY);
    }
    if matches!(holds, Holds::Token | Holds::Both) {
        b = b.auth_token(OAUTH_TOKEN);
    }
    b.build().unwrap()
}

/// The credential a request must carry.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Sent {
    Key,
    Token,
}

fn assert_credential(seen: &Recorded, sent: Sent) {
    let bearer = format!("Bearer {OAUTH_TOKEN}");
    let (key, auth) = match sent {
        Sent::Key => (Some(ADMIN_KEY), None),
        Sent::Token => (None, Some(bearer.as_str())),
    };
    assert_eq!(
        seen.header("x-api-key"),
        key,
        "x-api-key of {}",
        seen.target
    );
    assert_eq!(
        seen.header("authorization"),
        auth,
        "authorization of {}",
        seen.target
    );
    assert_eq!(seen.header("anthropic-version"), Some(VERSION));
}

/// A call's result re-encoded as JSON.
fn to_json<T: Serialize>(value: T) -> Value {
    serde_json::to_value(value).expect("re-encodes")
}

/// The text of `tests/fixtures/admin_reference/{name}.json`: the reference's response example.
fn example(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/admin_reference")
        .join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: not JSON: {e}"))
}

/// `value` with every number as a float: JSON does not tell `0` from `0.0`, and a float field
/// (an adoption rate) whose example is written `0` comes back as `0.0`.
fn numbers_as_floats(value: Value) -> Value {
    match value {
        Value::Number(n) => json!(n.as_f64().expect("a finite number")),
        Value::Array(items) => Value::Array(items.into_iter().map(numbers_as_floats).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, numbers_as_floats(v)))
                .collect(),
        ),
        other => other,
    }
}

type Called = Pin<Box<dyn Future<Output = anthropic_openapi::Result<Value>> + Send>>;

/// One operation: what the client must send and which example it decodes.
struct Case {
    /// The operation id, also the name of its response example.
    op: &'static str,
    method: &'static str,
    /// The exact request target: path and raw query.
    target: &'static str,
    /// The JSON body, or `None` for none.
    body: Option<Value>,
    /// The credentials the operation accepts: `None` for either.
    only: Option<Sent>,
    call: fn(AdminClient) -> Called,
}

macro_rules! call {
    (|$c:ident| $e:expr) => {
        |$c: AdminClient| -> Called { Box::pin(async move { $e.await.map(to_json) }) }
    };
}

/// Runs each case: with a client holding both credentials (the accepted one is sent), then
/// for a single-credential operation with a client holding only the other one (refused
/// before anything is sent, naming the missing credential).
async fn run(cases: Vec<Case>) {
    for case in cases {
        let served = example(case.op);
        let reply = served.clone();
        let server = Server::start(move |_| Reply::json(reply.clone())).await;
        let got = (case.call)(admin(&server, Holds::Both))
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", case.op));
        let seen = server.take_one();
        assert_eq!(
            (seen.method.as_str(), seen.target.as_str()),
            (case.method, case.target),
            "{}: request line",
            case.op
        );
        assert_credential(&seen, case.only.unwrap_or(Sent::Token));
        match &case.body {
            Some(body) => {
                assert_eq!(seen.header("content-type"), Some("application/json"));
                assert_eq!(&seen.json(), body, "{}: request body", case.op);
            }
            None => assert!(seen.body.is_empty(), "{}: unexpected body", case.op),
        }
        assert_eq!(
            numbers_as_floats(got),
            numbers_as_floats(served.clone()),
            "{}: the example decodes and re-encodes",
            case.op
        );

        let Some(only) = case.only else { continue };
        let lacking = match only {
            Sent::Key => Holds::Token,
            Sent::Token => Holds::Key,
        };
        let err = (case.call)(admin(&server, lacking)).await.unwrap_err();
        let Error::Config(message) = &err else {
            panic!("{}: expected a config error, got {err:?}", case.op);
        };
        let names = match only {
            Sent::Key => "ANTHROPIC_ADMIN_KEY",
            Sent::Token => "ANTHROPIC_OAUTH_TOKEN",
        };
        assert!(message.contains(names), "{}: {message}", case.op);
        assert!(server.take().is_empty(), "{}: nothing is sent", case.op);
    }
}

// ---------------------------------------------------------------- credentials

#[tokio::test]
async fn an_operation_accepting_either_credential_takes_the_one_the_client_holds() {
    let org = json!({"id": "12345678-1234-5678-1234-567812345678", "name": "Example Org", "type": "organization"});
    let reply = org.clone();
    let server = Server::start(move |_| Reply::json(reply.clone())).await;
    for (holds, sent) in [
        (Holds::Key, Sent::Key),
        (Holds::Token, Sent::Token),
        (Holds::Both, Sent::Token),
    ] {
        let got = admin(&server, holds).organization().me().await.unwrap();
        assert_eq!(to_json(got), org);
        assert_credential(&server.take_one(), sent);
    }
}

#[tokio::test]
async fn an_admin_client_needs_some_credential() {
    let err = AdminClient::builder().build().unwrap_err();
    let Error::Config(message) = err else {
        panic!("expected a config error")
    };
    assert!(
        message.contains("ANTHROPIC_ADMIN_KEY") && message.contains("ANTHROPIC_OAUTH_TOKEN"),
        "{message}"
    );
}

// ---------------------------------------------------------------- token pages

/// Opaque `next_page` tokens, with characters that must be encoded in a query.
fn token(n: usize) -> String {
    format!("cGFnZV8{n}/+=")
}

/// Serves `pages` by `page` token as the page-token lists do (`data`, `next_page`; no
/// `has_more`), walks them with `walk`, and checks each request after the first asks for the
/// previous page's `next_page` and keeps the rest of the query.
async fn check_next_page_walk<F>(
    pages: Vec<Vec<Value>>,
    first_target: &str,
    walk: impl FnOnce(AdminClient) -> F,
) where
    F: Future<Output = Vec<Value>>,
{
    let served = pages.clone();
    let server = Server::start(move |seen| {
        let n = match seen.query("page") {
            None => 0,
            Some(t) => (1..served.len())
                .find(|n| token(*n) == t)
                .expect("a served token"),
        };
        let next = (n + 1 < served.len()).then(|| token(n + 1));
        Reply::json(json!({"data": served[n], "next_page": next}))
    })
    .await;
    let got = walk(admin(&server, Holds::Both)).await;
    let expected: Vec<Value> = pages.iter().flatten().cloned().collect();
    assert_eq!(got, expected, "every item of every page, in order");
    let seen = server.take();
    assert_eq!(seen.len(), pages.len(), "one request per page");
    assert_eq!(seen[0].target, first_target);
    for (i, s) in seen.iter().enumerate().skip(1) {
        let t = token(i)
            .replace('/', "%2F")
            .replace('+', "%2B")
            .replace('=', "%3D");
        assert_eq!(
            s.target,
            format!("{first_target}&page={t}"),
            "page {}",
            i + 1
        );
    }
}

// ---------------------------------------------------------------- rate limits

#[tokio::test]
async fn rate_limits() {
    run(vec![
        Case {
            op: "rate_limits.list",
            method: "GET",
            target: "/v1/organizations/rate_limits?group_type=model_group&model=claude-opus-4-1",
            body: None,
            only: None,
            call: call!(|c| c.rate_limits().list(
                RateLimitsListParams::new()
                    .group_type(RateLimitGroupType::ModelGroup)
                    .model("claude-opus-4-1")
            )),
        },
        Case {
            op: "workspaces.rate_limits.list",
            method: "GET",
            target: "/v1/organizations/workspaces/wrkspc_01/rate_limits?group_type=batch",
            body: None,
            only: None,
            call: call!(|c| c.workspaces().rate_limits().list(
                "wrkspc_01",
                WorkspacesRateLimitsListParams::new().group_type(RateLimitGroupType::Batch)
            )),
        },
    ])
    .await;
}

#[tokio::test]
async fn rate_limit_lists_follow_next_page_until_it_is_null() {
    let group = |id: &str| json!({"id": id, "group_type": "files", "limits": [{"type": "requests_per_minute", "value": 50}], "models": null, "type": "rate_limit"});
    check_next_page_walk(
        vec![
            vec![group("a"), group("b")],
            vec![group("c")],
            vec![group("d")],
        ],
        "/v1/organizations/rate_limits?group_type=files",
        |c| async move {
            let items: Vec<OrganizationRateLimit> = c
                .rate_limits()
                .list_stream(RateLimitsListParams::new().group_type(RateLimitGroupType::Files))
                .try_collect()
                .await
                .unwrap();
            items.into_iter().map(to_json).collect()
        },
    )
    .await;
    let over = |id: &str| json!({"group_type": "model_group", "limits": [{"org_limit": null, "type": "output_tokens_per_minute", "value": 8000}], "models": ["claude-sonnet-4-5"], "rate_limit_id": id, "type": "workspace_rate_limit", "workspace_id": "wrkspc_01"});
    check_next_page_walk(
        vec![vec![over("a")], vec![over("b"), over("c")]],
        "/v1/organizations/workspaces/wrkspc_01/rate_limits?group_type=model_group",
        |c| async move {
            let items: Vec<WorkspaceRateLimit> = c
                .workspaces()
                .rate_limits()
                .list_stream(
                    "wrkspc_01",
                    WorkspacesRateLimitsListParams::new()
                        .group_type(RateLimitGroupType::ModelGroup),
                )
                .try_collect()
                .await
                .unwrap();
            items.into_iter().map(to_json).collect()
        },
    )
    .await;
}

// ---------------------------------------------------------------- service accounts

#[tokio::test]
async fn service_accounts() {
    run(vec![
        Case {
            op: "service_accounts.create",
            method: "POST",
            target: "/v1/organizations/service_accounts",
            body: Some(json!({"name": "inference-worker", "description": "CI", "organization_role": "developer"})),
            only: Some(Sent::Token),
            call: call!(|c| c.service_accounts().create(
                ServiceAccountCreateParams::new("inference-worker")
                    .description("CI")
                    .organization_role(ServiceAccountRole::Developer)
            )),
        },
        Case {
            op: "service_accounts.retrieve",
            method: "GET",
            target: "/v1/organizations/service_accounts/svac_01",
            body: None,
            only: Some(Sent::Token),
            call: call!(|c| c.service_accounts().retrieve("svac_01")),
        },
        Case {
            op: "service_accounts.list",
            method: "GET",
            target: "/v1/organizations/service_accounts?include_archived=true&limit=50",
            body: None,
            only: Some(Sent::Token),
            call: call!(|c| c
                .service_accounts()
                .list(ServiceAccountsListParams::new().include_archived(true).limit(50))),
        },
        Case {
            op: "service_accounts.update",
            method: "POST",
            target: "/v1/organizations/service_accounts/svac_01",
            body: Some(json!({"description": "deploys", "organization_role": "admin"})),
            only: Some(Sent::Token),
            call: call!(|c| c.service_accounts().update(
                "svac_01",
                ServiceAccountUpdateParams::new()
                    .description("deploys")
                    .organization_role(ServiceAccountRole::Admin)
            )),
        },
        Case {
            op: "service_accounts.archive",
            method: "POST",
            target: "/v1/organizations/service_accounts/svac_01/archive",
            body: None,
            only: Some(Sent::Token),
            call: call!(|c| c.service_accounts().archive("svac_01")),
        },
        Case {
            op: "service_accounts.workspaces.create",
            method: "POST",
            target: "/v1/organizations/service_accounts/svac_01/workspaces",
            body: Some(json!({"workspace_id": "wrkspc_01", "workspace_role": "workspace_developer"})),
            only: Some(Sent::Token),
            call: call!(|c| c.service_accounts().workspaces().create(
                "svac_01",
                ServiceAccountWorkspaceCreateParams::new(
                    "wrkspc_01",
                    WorkspaceRoleParam::WorkspaceDeveloper
                )
            )),
        },
        Case {
            op: "service_accounts.workspaces.list",
            method: "GET",
            target: "/v1/organizations/service_accounts/svac_01/workspaces?limit=1",
            body: None,
            only: Some(Sent::Token),
            call: call!(|c| c
                .service_accounts()
                .workspaces()
                .list("svac_01", ServiceAccountsWorkspacesListParams::new().limit(1))),
        },
        Case {
            op: "service_accounts.workspaces.delete",
            method: "DELETE",
            target: "/v1/organizations/service_accounts/svac_01/workspaces/wrkspc_01",
            body: None,
            only: Some(Sent::Token),
            call: call!(|c| c.service_accounts().workspaces().delete("svac_01", "wrkspc_01")),
        },
        Case {
            op: "workspaces.service_accounts.create",
            method: "POST",
            target: "/v1/organizations/workspaces/wrkspc_01/service_accounts",
            body: Some(json!({"service_account_id": "svac_01", "workspace_role": "workspace_user"})),
            only: Some(Sent::Token),
            call: call!(|c| c.workspaces().service_accounts().create(
                "wrkspc_01",
                WorkspaceServiceAccountCreateParams::new("svac_01", WorkspaceRoleParam::WorkspaceUser)
            )),
        },
        Case {
            op: "workspaces.service_accounts.retrieve",
            method: "GET",
            target: "/v1/organizations/workspaces/wrkspc_01/service_accounts/svac_01",
            body: None,
            only: Some(Sent::Token),
            call: call!(|c| c.workspaces().service_accounts().retrieve("wrkspc_01", "svac_01")),
        },
        Case {
            op: "workspaces.service_accounts.list",
            method: "GET",
            target: "/v1/organizations/workspaces/wrkspc_01/service_accounts?limit=100",
            body: None,
            only: Some(Sent::Token),
            call: call!(|c| c
                .workspaces()
                .service_accounts()
                .list("wrkspc_01", WorkspacesServiceAccountsListParams::new().limit(100))),
        },
        Case {
            op: "workspaces.service_accounts.update",
            method: "POST",
            target: "/v1/organizations/workspaces/wrkspc_01/service_accounts/svac_01",
            body: Some(json!({"workspace_role": "workspace_admin"})),
            only: Some(Sent::Token),
            call: call!(|c| c.workspaces().service_accounts().update(
                "wrkspc_01",
                "svac_01",
                WorkspaceServiceAccountUpdateParams::new(WorkspaceRoleParam::WorkspaceAdmin)
            )),
        },
        Case {
            op: "workspaces.service_accounts.delete",
            method: "DELETE",
            target: "/v1/organizations/workspaces/wrkspc_01/service_accounts/svac_01",
            body: None,
            only: Some(Sent::Token),
            call: call!(|c| c.workspaces().service_accounts().delete("wrkspc_01", "svac_01")),
        },
    ])
    .await;
}

#[tokio::test]
async fn service_account_lists_follow_next_page() {
    let account = |id: &str| json!({"id": id, "archived_at": null, "archived_by_actor_id": null, "created_at": "2025-01-15T10:30:00Z", "created_by_actor_id": "user_01", "description": null, "name": id, "organization_role": "developer", "type": "service_account", "updated_at": "2025-01-15T10:30:00Z", "updated_by_actor_id": null});
    check_next_page_walk(
        vec![
            vec![account("svac_a"), account("svac_b")],
            vec![account("svac_c")],
        ],
        "/v1/organizations/service_accounts?limit=2",
        |c| async move {
            let items: Vec<ServiceAccount> = c
                .service_accounts()
                .list_stream(ServiceAccountsListParams::new().limit(2))
                .try_collect()
                .await
                .unwrap();
            items.into_iter().map(to_json).collect()
        },
    )
    .await;
    let member = |ws: &str| json!({"created_by_actor_id": null, "implicit": ws == "default", "service_account_id": "svac_01", "type": "service_account_workspace_member", "workspace_id": ws, "workspace_role": "workspace_user"});
    check_next_page_walk(
        vec![
            vec![member("default"), member("wrkspc_a")],
            vec![member("wrkspc_b")],
        ],
        "/v1/organizations/service_accounts/svac_01/workspaces?limit=1",
        |c| async move {
            let items: Vec<ServiceAccountWorkspaceMember> = c
                .service_accounts()
                .workspaces()
                .list_stream(
                    "svac_01",
                    ServiceAccountsWorkspacesListParams::new().limit(1),
                )
                .try_collect()
                .await
                .unwrap();
            items.into_iter().map(to_json).collect()
        },
    )
    .await;
    check_next_page_walk(
        vec![vec![member("wrkspc_a")], vec![member("wrkspc_a")]],
        "/v1/organizations/workspaces/wrkspc_a/service_accounts?limit=1",
        |c| async move {
            let items: Vec<ServiceAccountWorkspaceMember> = c
                .workspaces()
                .service_accounts()
                .list_stream(
                    "wrkspc_a",
                    WorkspacesServiceAccountsListParams::new().limit(1),
                )
                .try_collect()
                .await
                .unwrap();
            items.into_iter().map(to_json).collect()
        },
    )
    .await;
}

// ---------------------------------------------------------------- RBAC groups and roles

const GROUP: &str = "rbac_group_012rppKaSVsmTo6NqRDXQXNF";
const ROLE: &str = "rbac_role_016J8xVtKpDq3Wy9ZmN2hR4s";

#[tokio::test]
async fn rbac_groups_and_roles() {
    run(vec![
        Case {
            op: "rbac_groups.list",
            method: "GET",
            target: "/v1/organizations/rbac_groups?limit=50",
            body: None,
            only: None,
            call: call!(|c| c.rbac_groups().list(RbacGroupsListParams::new().limit(50))),
        },
        Case {
            op: "rbac_groups.retrieve",
            method: "GET",
            target: "/v1/organizations/rbac_groups/rbac_group_012rppKaSVsmTo6NqRDXQXNF",
            body: None,
            only: None,
            call: call!(|c| c.rbac_groups().retrieve(GROUP)),
        },
        Case {
            op: "rbac_groups.create",
            method: "POST",
            target: "/v1/organizations/rbac_groups",
            body: Some(json!({"name": "Engineering"})),
            only: None,
            call: call!(|c| c.rbac_groups().create(RbacGroupCreateParams::new("Engineering"))),
        },
        Case {
            op: "rbac_groups.update",
            method: "POST",
            target: "/v1/organizations/rbac_groups/rbac_group_012rppKaSVsmTo6NqRDXQXNF",
            body: Some(json!({"name": "Platform"})),
            only: None,
            call: call!(|c| c
                .rbac_groups()
                .update(GROUP, RbacGroupUpdateParams::new().name("Platform"))),
        },
        Case {
            op: "rbac_groups.delete",
            method: "DELETE",
            target: "/v1/organizations/rbac_groups/rbac_group_012rppKaSVsmTo6NqRDXQXNF",
            body: None,
            only: None,
            call: call!(|c| c.rbac_groups().delete(GROUP)),
        },
        Case {
            op: "rbac_groups.members.list",
            method: "GET",
            target: "/v1/organizations/rbac_groups/rbac_group_012rppKaSVsmTo6NqRDXQXNF/members?limit=5",
            body: None,
            only: None,
            call: call!(|c| c
                .rbac_groups()
                .members()
                .list(GROUP, RbacGroupsMembersListParams::new().limit(5))),
        },
        Case {
            op: "rbac_groups.members.create",
            method: "POST",
            target: "/v1/organizations/rbac_groups/rbac_group_012rppKaSVsmTo6NqRDXQXNF/members",
            body: Some(json!({"user_id": "user_01WCz1FkmYMm4gnmykNKUu3Q"})),
            only: None,
            call: call!(|c| c.rbac_groups().members().create(
                GROUP,
                RbacGroupMemberCreateParams::new("user_01WCz1FkmYMm4gnmykNKUu3Q")
            )),
        },
        Case {
            op: "rbac_groups.members.delete",
            method: "DELETE",
            target: "/v1/organizations/rbac_groups/rbac_group_012rppKaSVsmTo6NqRDXQXNF/members/user_01WCz1FkmYMm4gnmykNKUu3Q",
            body: None,
            only: None,
            call: call!(|c| c
                .rbac_groups()
                .members()
                .delete(GROUP, "user_01WCz1FkmYMm4gnmykNKUu3Q")),
        },
        Case {
            op: "rbac_roles.list",
            method: "GET",
            target: "/v1/organizations/rbac_roles?limit=10&page=eyJjdXJzb3IiOiAicmJhY19yb2xlXzAxIn0",
            body: None,
            only: None,
            call: call!(|c| c.rbac_roles().list(
                RbacRolesListParams::new()
                    .limit(10)
                    .page("eyJjdXJzb3IiOiAicmJhY19yb2xlXzAxIn0")
            )),
        },
        Case {
            op: "rbac_roles.retrieve",
            method: "GET",
            target: "/v1/organizations/rbac_roles/rbac_role_016J8xVtKpDq3Wy9ZmN2hR4s",
            body: None,
            only: None,
            call: call!(|c| c.rbac_roles().retrieve(ROLE)),
        },
        Case {
            op: "rbac_roles.permissions.list",
            method: "GET",
            target: "/v1/organizations/rbac_roles/rbac_role_016J8xVtKpDq3Wy9ZmN2hR4s/permissions",
            body: None,
            only: None,
            call: call!(|c| c
                .rbac_roles()
                .permissions()
                .list(ROLE, RbacRolesPermissionsListParams::new())),
        },
    ])
    .await;
}

#[tokio::test]
async fn rbac_permission_resources_decode_by_type() {
    let resources = json!([
        {"organization_id": "3c4f5e6d-7a8b-49c0-9d1e-2f3a4b5c6d7e", "type": "organization"},
        {"connector_id": "conn_01", "tool_name": "search", "type": "connector_tool"},
        {"connector_id": "conn_01", "scope": "repo_0123456789abcdef0123456789abcdef", "type": "connector_scope"},
        {"connector_id": "conn_01", "type": "connector"},
        {"type": "all_connectors"},
        {"type": "workspace", "workspace_id": "wrkspc_01"},
    ]);
    let decoded: Vec<RbacPermissionResource> = serde_json::from_value(resources.clone()).unwrap();
    assert!(matches!(
        decoded[0],
        RbacPermissionResource::Organization(_)
    ));
    assert!(matches!(
        decoded[1],
        RbacPermissionResource::ConnectorTool(_)
    ));
    assert!(matches!(
        decoded[2],
        RbacPermissionResource::ConnectorScope(_)
    ));
    assert!(matches!(decoded[3], RbacPermissionResource::Connector(_)));
    assert!(matches!(
        decoded[4],
        RbacPermissionResource::AllConnectors(_)
    ));
    assert!(
        matches!(decoded[5], RbacPermissionResource::Unknown(_)),
        "an unknown kind is kept"
    );
    assert_eq!(to_json(&decoded), resources);
}

#[tokio::test]
async fn rbac_lists_follow_next_page() {
    let role = |id: &str| json!({"id": id, "created_at": "2025-01-15T10:30:00Z", "name": id, "type": "rbac_role", "updated_at": "2025-01-15T10:30:00Z"});
    let served = vec![vec![role("r1"), role("r2")], vec![role("r3")]];
    let pages = served.clone();
    let server = Server::start(move |seen| {
        let n = usize::from(seen.query("page").is_some());
        Reply::json(
            json!({"data": pages[n], "has_more": n == 0, "next_page": (n == 0).then_some("tok/1")}),
        )
    })
    .await;
    let roles: Vec<RbacRole> = admin(&server, Holds::Key)
        .rbac_roles()
        .list_stream(RbacRolesListParams::new().limit(2))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        roles.into_iter().map(to_json).collect::<Vec<_>>(),
        served.concat()
    );
    let seen = server.take();
    assert_eq!(seen[0].target, "/v1/organizations/rbac_roles?limit=2");
    assert_eq!(
        seen[1].target,
        "/v1/organizations/rbac_roles?limit=2&page=tok%2F1"
    );
    assert_credential(&seen[1], Sent::Key);
}

// ---------------------------------------------------------------- spend limits

#[tokio::test]
async fn spend_limits_and_increase_requests() {
    run(vec![
        Case {
            op: "spend_limits.create",
            method: "POST",
            target: "/v1/organizations/spend_limits",
            body: Some(json!({"amount": "50000", "scope": {"type": "user", "user_id": "user_01"}, "period": "monthly"})),
            only: None,
            call: call!(|c| c.spend_limits().create(
                SpendLimitCreateParams::new(SpendLimitUserScopeParam::new("user_01"))
                    .amount("50000")
                    .period(SpendLimitPeriod::Monthly)
            )),
        },
        Case {
            op: "spend_limits.retrieve",
            method: "GET",
            target: "/v1/organizations/spend_limits/spl_01",
            body: None,
            only: None,
            call: call!(|c| c.spend_limits().retrieve("spl_01")),
        },
        Case {
            op: "spend_limits.delete",
            method: "DELETE",
            target: "/v1/organizations/spend_limits/spl_01",
            body: None,
            only: None,
            call: call!(|c| c.spend_limits().delete("spl_01")),
        },
        Case {
            op: "spend_limits.list_effective",
            method: "GET",
            target: "/v1/organizations/spend_limits/effective?limit=10&period[]=daily&period[]=monthly&user_ids[]=user_01",
            body: None,
            only: None,
            call: call!(|c| c.spend_limits().list_effective(
                SpendLimitsListEffectiveParams::new()
                    .limit(10)
                    .period(["daily", "monthly"])
                    .user_ids(["user_01"])
            )),
        },
        Case {
            op: "spend_limit_increase_requests.list",
            method: "GET",
            target: "/v1/organizations/spend_limit_increase_requests?actor_ids[]=user_01&status[]=pending&status[]=denied",
            body: None,
            only: None,
            call: call!(|c| c.spend_limit_increase_requests().list(
                SpendLimitIncreaseRequestsListParams::new()
                    .actor_ids(["user_01"])
                    .status([
                        SpendLimitIncreaseRequestStatus::Pending,
                        SpendLimitIncreaseRequestStatus::Denied
                    ])
            )),
        },
        Case {
            op: "spend_limit_increase_requests.retrieve",
            method: "GET",
            target: "/v1/organizations/spend_limit_increase_requests/slir_01",
            body: None,
            only: None,
            call: call!(|c| c.spend_limit_increase_requests().retrieve("slir_01")),
        },
        Case {
            op: "spend_limit_increase_requests.approve",
            method: "POST",
            target: "/v1/organizations/spend_limit_increase_requests/slir_01/approve",
            body: Some(json!({"amount": "75000", "period": "weekly", "suppress_notification": true})),
            only: None,
            call: call!(|c| c.spend_limit_increase_requests().approve(
                "slir_01",
                SpendLimitIncreaseRequestApproveParams::new("75000")
                    .period(SpendLimitPeriod::Weekly)
                    .suppress_notification(true)
            )),
        },
        Case {
            op: "spend_limit_increase_requests.deny",
            method: "POST",
            target: "/v1/organizations/spend_limit_increase_requests/slir_01/deny",
            body: Some(json!({})),
            only: None,
            call: call!(|c| c
                .spend_limit_increase_requests()
                .deny("slir_01", SpendLimitIncreaseRequestDenyParams::new())),
        },
    ])
    .await;
}

#[tokio::test]
async fn a_spend_limit_without_amount_sends_null_and_scopes_decode_by_type() {
    let reply = example("spend_limits.create");
    let server = Server::start(move |_| Reply::json(reply.clone())).await;
    admin(&server, Holds::Key)
        .spend_limits()
        .create(SpendLimitCreateParams::new(SpendLimitUserScopeParam::new(
            "user_01",
        )))
        .await
        .unwrap();
    assert_eq!(
        server.take_one().json(),
        json!({"amount": null, "scope": {"type": "user", "user_id": "user_01"}}),
        "a null amount is a deliberate no-limit override"
    );
    let scopes = json!([
        {"type": "user", "user_id": "user_01"},
        {"seat_tier": "premium", "type": "seat_tier"},
        {"rbac_group_id": "rbac_group_01", "type": "rbac_group"},
        {"service": "claude_code", "type": "organization_service"},
        {"type": "organization"},
    ]);
    let decoded: Vec<SpendLimitScope> = serde_json::from_value(scopes.clone()).unwrap();
    assert!(matches!(decoded[0], SpendLimitScope::User(_)));
    assert!(matches!(decoded[1], SpendLimitScope::SeatTier(_)));
    assert!(matches!(decoded[2], SpendLimitScope::RbacGroup(_)));
    assert!(matches!(
        decoded[3],
        SpendLimitScope::OrganizationService(_)
    ));
    assert!(matches!(decoded[4], SpendLimitScope::Organization(_)));
    assert_eq!(to_json(&decoded), scopes);
}

#[tokio::test]
async fn spend_lists_follow_next_page() {
    let row = |user: &str| json!({"actor": {"deleted": false, "email_address": null, "name": null, "type": "user_actor", "user_id": user}, "amount": null, "currency": "USD", "period": "daily", "period_to_date_spend": "0", "scope": {"type": "user", "user_id": user}, "source": {"type": "organization"}, "spend_limit_id": "spl_01"});
    check_next_page_walk(
        vec![vec![row("user_a")], vec![row("user_b"), row("user_c")]],
        "/v1/organizations/spend_limits/effective?limit=1",
        |c| async move {
            let items: Vec<SpendSummary> = c
                .spend_limits()
                .list_effective_stream(SpendLimitsListEffectiveParams::new().limit(1))
                .try_collect()
                .await
                .unwrap();
            items.into_iter().map(to_json).collect()
        },
    )
    .await;
    let request = |id: &str| json!({"id": id, "actor": {"deleted": false, "email_address": "a@example.com", "name": "A", "type": "user_actor", "user_id": "user_a"}, "created_at": "2025-01-15T10:30:00Z", "period": "monthly", "resolved_at": null, "resolved_by": null, "spend_summary": null, "status": "pending", "type": "spend_limit_increase_request"});
    check_next_page_walk(
        vec![vec![request("slir_1")], vec![request("slir_2")]],
        "/v1/organizations/spend_limit_increase_requests?limit=1",
        |c| async move {
            let items: Vec<SpendLimitIncreaseRequest> = c
                .spend_limit_increase_requests()
                .list_stream(SpendLimitIncreaseRequestsListParams::new().limit(1))
                .try_collect()
                .await
                .unwrap();
            items.into_iter().map(to_json).collect()
        },
    )
    .await;
}

// ---------------------------------------------------------------- workload identity federation

fn rule_match() -> FederationRuleMatch {
    FederationRuleMatch::new()
        .subject_prefix("repo:my-org/my-repo:ref:refs/heads/main")
        .claims(std::collections::BTreeMap::from([(
            "repository_owner".to_string(),
            "my-org".to_string(),
        )]))
}

fn rule_match_json() -> Value {
    json!({"claims": {"repository_owner": "my-org"}, "subject_prefix": "repo:my-org/my-repo:ref:refs/heads/main"})
}

#[tokio::test]
async fn federation_issuers_and_rules() {
    run(vec![
        Case {
            op: "federation_issuers.create",
            method: "POST",
            target: "/v1/organizations/federation_issuers",
            body: Some(json!({"issuer_url": "https://token.actions.githubusercontent.com", "name": "github-actions", "jwks": {"type": "discovery"}, "max_jwt_lifetime_seconds": 600})),
            only: Some(Sent::Token),
            call: call!(|c| c.federation_issuers().create(
                FederationIssuerCreateParams::new(FederationIssuerCreateParamsRequired {
                    issuer_url: "https://token.actions.githubusercontent.com".into(),
                    name: "github-actions".into(),
                })
                .jwks(FederationJwksDiscovery::new())
                .max_jwt_lifetime_seconds(600)
            )),
        },
        Case {
            op: "federation_issuers.retrieve",
            method: "GET",
            target: "/v1/organizations/federation_issuers/fdis_01",
            body: None,
            only: Some(Sent::Token),
            call: call!(|c| c.federation_issuers().retrieve("fdis_01")),
        },
        Case {
            op: "federation_issuers.list",
            method: "GET",
            target: "/v1/organizations/federation_issuers?include_archived=true",
            body: None,
            only: Some(Sent::Token),
            call: call!(|c| c
                .federation_issuers()
                .list(FederationIssuersListParams::new().include_archived(true))),
        },
        Case {
            op: "federation_issuers.update",
            method: "POST",
            target: "/v1/organizations/federation_issuers/fdis_01",
            body: Some(json!({"jwks": {"type": "explicit_url", "url": "https://idp.example.com/jwks"}, "jwks_polling_disabled": false})),
            only: Some(Sent::Token),
            call: call!(|c| c.federation_issuers().update(
                "fdis_01",
                FederationIssuerUpdateParams::new()
                    .jwks(FederationJwksExplicitUrl::new("https://idp.example.com/jwks"))
                    .jwks_polling_disabled(false)
            )),
        },
        Case {
            op: "federation_issuers.archive",
            method: "POST",
            target: "/v1/organizations/federation_issuers/fdis_01/archive",
            body: None,
            only: Some(Sent::Token),
            call: call!(|c| c.federation_issuers().archive("fdis_01")),
        },
        Case {
            op: "federation_rules.create",
            method: "POST",
            target: "/v1/organizations/federation_rules",
            body: Some(json!({
                "issuer_id": "fdis_01",
                "match": rule_match_json(),
                "name": "gha-deploy",
                "oauth_scope": "workspace:developer",
                "target": {"service_account_id": "svac_01", "type": "service_account"},
                "token_lifetime_seconds": 600,
                "workspace_id": "wrkspc_01",
            })),
            only: Some(Sent::Token),
            call: call!(|c| c.federation_rules().create(
                FederationRuleCreateParams::new(FederationRuleCreateParamsRequired {
                    issuer_id: "fdis_01".into(),
                    r#match: rule_match(),
                    name: "gha-deploy".into(),
                    oauth_scope: "workspace:developer".into(),
                    target: FederationRuleTarget::new("svac_01"),
                })
                .token_lifetime_seconds(600)
                .workspace_id("wrkspc_01")
            )),
        },
        Case {
            op: "federation_rules.retrieve",
            method: "GET",
            target: "/v1/organizations/federation_rules/fdrl_01",
            body: None,
            only: Some(Sent::Token),
            call: call!(|c| c.federation_rules().retrieve("fdrl_01")),
        },
        Case {
            op: "federation_rules.list",
            method: "GET",
            target: "/v1/organizations/federation_rules?issuer_id=fdis_01&limit=20",
            body: None,
            only: Some(Sent::Token),
            call: call!(|c| c
                .federation_rules()
                .list(FederationRulesListParams::new().issuer_id("fdis_01").limit(20))),
        },
        Case {
            op: "federation_rules.update",
            method: "POST",
            target: "/v1/organizations/federation_rules/fdrl_01",
            body: Some(json!({"description": "main only", "match": rule_match_json()})),
            only: Some(Sent::Token),
            call: call!(|c| c.federation_rules().update(
                "fdrl_01",
                FederationRuleUpdateParams::new()
                    .description("main only")
                    .r#match(rule_match())
            )),
        },
        Case {
            op: "federation_rules.archive",
            method: "POST",
            target: "/v1/organizations/federation_rules/fdrl_01/archive",
            body: None,
            only: Some(Sent::Token),
            call: call!(|c| c.federation_rules().archive("fdrl_01")),
        },
        Case {
            op: "federation_rules.workspaces.list",
            method: "GET",
            target: "/v1/organizations/federation_rules/fdrl_01/workspaces",
            body: None,
            only: Some(Sent::Token),
            call: call!(|c| c
                .federation_rules()
                .workspaces()
                .list("fdrl_01", FederationRulesWorkspacesListParams::new())),
        },
        Case {
            op: "federation_rules.workspaces.create",
            method: "POST",
            target: "/v1/organizations/federation_rules/fdrl_01/workspaces",
            body: Some(json!({"workspace_id": "wrkspc_02"})),
            only: Some(Sent::Token),
            call: call!(|c| c.federation_rules().workspaces().create(
                "fdrl_01",
                FederationRuleWorkspaceCreateParams::new("wrkspc_02")
            )),
        },
        Case {
            op: "federation_rules.workspaces.delete",
            method: "DELETE",
            target: "/v1/organizations/federation_rules/fdrl_01/workspaces/wrkspc_02",
            body: None,
            only: Some(Sent::Token),
            call: call!(|c| c.federation_rules().workspaces().delete("fdrl_01", "wrkspc_02")),
        },
    ])
    .await;
}

#[tokio::test]
async fn federation_key_sources_decode_by_type_and_lists_follow_next_page() {
    let sources = json!([
        {"type": "discovery", "discovery_base": "https://idp.example.com"},
        {"type": "explicit_url", "url": "https://idp.example.com/jwks", "ca_cert_pem": null},
        {"keys": [{"kty": "RSA", "kid": "k1", "n": "AQAB", "e": "AQAB"}], "type": "inline"},
    ]);
    let decoded: Vec<FederationJwks> = serde_json::from_value(sources.clone()).unwrap();
    assert!(matches!(decoded[0], FederationJwks::Discovery(_)));
    assert!(matches!(decoded[1], FederationJwks::ExplicitUrl(_)));
    assert!(matches!(decoded[2], FederationJwks::Inline(_)));
    assert_eq!(to_json(&decoded), sources);

    let mut issuer = example("federation_issuers.retrieve");
    let mut page = Vec::new();
    for id in ["fdis_a", "fdis_b", "fdis_c"] {
        issuer["id"] = json!(id);
        page.push(issuer.clone());
    }
    check_next_page_walk(
        vec![page[..2].to_vec(), page[2..].to_vec()],
        "/v1/organizations/federation_issuers?limit=2",
        |c| async move {
            let items: Vec<FederationIssuer> = c
                .federation_issuers()
                .list_stream(FederationIssuersListParams::new().limit(2))
                .try_collect()
                .await
                .unwrap();
            items.into_iter().map(to_json).collect()
        },
    )
    .await;
    let mut rule = example("federation_rules.retrieve");
    let mut rules = Vec::new();
    for id in ["fdrl_a", "fdrl_b"] {
        rule["id"] = json!(id);
        rules.push(rule.clone());
    }
    check_next_page_walk(
        vec![rules[..1].to_vec(), rules[1..].to_vec()],
        "/v1/organizations/federation_rules?issuer_id=fdis_a",
        |c| async move {
            let items: Vec<FederationRule> = c
                .federation_rules()
                .list_stream(FederationRulesListParams::new().issuer_id("fdis_a"))
                .try_collect()
                .await
                .unwrap();
            items.into_iter().map(to_json).collect()
        },
    )
    .await;
}

// ---------------------------------------------------------------- MCP tunnels

const TUNNEL: &str = "tnl_01Hx9Kp2RtQvMn3sWbYdLcF8";

#[tokio::test]
async fn mcp_tunnels_and_certificates() {
    run(vec![
        Case {
            op: "tunnels.retrieve",
            method: "GET",
            target: "/v1/organizations/tunnels/tnl_01Hx9Kp2RtQvMn3sWbYdLcF8",
            body: None,
            only: None,
            call: call!(|c| c.tunnels().retrieve(TUNNEL)),
        },
        Case {
            op: "tunnels.list",
            method: "GET",
            target: "/v1/organizations/tunnels?include_archived=true&workspace_id=wrkspc_01",
            body: None,
            only: None,
            call: call!(|c| c.tunnels().list(
                TunnelsListParams::new()
                    .include_archived(true)
                    .workspace_id("wrkspc_01")
            )),
        },
        Case {
            op: "tunnels.reveal_token",
            method: "POST",
            target: "/v1/organizations/tunnels/tnl_01Hx9Kp2RtQvMn3sWbYdLcF8/reveal_token",
            body: None,
            only: None,
            call: call!(|c| c.tunnels().reveal_token(TUNNEL)),
        },
        Case {
            op: "tunnels.rotate_token",
            method: "POST",
            target: "/v1/organizations/tunnels/tnl_01Hx9Kp2RtQvMn3sWbYdLcF8/rotate_token",
            body: Some(json!({"reason": "connector host replaced"})),
            only: None,
            call: call!(|c| c.tunnels().rotate_token(
                TUNNEL,
                TunnelRotateTokenParams::new().reason("connector host replaced")
            )),
        },
        Case {
            op: "tunnels.archive",
            method: "POST",
            target: "/v1/organizations/tunnels/tnl_01Hx9Kp2RtQvMn3sWbYdLcF8/archive",
            body: None,
            only: None,
            call: call!(|c| c.tunnels().archive(TUNNEL)),
        },
        Case {
            op: "tunnels.certificates.create",
            method: "POST",
            target: "/v1/organizations/tunnels/tnl_01Hx9Kp2RtQvMn3sWbYdLcF8/certificates",
            body: Some(json!({"ca_certificate_pem": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"})),
            only: None,
            call: call!(|c| c.tunnels().certificates().create(
                TUNNEL,
                TunnelCertificateCreateParams::new(
                    "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
                )
            )),
        },
        Case {
            op: "tunnels.certificates.retrieve",
            method: "GET",
            target: "/v1/organizations/tunnels/tnl_01Hx9Kp2RtQvMn3sWbYdLcF8/certificates/tcert_01",
            body: None,
            only: None,
            call: call!(|c| c.tunnels().certificates().retrieve(TUNNEL, "tcert_01")),
        },
        Case {
            op: "tunnels.certificates.list",
            method: "GET",
            target: "/v1/organizations/tunnels/tnl_01Hx9Kp2RtQvMn3sWbYdLcF8/certificates?include_archived=true",
            body: None,
            only: None,
            call: call!(|c| c
                .tunnels()
                .certificates()
                .list(TUNNEL, TunnelsCertificatesListParams::new().include_archived(true))),
        },
        Case {
            op: "tunnels.certificates.archive",
            method: "POST",
            target: "/v1/organizations/tunnels/tnl_01Hx9Kp2RtQvMn3sWbYdLcF8/certificates/tcert_01/archive",
            body: None,
            only: None,
            call: call!(|c| c.tunnels().certificates().archive(TUNNEL, "tcert_01")),
        },
    ])
    .await;
}

#[tokio::test]
async fn tunnel_operations_send_their_beta_and_lists_follow_next_page() {
    let reply = example("tunnels.reveal_token");
    let server = Server::start(move |_| Reply::json(reply.clone())).await;
    let token = admin(&server, Holds::Key)
        .tunnels()
        .reveal_token(TUNNEL)
        .await
        .unwrap();
    assert_eq!(to_json(token), example("tunnels.reveal_token"));
    let seen = server.take_one();
    assert_eq!(
        seen.header("anthropic-beta"),
        Some("mcp-tunnels-2026-05-19")
    );
    assert_credential(&seen, Sent::Key);

    let mut tunnel = example("tunnels.retrieve");
    let mut tunnels = Vec::new();
    for id in ["tnl_a", "tnl_b", "tnl_c"] {
        tunnel["id"] = json!(id);
        tunnels.push(tunnel.clone());
    }
    check_next_page_walk(
        vec![tunnels[..1].to_vec(), tunnels[1..].to_vec()],
        "/v1/organizations/tunnels?limit=1",
        |c| async move {
            let items: Vec<Tunnel> = c
                .tunnels()
                .list_stream(TunnelsListParams::new().limit(1))
                .try_collect()
                .await
                .unwrap();
            items.into_iter().map(to_json).collect()
        },
    )
    .await;
}

// ---------------------------------------------------------------- external keys

#[tokio::test]
async fn external_keys() {
    run(vec![
        Case {
            op: "external_keys.create",
            method: "POST",
            target: "/v1/organizations/external_keys",
            body: Some(json!({"provider_config": {"key_name": "projects/p/locations/us/keyRings/r/cryptoKeys/k", "type": "gcp"}, "display_name": "prod-us-key", "geo": "us"})),
            only: None,
            call: call!(|c| c.external_keys().create(
                ExternalKeyCreateParams::new(ExternalKeyGcpConfig::new(
                    "projects/p/locations/us/keyRings/r/cryptoKeys/k"
                ))
                .display_name("prod-us-key")
                .geo(ExternalKeyGeo::Us)
            )),
        },
        Case {
            op: "external_keys.list",
            method: "GET",
            target: "/v1/organizations/external_keys?limit=5",
            body: None,
            only: None,
            call: call!(|c| c.external_keys().list(ExternalKeysListParams::new().limit(5))),
        },
        Case {
            op: "external_keys.retrieve",
            method: "GET",
            target: "/v1/organizations/external_keys/ekey_01",
            body: None,
            only: None,
            call: call!(|c| c.external_keys().retrieve("ekey_01")),
        },
        Case {
            op: "external_keys.update",
            method: "POST",
            target: "/v1/organizations/external_keys/ekey_01",
            body: Some(json!({"display_name": "prod", "provider_config": {"key_name": "k1", "tenant_id": "t1", "type": "azure", "vault_uri": "https://v.vault.azure.net"}})),
            only: None,
            call: call!(|c| c.external_keys().update(
                "ekey_01",
                ExternalKeyUpdateParams::new()
                    .display_name("prod")
                    .provider_config(ExternalKeyAzureConfig::new(
                        ExternalKeyAzureConfigRequired {
                            key_name: "k1".into(),
                            tenant_id: "t1".into(),
                            vault_uri: "https://v.vault.azure.net".into(),
                        }
                    ))
            )),
        },
        Case {
            op: "external_keys.delete",
            method: "DELETE",
            target: "/v1/organizations/external_keys/ekey_01",
            body: None,
            only: None,
            call: call!(|c| c.external_keys().delete("ekey_01")),
        },
        Case {
            op: "external_keys.validate",
            method: "POST",
            target: "/v1/organizations/external_keys/ekey_01/validate",
            body: None,
            only: None,
            call: call!(|c| c.external_keys().validate("ekey_01")),
        },
    ])
    .await;
}

#[tokio::test]
async fn external_key_unions_decode_by_type_and_the_list_follows_next_page() {
    let key: ExternalKey = serde_json::from_value(example("external_keys.retrieve")).unwrap();
    assert!(matches!(
        key.provider_config,
        ExternalKeyProviderConfig::Aws(_)
    ));
    assert!(matches!(key.attachment, ExternalKeyAttachment::Attached(_)));
    let mut unattached = example("external_keys.retrieve");
    unattached["attachment"] = json!({"type": "unattached"});
    unattached["provider_config"] = json!({"key_name": "k", "type": "gcp"});
    let key: ExternalKey = serde_json::from_value(unattached.clone()).unwrap();
    assert!(matches!(
        key.attachment,
        ExternalKeyAttachment::Unattached(_)
    ));
    assert!(matches!(
        key.provider_config,
        ExternalKeyProviderConfig::Gcp(_)
    ));
    assert_eq!(to_json(key), unattached);

    let mut keys = Vec::new();
    for id in ["ekey_a", "ekey_b", "ekey_c"] {
        unattached["id"] = json!(id);
        keys.push(unattached.clone());
    }
    check_next_page_walk(
        vec![keys[..2].to_vec(), keys[2..].to_vec()],
        "/v1/organizations/external_keys?limit=2",
        |c| async move {
            let items: Vec<ExternalKey> = c
                .external_keys()
                .list_stream(ExternalKeysListParams::new().limit(2))
                .try_collect()
                .await
                .unwrap();
            items.into_iter().map(to_json).collect()
        },
    )
    .await;
}

// ---------------------------------------------------------------- operations the spec had before

fn at(s: &str) -> anthropic_openapi::chrono::DateTime<anthropic_openapi::chrono::Utc> {
    s.parse().expect("RFC 3339")
}

/// The 25 operations the spec had before the rest of the reference was added: their requests
/// with either credential, and the reference's examples decoded (the loopback tests of
/// `client_loopback.rs` use bodies of their own).
#[tokio::test]
async fn organization_members_workspaces_keys_and_reports() {
    run(vec![
        Case {
            op: "organization.me",
            method: "GET",
            target: "/v1/organizations/me",
            body: None,
            only: None,
            call: call!(|c| c.organization().me()),
        },
        Case {
            op: "invites.create",
            method: "POST",
            target: "/v1/organizations/invites",
            body: Some(json!({"email": "user@emaildomain.com", "role": "developer"})),
            only: None,
            call: call!(|c| c.invites().create(InviteCreateParams::new(
                "user@emaildomain.com",
                OrganizationRoleParam::Developer
            ))),
        },
        Case {
            op: "invites.retrieve",
            method: "GET",
            target: "/v1/organizations/invites/invite_01",
            body: None,
            only: None,
            call: call!(|c| c.invites().retrieve("invite_01")),
        },
        Case {
            op: "invites.list",
            method: "GET",
            target: "/v1/organizations/invites?limit=10",
            body: None,
            only: None,
            call: call!(|c| c.invites().list(InvitesListParams::new().limit(10))),
        },
        Case {
            op: "invites.delete",
            method: "DELETE",
            target: "/v1/organizations/invites/invite_01",
            body: None,
            only: None,
            call: call!(|c| c.invites().delete("invite_01")),
        },
        Case {
            op: "users.retrieve",
            method: "GET",
            target: "/v1/organizations/users/user_01",
            body: None,
            only: None,
            call: call!(|c| c.users().retrieve("user_01")),
        },
        Case {
            op: "users.list",
            method: "GET",
            target: "/v1/organizations/users?email=user%40emaildomain.com",
            body: None,
            only: None,
            call: call!(|c| c
                .users()
                .list(UsersListParams::new().email("user@emaildomain.com"))),
        },
        Case {
            op: "users.update",
            method: "POST",
            target: "/v1/organizations/users/user_01",
            body: Some(json!({"role": "billing"})),
            only: None,
            call: call!(|c| c.users().update(
                "user_01",
                UserUpdateParams::new(OrganizationRoleParam::Billing)
            )),
        },
        Case {
            op: "users.delete",
            method: "DELETE",
            target: "/v1/organizations/users/user_01",
            body: None,
            only: None,
            call: call!(|c| c.users().delete("user_01")),
        },
        Case {
            op: "workspaces.create",
            method: "POST",
            target: "/v1/organizations/workspaces",
            body: Some(json!({"name": "Research"})),
            only: None,
            call: call!(|c| c
                .workspaces()
                .create(WorkspaceCreateParams::new("Research"))),
        },
        Case {
            op: "workspaces.retrieve",
            method: "GET",
            target: "/v1/organizations/workspaces/wrkspc_01",
            body: None,
            only: None,
            call: call!(|c| c.workspaces().retrieve("wrkspc_01")),
        },
        Case {
            op: "workspaces.list",
            method: "GET",
            target: "/v1/organizations/workspaces?include_archived=true",
            body: None,
            only: None,
            call: call!(|c| c
                .workspaces()
                .list(WorkspacesListParams::new().include_archived(true))),
        },
        Case {
            op: "workspaces.update",
            method: "POST",
            target: "/v1/organizations/workspaces/wrkspc_01",
            body: Some(json!({"name": "Research (EU)"})),
            only: None,
            call: call!(|c| c.workspaces().update(
                "wrkspc_01",
                WorkspaceUpdateParams::new().name("Research (EU)")
            )),
        },
        Case {
            op: "workspaces.archive",
            method: "POST",
            target: "/v1/organizations/workspaces/wrkspc_01/archive",
            body: None,
            only: None,
            call: call!(|c| c.workspaces().archive("wrkspc_01")),
        },
        Case {
            op: "workspaces.members.create",
            method: "POST",
            target: "/v1/organizations/workspaces/wrkspc_01/members",
            body: Some(json!({"user_id": "user_01", "workspace_role": "workspace_user"})),
            only: None,
            call: call!(|c| c.workspaces().members().create(
                "wrkspc_01",
                WorkspaceMemberCreateParams::new("user_01", WorkspaceRoleParam::WorkspaceUser)
            )),
        },
        Case {
            op: "workspaces.members.retrieve",
            method: "GET",
            target: "/v1/organizations/workspaces/wrkspc_01/members/user_01",
            body: None,
            only: None,
            call: call!(|c| c.workspaces().members().retrieve("wrkspc_01", "user_01")),
        },
        Case {
            op: "workspaces.members.list",
            method: "GET",
            target: "/v1/organizations/workspaces/wrkspc_01/members?limit=5",
            body: None,
            only: None,
            call: call!(|c| c
                .workspaces()
                .members()
                .list("wrkspc_01", WorkspacesMembersListParams::new().limit(5))),
        },
        Case {
            op: "workspaces.members.update",
            method: "POST",
            target: "/v1/organizations/workspaces/wrkspc_01/members/user_01",
            body: Some(json!({"workspace_role": "workspace_admin"})),
            only: None,
            call: call!(|c| c.workspaces().members().update(
                "wrkspc_01",
                "user_01",
                WorkspaceMemberUpdateParams::new(WorkspaceRole::WorkspaceAdmin)
            )),
        },
        Case {
            op: "workspaces.members.delete",
            method: "DELETE",
            target: "/v1/organizations/workspaces/wrkspc_01/members/user_01",
            body: None,
            only: None,
            call: call!(|c| c.workspaces().members().delete("wrkspc_01", "user_01")),
        },
        Case {
            op: "api_keys.retrieve",
            method: "GET",
            target: "/v1/organizations/api_keys/apikey_01",
            body: None,
            only: None,
            call: call!(|c| c.api_keys().retrieve("apikey_01")),
        },
        Case {
            op: "api_keys.list",
            method: "GET",
            target: "/v1/organizations/api_keys?status=expired",
            body: None,
            only: None,
            call: call!(|c| c
                .api_keys()
                .list(ApiKeysListParams::new().status(ApiKeyStatus::Expired))),
        },
        Case {
            op: "api_keys.update",
            method: "POST",
            target: "/v1/organizations/api_keys/apikey_01",
            body: Some(json!({"status": "archived"})),
            only: None,
            call: call!(|c| c.api_keys().update(
                "apikey_01",
                ApiKeyUpdateParams::new().status(ApiKeyStatusParam::Archived)
            )),
        },
        Case {
            op: "usage_report.messages",
            method: "GET",
            target: "/v1/organizations/usage_report/messages?starting_at=2025-08-01T00%3A00%3A00Z",
            body: None,
            only: None,
            call: call!(|c| c
                .usage_report()
                .messages(UsageReportMessagesParams::new(at("2025-08-01T00:00:00Z")))),
        },
        Case {
            op: "usage_report.claude_code",
            method: "GET",
            target: "/v1/organizations/usage_report/claude_code?starting_at=2025-08-08",
            body: None,
            only: None,
            call: call!(|c| c
                .usage_report()
                .claude_code(UsageReportClaudeCodeParams::new(
                    anthropic_openapi::chrono::NaiveDate::from_ymd_opt(2025, 8, 8).unwrap()
                ))),
        },
        Case {
            op: "cost_report.retrieve",
            method: "GET",
            target: "/v1/organizations/cost_report?starting_at=2025-08-01T00%3A00%3A00Z",
            body: None,
            only: None,
            call: call!(|c| c
                .cost_report()
                .retrieve(CostReportRetrieveParams::new(at("2025-08-01T00:00:00Z")))),
        },
    ])
    .await;
}

// ---------------------------------------------------------------- analytics reports

#[tokio::test]
async fn analytics_usage_and_cost_reports() {
    run(vec![
        Case {
            op: "analytics.usage_report",
            method: "GET",
            target: "/v1/organizations/analytics/usage_report?starting_at=2026-01-01T00%3A00%3A00Z&bucket_width=1h&context_windows[]=200k-1M&group_by[]=model&group_by[]=speed&speeds[]=fast",
            body: None,
            only: Some(Sent::Key),
            call: call!(|c| c.analytics().usage_report(
                AnalyticsUsageReportParams::new(at("2026-01-01T00:00:00Z"))
                    .bucket_width(AnalyticsBucketWidth::OneHour)
                    .context_windows([AnalyticsContextWindow::From200kTo1M])
                    .group_by([AnalyticsUsageGroupBy::Model, AnalyticsUsageGroupBy::Speed])
                    .speeds([AnalyticsSpeed::Fast])
            )),
        },
        Case {
            op: "analytics.user_usage_report",
            method: "GET",
            target: "/v1/organizations/analytics/user_usage_report?starting_at=2026-01-01T00%3A00%3A00Z&exclude_deleted_users=true&order=asc&order_by=requests&user_ids[]=user_01",
            body: None,
            only: Some(Sent::Key),
            call: call!(|c| c.analytics().user_usage_report(
                AnalyticsUserUsageReportParams::new(at("2026-01-01T00:00:00Z"))
                    .exclude_deleted_users(true)
                    .order(AnalyticsOrder::Asc)
                    .order_by(AnalyticsUserUsageOrderBy::Requests)
                    .user_ids(["user_01"])
            )),
        },
        Case {
            op: "analytics.cost_report",
            method: "GET",
            target: "/v1/organizations/analytics/cost_report?starting_at=2026-01-01T00%3A00%3A00Z&group_by[]=cost_type&group_by[]=token_type&inference_geos[]=not_available",
            body: None,
            only: Some(Sent::Key),
            call: call!(|c| c.analytics().cost_report(
                AnalyticsCostReportParams::new(at("2026-01-01T00:00:00Z"))
                    .group_by([AnalyticsCostGroupBy::CostType, AnalyticsCostGroupBy::TokenType])
                    .inference_geos([AnalyticsInferenceGeoFilter::NotAvailable])
            )),
        },
        Case {
            op: "analytics.user_cost_report",
            method: "GET",
            target: "/v1/organizations/analytics/user_cost_report?starting_at=2026-01-01T00%3A00%3A00Z&limit=100&order_by=list_amount&products[]=claude_code",
            body: None,
            only: Some(Sent::Key),
            call: call!(|c| c.analytics().user_cost_report(
                AnalyticsUserCostReportParams::new(at("2026-01-01T00:00:00Z"))
                    .limit(100)
                    .order_by(AnalyticsUserCostOrderBy::ListAmount)
                    .products(["claude_code"])
            )),
        },
    ])
    .await;
}

#[tokio::test]
async fn analytics_reports_follow_next_page() {
    let served = vec![vec![json!(1), json!(2)], vec![json!(3)]];
    let pages = served.clone();
    let server = Server::start(move |seen| {
        let n = usize::from(seen.query("page").is_some());
        let rows: Vec<Value> = pages[n]
            .iter()
            .map(|k| {
                let mut row = example("analytics.user_usage_report")["data"][0].clone();
                row["requests"] = k.clone();
                row
            })
            .collect();
        Reply::json(json!({"data": rows, "data_refreshed_at": null, "has_more": n == 0, "next_page": (n == 0).then_some("p2"), "organization_id": "org_01"}))
    })
    .await;
    let rows: Vec<AnalyticsUserUsageRow> = admin(&server, Holds::Both)
        .analytics()
        .user_usage_report_stream(AnalyticsUserUsageReportParams::new(at(
            "2026-01-01T00:00:00Z",
        )))
        .try_collect()
        .await
        .unwrap();
    let requests: Vec<Option<i64>> = rows.iter().map(|r| r.requests).collect();
    assert_eq!(requests, [Some(1), Some(2), Some(3)]);
    let seen = server.take();
    assert_eq!(seen.len(), 2);
    assert!(seen[1].target.ends_with("&page=p2"), "{}", seen[1].target);
    for s in &seen {
        assert_credential(s, Sent::Key);
    }
}

#[tokio::test]
async fn analytics_summaries() {
    run(vec![Case {
        op: "analytics.summaries",
        method: "GET",
        target: "/v1/organizations/analytics/summaries?starting_date=2026-01-01&ending_date=2026-01-08&filter[]=rbac_group_id%3Arbac_group_01",
        body: None,
        only: Some(Sent::Key),
        call: call!(|c| c.analytics().summaries(
            AnalyticsSummariesParams::new(
                anthropic_openapi::chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
            )
            .ending_date(anthropic_openapi::chrono::NaiveDate::from_ymd_opt(2026, 1, 8).unwrap())
            .filter(["rbac_group_id:rbac_group_01"])
        )),
    }])
    .await;
}

fn day(y: i32, m: u32, d: u32) -> anthropic_openapi::chrono::NaiveDate {
    anthropic_openapi::chrono::NaiveDate::from_ymd_opt(y, m, d).expect("a date")
}

#[tokio::test]
async fn analytics_activity_reports() {
    run(vec![
        Case {
            op: "analytics.skills",
            method: "GET",
            target: "/v1/organizations/analytics/skills?date=2026-01-15&filter[]=share_status%3Aorganization&group_by[]=user_id",
            body: None,
            only: Some(Sent::Key),
            call: call!(|c| c.analytics().skills(
                AnalyticsSkillsParams::new()
                    .date(day(2026, 1, 15))
                    .filter(["share_status:organization"])
                    .group_by([AnalyticsProductGroupBy::UserId])
            )),
        },
        Case {
            op: "analytics.connectors",
            method: "GET",
            target: "/v1/organizations/analytics/connectors?ending_date=2026-02-01&order=desc&order_by=read_call_count&starting_date=2026-01-01",
            body: None,
            only: Some(Sent::Key),
            call: call!(|c| c.analytics().connectors(
                AnalyticsConnectorsParams::new()
                    .ending_date(day(2026, 2, 1))
                    .order(AnalyticsOrder::Desc)
                    .order_by("read_call_count")
                    .starting_date(day(2026, 1, 1))
            )),
        },
        Case {
            op: "analytics.chat_projects",
            method: "GET",
            target: "/v1/organizations/analytics/apps/chat/projects?date=2026-01-15&limit=50",
            body: None,
            only: Some(Sent::Key),
            call: call!(|c| c
                .analytics()
                .chat_projects(AnalyticsChatProjectsParams::new().date(day(2026, 1, 15)).limit(50))),
        },
        Case {
            op: "analytics.plugins",
            method: "GET",
            target: "/v1/organizations/analytics/plugins?date=2026-01-15&group_by[]=product",
            body: None,
            only: Some(Sent::Key),
            call: call!(|c| c.analytics().plugins(
                AnalyticsPluginsParams::new()
                    .date(day(2026, 1, 15))
                    .group_by([AnalyticsProductGroupBy::Product])
            )),
        },
        Case {
            op: "analytics.artifacts",
            method: "GET",
            target: "/v1/organizations/analytics/artifacts?date=2026-01-15&group_by[]=rbac_group_id",
            body: None,
            only: Some(Sent::Key),
            call: call!(|c| c.analytics().artifacts(
                AnalyticsArtifactsParams::new(day(2026, 1, 15))
                    .group_by([AnalyticsMemberGroupBy::RbacGroupId])
            )),
        },
    ])
    .await;
}

#[tokio::test]
async fn analytics_activity_lists_follow_next_page() {
    let mut skill = example("analytics.skills")["data"][0].clone();
    let mut skills = Vec::new();
    for name in ["a", "b", "c"] {
        skill["skill_name"] = json!(name);
        skills.push(skill.clone());
    }
    check_next_page_walk(
        vec![skills[..2].to_vec(), skills[2..].to_vec()],
        "/v1/organizations/analytics/skills?date=2026-01-15",
        |c| async move {
            let items: Vec<AnalyticsSkillUsage> = c
                .analytics()
                .skills_stream(AnalyticsSkillsParams::new().date(day(2026, 1, 15)))
                .try_collect()
                .await
                .unwrap();
            items.into_iter().map(to_json).collect()
        },
    )
    .await;
}

#[tokio::test]
async fn analytics_user_activity() {
    run(vec![Case {
        op: "analytics.users",
        method: "GET",
        target: "/v1/organizations/analytics/users?date=2026-01-15&filter[]=project_id%3Aclaude_proj_01&order_by=web_search_count",
        body: None,
        only: Some(Sent::Key),
        call: call!(|c| c.analytics().users(
            AnalyticsUsersParams::new()
                .date(day(2026, 1, 15))
                .filter(["project_id:claude_proj_01"])
                .order_by("web_search_count")
        )),
    }])
    .await;
    let mut row = example("analytics.users")["data"][0].clone();
    let mut rows = Vec::new();
    for n in [1, 2, 3] {
        row["web_search_count"] = json!(n);
        rows.push(row.clone());
    }
    check_next_page_walk(
        vec![rows[..1].to_vec(), rows[1..].to_vec()],
        "/v1/organizations/analytics/users?group_by[]=rbac_group_id",
        |c| async move {
            let items: Vec<AnalyticsUserActivity> = c
                .analytics()
                .users_stream(
                    AnalyticsUsersParams::new().group_by([AnalyticsUsersGroupBy::RbacGroupId]),
                )
                .try_collect()
                .await
                .unwrap();
            items.into_iter().map(to_json).collect()
        },
    )
    .await;
}
