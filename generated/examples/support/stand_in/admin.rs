//! `/v1/organizations/…`: an organization with three active workspaces (and one archived),
//! and its usage and cost reports.
//!
//! Usage comes from one deterministic table: the tokens each workspace (and the default
//! workspace, reported with `workspace_id: null`) used on each UTC day, drawn from a generator
//! seeded with the day, so that two runs agree and the cost report matches the usage report
//! (costs are the usage times Claude Sonnet 4.5's list prices, in cents). Both reports are
//! daily buckets, paged with `limit` and `next_page` as the API does.

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc, Weekday};
use serde_json::{Value, json};
use testkit::Reply;

use super::wire::Call;

struct Workspace {
    id: &'static str,
    name: &'static str,
    display_color: &'static str,
    created_at: &'static str,
    archived_at: Option<&'static str>,
    /// Uncached input tokens on a typical weekday.
    daily_input: f64,
}

const WORKSPACES: &[Workspace] = &[
    Workspace {
        id: "wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ",
        name: "Production",
        display_color: "#6C5BB9",
        created_at: "2024-10-30T23:58:27.427722Z",
        archived_at: None,
        daily_input: 2_400_000.0,
    },
    Workspace {
        id: "wrkspc_01Kf8sR2mWq7TzL4xN9pB3cD",
        name: "Research",
        display_color: "#2F80ED",
        created_at: "2025-02-11T09:14:03.118204Z",
        archived_at: None,
        daily_input: 850_000.0,
    },
    Workspace {
        id: "wrkspc_01Mp3vH6tYc9QeW2sJ5kA8nG",
        name: "Staging",
        display_color: "#27AE60",
        created_at: "2025-03-02T16:40:51.902117Z",
        archived_at: None,
        daily_input: 120_000.0,
    },
    Workspace {
        id: "wrkspc_01Rb7nD4gXz2VuK8cT6hE1wS",
        name: "Prototype 2024",
        display_color: "#EB5757",
        created_at: "2024-06-18T12:00:09.551890Z",
        archived_at: Some("2025-01-20T10:22:45.003311Z"),
        daily_input: 0.0,
    },
];

/// Uncached input tokens of the default workspace on a typical weekday.
const DEFAULT_WORKSPACE_DAILY_INPUT: f64 = 60_000.0;

/// The model the simulated usage is billed for.
const MODEL: &str = "claude-sonnet-4-5-20250929";

/// Prices in cents per token (per web search for the last one).
const CENTS_INPUT: f64 = 0.0003;
const CENTS_OUTPUT: f64 = 0.0015;
const CENTS_CACHE_WRITE_5M: f64 = 0.000375;
const CENTS_CACHE_WRITE_1H: f64 = 0.0006;
const CENTS_CACHE_READ: f64 = 0.00003;
const CENTS_WEB_SEARCH: f64 = 1.0;

/// One workspace's usage in one bucket.
#[derive(Default, Clone, Copy)]
struct Tokens {
    uncached: i64,
    cache_write_5m: i64,
    cache_write_1h: i64,
    cache_read: i64,
    output: i64,
    web_searches: i64,
}

impl Tokens {
    fn is_zero(&self) -> bool {
        self.uncached + self.cache_write_5m + self.cache_write_1h + self.cache_read + self.output
            == 0
            && self.web_searches == 0
    }

    fn add(&mut self, other: Tokens) {
        self.uncached += other.uncached;
        self.cache_write_5m += other.cache_write_5m;
        self.cache_write_1h += other.cache_write_1h;
        self.cache_read += other.cache_read;
        self.output += other.output;
        self.web_searches += other.web_searches;
    }

