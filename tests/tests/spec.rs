//! Checks on `spec/anthropic.yaml` itself, independent of the generator: it is OpenAPI that the
//! `openapiv3` crate reads without losing anything, it has exactly the operations we expect, and
//! it follows the conventions of `spec/README.md` (references, discriminated unions, security,
//! operation ids, descriptions).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::LazyLock;

use openapiv3::{OpenAPI, ReferenceOr};
use serde_json::Value;

fn spec_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/anthropic.yaml")
}

struct Spec {
    /// The YAML loaded as plain JSON values: exactly what the file says.
    raw: Value,
    /// The same text read by `openapiv3`, as the generator reads it.
    parsed: OpenAPI,
}

static SPEC: LazyLock<Spec> = LazyLock::new(|| {
    let path = spec_path();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let raw: Value = serde_yaml::from_str(&text)
        .unwrap_or_else(|e| panic!("spec/anthropic.yaml is not valid YAML: {e}"));
    let parsed: OpenAPI = serde_yaml::from_str(&text)
        .unwrap_or_else(|e| panic!("spec/anthropic.yaml is not OpenAPI 3.0 for openapiv3: {e}"));
    Spec { raw, parsed }
});

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Every operation of the document: (method, path, operation), methods in lower case.
fn operations() -> Vec<(&'static str, &'static str, &'static openapiv3::Operation)> {
    let mut out = Vec::new();
    for (path, item) in &SPEC.parsed.paths.paths {
        let ReferenceOr::Item(item) = item else {
            panic!("path item `{path}` is a $ref; the spec keeps every path item inline");
        };
        for (method, op) in item.iter() {
            out.push((method, path.as_str(), op));
        }
    }
    out
}

/// Escapes one JSON pointer segment (RFC 6901).
fn seg(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// Resolves a local `#/...` reference against the raw document.
fn resolve(reference: &str) -> Option<&'static Value> {
    let pointer = reference.strip_prefix('#')?;
    SPEC.raw.pointer(pointer)
}

