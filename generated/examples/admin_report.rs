//! Usage and cost per workspace over the last seven days, as a table: the Admin API's
//! workspaces list, usage report and cost report; then the organization's rate limits and the
//! workspaces' overrides of them.
//!
//! ```sh
//! cargo run -p anthropic-openapi --example admin_report
//! ```
//!
//! Talks to the Admin API when `ANTHROPIC_ADMIN_KEY` (an admin key, `sk-ant-admin…`) or
//! `ANTHROPIC_OAUTH_TOKEN` (an `org:admin` OAuth token) is set, otherwise to a local stand-in.

mod support;

use std::collections::HashMap;

use anthropic_openapi::chrono::{TimeDelta, Utc};
use anthropic_openapi::{
    AdminClient, CostReportBucket, CostReportGroupBy, CostReportRetrieveParams,
    MessagesUsageReportBucket, MessagesUsageReportGroupBy, OrganizationRateLimit,
    RateLimitsListParams, UsageReportMessagesParams, Workspace, WorkspaceRateLimit,
    WorkspacesListParams, WorkspacesRateLimitsListParams,
};
use futures::TryStreamExt as _;

/// One line of the table.
#[derive(Default)]
struct Row {
    input: i64,
    cache_writes: i64,
    cache_reads: i64,
    output: i64,
    /// In cents, as the cost report gives it.
    cents: f64,
}

#[tokio::main]
async fn main() -> anthropic_openapi::Result<()> {
    let (admin, _backend) = support::admin_client().await?;

    // The last seven complete UTC days.
    let today = Utc::now()
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc();
    let start = today - TimeDelta::days(7);

    // Workspace names, archived ones included: their past usage is still reported.
    let workspaces: Vec<Workspace> = admin
        .workspaces()
        .list_stream(WorkspacesListParams::new().include_archived(true))
        .try_collect()
        .await?;
    let live: Vec<(String, String)> = workspaces
        .iter()
        .filter(|w| w.archived_at.is_none())
        .map(|w| (w.id.clone(), w.name.clone()))
        .collect();
    let names: HashMap<String, String> = workspaces.into_iter().map(|w| (w.id, w.name)).collect();

    // Token usage in daily buckets, one result per workspace (the stream follows next_page).
    let usage: Vec<MessagesUsageReportBucket> = admin
        .usage_report()
        .messages_stream(
            UsageReportMessagesParams::new(start)
                .ending_at(today)
                .bucket_width("1d")
                .group_by(vec![MessagesUsageReportGroupBy::WorkspaceId]),
        )
        .try_collect()
        .await?;

    // Costs in daily buckets, one result per workspace.
    let costs: Vec<CostReportBucket> = admin
        .cost_report()
        .retrieve_stream(
            CostReportRetrieveParams::new(start)
                .ending_at(today)
                .group_by(vec![CostReportGroupBy::WorkspaceId]),
        )
        .try_collect()
        .await?;

    // Sum both per workspace; `None` is the default workspace.
    let mut rows: HashMap<Option<String>, Row> = HashMap::new();
    for result in usage.into_iter().flat_map(|bucket| bucket.results) {
        let row = rows.entry(result.workspace_id).or_default();
        row.input += result.uncached_input_tokens;
        row.cache_writes += result.cache_creation.ephemeral_5m_input_tokens
            + result.cache_creation.ephemeral_1h_input_tokens;
        row.cache_reads += result.cache_read_input_tokens;
        row.output += result.output_tokens;
    }
    let mut currencies: Vec<String> = Vec::new();
    for result in costs.into_iter().flat_map(|bucket| bucket.results) {
        let cents: f64 = result.amount.parse().unwrap_or_else(|_| {
            eprintln!("warning: unreadable amount {:?}", result.amount);
            0.0
        });
        rows.entry(result.workspace_id).or_default().cents += cents;
        if !currencies.contains(&result.currency) {
            currencies.push(result.currency);
        }
    }

    let name_of = |id: &Option<String>| match id {
        None => "Default workspace".to_string(),
        Some(id) => names.get(id).cloned().unwrap_or_else(|| id.clone()),
    };
    let mut rows: Vec<(String, Row)> = rows
        .into_iter()
        .map(|(id, row)| (name_of(&id), row))
        .collect();
    rows.sort_by(|a, b| b.1.cents.total_cmp(&a.1.cents).then(a.0.cmp(&b.0)));
    let mut total = Row::default();
    for (_, row) in &rows {
        total.input += row.input;
        total.cache_writes += row.cache_writes;
        total.cache_reads += row.cache_reads;
        total.output += row.output;
        total.cents += row.cents;
    }

    let currency = match currencies.as_slice() {
        [] => "USD".to_string(),
        [one] => one.clone(),
        many => many.join("+"),
    };
    println!(
        "Usage and cost per workspace, {} to {} (UTC)\n",
        start.format("%Y-%m-%d"),
        (today - TimeDelta::days(1)).format("%Y-%m-%d")
    );
    let header = [
        "Workspace".to_string(),
        "Input tokens".to_string(),
        "Cache writes".to_string(),
        "Cache reads".to_string(),
        "Output tokens".to_string(),
        format!("Cost ({currency})"),
    ];
    let mut table: Vec<[String; 6]> = rows.iter().map(|(name, row)| cells(name, row)).collect();
    table.push(cells("Total", &total));
    print_table(&header, &table);

    print_rate_limits(&admin, &live).await
}

