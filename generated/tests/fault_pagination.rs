//! Fault injection for auto-pagination: a loopback server whose list endpoint says `has_more`
//! forever while its cursors (or page tokens) go round in a circle. Each list stream must end
//! with an error naming the repeated cursor, after yielding the items of every page it read,
//! and after exactly as many requests as there were distinct cursors; a long list without a
//! circle must still be read to its end.

use std::time::Duration;

use anthropic_openapi::{
    AdminClient, Client, CostReportRetrieveParams, Error, FilesListParams, ModelsListParams,
};
use futures::{Stream, StreamExt};
use serde_json::{Value, json};
use testkit::{Recorded, Reply, Server};

/// The longest any case here may take: a stream that never ends fails the test here instead
/// of hanging the suite.
const LIMIT: Duration = Duration::from_secs(30);

fn client(server: &Server) -> Client {
    Client::builder()
        .api_key("sk-ant-test-pages")
        .base_url(server.base_url())
        .build()
        .unwrap()
}

fn admin(server: &Server) -> AdminClient {
    AdminClient::builder()
        .api_key("sk-ant-admin01-test-pages")
        .base_url(server.base_url())
        .build()
        .unwrap()
}

fn model(id: &str) -> Value {
    json!({"type": "model", "id": id, "display_name": id, "created_at": "2025-09-29T00:00:00Z"})
}

/// A page of models whose ids are `ids`, always saying there are more.
fn model_page(ids: &[&str]) -> Reply {
    Reply::json(json!({
        "data": ids.iter().map(|id| model(id)).collect::<Vec<_>>(),
        "has_more": true,
        "first_id": ids.first(),
        "last_id": ids.last(),
    }))
}

/// Drains `stream` (bounded by [`LIMIT`] and by a cap on the number of items, so that a
/// stream that does not end fails instead of running on), returning the items before the
/// first error and that error, if any.
async fn drain<T>(
    stream: impl Stream<Item = anthropic_openapi::Result<T>>,
) -> (Vec<T>, Option<Error>) {
    let collect = async {
        let mut stream = std::pin::pin!(stream);
        let mut items = Vec::new();
        while let Some(item) = stream.next().await {
            match item {
                Ok(item) => items.push(item),
                Err(e) => {
                    assert!(
                        stream.next().await.is_none(),
                        "the stream ends after its error"
                    );
                    return (items, Some(e));
                }
            }
            assert!(items.len() < 10_000, "the stream does not end");
        }
        (items, None)
    };
    tokio::time::timeout(LIMIT, collect)
        .await
        .expect("the stream ends in time")
}

fn stream_message(error: Option<Error>) -> String {
    match error {
        Some(Error::Stream(message)) => message,
        other => panic!("expected a stream error, got {other:?}"),
    }
}

fn afters(requests: &[Recorded]) -> Vec<Option<String>> {
    requests.iter().map(|r| r.query("after_id")).collect()
}

/// `models().list_stream`: the last id of each page is the next `after_id`; the server's
/// cursors run a, b, a, b, ... The stream reads the pages after nothing, `a` and `b`, sees
/// `a` again and stops with an error naming it.
#[tokio::test]
async fn models_list_stream_stops_when_the_after_id_comes_round_again() {
    let server = Server::start(|head| match head.query("after_id").as_deref() {
        None => model_page(&["m1", "a"]),
        Some("a") => model_page(&["m2", "b"]),
        Some("b") => model_page(&["m3", "a"]),
        Some(other) => panic!("unexpected after_id {other}"),
    })
    .await;
    let (items, error) = drain(
        client(&server)
            .models()
            .list_stream(ModelsListParams::default()),
    )
    .await;
    let ids: Vec<String> = items.into_iter().map(|m| m.id).collect();
    assert_eq!(ids, ["m1", "a", "m2", "b", "m3", "a"]);
    let message = stream_message(error);
    assert!(message.contains("`after_id` \"a\""), "{message}");
    assert!(message.contains("after 3 page(s)"), "{message}");
    let requests = server.take();
    assert_eq!(
        afters(&requests),
        [None, Some("a".into()), Some("b".into())]
    );
}

/// The cursor the caller started from counts as seen: a server that leads back to it is
/// going in a circle too.
#[tokio::test]
async fn the_starting_cursor_counts_as_seen() {
    let server = Server::start(|head| match head.query("after_id").as_deref() {
        Some("start") => model_page(&["m1", "x"]),
        Some("x") => model_page(&["m2", "start"]),
        other => panic!("unexpected after_id {other:?}"),
    })
    .await;
    let params = ModelsListParams::default().after_id("start");
    let (items, error) = drain(client(&server).models().list_stream(params)).await;
    assert_eq!(items.len(), 4);
    let message = stream_message(error);
    assert!(message.contains("\"start\""), "{message}");
    assert_eq!(server.take().len(), 2);
}