    /// The cost items: description, cost type, token type, amount in cents.
    fn costs(&self) -> Vec<(&'static str, &'static str, Option<&'static str>, f64)> {
        let tokens = |n: i64, price: f64| n as f64 * price;
        vec![
            (
                "Claude Sonnet 4.5 Usage - Input Tokens",
                "tokens",
                Some("uncached_input_tokens"),
                tokens(self.uncached, CENTS_INPUT),
            ),
            (
                "Claude Sonnet 4.5 Usage - Output Tokens",
                "tokens",
                Some("output_tokens"),
                tokens(self.output, CENTS_OUTPUT),
            ),
            (
                "Claude Sonnet 4.5 Usage - Cache Write (5m)",
                "tokens",
                Some("cache_creation.ephemeral_5m_input_tokens"),
                tokens(self.cache_write_5m, CENTS_CACHE_WRITE_5M),
            ),
            (
                "Claude Sonnet 4.5 Usage - Cache Write (1h)",
                "tokens",
                Some("cache_creation.ephemeral_1h_input_tokens"),
                tokens(self.cache_write_1h, CENTS_CACHE_WRITE_1H),
            ),
            (
                "Claude Sonnet 4.5 Usage - Cache Read",
                "tokens",
                Some("cache_read_input_tokens"),
                tokens(self.cache_read, CENTS_CACHE_READ),
            ),
            (
                "Web Search Usage",
                "web_search",
                None,
                tokens(self.web_searches, CENTS_WEB_SEARCH),
            ),
        ]
    }
}

/// The usage of workspace number `source` (0 is the default workspace) on `day`, of which
/// `fraction` has elapsed.
fn usage(day: NaiveDate, source: usize, daily_input: f64, fraction: f64) -> Tokens {
    if daily_input == 0.0 {
        return Tokens::default();
    }
    let seed = u64::try_from(day.num_days_from_ce()).unwrap_or(0) * 16 + source as u64;
    let mut rng = fastrand::Rng::with_seed(seed);
    let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
    // Small workspaces are idle at weekends.
    if weekend && daily_input < 200_000.0 {
        return Tokens::default();
    }
    let level = daily_input * if weekend { 0.35 } else { 1.0 } * (0.7 + 0.6 * rng.f64());
    let uncached = level * fraction;
    Tokens {
        uncached: uncached as i64,
        cache_write_5m: (uncached * 0.06 * rng.f64()) as i64,
        cache_write_1h: if source == 1 {
            (uncached * 0.02) as i64
        } else {
            0
        },
        cache_read: (uncached * (0.8 + 0.8 * rng.f64())) as i64,
        output: (uncached * (0.15 + 0.1 * rng.f64())) as i64,
        web_searches: (uncached / 100_000.0 * rng.f64()) as i64,
    }
}

/// Every workspace that has usage: `(workspace_id, daily input)`, the default one first.
fn sources() -> Vec<(Option<&'static str>, f64)> {
    std::iter::once((None, DEFAULT_WORKSPACE_DAILY_INPUT))
        .chain(WORKSPACES.iter().map(|w| (Some(w.id), w.daily_input)))
        .collect()
}

/// A page of daily buckets: `[start, end)` of each, and the token of the next page.
struct Buckets {
    spans: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    next_page: Option<String>,
}

pub struct Organization;

impl Organization {
    pub fn new() -> Organization {
        Organization
    }

    /// `GET /v1/organizations/workspaces`.
    pub fn workspaces(&self, call: &Call<'_>) -> Reply {
        let limit = match call.query_int("limit", 20, 1, 100) {
            Ok(limit) => limit as usize,
            Err(refused) => return refused,
        };
        let include_archived = call.query("include_archived").as_deref() == Some("true");
        let all: Vec<&Workspace> = WORKSPACES
            .iter()
            .filter(|w| include_archived || w.archived_at.is_none())
            .collect();
        let start = match call.query("after_id") {
            Some(after) => all
                .iter()
                .position(|w| w.id == after)
                .map_or(all.len(), |i| i + 1),
            None => 0,
        };
        let page = &all[start..all.len().min(start + limit)];
        Reply::json(json!({
            "data": page.iter().map(|w| workspace_json(w)).collect::<Vec<_>>(),
            "has_more": start + page.len() < all.len(),
            "first_id": page.first().map(|w| w.id),
            "last_id": page.last().map(|w| w.id),
        }))
    }