/// The organization's rate limits, one line per group, then each live workspace's overrides.
async fn print_rate_limits(
    admin: &AdminClient,
    workspaces: &[(String, String)],
) -> anthropic_openapi::Result<()> {
    // The stream follows next_page (today the API answers in one page).
    let groups: Vec<OrganizationRateLimit> = admin
        .rate_limits()
        .list_stream(RateLimitsListParams::new())
        .try_collect()
        .await?;
    println!("\nRate limits");
    for group in &groups {
        let covers = match &group.models {
            Some(models) => models.join(", "),
            None => group.group_type.to_string(),
        };
        let limits: Vec<String> = group
            .limits
            .iter()
            .map(|l| format!("{} {}", thousands(l.value), l.r#type))
            .collect();
        println!("  {covers}: {}", limits.join(", "));
    }
    for (id, name) in workspaces {
        let overrides: Vec<WorkspaceRateLimit> = admin
            .workspaces()
            .rate_limits()
            .list_stream(id, WorkspacesRateLimitsListParams::new())
            .try_collect()
            .await?;
        for o in &overrides {
            for limit in &o.limits {
                let org = limit
                    .org_limit
                    .map_or("no organization limit".to_string(), |v| {
                        format!("organization: {}", thousands(v))
                    });
                println!(
                    "  {name} overrides {} {}: {} ({org})",
                    o.group_type,
                    limit.r#type,
                    thousands(limit.value)
                );
            }
        }
    }
    Ok(())
}

fn cells(name: &str, row: &Row) -> [String; 6] {
    [
        name.to_string(),
        thousands(row.input),
        thousands(row.cache_writes),
        thousands(row.cache_reads),
        thousands(row.output),
        format!("{:.2}", row.cents / 100.0),
    ]
}

/// Prints the rows under the header: the first column left-aligned, the others right-aligned,
/// with a rule under the header and above the last row (the total).
fn print_table(header: &[String; 6], rows: &[[String; 6]]) {
    let mut widths = header.clone().map(|h| h.chars().count());
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: &[String; 6]| {
        let mut out = String::new();
        for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
            if i == 0 {
                out.push_str(&format!("{cell:<width$}"));
            } else {
                out.push_str(&format!("  {cell:>width$}"));
            }
        }
        out
    };
    let rule = widths.map(|w| "-".repeat(w));
    println!("{}", line(header));
    println!("{}", line(&rule));
    for (i, row) in rows.iter().enumerate() {
        if i + 1 == rows.len() {
            println!("{}", line(&rule));
        }
        println!("{}", line(row));
    }
}

/// `1234567` as `1,234,567`.
fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}