/// Follows `$ref`s until a value that is not a reference.
fn deref(mut value: &'static Value) -> Option<&'static Value> {
    for _ in 0..32 {
        match value.get("$ref").and_then(Value::as_str) {
            Some(r) => value = resolve(r)?,
            None => return Some(value),
        }
    }
    None
}

fn fail(what: &str, problems: &[String]) {
    assert!(
        problems.is_empty(),
        "spec/anthropic.yaml: {} {what}:\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

// ---------------------------------------------------------------------------------------------
// (i) openapiv3 reads the document without losing anything

/// Rewrites what `openapiv3` normalises away harmlessly, on both sides, so that only real
/// losses remain. Each rule is an identity under OpenAPI 3.0.3 semantics:
fn normalise(value: &mut Value) {
    match value {
        Value::Object(map) => {
            // Explicit defaults: openapiv3 stores `bool` flags and parameter styles without
            // "was it written?" and skips them when they hold the default, so `required: false`,
            // `nullable: false`, `deprecated: false`, ... vanish on the way through. They mean the
            // same as leaving the key out.
            for key in [
                "required",
                "nullable",
                "deprecated",
                "readOnly",
                "writeOnly",
                "allowEmptyValue",
                "allowReserved",
                "uniqueItems",
                "exclusiveMinimum",
                "exclusiveMaximum",
            ] {
                if map.get(key) == Some(&Value::Bool(false)) {
                    map.remove(key);
                }
            }
            // `default: null` on a nullable schema: openapiv3 keeps `default` as an
            // `Option<Value>`, so an explicit null default reads back as "no default". For a
            // nullable schema both mean that a missing value is null, which is what the generated
            // `Option` field does anyway. (`default: null` on a non-nullable schema stays a
            // difference: it contradicts the schema.)
            if map.get("default") == Some(&Value::Null)
                && map.get("nullable") == Some(&Value::Bool(true))
            {
                map.remove("default");
            }
            // The default `style` of a parameter: `form` in query and cookie, `simple` in path and
            // header.
            let default_style = match map.get("in").and_then(Value::as_str) {
                Some("query" | "cookie") => Some("form"),
                Some("path" | "header") => Some("simple"),
                _ => None,
            };
            if default_style.is_some() && map.get("style").and_then(Value::as_str) == default_style
            {
                map.remove("style");
            }
            // Empty collections: openapiv3 keeps maps and lists without an "absent" state and
            // skips them when empty (`properties: {}`, `required: []`, `tags: []`, ...).
            map.retain(|_, v| match v {
                Value::Object(m) => !m.is_empty(),
                Value::Array(a) => !a.is_empty(),
                _ => true,
            });
            map.values_mut().for_each(normalise);
        }
        Value::Array(items) => items.iter_mut().for_each(normalise),
        // Numbers: openapiv3 keeps `minimum`, `maximum`, `multipleOf` of `type: number` as f64, so
        // `minimum: 0` comes back as `0.0`. Compare numbers by value.
        Value::Number(n) => {
            let whole = n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15);
            if let Some(f) = whole {
                *value = Value::from(f as i64);
            }
        }
        _ => {}
    }
}

/// Collects the places where `a` and `b` differ, as JSON pointers, depth first.
fn differences(a: &Value, b: &Value, pointer: &str, out: &mut Vec<String>) {
    const SHOW: usize = 120;
    let short = |v: Option<&Value>| match v {
        None => "(absent)".to_string(),
        Some(v) => {
            let s = v.to_string();
            if s.len() > SHOW {
                let cut = (0..=SHOW)
                    .rev()
                    .find(|&i| s.is_char_boundary(i))
                    .unwrap_or(0);
                format!("{}…", &s[..cut])
            } else {
                s
            }
        }
    };
    match (a, b) {
        (Value::Object(ma), Value::Object(mb)) => {
            let keys: BTreeSet<&String> = ma.keys().chain(mb.keys()).collect();
            for k in keys {
                let p = format!("{pointer}/{}", seg(k));
                match (ma.get(k), mb.get(k)) {
                    (Some(va), Some(vb)) => differences(va, vb, &p, out),
                    (va, vb) => out.push(format!(
                        "{p}: in the file {}, after openapiv3 {}",
                        short(va),
                        short(vb)
                    )),
                }
            }
        }
        (Value::Array(la), Value::Array(lb)) if la.len() == lb.len() => {
            for (i, (va, vb)) in la.iter().zip(lb).enumerate() {
                differences(va, vb, &format!("{pointer}/{i}"), out);
            }
        }
        _ if a == b => {}
        _ => out.push(format!(
            "{pointer}: in the file {}, after openapiv3 {}",
            short(Some(a)),
            short(Some(b))
        )),
    }
}

#[test]
fn openapiv3_reads_the_spec_losslessly() {
    assert_eq!(
        SPEC.parsed.openapi, "3.0.3",
        "the spec is OpenAPI 3.0.3 (see spec/README.md)"
    );
    let mut file = SPEC.raw.clone();
    let mut roundtrip =
        serde_json::to_value(&SPEC.parsed).expect("openapiv3 value serializes to JSON");
    normalise(&mut file);
    normalise(&mut roundtrip);
    let mut diffs = Vec::new();
    differences(&file, &roundtrip, "", &mut diffs);
    let total = diffs.len();
    diffs.truncate(40);
    assert!(
        total == 0,
        "openapiv3 does not read spec/anthropic.yaml losslessly: {total} differences (first {}), \
         by JSON pointer. A key the file has and openapiv3 drops is one the generator never sees \
         (e.g. a sibling of `$ref`, or a keyword openapiv3 does not know at that place):\n  {}",
        diffs.len(),
        diffs.join("\n  ")
    );
}

// ---------------------------------------------------------------------------------------------
// (ii) exactly the expected operations

const EXPECTED_OPERATIONS: &[(&str, &str, &str)] = &[
    ("POST", "/v1/messages", "messages.create"),
    ("POST", "/v1/messages/count_tokens", "messages.count_tokens"),
    ("POST", "/v1/complete", "completions.create"),
    ("GET", "/v1/models", "models.list"),
    ("GET", "/v1/models/{model_id}", "models.retrieve"),
    ("POST", "/v1/messages/batches", "messages.batches.create"),
    ("GET", "/v1/messages/batches", "messages.batches.list"),
    (
        "GET",
        "/v1/messages/batches/{message_batch_id}",
        "messages.batches.retrieve",
    ),
    (
        "DELETE",
        "/v1/messages/batches/{message_batch_id}",
        "messages.batches.delete",
    ),
    (
        "POST",
        "/v1/messages/batches/{message_batch_id}/cancel",
        "messages.batches.cancel",
    ),
    (
        "GET",
        "/v1/messages/batches/{message_batch_id}/results",
        "messages.batches.results",
    ),
    ("POST", "/v1/files", "files.upload"),
    ("GET", "/v1/files", "files.list"),
    ("GET", "/v1/files/{file_id}", "files.retrieve_metadata"),
    ("GET", "/v1/files/{file_id}/content", "files.download"),
    ("DELETE", "/v1/files/{file_id}", "files.delete"),
    ("GET", "/v1/organizations/me", "organization.me"),
    ("GET", "/v1/organizations/users", "users.list"),
    ("GET", "/v1/organizations/users/{user_id}", "users.retrieve"),
    ("POST", "/v1/organizations/users/{user_id}", "users.update"),
    (
        "DELETE",
        "/v1/organizations/users/{user_id}",
        "users.delete",
    ),
    ("GET", "/v1/organizations/invites", "invites.list"),
    (
        "GET",
        "/v1/organizations/invites/{invite_id}",
        "invites.retrieve",
    ),
    ("POST", "/v1/organizations/invites", "invites.create"),
    (
        "DELETE",
        "/v1/organizations/invites/{invite_id}",
        "invites.delete",
    ),
    ("GET", "/v1/organizations/workspaces", "workspaces.list"),
    (
        "GET",
        "/v1/organizations/workspaces/{workspace_id}",
        "workspaces.retrieve",
    ),
    ("POST", "/v1/organizations/workspaces", "workspaces.create"),
    (
        "POST",
        "/v1/organizations/workspaces/{workspace_id}",
        "workspaces.update",
    ),
    (
        "POST",
        "/v1/organizations/workspaces/{workspace_id}/archive",
        "workspaces.archive",
    ),
    (
        "GET",
        "/v1/organizations/workspaces/{workspace_id}/members",
        "workspaces.members.list",
    ),
    (
        "GET",
        "/v1/organizations/workspaces/{workspace_id}/members/{user_id}",
        "workspaces.members.retrieve",
    ),
    (
        "POST",
        "/v1/organizations/workspaces/{workspace_id}/members",
        "workspaces.members.create",
    ),
    (
        "POST",
        "/v1/organizations/workspaces/{workspace_id}/members/{user_id}",
        "workspaces.members.update",
    ),
    (
        "DELETE",
        "/v1/organizations/workspaces/{workspace_id}/members/{user_id}",
        "workspaces.members.delete",
    ),
    ("GET", "/v1/organizations/api_keys", "api_keys.list"),
    (
        "GET",
        "/v1/organizations/api_keys/{api_key_id}",
        "api_keys.retrieve",
    ),
    (
        "POST",
        "/v1/organizations/api_keys/{api_key_id}",
        "api_keys.update",
    ),
    (
        "GET",
        "/v1/organizations/usage_report/messages",
        "usage_report.messages",
    ),
    (
        "GET",
        "/v1/organizations/usage_report/claude_code",
        "usage_report.claude_code",
    ),
    (
        "GET",
        "/v1/organizations/cost_report",
        "cost_report.retrieve",
    ),
    // rate limits
    ("GET", "/v1/organizations/rate_limits", "rate_limits.list"),
    (
        "GET",
        "/v1/organizations/workspaces/{workspace_id}/rate_limits",
        "workspaces.rate_limits.list",
    ),
    // service accounts
    (
        "POST",
        "/v1/organizations/service_accounts",
        "service_accounts.create",
    ),
    (
        "GET",
        "/v1/organizations/service_accounts/{service_account_id}",
        "service_accounts.retrieve",
    ),
    (
        "GET",
        "/v1/organizations/service_accounts",
        "service_accounts.list",
    ),
    (
        "POST",
        "/v1/organizations/service_accounts/{service_account_id}",
        "service_accounts.update",
    ),
    (
        "POST",
        "/v1/organizations/service_accounts/{service_account_id}/archive",
        "service_accounts.archive",
    ),
    (
        "POST",
        "/v1/organizations/service_accounts/{service_account_id}/workspaces",
        "service_accounts.workspaces.create",
    ),
    (
        "GET",
        "/v1/organizations/service_accounts/{service_account_id}/workspaces",
        "service_accounts.workspaces.list",
    ),
    (
        "DELETE",
        "/v1/organizations/service_accounts/{service_account_id}/workspaces/{workspace_id}",
        "service_accounts.workspaces.delete",
    ),
    (
        "POST",
        "/v1/organizations/workspaces/{workspace_id}/service_accounts",
        "workspaces.service_accounts.create",
    ),
    (
        "GET",
        "/v1/organizations/workspaces/{workspace_id}/service_accounts/{service_account_id}",
        "workspaces.service_accounts.retrieve",
    ),
    (
        "GET",
        "/v1/organizations/workspaces/{workspace_id}/service_accounts",
        "workspaces.service_accounts.list",
    ),
    (
        "POST",
        "/v1/organizations/workspaces/{workspace_id}/service_accounts/{service_account_id}",
        "workspaces.service_accounts.update",
    ),
    (
        "DELETE",
        "/v1/organizations/workspaces/{workspace_id}/service_accounts/{service_account_id}",
        "workspaces.service_accounts.delete",
    ),
    // RBAC groups and roles
    ("GET", "/v1/organizations/rbac_groups", "rbac_groups.list"),
    (
        "GET",
        "/v1/organizations/rbac_groups/{group_id}",
        "rbac_groups.retrieve",
    ),
    (
        "POST",
        "/v1/organizations/rbac_groups",
        "rbac_groups.create",
    ),
    (
        "POST",
        "/v1/organizations/rbac_groups/{group_id}",
        "rbac_groups.update",
    ),
    (
        "DELETE",
        "/v1/organizations/rbac_groups/{group_id}",
        "rbac_groups.delete",
    ),
    (
        "GET",
        "/v1/organizations/rbac_groups/{group_id}/members",
        "rbac_groups.members.list",
    ),
    (
        "POST",
        "/v1/organizations/rbac_groups/{group_id}/members",
        "rbac_groups.members.create",
    ),
    (
        "DELETE",
        "/v1/organizations/rbac_groups/{group_id}/members/{user_id}",
        "rbac_groups.members.delete",
    ),
    ("GET", "/v1/organizations/rbac_roles", "rbac_roles.list"),
    (
        "GET",
        "/v1/organizations/rbac_roles/{role_id}",
        "rbac_roles.retrieve",
    ),
    (
        "GET",
        "/v1/organizations/rbac_roles/{role_id}/permissions",
        "rbac_roles.permissions.list",
    ),
    // spend limits
    (
        "POST",
        "/v1/organizations/spend_limits",
        "spend_limits.create",
    ),
    (
        "GET",
        "/v1/organizations/spend_limits/{spend_limit_id}",
        "spend_limits.retrieve",
    ),
    (
        "DELETE",
        "/v1/organizations/spend_limits/{spend_limit_id}",
        "spend_limits.delete",
    ),
    (
        "GET",
        "/v1/organizations/spend_limits/effective",
        "spend_limits.list_effective",
    ),
    (
        "GET",
        "/v1/organizations/spend_limit_increase_requests",
        "spend_limit_increase_requests.list",
    ),
    (
        "GET",
        "/v1/organizations/spend_limit_increase_requests/{spend_limit_increase_request_id}",
        "spend_limit_increase_requests.retrieve",
    ),
    (
        "POST",
        "/v1/organizations/spend_limit_increase_requests/{spend_limit_increase_request_id}/approve",
        "spend_limit_increase_requests.approve",
    ),
    (
        "POST",
        "/v1/organizations/spend_limit_increase_requests/{spend_limit_increase_request_id}/deny",
        "spend_limit_increase_requests.deny",
    ),
    // workload identity federation
    (
        "POST",
        "/v1/organizations/federation_issuers",
        "federation_issuers.create",
    ),
    (
        "GET",
        "/v1/organizations/federation_issuers/{federation_issuer_id}",
        "federation_issuers.retrieve",
    ),
    (
        "GET",
        "/v1/organizations/federation_issuers",
        "federation_issuers.list",
    ),
    (
        "POST",
        "/v1/organizations/federation_issuers/{federation_issuer_id}",
        "federation_issuers.update",
    ),
    (
        "POST",
        "/v1/organizations/federation_issuers/{federation_issuer_id}/archive",
        "federation_issuers.archive",
    ),
    (
        "POST",
        "/v1/organizations/federation_rules",
        "federation_rules.create",
    ),
    (
        "GET",
        "/v1/organizations/federation_rules/{federation_rule_id}",
        "federation_rules.retrieve",
    ),
    (
        "GET",
        "/v1/organizations/federation_rules",
        "federation_rules.list",
    ),
    (
        "POST",
        "/v1/organizations/federation_rules/{federation_rule_id}",
        "federation_rules.update",
    ),
    (
        "POST",
        "/v1/organizations/federation_rules/{federation_rule_id}/archive",
        "federation_rules.archive",
    ),
    (
        "GET",
        "/v1/organizations/federation_rules/{federation_rule_id}/workspaces",
        "federation_rules.workspaces.list",
    ),
    (
        "POST",
        "/v1/organizations/federation_rules/{federation_rule_id}/workspaces",
        "federation_rules.workspaces.create",
    ),
    (
        "DELETE",
        "/v1/organizations/federation_rules/{federation_rule_id}/workspaces/{workspace_id}",
        "federation_rules.workspaces.delete",
    ),
    // MCP tunnels
    (
        "GET",
        "/v1/organizations/tunnels/{tunnel_id}",
        "tunnels.retrieve",
    ),
    ("GET", "/v1/organizations/tunnels", "tunnels.list"),
    (
        "POST",
        "/v1/organizations/tunnels/{tunnel_id}/reveal_token",
        "tunnels.reveal_token",
    ),
    (
        "POST",
        "/v1/organizations/tunnels/{tunnel_id}/rotate_token",
        "tunnels.rotate_token",
    ),
    (
        "POST",
        "/v1/organizations/tunnels/{tunnel_id}/archive",
        "tunnels.archive",
    ),
    (
        "POST",
        "/v1/organizations/tunnels/{tunnel_id}/certificates",
        "tunnels.certificates.create",
    ),
    (
        "GET",
        "/v1/organizations/tunnels/{tunnel_id}/certificates/{certificate_id}",
        "tunnels.certificates.retrieve",
    ),
    (
        "GET",
        "/v1/organizations/tunnels/{tunnel_id}/certificates",
        "tunnels.certificates.list",
    ),
    (
        "POST",
        "/v1/organizations/tunnels/{tunnel_id}/certificates/{certificate_id}/archive",
        "tunnels.certificates.archive",
    ),
    // external keys
    (
        "POST",
        "/v1/organizations/external_keys",
        "external_keys.create",
    ),
    (
        "GET",
        "/v1/organizations/external_keys",
        "external_keys.list",
    ),
    (
        "GET",
        "/v1/organizations/external_keys/{external_key_id}",
        "external_keys.retrieve",
    ),
    (
        "POST",
        "/v1/organizations/external_keys/{external_key_id}",
        "external_keys.update",
    ),
    (
        "DELETE",
        "/v1/organizations/external_keys/{external_key_id}",
        "external_keys.delete",
    ),
    (
        "POST",
        "/v1/organizations/external_keys/{external_key_id}/validate",
        "external_keys.validate",
    ),
    // analytics reports
    (
        "GET",
        "/v1/organizations/analytics/usage_report",
        "analytics.usage_report",
    ),
    (
        "GET",
        "/v1/organizations/analytics/user_usage_report",
        "analytics.user_usage_report",
    ),
    (
        "GET",
        "/v1/organizations/analytics/cost_report",
        "analytics.cost_report",
    ),
    (
        "GET",
        "/v1/organizations/analytics/user_cost_report",
        "analytics.user_cost_report",
    ),
    // analytics summaries
    (
        "GET",
        "/v1/organizations/analytics/summaries",
        "analytics.summaries",
    ),
    // analytics activity
    (
        "GET",
        "/v1/organizations/analytics/skills",
        "analytics.skills",
    ),
    (
        "GET",
        "/v1/organizations/analytics/connectors",
        "analytics.connectors",
    ),
    (
        "GET",
        "/v1/organizations/analytics/apps/chat/projects",
        "analytics.chat_projects",
    ),
    (
        "GET",
        "/v1/organizations/analytics/plugins",
        "analytics.plugins",
    ),
    (
        "GET",
        "/v1/organizations/analytics/artifacts",
        "analytics.artifacts",
    ),
    // analytics user activity
    (
        "GET",
        "/v1/organizations/analytics/users",
        "analytics.users",
    ),
];

#[test]
fn the_spec_has_exactly_the_expected_operations() {
    let expected: BTreeMap<(String, &str), &str> = EXPECTED_OPERATIONS
        .iter()
        .map(|&(m, p, id)| ((m.to_lowercase(), p), id))
        .collect();
    assert_eq!(
        expected.len(),
        EXPECTED_OPERATIONS.len(),
        "EXPECTED_OPERATIONS lists a (method, path) twice"
    );
    let actual: BTreeMap<(String, &str), Option<&str>> = operations()
        .into_iter()
        .map(|(m, p, op)| ((m.to_string(), p), op.operation_id.as_deref()))
        .collect();

    let mut problems = Vec::new();
    for ((method, path), id) in &expected {
        let upper = method.to_uppercase();
        match actual.get(&(method.clone(), *path)) {
            None => problems.push(format!("missing: {upper} {path} ({id})")),
            Some(Some(actual_id)) if actual_id == id => {}
            Some(other) => problems.push(format!(
                "{upper} {path}: operationId is {other:?}, expected \"{id}\""
            )),
        }
    }
    for ((method, path), id) in &actual {
        if !expected.contains_key(&(method.clone(), *path)) {
            problems.push(format!(
                "unexpected operation: {} {path} ({id:?}); add it to EXPECTED_OPERATIONS if it is meant",
                method.to_uppercase()
            ));
        }
    }
    fail("operation inventory mismatches", &problems);
}

// ---------------------------------------------------------------------------------------------
// (iii) every $ref resolves

fn collect_refs(value: &Value, pointer: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            if let Some(r) = map.get("$ref") {
                out.push((
                    pointer.to_string(),
                    r.as_str().unwrap_or("<not a string>").into(),
                ));
            }
            for (k, v) in map {
                // An `example` is data, not OpenAPI: a `$ref` key inside it is just a key.
                if k == "example" || k == "examples" || k == "default" || k == "enum" {
                    continue;
                }
                collect_refs(v, &format!("{pointer}/{}", seg(k)), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                collect_refs(v, &format!("{pointer}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_ref_resolves() {
    let mut refs = Vec::new();
    collect_refs(&SPEC.raw, "", &mut refs);
    assert!(!refs.is_empty(), "the spec has no $ref at all");
    let problems: Vec<String> = refs
        .iter()
        .filter_map(|(at, r)| {
            if !r.starts_with("#/") {
                Some(format!(
                    "#{at}: `{r}` is not a local reference (the spec is one file)"
                ))
            } else if resolve(r).is_none() {
                Some(format!("#{at}: `{r}` points at nothing"))
            } else if deref(resolve(r)?).is_none() {
                Some(format!("#{at}: `{r}` is part of a reference cycle"))
            } else {
                None
            }
        })
        .collect();
    fail("unresolvable references", &problems);
}

// ---------------------------------------------------------------------------------------------
// (iv) discriminated unions

/// Every schema object of the raw document with its JSON pointer (components, parameters, media
/// types and everything nested in them), not descending into examples or defaults.
fn schemas() -> Vec<(String, &'static Value)> {
    fn walk_schema(v: &'static Value, ptr: String, out: &mut Vec<(String, &'static Value)>) {
        let Value::Object(map) = v else { return };
        out.push((ptr.clone(), v));
        if map.contains_key("$ref") {
            return;
        }
        if let Some(Value::Object(props)) = map.get("properties") {
            for (name, p) in props {
                walk_schema(p, format!("{ptr}/properties/{}", seg(name)), out);
            }
        }
        for key in ["items", "additionalProperties", "not"] {
            if let Some(s @ Value::Object(_)) = map.get(key) {
                walk_schema(s, format!("{ptr}/{key}"), out);
            }
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            if let Some(Value::Array(list)) = map.get(key) {
                for (i, s) in list.iter().enumerate() {
                    walk_schema(s, format!("{ptr}/{key}/{i}"), out);
                }
            }
        }
    }
    fn walk(v: &'static Value, ptr: String, out: &mut Vec<(String, &'static Value)>) {
        match v {
            Value::Object(map) => {
                for (k, child) in map {
                    let p = format!("{ptr}/{}", seg(k));
                    match k.as_str() {
                        "schema" => walk_schema(child, p, out),
                        "schemas" if ptr == "/components" => {
                            if let Value::Object(named) = child {
                                for (name, s) in named {
                                    walk_schema(s, format!("{p}/{}", seg(name)), out);
                                }
                            }
                        }
                        "example" | "examples" => {}
                        _ => walk(child, p, out),
                    }
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    walk(child, format!("{ptr}/{i}"), out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(&SPEC.raw, String::new(), &mut out);
    out
}

#[test]
fn every_discriminated_union_maps_each_tag_to_a_variant_declaring_it() {
    let mut problems = Vec::new();
    let mut unions = 0;
    for (ptr, schema) in schemas() {
        let (Some(one_of), Some(disc)) = (schema.get("oneOf"), schema.get("discriminator")) else {
            if schema.get("discriminator").is_some() {
                problems.push(format!("#{ptr}: `discriminator` without `oneOf`"));
            }
            continue;
        };
        unions += 1;
        let Some(tag) = disc.get("propertyName").and_then(Value::as_str) else {
            problems.push(format!("#{ptr}: discriminator has no propertyName"));
            continue;
        };
        let mapping = match disc.get("mapping").and_then(Value::as_object) {
            Some(m) if !m.is_empty() => m,
            _ => {
                problems.push(format!(
                    "#{ptr}: discriminator has no (or an empty) mapping"
                ));
                continue;
            }
        };
        let members: Vec<&str> = one_of
            .as_array()
            .map(|l| l.iter().filter_map(|m| m.get("$ref")?.as_str()).collect())
            .unwrap_or_default();
        if members.len() != one_of.as_array().map_or(0, Vec::len) {
            problems.push(format!(
                "#{ptr}: every oneOf member of a discriminated union is a $ref"
            ));
        }
        for member in &members {
            if !mapping.values().any(|t| t.as_str() == Some(member)) {
                problems.push(format!(
                    "#{ptr}: oneOf member `{member}` has no mapping entry"
                ));
            }
        }
        for (key, target) in mapping {
            let at = format!("#{ptr}/discriminator/mapping/{}", seg(key));
            let Some(target) = target.as_str() else {
                problems.push(format!("{at}: target is not a string"));
                continue;
            };
            if !members.contains(&target) {
                problems.push(format!("{at}: `{target}` is not one of the oneOf members"));
            }
            let Some(variant) = resolve(target).and_then(deref) else {
                problems.push(format!("{at}: `{target}` does not resolve"));
                continue;
            };
            let tag_schema = variant
                .get("properties")
                .and_then(|p| p.get(tag))
                .and_then(deref);
            let Some(tag_schema) = tag_schema else {
                problems.push(format!("{at}: `{target}` has no `{tag}` property"));
                continue;
            };
            // The tag values the variant declares are exactly the mapping keys that lead to it:
            // usually one (`enum: [key]`); a schema the API accepts under several tags (a tool's
            // dated and undated names) lists them all and is mapped from each (spec/README.md).
            let declared: Option<BTreeSet<&str>> = tag_schema
                .get("enum")
                .and_then(Value::as_array)
                .and_then(|v| v.iter().map(Value::as_str).collect());
            let mapped: BTreeSet<&str> = mapping
                .iter()
                .filter(|(_, t)| t.as_str() == Some(target))
                .map(|(k, _)| k.as_str())
                .collect();
            if declared.as_ref() != Some(&mapped) {
                let expected = if mapped.len() == 1 {
                    format!("the one-value enum [{key}]")
                } else {
                    format!("an enum of exactly the keys mapped to it, {mapped:?}")
                };
                problems.push(format!(
                    "{at}: `{target}` must declare `{tag}` as {expected}; has enum {}",
                    tag_schema
                        .get("enum")
                        .map_or("(none)".into(), Value::to_string)
                ));
            }
        }
    }
    assert!(unions > 0, "the spec has no discriminated union at all");
    fail("discriminated-union problems", &problems);
}

// ---------------------------------------------------------------------------------------------
// (v) security: admin operations under /v1/organizations, the rest on the default ApiKeyAuth

/// The schemes of each alternative requirement.
fn alternatives(reqs: &[openapiv3::SecurityRequirement]) -> Vec<Vec<String>> {
    reqs.iter().map(|r| r.keys().cloned().collect()).collect()
}

/// The security an admin operation may have: either credential, only the admin key (the
/// analytics reports), or only an `org:admin` OAuth token (service accounts, federation).
const ADMIN_SECURITY: &[&[&str]] = &[
    &["AdminKeyAuth", "AdminOAuth"],
    &["AdminKeyAuth"],
    &["AdminOAuth"],
];

#[test]
fn admin_security_exactly_on_organization_operations() {
    let parsed = &SPEC.parsed;
    let mut problems = Vec::new();

    let default = parsed.security.as_deref().map(alternatives);
    if default != Some(vec![vec!["ApiKeyAuth".to_string()]]) {
        problems.push(format!(
            "document-wide `security` must be [ApiKeyAuth], is {default:?}"
        ));
    }
    let schemes = parsed.components.as_ref().map(|c| &c.security_schemes);
    for name in ["ApiKeyAuth", "AdminKeyAuth"] {
        match schemes.and_then(|s| s.get(name)) {
            Some(ReferenceOr::Item(openapiv3::SecurityScheme::APIKey {
                location: openapiv3::APIKeyLocation::Header,
                name: header,
                ..
            })) if header == "x-api-key" => {}
            other => problems.push(format!(
                "components/securitySchemes/{name} must be an apiKey in header x-api-key, is {other:?}"
            )),
        }
    }
    match schemes.and_then(|s| s.get("AdminOAuth")) {
        Some(ReferenceOr::Item(openapiv3::SecurityScheme::HTTP { scheme, .. }))
            if scheme == "bearer" => {}
        other => problems.push(format!(
            "components/securitySchemes/AdminOAuth must be an http bearer scheme, is {other:?}"
        )),
    }

    for (method, path, op) in operations() {
        let id = op.operation_id.as_deref().unwrap_or("?");
        let at = format!("{} {path} ({id})", method.to_uppercase());
        let admin_path = path == "/v1/organizations" || path.starts_with("/v1/organizations/");
        match op.security.as_deref().map(alternatives) {
            None => {
                if admin_path {
                    problems.push(format!(
                        "{at}: under /v1/organizations but uses the default ApiKeyAuth (needs admin security)"
                    ));
                }
            }
            Some(alts) => {
                let flat: Vec<&str> = alts.iter().flatten().map(String::as_str).collect();
                let admin_shaped =
                    alts.iter().all(|a| a.len() == 1) && ADMIN_SECURITY.contains(&flat.as_slice());
                if !admin_shaped {
                    problems.push(format!(
                        "{at}: security must be one of {ADMIN_SECURITY:?} (one scheme per alternative), is {alts:?}"
                    ));
                } else if !admin_path {
                    problems.push(format!("{at}: admin security outside /v1/organizations"));
                }
            }
        }
    }
    fail("security problems", &problems);
}

// ---------------------------------------------------------------------------------------------
// (vi) operation ids

/// `segment(.segment)*`, each segment snake_case: a lower-case letter, then lower-case letters
/// and digits, in words joined by single underscores.
fn is_operation_id(id: &str) -> bool {
    id.split('.').all(|segment| {
        segment.starts_with(|c: char| c.is_ascii_lowercase())
            && segment.split('_').all(|w| {
                !w.is_empty()
                    && w.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            })
    })
}

#[test]
fn operation_ids_are_dotted_snake_case_and_unique() {
    for good in [
        "messages.create",
        "usage_report.claude_code",
        "a",
        "files.retrieve_metadata",
    ] {
        assert!(is_operation_id(good), "{good}");
    }
    for bad in [
        "",
        "messages.",
        ".create",
        "Messages.create",
        "a..b",
        "a.b_",
        "a.__b",
        "a-b",
        "a.2b",
    ] {
        assert!(!is_operation_id(bad), "{bad}");
    }

    let mut problems = Vec::new();
    let mut seen: BTreeMap<&str, String> = BTreeMap::new();
    for (method, path, op) in operations() {
        let at = format!("{} {path}", method.to_uppercase());
        let Some(id) = op.operation_id.as_deref() else {
            problems.push(format!("{at}: no operationId"));
            continue;
        };
        if !is_operation_id(id) {
            problems.push(format!(
                "{at}: operationId `{id}` is not segment(.segment)* in snake_case"
            ));
        }
        if let Some(first) = seen.insert(id, at.clone()) {
            problems.push(format!("{at}: operationId `{id}` is also used by {first}"));
        }
    }
    fail("operationId problems", &problems);
}

// ---------------------------------------------------------------------------------------------
// (vii) descriptions

fn has_description(v: &Value) -> bool {
    v.get("description")
        .and_then(Value::as_str)
        .is_some_and(|d| !d.trim().is_empty())
}

#[test]
fn every_schema_and_property_has_a_description() {
    let mut problems = Vec::new();
    if let Some(Value::Object(named)) = SPEC.raw.pointer("/components/schemas") {
        for (name, schema) in named {
            if !has_description(schema) {
                problems.push(format!(
                    "#/components/schemas/{}: schema has no description",
                    seg(name)
                ));
            }
        }
    }
    for (ptr, schema) in schemas() {
        let Some(Value::Object(props)) = schema.get("properties") else {
            continue;
        };
        for (name, prop) in props {
            // A `$ref` cannot carry a description in 3.0 (siblings of `$ref` are ignored, and
            // openapiv3 drops them: the lossless test reports those); the documentation of a
            // bare `$ref` property is the referenced schema's, which the generator uses for the
            // field. Any other property needs its own.
            if prop.get("$ref").is_none() && has_description(prop) {
                continue;
            }
            let documented_target = prop
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(resolve)
                .is_some_and(has_description);
            if !documented_target {
                problems.push(format!(
                    "#{ptr}/properties/{}: property has no description",
                    seg(name)
                ));
            }
        }
    }
    fail("missing descriptions", &problems);
}

#[test]
fn every_method_key_in_the_file_is_seen_as_an_operation() {
    // `operations()` relies on openapiv3's PathItem::iter; make sure it saw every method key the
    // file has, so the inventory above cannot miss an operation.
    let mut in_file = 0;
    if let Some(Value::Object(paths)) = SPEC.raw.get("paths") {
        for item in paths.values() {
            if let Value::Object(item) = item {
                in_file += item
                    .keys()
                    .filter(|k| METHODS.contains(&k.as_str()))
                    .count();
            }
        }
    }
    assert_eq!(in_file, operations().len());
}
