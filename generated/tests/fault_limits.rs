//! Memory and time stay bounded whatever the server sends: bodies far larger than the
//! client's limits, events and lines that never end, bytes that trickle forever. Each case
//! goes through a generated method against a loopback server and measures the peak memory
//! allocated meanwhile with a counting global allocator; the cases run one at a time (they
//! share one lock), so that no other test allocates during a measure.

mod fault_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anthropic_openapi::{Error, RequestOptions};
use bytes::Bytes;
use fault_support::{Body, Hostile, builder, client, flood, params, piece, settled, within};
use futures::StreamExt;
use peak_alloc::PeakAlloc;
use testkit::{Reply, Server};

#[global_allocator]
static ALLOC: PeakAlloc = PeakAlloc;

/// Held by every test for its whole run: one measure at a time.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const MIB: usize = 1024 * 1024;
/// What the flooding servers offer: far more than any limit below.
const FLOOD: usize = 128 * MIB;
/// The limit the size cases configure.
const SMALL_LIMIT: usize = MIB;
/// The most memory a case may allocate at its peak: a few times the small limit (a buffer
/// grows by doubling), the connection's buffers, and the test's own bookkeeping.
const PEAK_LIMIT: usize = 8 * MIB;
/// The most a flooding server may manage to write before the client closes the connection:
/// the limit and what the loopback sockets buffer, far below the flood.
const WRITTEN_LIMIT: usize = 32 * MIB;

/// Measures the peak allocation of `f` above what was allocated when it started.
async fn peak_of<T>(f: impl Future<Output = T>) -> (T, usize) {
    let baseline = ALLOC.current_usage();
    ALLOC.reset_peak_usage();
    let out = f.await;
    (out, ALLOC.peak_usage().saturating_sub(baseline))
}

fn report(case: &str, peak: usize, written: usize, offered: usize) {
    println!(
        "{case}: peak allocation {:.2} MiB, server wrote {:.2} MiB of {} MiB",
        peak as f64 / MIB as f64,
        written as f64 / MIB as f64,
        offered / MIB
    );
}

