//! Credentials stay where they belong: header values given per request are masked in `Debug`,
//! a password in the base URL is masked wherever the URL is printed, and no redirect takes
//! the key or the request body to another origin, whatever `reqwest` configuration the
//! caller applies.

mod fault_support;

use std::time::Duration;

use anthropic_openapi::{Client, Error, RequestOptions};
use fault_support::{KEY, builder, params, within};
use testkit::{Reply, Server};

const SECRET: &str = "hunter2-very-secret";

#[test]
fn request_options_debug_masks_every_header_value() {
    let options = RequestOptions::new()
        .header("x-api-key", SECRET)
        .header("Authorization", format!("Bearer {SECRET}"))
        .header("x-trace", "plain-value-42");
    let shown = format!("{options:?}");
    assert!(!shown.contains(SECRET), "{shown}");
    assert!(!shown.contains("plain-value-42"), "{shown}");
    assert!(
        shown.contains("x-api-key: ***") && shown.contains("x-trace: ***"),
        "{shown}"
    );

    let client = Client::new(KEY).unwrap().with_options(options);
    let shown = format!("{client:?}");
    assert!(!shown.contains(SECRET) && !shown.contains(KEY), "{shown}");
}

#[tokio::test]
async fn a_password_in_the_base_url_is_never_printed() {
    let server = Server::replying(Reply::reset()).await;
    let addr = server.addr();
    let url = format!("http://admin:{SECRET}@{addr}/prefix");

    let b = builder(&url).max_retries(0);
    let shown = format!("{b:?}");
    assert!(!shown.contains(SECRET) && shown.contains("***@"), "{shown}");
    let client = b.build().unwrap();
    let shown = format!("{client:?}");
    assert!(!shown.contains(SECRET) && shown.contains("***@"), "{shown}");
    assert_eq!(
        client.core().base_url(),
        format!("http://***@{addr}/prefix")
    );

    // Errors of a request to it.
    let err = within(client.models().retrieve("m")).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(!format!("{err} {err:?}").contains(SECRET), "{err:?}");
    // The credentials went as basic authentication, not in the URL.
    let seen = server.take_one();
    assert!(
        seen.header("authorization")
            .is_some_and(|v| v.starts_with("Basic "))
    );
    assert!(!seen.target.contains(SECRET));

    // Configuration errors about such URLs, valid or not.
    for bad in [
        format!("http://admin:{SECRET}@{addr}/v1?x=1"),
        format!("ftp://admin:{SECRET}@{addr}"),
        format!("http://admin:{SECRET}@/v1"),
        format!("http://admin:{SECRET}@exa mple.com"),
    ] {
        match builder(&bad).build() {
            Err(e @ Error::Config(_)) => {
                let text = format!("{e} {e:?}");
                assert!(!text.contains(SECRET), "{text}");
                assert!(text.contains("***@"), "{text}");
            }
            other => panic!("{bad}: expected a configuration error, got {other:?}"),
        }
    }
}

/// An API server that redirects every request with `status` to `location`.
async fn redirecting(status: u16, location: String) -> Server {
    Server::start(move |_| Reply::new(status, "").header("location", location.clone())).await
}

#[tokio::test]
async fn a_redirect_to_another_origin_is_refused_whatever_the_http_configuration() {
    let elsewhere = Server::replying(Reply::json("{}")).await;
    for status in [301, 302, 303, 307, 308] {
        let api = redirecting(status, format!("{}/v1/messages", elsewhere.base_url())).await;
        // A configuration that asks `reqwest` to follow every redirect, as its default does.
        let client = builder(api.base_url())
            .configure_http(|http| http.redirect(reqwest::redirect::Policy::limited(10)))
            .build()
            .unwrap();
        let err = within(client.messages().create(params()))
            .await
            .unwrap_err();
        match &err {
            Error::Redirect {
                status: s,
                location,
            } => {
                assert_eq!(*s, status);
                assert!(location.starts_with(elsewhere.base_url()), "{location}");
            }
            other => panic!("{status}: expected a redirect error, got {other:?}"),
        }
        assert!(err.to_string().contains("another origin"), "{err}");
        assert_eq!(api.requests().len(), 1, "{status}: not retried");
    }
    // Another port of the same host is another origin.
    assert!(
        elsewhere.requests().is_empty(),
        "neither the key nor the prompt may reach another origin"
    );
}

#[tokio::test]
async fn a_redirect_within_the_origin_is_followed_with_the_body() {
    let api = Server::start(|req| match req.path() {
        "/v1/messages" => Reply::new(307, "").header("location", "/v2/messages"),
        _ => Reply::json(
            r#"{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[],
               "stop_reason":"end_turn","stop_sequence":null,
               "usage":{"input_tokens":1,"output_tokens":1}}"#,
        ),
    })
    .await;
    let client = builder(api.base_url())
        .timeout(Duration::from_secs(10))
        .configure_http(|http| http.redirect(reqwest::redirect::Policy::none()))
        .build()
        .unwrap();
    let message = within(client.messages().create(params())).await.unwrap();
    assert_eq!(message.id, "msg_1");
    let seen = api.take();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1].path(), "/v2/messages");
    assert_eq!(seen[1].body, seen[0].body, "a 307 keeps the body");
    assert_eq!(seen[1].header("x-api-key"), Some(KEY));
}
