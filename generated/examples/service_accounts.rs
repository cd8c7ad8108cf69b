//! A service account for a CI workload: create it, make it a developer in a workspace, then
//! list the organization's service accounts with their workspace roles.
//!
//! ```sh
//! cargo run -p anthropic-openapi --example service_accounts
//! ```
//!
//! The service-account endpoints accept only an OAuth token with the `org:admin` scope: with
//! `ANTHROPIC_OAUTH_TOKEN` set, this talks to the Admin API, otherwise to a local stand-in.
//! A client holding only an admin key gets an `Error::Config` before anything is sent, which
//! the example shows first.

mod support;

use anthropic_openapi::{
    AdminClient, Error, ServiceAccount, ServiceAccountCreateParams, ServiceAccountRole,
    ServiceAccountWorkspaceCreateParams, ServiceAccountWorkspaceMember, ServiceAccountsListParams,
    ServiceAccountsWorkspacesListParams, WorkspaceRoleParam,
};
use futures::TryStreamExt as _;

/// The workspace the CI workload deploys to.
const WORKSPACE_ID: &str = "wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ";

#[tokio::main]
async fn main() -> anthropic_openapi::Result<()> {
    let (admin, backend) = support::admin_client().await?;

    if backend.is_stand_in() {
        // The same endpoint with an admin key alone: refused by the client, nothing sent.
        let key_only = AdminClient::builder()
            .api_key(support::stand_in::ADMIN_KEY)
            .base_url(admin.core().base_url())
            .build()?;
        match key_only
            .service_accounts()
            .list(ServiceAccountsListParams::new())
            .await
        {
            Err(Error::Config(why)) => println!("With an admin key only: {why}\n"),
            other => println!("With an admin key only, unexpectedly: {other:?}\n"),
        }
    }

    let account: ServiceAccount = admin
        .service_accounts()
        .create(
            ServiceAccountCreateParams::new("ci-deploy")
                .description("Deploys from the main branch")
                .organization_role(ServiceAccountRole::Developer),
        )
        .await?;
    println!(
        "Created service account {} ({}), organization role {}",
        account.name, account.id, account.organization_role
    );

    let membership = admin
        .service_accounts()
        .workspaces()
        .create(
            &account.id,
            ServiceAccountWorkspaceCreateParams::new(
                WORKSPACE_ID,
                WorkspaceRoleParam::WorkspaceDeveloper,
            ),
        )
        .await?;
    println!(
        "Added it to {} as {}\n",
        membership.workspace_id, membership.workspace_role
    );

    // Every service account and every membership; both streams follow next_page.
    let accounts: Vec<ServiceAccount> = admin
        .service_accounts()
        .list_stream(ServiceAccountsListParams::new().limit(10))
        .try_collect()
        .await?;
    println!("{} service account(s):", accounts.len());
    for account in &accounts {
        println!("  {} ({})", account.name, account.organization_role);
        let memberships: Vec<ServiceAccountWorkspaceMember> = admin
            .service_accounts()
            .workspaces()
            .list_stream(&account.id, ServiceAccountsWorkspacesListParams::new())
            .try_collect()
            .await?;
        for m in &memberships {
            let implicit = if m.implicit == Some(true) {
                " (implicit)"
            } else {
                ""
            };
            println!("    {}: {}{implicit}", m.workspace_id, m.workspace_role);
        }
    }
    Ok(())
}
