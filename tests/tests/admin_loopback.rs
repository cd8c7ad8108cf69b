//! The Admin API operations added from the Admin API reference, against a loopback server:
//! for each one, the request the client sends (method, path, query, credential header, body)
//! and the decoding of the response example the reference gives for it (committed under
//! `tests/fixtures/admin_reference/`, one file per operation id). The paginated lists are
//! walked over several pages. The credential rules (which operations take an admin key, an
//! OAuth token, or either) are checked here too.

use anthropic_openapi::{AdminClient, Error};
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