    /// `GET /v1/organizations/usage_report/messages`.
    pub fn usage_report(&self, call: &Call<'_>) -> Reply {
        let buckets = match buckets(call) {
            Ok(buckets) => buckets,
            Err(refused) => return refused,
        };
        let group_by = call.query_all("group_by[]");
        let by_workspace = group_by.iter().any(|g| g == "workspace_id");
        let only = call.query_all("workspace_ids[]");
        let grouped = |name: &str, value: &str| {
            if group_by.iter().any(|g| g == name) {
                Value::from(value)
            } else {
                Value::Null
            }
        };

        let mut data = Vec::new();
        for &(start, end) in &buckets.spans {
            let fraction = elapsed_fraction(start, end, call.now);
            let mut rows: Vec<(Option<&str>, Tokens)> = Vec::new();
            for (source, (workspace, daily)) in sources().into_iter().enumerate() {
                if !only.is_empty() && !workspace.is_some_and(|w| only.iter().any(|o| o == w)) {
                    continue;
                }
                let tokens = usage(start.date_naive(), source, daily, fraction);
                match rows.last_mut() {
                    Some((_, total)) if !by_workspace => total.add(tokens),
                    _ => rows.push((if by_workspace { workspace } else { None }, tokens)),
                }
            }
            let results: Vec<Value> = rows
                .into_iter()
                .filter(|(_, t)| !t.is_zero())
                .map(|(workspace, t)| {
                    json!({
                        "uncached_input_tokens": t.uncached,
                        "cache_creation": {
                            "ephemeral_1h_input_tokens": t.cache_write_1h,
                            "ephemeral_5m_input_tokens": t.cache_write_5m
                        },
                        "cache_read_input_tokens": t.cache_read,
                        "output_tokens": t.output,
                        "server_tool_use": { "web_search_requests": t.web_searches },
                        "account_id": null,
                        "api_key_id": null,
                        "context_window": grouped("context_window", "0-200k"),
                        "inference_geo": grouped("inference_geo", "global"),
                        "model": grouped("model", MODEL),
                        "service_account_id": null,
                        "service_tier": grouped("service_tier", "standard"),
                        "workspace_id": workspace
                    })
                })
                .collect();
            data.push(json!({
                "starting_at": rfc3339(start),
                "ending_at": rfc3339(end),
                "results": results
            }));
        }
        Reply::json(json!({
            "data": data,
            "has_more": buckets.next_page.is_some(),
            "next_page": buckets.next_page
        }))
    }

    /// `GET /v1/organizations/cost_report`.
    pub fn cost_report(&self, call: &Call<'_>) -> Reply {
        let buckets = match buckets(call) {
            Ok(buckets) => buckets,
            Err(refused) => return refused,
        };
        let group_by = call.query_all("group_by[]");
        let by_workspace = group_by.iter().any(|g| g == "workspace_id");
        let by_description = group_by.iter().any(|g| g == "description");

        let mut data = Vec::new();
        for &(start, end) in &buckets.spans {
            let fraction = elapsed_fraction(start, end, call.now);
            let mut rows: Vec<(Option<&str>, Tokens)> = Vec::new();
            for (source, (workspace, daily)) in sources().into_iter().enumerate() {
                let tokens = usage(start.date_naive(), source, daily, fraction);
                match rows.last_mut() {
                    Some((_, total)) if !by_workspace => total.add(tokens),
                    _ => rows.push((if by_workspace { workspace } else { None }, tokens)),
                }
            }
            let mut results = Vec::new();
            for (workspace, tokens) in rows {
                let items = tokens.costs();
                if by_description {
                    for (description, cost_type, token_type, cents) in items {
                        if cents <= 0.0 {
                            continue;
                        }
                        let is_tokens = cost_type == "tokens";
                        results.push(json!({
                            "currency": "USD",
                            "amount": amount(cents),
                            "workspace_id": workspace,
                            "description": description,
                            "cost_type": cost_type,
                            "context_window": is_tokens.then_some("0-200k"),
                            "model": is_tokens.then_some(MODEL),
                            "service_tier": is_tokens.then_some("standard"),
                            "token_type": token_type,
                            "inference_geo": if is_tokens { "global" } else { "not_available" }
                        }));
                    }
                } else {
                    let cents: f64 = items.iter().map(|item| item.3).sum();
                    if cents > 0.0 {
                        results.push(json!({
                            "currency": "USD",
                            "amount": amount(cents),
                            "workspace_id": workspace,
                            "description": null,
                            "cost_type": null,
                            "context_window": null,
                            "model": null,
                            "service_tier": null,
                            "token_type": null,
                            "inference_geo": null
                        }));
                    }
                }
            }
            data.push(json!({
                "starting_at": rfc3339(start),
                "ending_at": rfc3339(end),
                "results": results
            }));
        }
        Reply::json(json!({
            "data": data,
            "has_more": buckets.next_page.is_some(),
            "next_page": buckets.next_page
        }))
    }
}

