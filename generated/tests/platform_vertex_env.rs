//! `VertexClient::from_env()` with application default credentials: the service-account key
//! file named by `GOOGLE_APPLICATION_CREDENTIALS` (its `token_uri` a loopback OAuth endpoint
//! that verifies the JWT), the region from `CLOUD_ML_REGION` (`global`), the project from the
//! key, the endpoint from `ANTHROPIC_VERTEX_BASE_URL`.
//!
//! As in `platform_bedrock_env`, the client runs in a child process (this executable again,
//! with `VERTEX_TEST_CHILD` and a cleared environment), since a test cannot change its own
//! environment safely; the parent runs the stand-ins and checks what they saw. It has its own
//! `main` (`harness = false`).

mod platform_support;

use std::process::Command;
use std::sync::{Arc, Mutex};

use anthropic_openapi::vertex::VertexClient;
use anthropic_openapi::{MessageCreateParams, MessageParam};
use platform_support::hello_message;
use platform_support::vertex::{KEY_PROJECT, service_account_key, token_endpoint};
use testkit::{Reply, Server};

const MODEL: &str = "claude-opus-4-1@20250805";
const CHILD: &str = "VERTEX_TEST_CHILD";

fn main() {
    if std::env::var_os(CHILD).is_some() {
        child();
        return;
    }
    let name = "application_default_credentials_from_a_key_file";
    match std::panic::catch_unwind(from_key_file) {
        Ok(()) => {
            println!("test {name} ... ok");
            println!("1 passed, 0 failed");
        }
        Err(_) => {
            println!("test {name} ... FAILED");
            println!("0 passed, 1 failed");
            std::process::exit(1);
        }
    }
}

/// The child: a client from the environment sends two messages.
fn child() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let client = VertexClient::from_env().await.expect("client from env");
        for _ in 0..2 {
            let params = MessageCreateParams::new(MODEL, vec![MessageParam::user("Hi")], 64);
            let message = client.messages().create(params).await.expect("create");
            println!("{}", message.id);
        }
    });
}

fn from_key_file() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let tokens = token_endpoint(vec![3600]).await;
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let vertex = Server::start(move |req| {
            log.lock().unwrap().push((
                req.path().to_string(),
                req.header("authorization").unwrap_or("").to_string(),
            ));
            Reply::json(hello_message(MODEL))
        })
        .await;
        let dir = std::env::temp_dir().join(format!("vertex-adc-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let key_file = dir.join("key.json");
        std::fs::write(&key_file, service_account_key(&tokens)).unwrap();

        let mut command = Command::new(std::env::current_exe().unwrap());
        command
            .env_clear()
            .env(CHILD, "1")
            .env("GOOGLE_APPLICATION_CREDENTIALS", &key_file)
            .env("CLOUD_ML_REGION", "global")
            .env(
                "ANTHROPIC_VERTEX_BASE_URL",
                format!("{}/v1", vertex.base_url()),
            );
        let output = tokio::task::spawn_blocking(move || command.output())
            .await
            .unwrap()
            .expect("start the child");
        let _ = std::fs::remove_dir_all(&dir);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "the child failed: {}\nstdout:\n{stdout}\nstderr:\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(stdout.lines().filter(|l| *l == "msg_01").count(), 2);

        // One JWT exchange; its token cached for the second request.
        assert_eq!(tokens.requests().len(), 1);
        let path = format!(
            "/v1/projects/{KEY_PROJECT}/locations/global/publishers/anthropic/models/{MODEL}:rawPredict"
        );
        let expected = (path, "Bearer ya29.token-0".to_string());
        assert_eq!(*seen.lock().unwrap(), [expected.clone(), expected]);
    });
}