/// Paging backwards (`before_id` alone): the first id of each page is the next `before_id`,
/// and a circle there is caught the same way, naming `before_id`.
#[tokio::test]
async fn files_list_stream_paging_backwards_stops_on_a_repeated_before_id() {
    let file = |id: &str| {
        json!({"type": "file", "id": id, "filename": "f.txt", "mime_type": "text/plain",
               "size_bytes": 1, "created_at": "2025-04-14T00:00:00Z"})
    };
    let page = move |ids: [&str; 2]| {
        Reply::json(json!({
            "data": ids.map(file), "has_more": true, "first_id": ids[0], "last_id": ids[1],
        }))
    };
    let server = Server::start(move |head| match head.query("before_id").as_deref() {
        Some("end") => page(["p", "q"]),
        Some("p") => page(["r", "s"]),
        Some("r") => page(["p", "t"]),
        other => panic!("unexpected before_id {other:?}"),
    })
    .await;
    let params = FilesListParams::default().before_id("end");
    let (items, error) = drain(client(&server).files().list_stream(params)).await;
    assert_eq!(items.len(), 6);
    let message = stream_message(error);
    assert!(message.contains("`before_id` \"p\""), "{message}");
    let befores: Vec<Option<String>> = server.take().iter().map(|r| r.query("before_id")).collect();
    assert_eq!(
        befores,
        [Some("end".into()), Some("p".into()), Some("r".into())]
    );
}

fn cost_page(day: u32, next_page: &str) -> Reply {
    let at = |d: u32| format!("2025-01-{d:02}T00:00:00Z");
    Reply::json(json!({
        "data": [{"starting_at": at(day), "ending_at": at(day + 1), "results": []}],
        "has_more": true,
        "next_page": next_page,
    }))
}

/// `cost_report().retrieve_stream` pages by token (`next_page` → `page`); tokens t1, t2, t3,
/// t2 make a circle that does not include the first page.
#[tokio::test]
async fn admin_page_token_stream_stops_when_a_token_comes_round_again() {
    let server = Server::start(|head| match head.query("page").as_deref() {
        None => cost_page(1, "t1"),
        Some("t1") => cost_page(2, "t2"),
        Some("t2") => cost_page(3, "t3"),
        Some("t3") => cost_page(4, "t2"),
        Some(other) => panic!("unexpected page {other}"),
    })
    .await;
    let start: chrono::DateTime<chrono::Utc> = "2025-01-01T00:00:00Z".parse().unwrap();
    let (items, error) = drain(
        admin(&server)
            .cost_report()
            .retrieve_stream(CostReportRetrieveParams::new(start)),
    )
    .await;
    assert_eq!(items.len(), 4, "every page read is yielded");
    let message = stream_message(error);
    assert!(message.contains("`page` \"t2\""), "{message}");
    let pages: Vec<Option<String>> = server.take().iter().map(|r| r.query("page")).collect();
    assert_eq!(
        pages,
        [
            None,
            Some("t1".into()),
            Some("t2".into()),
            Some("t3".into())
        ]
    );
}

/// A repeated token of 20,000 characters is quoted in part: the error stays short.
#[tokio::test]
async fn a_long_repeated_token_is_quoted_in_part() {
    let long = "z".repeat(20_000);
    let token = long.clone();
    let server = Server::start(move |head| match head.query("page") {
        None => cost_page(1, &token),
        Some(t) if t == token => cost_page(2, &token[..10]),
        Some(t) if t == token[..10] => cost_page(3, &token),
        Some(other) => panic!("unexpected page of {} bytes", other.len()),
    })
    .await;
    let start: chrono::DateTime<chrono::Utc> = "2025-01-01T00:00:00Z".parse().unwrap();
    let (items, error) = drain(
        admin(&server)
            .cost_report()
            .retrieve_stream(CostReportRetrieveParams::new(start)),
    )
    .await;
    assert_eq!(items.len(), 3, "{error:?}");
    let message = stream_message(error);
    assert!(message.len() < 400, "{} bytes: {message}", message.len());
    assert!(
        message.contains(&format!("\"{}...\"", &long[..64])),
        "{message}"
    );
}

/// No false alarm: 200 pages with distinct cursors are all read, and the stream ends cleanly
/// at `has_more: false`.
#[tokio::test]
async fn a_long_list_without_a_circle_is_read_to_its_end() {
    const PAGES: usize = 200;
    let server = Server::start(|head| {
        let n: usize = match head.query("after_id") {
            None => 0,
            Some(id) => id.trim_start_matches("m").parse::<usize>().unwrap() + 1,
        };
        let id = format!("m{n}");
        Reply::json(json!({
            "data": [model(&id)], "has_more": n + 1 < PAGES, "first_id": id, "last_id": id,
        }))
    })
    .await;
    let (items, error) = drain(
        client(&server)
            .models()
            .list_stream(ModelsListParams::default()),
    )
    .await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(items.len(), PAGES);
    assert_eq!(items[PAGES - 1].id, format!("m{}", PAGES - 1));
    assert_eq!(server.take().len(), PAGES);
}
