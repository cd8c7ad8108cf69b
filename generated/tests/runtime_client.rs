//! The client against a loopback HTTP server: headers, errors, encoding, streams, redirects.

use std::time::Duration;

use anthropic_openapi::{AdminClient, ApiError, Client, Error, ErrorType, UploadFile};
use anthropic_openapi_runtime::{Multipart, Query, Request, encode_path_segment};
use futures::StreamExt;
use reqwest::Method;
use testkit::{Reply, Server};

const KEY: &str = "sk-ant-test-SECRET-0123456789";

fn client(server: &Server) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(format!("{}/", server.base_url()))
        .build()
        .unwrap()
}

#[derive(Debug, serde::Deserialize, PartialEq)]
struct Thing {
    id: String,
}

#[tokio::test]
async fn sends_auth_version_betas_user_agent_and_body() {
    let server = Server::start(|_| Reply::json(r#"{"id":"msg_1"}"#)).await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .beta("beta-a")
        .beta("beta-b, beta-a")
        .default_header("X-Extra", "yes")
        .build()
        .unwrap();
    let req = Request::new(Method::POST, "/v1/messages".into())
        .betas(&["beta-c", "beta-a"])
        .header("x-per-request", "1".into())
        .json_body(&serde_json::json!({"model": "m", "max_tokens": 1}))
        .unwrap();
    let got: Thing = client.core().send_json(req).await.unwrap();
    assert_eq!(got, Thing { id: "msg_1".into() });

    let seen = server.take_one();
    assert_eq!(seen.method, "POST");
    assert_eq!(seen.target, "/v1/messages");
    assert_eq!(seen.header("x-api-key"), Some(KEY));
    assert_eq!(seen.header("authorization"), None);
    assert_eq!(seen.header("anthropic-version"), Some("2023-06-01"));
    assert_eq!(seen.header("anthropic-beta"), Some("beta-a,beta-b,beta-c"));
    let ua = format!("anthropic-openapi/{}", env!("CARGO_PKG_VERSION"));
    assert_eq!(seen.header("user-agent"), Some(ua.as_str()));
    assert_eq!(seen.header("accept"), Some("application/json"));
    assert_eq!(seen.header("content-type"), Some("application/json"));
    assert_eq!(seen.header("x-extra"), Some("yes"));
    assert_eq!(seen.header("x-per-request"), Some("1"));
    let body: serde_json::Value = serde_json::from_slice(&seen.body).unwrap();
    assert_eq!(body, serde_json::json!({"model": "m", "max_tokens": 1}));
}

/// The names of the headers of a request, in the order they were sent.
fn header_names(seen: &testkit::Recorded) -> Vec<&str> {
    seen.headers.iter().map(|(name, _)| name.as_str()).collect()
}

#[tokio::test]
async fn headers_are_sent_in_a_fixed_order() {
    let server = Server::start(|_| Reply::json(r#"{"id":"x"}"#)).await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .beta("beta-a")
        .default_header("X-Extra", "yes")
        .build()
        .unwrap();
    let req = Request::new(Method::POST, "/v1/messages".into())
        .header("x-per-request", "1".into())
        .json_body(&serde_json::json!({}))
        .unwrap();
    let _: Thing = client.core().send_json(req).await.unwrap();
    let _: Thing = client
        .core()
        .send_json(Request::new(Method::GET, "/v1/models/x".into()))
        .await
        .unwrap();
    let seen = server.take();
    assert_eq!(header_names(&seen[0]), ORDER_POST);
    assert_eq!(header_names(&seen[1]), ORDER_GET);
}

/// The client's headers, then those of the request, then the retry count; `host` and
/// `content-length` come from `hyper`.
const ORDER_POST: &[&str] = &[
    "user-agent",
    "accept",
    "anthropic-version",
    "anthropic-beta",
    "content-type",
    "x-api-key",
    "x-extra",
    "x-per-request",
    "x-stainless-retry-count",
    "host",
    "content-length",
];
const ORDER_GET: &[&str] = &[
    "user-agent",
    "accept",
    "anthropic-version",
    "anthropic-beta",
    "x-api-key",
    "x-extra",
    "x-stainless-retry-count",
    "host",
];

#[tokio::test]
async fn user_and_password_in_the_base_url_become_basic_auth() {
    let server = Server::start(|_| Reply::json(r#"{"id":"x"}"#)).await;
    let base = server
        .base_url()
        .replacen("http://", "http://user:p%40ss@", 1);
    let get = || Request::new(Method::GET, "/v1/models/x".into());

    let client = Client::builder()
        .api_key(KEY)
        .base_url(&base)
        .build()
        .unwrap();
    let _: Thing = client.core().send_json(get()).await.unwrap();
    let seen = server.take_one();
    assert_eq!(seen.target, "/v1/models/x");
    assert_eq!(seen.header("authorization"), Some("Basic dXNlcjpwQHNz"));
    assert_eq!(seen.header("x-api-key"), Some(KEY));
    assert_eq!(seen.header("x-stainless-retry-count"), Some("0"));
    assert_eq!(seen.header("accept"), Some("application/json"));

    // A bearer token takes the place of the basic credentials.
    let client = Client::builder()
        .auth_token("tok-SECRET")
        .base_url(&base)
        .build()
        .unwrap();
    let _: Thing = client.core().send_json(get()).await.unwrap();
    let seen = server.take_one();
    assert_eq!(seen.header("authorization"), Some("Bearer tok-SECRET"));
    assert_eq!(seen.header("x-api-key"), None);
}

#[tokio::test]
async fn auth_token_is_a_bearer_and_no_empty_beta_header() {
    let server = Server::start(|_| Reply::json(r#"{"id":"x"}"#)).await;
    let client = Client::builder()
        .auth_token("tok-SECRET")
        .api_version("2099-01-01")
        .base_url(server.base_url())
        .build()
        .unwrap();
    let _: Thing = client
        .core()
        .send_json(Request::new(Method::GET, "/v1/models/x".into()))
        .await
        .unwrap();
    let seen = server.take_one();
    assert_eq!(seen.method, "GET");
    assert_eq!(seen.header("authorization"), Some("Bearer tok-SECRET"));
    assert_eq!(seen.header("x-api-key"), None);
    assert_eq!(seen.header("anthropic-version"), Some("2099-01-01"));
    assert_eq!(seen.header("anthropic-beta"), None);
    assert_eq!(seen.header("content-type"), None);
}

#[tokio::test]
async fn admin_client_sends_admin_key() {
    let server = Server::start(|_| Reply::json(r#"{"id":"org"}"#)).await;
    let admin = AdminClient::builder()
        .api_key("sk-ant-admin-SECRET")
        .base_url(server.base_url())
        .build()
        .unwrap();
    let got: Thing = admin
        .core()
        .send_json(Request::new(Method::GET, "/v1/organizations/me".into()))
        .await
        .unwrap();
    assert_eq!(got.id, "org");
    assert_eq!(
        server.take_one().header("x-api-key"),
        Some("sk-ant-admin-SECRET")
    );
}

#[test]
fn debug_never_shows_the_key() {
    let builder = Client::builder().api_key(KEY).auth_token("tok-SECRET");
    let client = Client::new(KEY).unwrap();
    let admin = AdminClient::new(KEY).unwrap();
    let bearer = builder.clone().build().unwrap();
    for text in [
        format!("{builder:?}"),
        format!("{client:?}"),
        format!("{client:#?}"),
        format!("{admin:?}"),
        format!("{bearer:?}"),
        format!("{:?}", client.core()),
    ] {
        assert!(!text.contains("SECRET"), "{text}");
        assert!(text.contains("***"), "{text}");
    }
    assert!(format!("{client:?}").contains("https://api.anthropic.com"));
}

#[test]
fn missing_or_invalid_configuration_is_a_config_error() {
    for result in [
        Client::builder().build().map(|_| ()),
        Client::builder().api_key("  ").build().map(|_| ()),
        AdminClient::builder().build().map(|_| ()),
        Client::builder()
            .api_key("k")
            .base_url("ftp://x")
            .build()
            .map(|_| ()),
        Client::builder().api_key("k\u{1}x").build().map(|_| ()),
        Client::builder()
            .api_key("k")
            .default_header("bad name", "v")
            .build()
            .map(|_| ()),
    ] {
        match result {
            Err(Error::Config(msg)) => assert!(!msg.is_empty()),
            other => panic!("expected a config error, got {other:?}"),
        }
    }
    match Client::builder().build() {
        Err(e) => assert!(e.to_string().contains("ANTHROPIC_API_KEY"), "{e}"),
        Ok(_) => unreachable!(),
    }
}

#[tokio::test]
async fn json_error_body_becomes_api_error() {
    let body = r#"{"type":"error","error":{"type":"not_found_error","message":"File not found: file_1"},"request_id":"req_body"}"#;
    let server = Server::start(move |_| {
        Reply::json(body)
            .status(404)
            .header("request-id", "req_header")
    })
    .await;
    let err = client(&server)
        .core()
        .send_json::<Thing>(Request::new(Method::GET, "/v1/files/file_1".into()))
        .await
        .unwrap_err();
    let Error::Api(api) = err else {
        panic!("{err:?}")
    };
    assert_eq!(
        api,
        ApiError {
            status: 404,
            error_type: ErrorType::NotFoundError,
            message: "File not found: file_1".into(),
            request_id: Some("req_header".into()),
            body: body.into(),
            headers: api.headers.clone(),
        }
    );
    assert_eq!(server.take_one().target, "/v1/files/file_1");
}

/// Every status and error type the errors guide documents, each as one request (retries off so
/// that retryable statuses answer once): status, typed error type, message, request id and the
/// raw body all come through. (A non-JSON body is `html_error_body_is_kept_raw`.)
#[tokio::test]
async fn every_documented_error_status_and_type() {
    let documented = [
        (400, "invalid_request_error", ErrorType::InvalidRequestError),
        (401, "authentication_error", ErrorType::AuthenticationError),
        (402, "billing_error", ErrorType::BillingError),
        (403, "permission_error", ErrorType::PermissionError),
        (404, "not_found_error", ErrorType::NotFoundError),
        (413, "request_too_large", ErrorType::RequestTooLarge),
        (429, "rate_limit_error", ErrorType::RateLimitError),
        (500, "api_error", ErrorType::InternalServerError),
        (504, "timeout_error", ErrorType::TimeoutError),
        (529, "overloaded_error", ErrorType::OverloadedError),
    ];
    for (status, kind, expected) in documented {
        let body = format!(
            r#"{{"type":"error","error":{{"type":"{kind}","message":"{kind} happened"}},"request_id":"req_{status}"}}"#
        );
        let reply = body.clone();
        let server = Server::start(move |_| {
            Reply::json(reply.as_str())
                .status(status)
                .header("request-id", format!("req_hdr_{status}"))
        })
        .await;
        let client = Client::builder()
            .api_key(KEY)
            .base_url(server.base_url())
            .max_retries(0)
            .build()
            .unwrap();
        let err = client
            .core()
            .send_json::<Thing>(Request::new(Method::POST, "/v1/messages".into()))
            .await
            .unwrap_err();
        let api = err.as_api().unwrap_or_else(|| panic!("{status}: {err:?}"));
        assert_eq!(api.status, status);
        assert_eq!(api.error_type, expected, "{status}");
        assert_eq!(api.error_type.as_str(), kind);
        assert_eq!(api.message, format!("{kind} happened"));
        assert_eq!(api.request_id, Some(format!("req_hdr_{status}")));
        assert_eq!(api.body, body);
        assert!(!err.to_string().contains(KEY));
        assert_eq!(server.requests().len(), 1, "{status}: retries were off");
    }
}

#[tokio::test]
async fn json_error_body_request_id_falls_back_to_body_and_unknown_type_is_kept() {
    let body = r#"{"type":"error","error":{"type":"shiny_new_error","message":"m"},"request_id":"req_body"}"#;
    let server = Server::start(move |_| Reply::json(body).status(418)).await;
    let err = client(&server)
        .core()
        .send_json::<Thing>(Request::new(Method::GET, "/v1/models".into()))
        .await
        .unwrap_err();
    let api = err.as_api().unwrap();
    assert_eq!(api.status, 418);
    assert_eq!(api.error_type, ErrorType::Other("shiny_new_error".into()));
    assert_eq!(api.error_type.as_str(), "shiny_new_error");
    assert_eq!(api.request_id.as_deref(), Some("req_body"));
}

#[tokio::test]
async fn html_error_body_is_kept_raw() {
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    let server = Server::start(move |_| {
        Reply::new(502, html)
            .header("content-type", "text/html")
            .header("request-id", "req_html")
    })
    .await;
    // A 502 is retried; retries are covered by runtime_retry.rs.
    let no_retries = anthropic_openapi::RequestOptions::new().max_retries(0);
    let err = client(&server)
        .with_options(no_retries)
        .core()
        .send_json::<Thing>(Request::new(Method::GET, "/v1/models".into()))
        .await
        .unwrap_err();
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.status, 502);
    assert_eq!(api.error_type, ErrorType::InternalServerError);
    assert!(
        api.message.contains("502") && api.message.contains("non-JSON"),
        "{}",
        api.message
    );
    assert_eq!(api.request_id.as_deref(), Some("req_html"));
    assert_eq!(api.body, html);
    let shown = err.to_string();
    assert!(
        shown.contains("502") && shown.contains("req_html"),
        "{shown}"
    );
}

#[tokio::test]
async fn undecodable_success_body_is_a_decode_error_with_snippet() {
    let server = Server::start(|_| Reply::json(r#"{"id": 12345, "other": true}"#)).await;
    let err = client(&server)
        .core()
        .send_json::<Thing>(Request::new(Method::GET, "/v1/models/m".into()))
        .await
        .unwrap_err();
    let Error::Decode {
        message,
        path,
        snippet,
    } = err
    else {
        panic!("{err:?}")
    };
    assert!(message.contains("invalid type"), "{message}");
    assert_eq!(path, "id");
    assert!(snippet.contains("12345"), "{snippet}");
}

#[tokio::test]
async fn empty_success_body_decodes_as_unit() {
    let server = Server::start(|_| Reply::new(200, "")).await;
    client(&server)
        .core()
        .send_json::<()>(Request::new(Method::DELETE, "/v1/files/f".into()))
        .await
        .unwrap();
    assert_eq!(server.take_one().method, "DELETE");
}

#[tokio::test]
async fn path_segments_are_encoded_and_cannot_escape() {
    let server = Server::start(|_| Reply::json(r#"{"id":"ok"}"#)).await;
    let client = client(&server);
    let cases = [
        ("a/b", "/v1/files/a%2Fb"),
        ("../x", "/v1/files/..%2Fx"),
        ("?#%", "/v1/files/%3F%23%25"),
        ("with space", "/v1/files/with%20space"),
        ("ünï-cødé_~.", "/v1/files/%C3%BCn%C3%AF-c%C3%B8d%C3%A9_~."),
    ];
    for (id, _) in cases {
        let path = format!("/v1/files/{}", encode_path_segment(id));
        let _: Thing = client
            .core()
            .send_json(Request::new(Method::GET, path))
            .await
            .unwrap();
    }
    let targets: Vec<String> = server.requests().into_iter().map(|s| s.target).collect();
    assert_eq!(
        targets,
        cases.iter().map(|(_, t)| t.to_string()).collect::<Vec<_>>()
    );

    // Dot segments and empty ids would reach another endpoint: refused before sending.
    for id in ["..", ".", ""] {
        let path = format!("/v1/files/{}/content", encode_path_segment(id));
        let Err(err) = client
            .core()
            .send_bytes(Request::new(Method::GET, path))
            .await
        else {
            panic!("{id:?} was sent");
        };
        assert!(matches!(err, Error::Config(_)), "{id:?}: {err:?}");
    }
    assert_eq!(server.requests().len(), cases.len());
}

#[tokio::test]
async fn encoded_dot_segments_are_refused() {
    let server = Server::start(|_| Reply::json(r#"{"id":"ok"}"#)).await;
    let client = client(&server);
    for path in [
        "/v1/files/%2e/content",
        "/v1/files/%2E%2e/content",
        "/v1/files/.%2E",
        "/v1/%2e%2E",
        "/v1/files/x/..",
    ] {
        let Err(err) = client
            .core()
            .send_json::<Thing>(Request::new(Method::GET, path.into()))
            .await
        else {
            panic!("{path:?} was sent");
        };
        match err {
            Error::Config(m) => assert!(m.contains("dot segment"), "{path:?}: {m}"),
            other => panic!("{path:?}: {other:?}"),
        }
    }
    for (path, problem) in [
        ("v1/files", "does not start with '/'"),
        ("/v1/files/", "empty segment"),
        ("/v1//files/..", "empty segment"),
        ("/", "empty segment"),
    ] {
        match client
            .core()
            .send_json::<Thing>(Request::new(Method::GET, path.into()))
            .await
        {
            Err(Error::Config(m)) => assert!(m.contains(problem), "{path:?}: {m}"),
            other => panic!("{path:?}: {other:?}"),
        }
    }
    // Three dots, or a dot next to other characters, are ordinary segments.
    for path in [
        "/v1/files/%2E%2E%2E",
        "/v1/files/...",
        "/v1/files/.x",
        "/v1/files/%2Ex",
    ] {
        let _: Thing = client
            .core()
            .send_json(Request::new(Method::GET, path.into()))
            .await
            .unwrap();
        assert_eq!(server.take_one().target, path);
    }
}

#[tokio::test]
async fn base_url_path_prefix_is_kept() {
    let server = Server::start(|_| Reply::json(r#"{"id":"ok"}"#)).await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(format!("{}/proxy/", server.base_url()))
        .build()
        .unwrap();
    let _: Thing = client
        .core()
        .send_json(Request::new(Method::GET, "/v1/models".into()))
        .await
        .unwrap();
    assert_eq!(server.take_one().target, "/proxy/v1/models");
}

#[tokio::test]
async fn query_arrays_and_values_are_encoded() {
    let server = Server::start(|_| Reply::json(r#"{"id":"ok"}"#)).await;
    let mut q = Query::new();
    q.push(
        "starting_at",
        &chrono::DateTime::parse_from_rfc3339("2025-01-02T03:04:05Z")
            .unwrap()
            .to_utc(),
    );
    q.push_each("group_by[]", &["workspace_id", "model"]);
    q.push_opt("after_id", &Some("a b&c=d"));
    q.push_opt::<u32>("limit", &None);
    q.push("beta", &true);
    let req = Request::new(
        Method::GET,
        "/v1/organizations/usage_report/messages".into(),
    )
    .query(q);
    let _: Thing = client(&server).core().send_json(req).await.unwrap();
    assert_eq!(
        server.take_one().target,
        "/v1/organizations/usage_report/messages?starting_at=2025-01-02T03%3A04%3A05Z\
         &group_by[]=workspace_id&group_by[]=model&after_id=a%20b%26c%3Dd&beta=true"
    );
}

const SSE_BODY: &str = "event: message_start\n\
data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\"}}\n\n\
event: ping\ndata: {\"type\":\"ping\"}\n\n\
event: content_block_delta\n\
data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n\
event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

#[tokio::test]
async fn sse_over_http_in_chunks() {
    let server = Server::start(|_| {
        Reply::new(200, SSE_BODY)
            .header("content-type", "text/event-stream")
            .split(7)
            .pause(Duration::from_millis(5))
    })
    .await;
    let req = Request::new(Method::POST, "/v1/messages".into())
        .json_body(&serde_json::json!({"stream": true}))
        .unwrap();
    let stream = client(&server)
        .core()
        .send_sse::<serde_json::Value>(req)
        .await
        .unwrap();
    let items: Vec<serde_json::Value> = stream.map(Result::unwrap).collect().await;
    let types: Vec<&str> = items.iter().map(|v| v["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        ["message_start", "content_block_delta", "message_stop"]
    );
    assert_eq!(items[1]["delta"]["text"], "Hi");
    assert_eq!(
        server.take_one().header("accept"),
        Some("text/event-stream")
    );
}

#[tokio::test]
async fn sse_error_event_carries_the_request_id() {
    let server = Server::start(|_| {
        Reply::new(
            200,
            "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n",
        )
        .header("request-id", "req_sse")
    })
    .await;
    let req = Request::new(Method::POST, "/v1/messages".into());
    let mut stream = client(&server)
        .core()
        .send_sse::<serde_json::Value>(req)
        .await
        .unwrap();
    assert_eq!(stream.request_id(), Some("req_sse"));
    let err = stream.next().await.unwrap().unwrap_err();
    let api = err.as_api().unwrap();
    assert_eq!(
        (api.status, &api.error_type),
        (200, &ErrorType::OverloadedError)
    );
    assert_eq!(api.request_id.as_deref(), Some("req_sse"));
    assert!(stream.next().await.is_none());
}

#[tokio::test]
async fn non_success_stream_request_is_an_api_error() {
    let server = Server::start(|_| {
        Reply::json(
            r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#,
        )
        .status(529)
    })
    .await;
    let req = Request::new(Method::POST, "/v1/messages".into());
    let err = client(&server)
        .with_options(anthropic_openapi::RequestOptions::new().max_retries(0))
        .core()
        .send_sse::<serde_json::Value>(req)
        .await
        .unwrap_err();
    assert_eq!(err.as_api().unwrap().error_type, ErrorType::OverloadedError);
    assert_eq!(err.as_api().unwrap().status, 529);
}

#[tokio::test]
async fn send_jsonl_decodes_lines() {
    let server = Server::start(|_| {
        Reply::new(200, "")
            .header("content-type", "application/x-jsonl")
            .pieces([b"{\"id\":\"a\"}\n{\"i".as_slice(), b"d\":\"b\"}\n"])
            .pause(Duration::from_millis(5))
    })
    .await;
    let req = Request::new(Method::GET, "/v1/messages/batches/b1/results".into());
    let stream = client(&server)
        .core()
        .send_jsonl::<Thing>(req)
        .await
        .unwrap();
    let ids: Vec<String> = stream.map(|t| t.unwrap().id).collect().await;
    assert_eq!(ids, ["a", "b"]);
    assert_eq!(
        server.take_one().header("accept"),
        Some("application/x-jsonl")
    );
}

#[tokio::test]
async fn get_url_jsonl_sends_the_key_only_to_the_same_origin() {
    let api = Server::start(|_| Reply::new(200, "{\"id\":\"same\"}\n")).await;
    let other = Server::start(|_| Reply::new(200, "{\"id\":\"other\"}\n")).await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(api.base_url())
        .default_header("x-extra", "private")
        .build()
        .unwrap();

    let url = format!("{}/v1/messages/batches/b1/results?x=1", api.base_url());
    let same: Vec<Thing> = client
        .core()
        .get_url_jsonl(&url)
        .await
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(same, [Thing { id: "same".into() }]);
    let seen = api.take_one();
    assert_eq!(seen.target, "/v1/messages/batches/b1/results?x=1");
    assert_eq!(seen.header("x-api-key"), Some(KEY));
    assert_eq!(seen.header("x-extra"), Some("private"));

    let url = format!("{}/results/b1.jsonl", other.base_url());
    let got: Vec<Thing> = client
        .core()
        .get_url_jsonl(&url)
        .await
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(got, [Thing { id: "other".into() }]);
    let seen = other.take_one();
    assert_eq!(seen.target, "/results/b1.jsonl");
    assert_eq!(seen.header("x-api-key"), None);
    assert_eq!(seen.header("authorization"), None);
    assert_eq!(seen.header("x-extra"), None);
    assert_eq!(seen.header("accept"), Some("application/x-jsonl"));
}

#[tokio::test]
async fn redirects_to_another_origin_are_not_followed() {
    let other = Server::start(|_| Reply::new(200, "{}")).await;
    let location = format!("{}/steal", other.base_url());
    let api =
        Server::start(move |_| Reply::new(302, "").header("location", location.clone())).await;
    let err = client(&api)
        .core()
        .send_json::<serde_json::Value>(Request::new(Method::GET, "/v1/models".into()))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Redirect { status: 302, location } if location.ends_with("/steal")),
        "{err:?}"
    );
    assert_eq!(api.requests().len(), 1);
    assert!(
        other.requests().is_empty(),
        "the key must not be sent to another host"
    );
}

#[tokio::test]
async fn send_bytes_streams_the_body() {
    let server = Server::start(|_| {
        Reply::new(200, "")
            .header("content-type", "application/pdf")
            .pieces(["%PDF", "-1.7"])
            .pause(Duration::from_millis(5))
    })
    .await;
    let req =
        Request::new(Method::GET, "/v1/files/f1/content".into()).betas(&["files-api-2025-04-14"]);
    let mut stream = client(&server).core().send_bytes(req).await.unwrap();
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        body.extend_from_slice(&chunk.unwrap());
    }
    assert_eq!(body, b"%PDF-1.7");
    let seen = server.take_one();
    assert_eq!(seen.header("accept"), Some("*/*"));
    assert_eq!(seen.header("anthropic-beta"), Some("files-api-2025-04-14"));
}

#[tokio::test]
async fn multipart_upload_sends_file_and_fields() {
    let server = Server::start(|_| Reply::json(r#"{"id":"file_1"}"#)).await;
    let form = Multipart::new().text("purpose", "docs".into()).file(
        "file",
        UploadFile::from_bytes("notes.md", b"# Title\n".to_vec()),
    );
    let req = Request::new(Method::POST, "/v1/files".into()).multipart_body(form);
    let got: Thing = client(&server).core().send_json(req).await.unwrap();
    assert_eq!(got.id, "file_1");
    let seen = server.take_one();
    assert!(
        seen.header("content-type")
            .unwrap()
            .starts_with("multipart/form-data; boundary=")
    );
    let body = String::from_utf8(seen.body).unwrap();
    assert!(body.contains("name=\"purpose\"\r\n\r\ndocs\r\n"), "{body}");
    assert!(
        body.contains("name=\"file\"; filename=\"notes.md\"\r\n"),
        "{body}"
    );
    assert!(
        body.contains("Content-Type: text/markdown\r\n\r\n# Title\n\r\n"),
        "{body}"
    );
}

#[tokio::test]
async fn upload_from_path_reads_name_and_contents() {
    let dir = std::env::temp_dir().join(format!("anthropic-openapi-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("report.PDF");
    std::fs::write(&path, b"%PDF-data").unwrap();
    let file = UploadFile::from_path(&path).await.unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(
        (file.filename(), file.content_type()),
        ("report.PDF", "application/pdf")
    );
    let err = UploadFile::from_path(dir.join("missing.txt"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Io(_)), "{err:?}");
}

#[tokio::test]
async fn slow_response_times_out() {
    let server =
        Server::start(|_| Reply::json(r#"{"id":"late"}"#).delay(Duration::from_millis(500))).await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .timeout(Duration::from_millis(100))
        .max_retries(0)
        .build()
        .unwrap();
    let err = client
        .core()
        .send_json::<Thing>(Request::new(Method::GET, "/v1/models".into()))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout), "{err:?}");
}

#[tokio::test]
async fn configured_http_client_is_used() {
    let server = Server::start(|_| Reply::json(r#"{"id":"ok"}"#)).await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .configure_http(|http| http.user_agent("ignored/1"))
        .max_retries(0)
        .build()
        .unwrap();
    assert_eq!(client.core().max_retries(), 0);
    let _: Thing = client
        .core()
        .send_json(Request::new(Method::GET, "/v1/models".into()))
        .await
        .unwrap();
    let ua = format!("anthropic-openapi/{}", env!("CARGO_PKG_VERSION"));
    assert_eq!(server.take_one().header("user-agent"), Some(ua.as_str()));
}

#[derive(Debug, serde::Deserialize)]
struct ModelPage {
    data: Vec<Thing>,
    has_more: bool,
    first_id: Option<String>,
    last_id: Option<String>,
}

impl anthropic_openapi_runtime::page::CursorPage for ModelPage {
    type Item = Thing;
    fn has_more(&self) -> bool {
        self.has_more
    }
    fn first_id(&self) -> Option<&str> {
        self.first_id.as_deref()
    }
    fn last_id(&self) -> Option<&str> {
        self.last_id.as_deref()
    }
    fn into_items(self) -> Vec<Thing> {
        self.data
    }
}

#[derive(Clone, Default)]
struct ListParams {
    after_id: Option<String>,
    before_id: Option<String>,
}

impl anthropic_openapi_runtime::page::CursorParams for ListParams {
    fn after_id(&self) -> Option<&str> {
        self.after_id.as_deref()
    }
    fn before_id(&self) -> Option<&str> {
        self.before_id.as_deref()
    }
    fn set_after_id(&mut self, v: Option<String>) {
        self.after_id = v;
    }
    fn set_before_id(&mut self, v: Option<String>) {
        self.before_id = v;
    }
}

/// The shape generated list methods take: a `'static` fetch closure over a cloned core.
#[tokio::test]
async fn cursor_stream_over_http() {
    let server = Server::start(|seen| {
        let body = match seen.target.as_str() {
            "/v1/models?limit=2" => {
                r#"{"data":[{"id":"m1"},{"id":"m2"}],"has_more":true,"first_id":"m1","last_id":"m2"}"#
            }
            "/v1/models?limit=2&after_id=m2" => {
                r#"{"data":[{"id":"m3"}],"has_more":false,"first_id":"m3","last_id":"m3"}"#
            }
            other => panic!("unexpected {other}"),
        };
        Reply::json(body)
    })
    .await;
    let core = client(&server).core().clone();
    let stream = anthropic_openapi_runtime::page::cursor_stream(
        ListParams::default(),
        move |p: ListParams| {
            let core = core.clone();
            async move {
                let mut q = Query::new();
                q.push("limit", &2u32);
                q.push_opt("after_id", &p.after_id);
                q.push_opt("before_id", &p.before_id);
                core.send_json::<ModelPage>(Request::new(Method::GET, "/v1/models".into()).query(q))
                    .await
            }
        },
    );
    fn assert_send<T: Send + 'static>(t: T) -> T {
        t
    }
    let stream = assert_send(stream);
    let ids: Vec<String> = stream.map(|t| t.unwrap().id).collect().await;
    assert_eq!(ids, ["m1", "m2", "m3"]);
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn futures_and_streams_are_send() {
    fn is_send<T: Send>(_: &T) {}
    let client = Client::new(KEY).unwrap();
    let core = client.core();
    is_send(&core.send_json::<Thing>(Request::new(Method::GET, "/v1/x".into())));
    is_send(&core.send_sse::<Thing>(Request::new(Method::GET, "/v1/x".into())));
    is_send(&core.send_jsonl::<Thing>(Request::new(Method::GET, "/v1/x".into())));
    is_send(&core.send_bytes(Request::new(Method::GET, "/v1/x".into())));
    is_send(&core.get_url_jsonl::<Thing>("http://127.0.0.1:1/x"));
    fn is_sync<T: Send + Sync + Clone>() {}
    is_sync::<Client>();
    is_sync::<AdminClient>();
}
