//! Request building: path encoding, query values, uploads, error types.

use anthropic_openapi::{ApiError, ErrorType, UploadFile};
use anthropic_openapi_runtime::{Query, QueryValue, Request, encode_path, encode_path_segment};
use chrono::{NaiveDate, TimeZone, Utc};

#[test]
fn path_segments_keep_only_unreserved_characters() {
    assert_eq!(encode_path_segment("msg_01AbC-x.y~z"), "msg_01AbC-x.y~z");
    assert_eq!(encode_path_segment("a/b"), "a%2Fb");
    assert_eq!(encode_path_segment("../x"), "..%2Fx");
    assert_eq!(encode_path_segment(".."), "%2E%2E");
    assert_eq!(encode_path_segment("."), "%2E");
    assert_eq!(encode_path_segment("?#%"), "%3F%23%25");
    assert_eq!(encode_path_segment("a b+c"), "a%20b%2Bc");
    assert_eq!(encode_path_segment("é🌍"), "%C3%A9%F0%9F%8C%8D");
    assert_eq!(encode_path_segment(""), "");
}

#[test]
fn paths_are_built_from_pieces_and_encoded_parameters() {
    assert_eq!(encode_path(&["/v1/models"], &[]), "/v1/models");
    assert_eq!(
        encode_path(&["/v1/models/", ""], &["claude-sonnet-4-5"]),
        "/v1/models/claude-sonnet-4-5"
    );
    assert_eq!(
        encode_path(&["/v1/files/", "/content"], &["a/b?c"]),
        "/v1/files/a%2Fb%3Fc/content"
    );
    assert_eq!(
        encode_path(&["/v1/w/", "/members/", ""], &["..", "é 1"]),
        "/v1/w/%2E%2E/members/%C3%A9%201"
    );
    assert_eq!(
        encode_path(&["/v1/files/", "/content"], &[""]),
        "/v1/files//content"
    );
    for id in [
        "msg_01AbC-x.y~z",
        "a/b",
        "../x",
        "..",
        ".",
        "?#%",
        "a b+c",
        "é🌍",
        "",
    ] {
        assert_eq!(
            encode_path(&["/v1/x/", "/y"], &[id]),
            format!("/v1/x/{}/y", encode_path_segment(id)),
            "{id:?}"
        );
    }
}

#[test]
fn query_values_and_encoding() {
    let mut q = Query::new();
    assert!(q.is_empty());
    q.push("s", "a b/c?d#e%f&g=h+é");
    q.push("owned", &String::from("x"));
    q.push("t", &true);
    q.push("i", &-3i32);
    q.push("l", &9_000_000_000i64);
    q.push("u", &7u32);
    q.push("ul", &8u64);
    q.push("f", &1.5f64);
    q.push("r", &&"ref");
    q.push_opt("none", &None::<String>);
    q.push_opt("some", &Some(5u32));
    q.push_each("group_by[]", &["a", "b"]);
    q.push_each::<&str>("empty[]", &[]);
    assert_eq!(
        q.to_query_string(),
        "s=a%20b%2Fc%3Fd%23e%25f%26g%3Dh%2B%C3%A9&owned=x&t=true&i=-3&l=9000000000&u=7&ul=8\
         &f=1.5&r=ref&some=5&group_by[]=a&group_by[]=b"
    );
    assert_eq!(
        q.pairs()[0],
        ("s".to_string(), "a b/c?d#e%f&g=h+é".to_string())
    );
}

#[test]
fn dates_and_times() {
    let t = Utc.with_ymd_and_hms(2025, 3, 4, 5, 6, 7).unwrap();
    assert_eq!(t.to_query_value(), "2025-03-04T05:06:07Z");
    let frac = t + chrono::Duration::milliseconds(250);
    // A fractional second is dropped: the API documents its times to the second.
    assert_eq!(frac.to_query_value(), "2025-03-04T05:06:07Z");
    let d = NaiveDate::from_ymd_opt(2025, 1, 9).unwrap();
    assert_eq!(d.to_query_value(), "2025-01-09");
    let mut q = Query::new();
    q.push("starting_at", &t);
    q.push("date", &d);
    assert_eq!(
        q.to_query_string(),
        "starting_at=2025-03-04T05%3A06%3A07Z&date=2025-01-09"
    );
}

#[test]
fn upload_mime_types_are_guessed_and_overridable() {
    for (name, mime) in [
        ("a.pdf", "application/pdf"),
        ("a.txt", "text/plain"),
        ("README.md", "text/markdown"),
        ("t.csv", "text/csv"),
        ("d.json", "application/json"),
        ("i.PNG", "image/png"),
        ("i.jpg", "image/jpeg"),
        ("i.jpeg", "image/jpeg"),
        ("i.gif", "image/gif"),
        ("i.webp", "image/webp"),
        ("archive.tar.gz", "application/octet-stream"),
        ("noext", "application/octet-stream"),
    ] {
        let f = UploadFile::from_bytes(name, &b"x"[..]);
        assert_eq!(f.content_type(), mime, "{name}");
        assert_eq!(f.filename(), name);
    }
    let f = UploadFile::from_bytes("x.bin", vec![1, 2]).mime_type("image/png");
    assert_eq!(f.content_type(), "image/png");
    assert!(format!("{f:?}").contains("len: 2"));
}

#[test]
fn request_builder_records_parts() {
    let req = Request::new(reqwest::Method::POST, "/v1/messages/count_tokens".into())
        .betas(&["b1"])
        .json_body(&serde_json::json!({"a": 1}))
        .unwrap();
    assert_eq!(req.method(), reqwest::Method::POST);
    assert_eq!(req.path(), "/v1/messages/count_tokens");
    let dbg = format!("{req:?}");
    assert!(
        dbg.contains("json (7 bytes)") && dbg.contains("b1"),
        "{dbg}"
    );
}

#[test]
fn error_types_round_trip() {
    for name in [
        "invalid_request_error",
        "authentication_error",
        "billing_error",
        "permission_error",
        "not_found_error",
        "request_too_large",
        "rate_limit_error",
        "api_error",
        "overloaded_error",
        "timeout_error",
        "something_else",
    ] {
        let t = ErrorType::from(name);
        assert_eq!(t.as_str(), name);
        assert_eq!(t.to_string(), name);
    }
    assert_eq!(
        ErrorType::from("rate_limit_error"),
        ErrorType::RateLimitError
    );
    assert_eq!(ErrorType::from_status(529), ErrorType::OverloadedError);
    assert_eq!(ErrorType::from_status(503), ErrorType::InternalServerError);
}

#[test]
fn api_error_from_bodies() {
    let e = ApiError::from_response(
        429,
        None,
        br#"{"type":"error","error":{"type":"rate_limit_error","message":"slow down"},"request_id":"req_1"}"#,
    );
    assert_eq!(
        (e.status, &e.error_type, e.message.as_str()),
        (429, &ErrorType::RateLimitError, "slow down")
    );
    assert_eq!(e.request_id.as_deref(), Some("req_1"));
    assert_eq!(
        e.to_string(),
        "429 rate_limit_error: slow down (request-id: req_1)"
    );

    let e = ApiError::from_response(401, Some("req_2".into()), b"");
    assert_eq!(e.error_type, ErrorType::AuthenticationError);
    assert!(
        e.message.contains("401") && e.message.contains("empty"),
        "{}",
        e.message
    );
    assert_eq!(e.body, "");
}
