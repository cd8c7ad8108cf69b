//! `BedrockClient::from_env()` with credentials from the standard AWS chain: from environment
//! variables, and from a loopback container-credentials endpoint
//! (`AWS_CONTAINER_CREDENTIALS_FULL_URI`) that hands out expiring credentials, so that the
//! refresh before expiry is exercised.
//!
//! The credential chain reads the process environment, which a test cannot change safely
//! (the workspace forbids `unsafe`, and `set_var` is unsafe): so this test runs its client in
//! a child process, this same executable started again with `BEDROCK_TEST_CHILD` and a
//! cleared environment holding only the variables of the scenario. The parent runs the
//! stand-ins (the Bedrock stand-in verifies every SigV4 signature) and checks what they saw.
//! It has its own `main` (`harness = false`) and prints one line per scenario and
//! `N passed, N failed`.

mod platform_support;

use std::process::Command;
use std::sync::{Arc, Mutex};

use anthropic_openapi::bedrock::{BedrockClient, Credentials};
use anthropic_openapi::{MessageCreateParams, MessageParam};
use platform_support::bedrock::verify_sigv4;
use platform_support::hello_message;
use testkit::{Reply, Server};

const MODEL: &str = "anthropic.claude-3-5-haiku-20241022-v1:0";
const REGION: &str = "eu-central-1";
const CHILD: &str = "BEDROCK_TEST_CHILD";

fn main() {
    if let Ok(requests) = std::env::var(CHILD) {
        child(requests.parse().expect("a number of requests"));
        return;
    }
    let scenarios: [(&str, fn()); 2] = [
        ("credentials_from_environment_variables", from_environment),
        (
            "credentials_from_the_container_endpoint_are_refreshed",
            from_container,
        ),
    ];
    let (mut passed, mut failed) = (0, 0);
    for (name, scenario) in scenarios {
        match std::panic::catch_unwind(scenario) {
            Ok(()) => {
                println!("test {name} ... ok");
                passed += 1;
            }
            Err(_) => {
                println!("test {name} ... FAILED");
                failed += 1;
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    if failed > 0 {
        std::process::exit(1);
    }
}

/// The child: a client from the environment sends `requests` messages.
fn child(requests: usize) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let client = BedrockClient::from_env().await.expect("client from env");
        for _ in 0..requests {
            let params = MessageCreateParams::new(MODEL, vec![MessageParam::user("Hi")], 64);
            let message = client.messages().create(params).await.expect("create");
            println!("{}", message.id);
        }
    });
}

/// Runs the child with exactly `vars` in its environment (plus what keeps the AWS chain on
/// this machine: no instance metadata, no shared files) and checks that it succeeded.
fn run_child(requests: usize, vars: &[(&str, String)]) {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .env_clear()
        .env(CHILD, requests.to_string())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent/aws/config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/aws/credentials",
        );
    for (name, value) in vars {
        command.env(name, value);
    }
    let output = command.output().expect("start the child");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the child failed: {}\nstdout:\n{stdout}\nstderr:\n{stderr}",
        output.status
    );
    assert_eq!(stdout.lines().filter(|l| *l == "msg_01").count(), requests);
}

/// A Bedrock stand-in that accepts a request signed by any of `accepted` and records which
/// access key signed each one.
async fn bedrock_stand_in(accepted: Vec<Credentials>) -> (Server, Arc<Mutex<Vec<String>>>) {
    let signers = Arc::new(Mutex::new(Vec::new()));
    let log = signers.clone();
    let server = Server::start(move |req| {
        assert!(req.path().starts_with("/model/"), "{}", req.path());
        let verified = accepted
            .iter()
            .find_map(|c| verify_sigv4(req, c, REGION, "bedrock").ok());
        match verified {
            Some(auth) => {
                log.lock().unwrap().push(auth.access_key_id);
                Reply::json(hello_message(MODEL))
            }
            None => Reply::new(403, r#"{"message":"signature does not verify"}"#)
                .content_type("application/json"),
        }
    })
    .await;
    (server, signers)
}

fn from_environment() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let credentials = Credentials::new(
            "AKIAENVEXAMPLE",
            "env/secret/key",
            Some("env-session-token".into()),
            None,
            "env",
        );
        let (server, signers) = bedrock_stand_in(vec![credentials]).await;
        let base = server.base_url().to_string();
        // The child blocks on its own runtime: this one keeps serving meanwhile.
        tokio::task::spawn_blocking(move || {
            run_child(
                2,
                &[
                    ("AWS_ACCESS_KEY_ID", "AKIAENVEXAMPLE".into()),
                    ("AWS_SECRET_ACCESS_KEY", "env/secret/key".into()),
                    ("AWS_SESSION_TOKEN", "env-session-token".into()),
                    ("AWS_REGION", REGION.into()),
                    ("ANTHROPIC_BEDROCK_BASE_URL", base),
                ],
            )
        })
        .await
        .unwrap();
        assert_eq!(
            *signers.lock().unwrap(),
            ["AKIAENVEXAMPLE", "AKIAENVEXAMPLE"]
        );
    });
}

fn from_container() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        // The first credentials expire in a minute (within the five minutes before expiry
        // when the client fetches again), the next ones in an hour.
        let first = Credentials::new(
            "ASIAFIRST",
            "first/secret",
            Some("first-token".into()),
            None,
            "c",
        );
        let second = Credentials::new(
            "ASIASECOND",
            "second/secret",
            Some("second-token".into()),
            None,
            "c",
        );
        let handed = [first.clone(), second.clone()];
        let container = Server::start(move |req| {
            assert_eq!(req.header("authorization"), Some("container-auth-token"));
            let (credentials, lifetime) = if req.index == 0 {
                (&handed[0], chrono::TimeDelta::seconds(60))
            } else {
                (&handed[1], chrono::TimeDelta::hours(1))
            };
            let expiration = (chrono::Utc::now() + lifetime).format("%Y-%m-%dT%H:%M:%SZ");
            Reply::json(serde_json::json!({
                "AccessKeyId": credentials.access_key_id(),
                "SecretAccessKey": credentials.secret_access_key(),
                "Token": credentials.session_token(),
                "Expiration": expiration.to_string(),
            }))
        })
        .await;
        let (server, signers) = bedrock_stand_in(vec![first, second]).await;
        let vars = [
            (
                "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                format!("{}/v2/credentials/task", container.base_url()),
            ),
            (
                "AWS_CONTAINER_AUTHORIZATION_TOKEN",
                "container-auth-token".into(),
            ),
            ("AWS_REGION", REGION.into()),
            ("ANTHROPIC_BEDROCK_BASE_URL", server.base_url().to_string()),
        ];
        tokio::task::spawn_blocking(move || run_child(3, &vars))
            .await
            .unwrap();
        // The first request was signed with the first credentials; they were then too close
        // to expiry, so the second request fetched new ones, which the third reused.
        assert_eq!(
            *signers.lock().unwrap(),
            ["ASIAFIRST", "ASIASECOND", "ASIASECOND"]
        );
        assert_eq!(container.requests().len(), 2);
    });
}