fn workspace_json(w: &Workspace) -> Value {
    json!({
        "id": w.id,
        "type": "workspace",
        "name": w.name,
        "display_color": w.display_color,
        "created_at": w.created_at,
        "archived_at": w.archived_at,
        "compartment_id": w.id.replace("wrkspc_", "cmpt_"),
        "external_key_id": null,
        "tags": {},
        "data_residency": {
            "workspace_geo": "us",
            "default_inference_geo": "global",
            "allowed_inference_geos": "unrestricted"
        }
    })
}

/// The daily buckets a report request asks for: from `starting_at` (or the `page` token),
/// snapped to the start of its UTC day, up to `ending_at` (default: now), at most `limit`.
fn buckets(call: &Call<'_>) -> Result<Buckets, Reply> {
    let invalid = |message: &str| call.error(400, "invalid_request_error", message);
    let starting_at = call
        .query_time("starting_at")?
        .ok_or_else(|| invalid("starting_at: field required"))?;
    let ending_at = call.query_time("ending_at")?.unwrap_or(call.now);
    match call.query("bucket_width").as_deref() {
        None | Some("1d") => {}
        Some(other) => {
            return Err(invalid(&format!(
                "bucket_width: {other:?} is not simulated by the local stand-in, only \"1d\""
            )));
        }
    }
    let limit = call.query_int("limit", 7, 1, 31)?;

    let mut day = starting_at.date_naive();
    if let Some(page) = call.query("page") {
        day = page
            .strip_prefix("page_")
            .and_then(|hex| i32::from_str_radix(hex, 16).ok())
            .and_then(NaiveDate::from_num_days_from_ce_opt)
            .ok_or_else(|| invalid("page: not a page token of this report"))?;
    }
    let mut spans = Vec::new();
    let mut start = midnight(day);
    while start < ending_at && spans.len() < limit as usize {
        spans.push((start, start + TimeDelta::days(1)));
        start += TimeDelta::days(1);
    }
    let next_page =
        (start < ending_at).then(|| format!("page_{:x}", start.date_naive().num_days_from_ce()));
    Ok(Buckets { spans, next_page })
}

fn midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

/// How much of `[start, end)` lies before `now`, from 0 to 1.
fn elapsed_fraction(start: DateTime<Utc>, end: DateTime<Utc>, now: DateTime<Utc>) -> f64 {
    let whole = (end - start).num_seconds() as f64;
    let elapsed = (now.min(end) - start).num_seconds() as f64;
    (elapsed / whole).clamp(0.0, 1.0)
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Cents as the API writes them: a decimal string such as `"123.78912"`.
fn amount(cents: f64) -> String {
    let text = format!("{cents:.5}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}