fn assert_limit(err: &Error, what: &str, limit: usize, setting: &str) {
    match err {
        Error::LimitExceeded {
            what: w,
            limit: l,
            setting: s,
        } => assert_eq!((*w, *l, *s), (what, limit, setting), "{err}"),
        other => panic!("expected a limit error, got {other:?}"),
    }
    let text = err.to_string();
    assert!(
        text.contains(&format!("ClientBuilder::{setting}"))
            && text.contains(&format!("RequestOptions::{setting}"))
            && text.contains(&limit.to_string()),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_json_body_over_the_limit_stops_the_read_early_and_is_not_retried() {
    let _serial = SERIAL.lock().await;
    let produced = Arc::new(AtomicUsize::new(0));
    let body = flood(
        b"{\"type\":\"model\",\"id\":\"",
        piece(b"abcdefgh", 64 * 1024),
        FLOOD,
        produced.clone(),
    );
    let server = Server::replying(Reply::stream(200, body).content_type("application/json")).await;
    let client = builder(server.base_url())
        .max_json_body(SMALL_LIMIT)
        .build()
        .unwrap();
    let (result, peak) = peak_of(within(client.models().retrieve("m"))).await;
    let err = result.unwrap_err();
    assert_limit(&err, "JSON response body", SMALL_LIMIT, "max_json_body");
    let written = settled(&produced).await;
    report("JSON body (chunked)", peak, written, FLOOD);
    assert_eq!(
        server.requests().len(),
        1,
        "a body over the limit is not retried"
    );
    assert!(peak < PEAK_LIMIT, "peak allocation {peak} bytes");
    assert!(written < WRITTEN_LIMIT, "the server wrote {written} bytes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_announced_length_over_the_limit_is_refused_before_reading() {
    let _serial = SERIAL.lock().await;
    // A gigabyte announced, and a server that would send it all.
    let gib = 1024 * MIB;
    let server = Hostile::start(
        format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {gib}\r\n\r\n"
        ),
        Body::Flood {
            piece: piece(b" ", 64 * 1024),
            total: gib,
        },
    )
    .await;
    // Through per-request options this time.
    let client =
        client(&server.base_url).with_options(RequestOptions::new().max_json_body(SMALL_LIMIT));
    let (result, peak) = peak_of(within(client.messages().create(params()))).await;
    let err = result.unwrap_err();
    assert_limit(&err, "JSON response body", SMALL_LIMIT, "max_json_body");
    let written = settled(&server.written).await;
    report("JSON body (1 GiB announced)", peak, written, gib);
    assert_eq!(server.requests(), 1);
    assert!(peak < PEAK_LIMIT, "peak allocation {peak} bytes");
    assert!(written < WRITTEN_LIMIT, "the server wrote {written} bytes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_error_body_keeps_its_start_and_is_not_retried() {
    let _serial = SERIAL.lock().await;
    let produced = Arc::new(AtomicUsize::new(0));
    let page = flood(
        b"<html><body><h1>500 Internal Server Error</h1>",
        piece(b"<p>again</p>", 64 * 1024),
        FLOOD,
        produced.clone(),
    );
    // A status that is retried, with the default limits (64 KiB of an error body kept).
    let server = Server::replying(
        Reply::stream(500, page)
            .content_type("text/html")
            .request_id("req_flood"),
    )
    .await;
    let client = client(server.base_url());
    let (result, peak) = peak_of(within(client.models().retrieve("m"))).await;
    let err = result.unwrap_err();
    let written = settled(&produced).await;
    report("error body (default 64 KiB kept)", peak, written, FLOOD);
    let api = err.as_api().unwrap_or_else(|| panic!("{err:?}"));
    assert_eq!(api.status, 500);
    assert_eq!(api.request_id.as_deref(), Some("req_flood"));
    assert_eq!(api.body.len(), 64 * 1024);
    assert!(api.body.starts_with("<html><body><h1>500 Internal"));
    assert!(
        api.message.contains("only its start is kept") && api.message.contains("max_error_body"),
        "{}",
        api.message
    );
    assert_eq!(server.requests().len(), 1, "a flood is not asked for again");
    assert!(peak < PEAK_LIMIT, "peak allocation {peak} bytes");
    assert!(written < WRITTEN_LIMIT, "the server wrote {written} bytes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_body_that_fits_is_still_decoded() {
    let _serial = SERIAL.lock().await;
    let server = Server::replying(Reply::api_error(404, "not_found_error", "no such model")).await;
    let client = builder(server.base_url())
        .max_error_body(256)
        .build()
        .unwrap();
    let err = within(client.models().retrieve("m")).await.unwrap_err();
    let api = err.as_api().unwrap_or_else(|| panic!("{err:?}"));
    assert_eq!((api.status, api.message.as_str()), (404, "no such model"));
    // The same body, kept to fewer bytes than it has: its start, and a message that says so.
    let client = builder(server.base_url())
        .max_error_body(16)
        .build()
        .unwrap();
    let err = within(client.models().retrieve("m")).await.unwrap_err();
    let api = err.as_api().unwrap_or_else(|| panic!("{err:?}"));
    assert_eq!(api.body, r#"{"type":"error","#);
    assert!(
        api.message.contains("longer than 16 bytes"),
        "{}",
        api.message
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_stream_without_a_newline_ends_at_the_limit() {
    let _serial = SERIAL.lock().await;
    let produced = Arc::new(AtomicUsize::new(0));
    let body = flood(
        b"data: ",
        piece(b"xxxxxxxx", 64 * 1024),
        FLOOD,
        produced.clone(),
    );
    let server = Server::replying(Reply::stream(200, body).content_type("text/event-stream")).await;
    let client = builder(server.base_url())
        .max_stream_item(SMALL_LIMIT)
        .build()
        .unwrap();
    let (items, peak) = peak_of(within(async {
        let events = client.messages().create_stream(params()).await.unwrap();
        events.collect::<Vec<_>>().await
    }))
    .await;
    let written = settled(&produced).await;
    report("SSE line without a newline", peak, written, FLOOD);
    assert_eq!(items.len(), 1, "{items:?}");
    assert_limit(
        items[0].as_ref().unwrap_err(),
        "server-sent event",
        SMALL_LIMIT,
        "max_stream_item",
    );
    assert_eq!(server.requests().len(), 1);
    assert!(peak < PEAK_LIMIT, "peak allocation {peak} bytes");
    assert!(written < WRITTEN_LIMIT, "the server wrote {written} bytes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_lines_without_a_blank_line_end_at_the_limit() {
    let _serial = SERIAL.lock().await;
    let produced = Arc::new(AtomicUsize::new(0));
    // Short `data:` lines, each complete, that never make an event.
    let body = flood(
        b"event: content_block_delta\n",
        piece(
            b"data: {\"type\":\"content_block_delta\"}\n",
            64 * 1024 - 22,
        ),
        FLOOD,
        produced.clone(),
    );
    let server = Server::replying(Reply::stream(200, body).content_type("text/event-stream")).await;
    let client =
        client(server.base_url()).with_options(RequestOptions::new().max_stream_item(SMALL_LIMIT));
    let (items, peak) = peak_of(within(async {
        let events = client.messages().create_stream(params()).await.unwrap();
        events.collect::<Vec<_>>().await
    }))
    .await;
    let written = settled(&produced).await;
    report("SSE data lines without a blank line", peak, written, FLOOD);
    assert_eq!(items.len(), 1, "{items:?}");
    assert_limit(
        items[0].as_ref().unwrap_err(),
        "server-sent event",
        SMALL_LIMIT,
        "max_stream_item",
    );
    assert!(peak < PEAK_LIMIT, "peak allocation {peak} bytes");
    assert!(written < WRITTEN_LIMIT, "the server wrote {written} bytes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_jsonl_line_without_a_newline_ends_at_the_limit() {
    let _serial = SERIAL.lock().await;
    let produced = Arc::new(AtomicUsize::new(0));
    let good = br#"{"custom_id":"a","result":{"type":"canceled"}}
{"custom_id":"b","result":{"type":"errored","error":{"type":"error","error":{"type":"api_error","message":""#;
    let body = flood(good, piece(b"zzzzzzzz", 64 * 1024), FLOOD, produced.clone());
    let server =
        Server::replying(Reply::stream(200, body).content_type("application/x-jsonl")).await;
    let client = builder(server.base_url())
        .max_stream_item(SMALL_LIMIT)
        .build()
        .unwrap();
    let (items, peak) = peak_of(within(async {
        let lines = client
            .messages()
            .batches()
            .results("msgbatch_1")
            .await
            .unwrap();
        lines.collect::<Vec<_>>().await
    }))
    .await;
    let written = settled(&produced).await;
    report("JSONL line without a newline", peak, written, FLOOD);
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(items[0].as_ref().unwrap().custom_id, "a");
    assert_limit(
        items[1].as_ref().unwrap_err(),
        "JSONL line",
        SMALL_LIMIT,
        "max_stream_item",
    );
    assert!(peak < PEAK_LIMIT, "peak allocation {peak} bytes");
    assert!(written < WRITTEN_LIMIT, "the server wrote {written} bytes");
}

/// A JSON body announced whole but sent a byte at a time, never finishing: each pause is
/// far shorter than the timeout.
async fn trickling_json() -> Hostile {
    Hostile::start(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000000\r\n\r\n"
            .to_string(),
        Body::Trickle {
            piece: Bytes::from_static(b" "),
            every: Duration::from_millis(20),
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trickling_body_meets_the_deadline_not_the_timeout() {
    let _serial = SERIAL.lock().await;
    let server = trickling_json().await;
    let client = builder(&server.base_url)
        .timeout(Duration::from_secs(30))
        .deadline(Duration::from_millis(600))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = within(client.models().retrieve("m")).await.unwrap_err();
    let elapsed = started.elapsed();
    assert!(
        matches!(err, Error::DeadlineExceeded(d) if d == Duration::from_millis(600)),
        "{err:?}"
    );
    assert!(err.to_string().contains("deadline"), "{err}");
    assert!(
        elapsed >= Duration::from_millis(550) && elapsed < Duration::from_secs(5),
        "{elapsed:?}"
    );
    assert!(server.written.load(Ordering::SeqCst) > 5, "it did trickle");
    assert_eq!(server.requests(), 1, "a deadline is not retried");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_deadline_covers_retries_and_their_waits() {
    let _serial = SERIAL.lock().await;
    // Every answer asks for a retry after 400 ms: the third attempt would start after the
    // deadline.
    let server = Server::replying(
        Reply::api_error(529, "overloaded_error", "busy").header("retry-after-ms", "400"),
    )
    .await;
    let client = client(server.base_url())
        .with_options(RequestOptions::new().deadline(Duration::from_millis(600)));
    let started = Instant::now();
    let err = within(client.messages().create(params()))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::DeadlineExceeded(_)), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_that_pings_forever_ends_at_the_deadline() {
    let _serial = SERIAL.lock().await;
    let server = Hostile::start(
        "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n"
            .to_string(),
        Body::Trickle {
            piece: Bytes::from_static(b"event: ping\ndata: {\"type\":\"ping\"}\n\n"),
            every: Duration::from_millis(20),
        },
    )
    .await;
    let client = builder(&server.base_url)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
        .with_options(RequestOptions::new().deadline(Duration::from_millis(500)));
    let started = Instant::now();
    let items = within(async {
        let events = client.messages().create_stream(params()).await.unwrap();
        events.collect::<Vec<_>>().await
    })
    .await;
    let elapsed = started.elapsed();
    assert_eq!(items.len(), 1, "{items:?}");
    assert!(
        matches!(items[0], Err(Error::DeadlineExceeded(_))),
        "{items:?}"
    );
    assert!(
        elapsed >= Duration::from_millis(450) && elapsed < Duration::from_secs(5),
        "{elapsed:?}"
    );
    assert!(server.written.load(Ordering::SeqCst) > 100, "it did ping");
}
