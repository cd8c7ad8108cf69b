//! Bulk transfers against a loopback server: uploads from a path (retried with identical
//! bytes, refused when the file changed) and from a stream (never retried), downloads to a
//! path (atomic, cleaned up on failure), and batch results through `results_url`.

mod bulk_support;

use std::sync::{Arc, Mutex};

use anthropic_openapi::UploadFile;
use anthropic_openapi::{Error, FilesUploadParams, MessageBatchResult};
use bulk_support::{KEY, TempDir, client, origin};
use bytes::Bytes;
use futures::StreamExt;
use testkit::{BodySink, Recorded, Reply, Server};

const FILE_JSON: &[u8] = br#"{"id":"file_1","type":"file","filename":"f","mime_type":"application/octet-stream","size_bytes":1,"created_at":"2025-04-14T00:00:00Z","downloadable":true}"#;

/// One upload as the server received it.
#[derive(Debug, Clone)]
struct Upload {
    head: Recorded,
    body: Vec<u8>,
    /// Whether the whole declared body arrived.
    complete: bool,
}

type Uploads = Arc<Mutex<Vec<Upload>>>;

/// Collects the body of upload `n` into the log as it arrives, so that an upload whose body
/// breaks off is logged too.
struct Collect {
    log: Uploads,
    n: usize,
}

impl BodySink for Collect {
    fn feed(&mut self, piece: &[u8]) {
        self.log.lock().unwrap()[self.n]
            .body
            .extend_from_slice(piece);
    }
}

/// A server that records every request with its body and answers with `status(n)` for the
/// `n`-th request (from 0); `before_reply` runs once the body has been read.
async fn upload_server(
    status: impl Fn(usize) -> u16 + Send + Sync + 'static,
    before_reply: impl Fn(usize) + Send + Sync + 'static,
) -> (Server, Uploads) {
    let uploads: Uploads = Arc::default();
    let log = uploads.clone();
    let server = Server::start_streaming(
        move |head| {
            let mut uploads = log.lock().unwrap();
            uploads.push(Upload {
                head: head.clone(),
                body: Vec::new(),
                complete: false,
            });
            Collect {
                log: log.clone(),
                n: uploads.len() - 1,
            }
        },
        move |_, upload| {
            upload.log.lock().unwrap()[upload.n].complete = true;
            before_reply(upload.n);
            match status(upload.n) {
                200 => Reply::new(200, FILE_JSON).content_type("application/json"),
                s => Reply::api_error(s, "overloaded_error", "try later"),
            }
        },
    )
    .await;
    (server, uploads)
}

/// The file part of a single-file multipart body.
fn file_part(upload: &Upload) -> &[u8] {
    let boundary = upload
        .head
        .header("content-type")
        .unwrap()
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap();
    let body = &upload.body;
    let start = body.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let tail = format!("\r\n--{boundary}--\r\n");
    assert!(body.ends_with(tail.as_bytes()));
    &body[start..body.len() - tail.len()]
}

#[tokio::test]
async fn retried_path_upload_sends_identical_bytes() {
    let dir = TempDir::new("upload-retry");
    let path = dir.path().join("data.bin");
    bulk_support::write_pattern_file(&path, 1 << 20);
    let contents = std::fs::read(&path).unwrap();
    let (server, uploads) = upload_server(|n| if n == 0 { 503 } else { 200 }, |_| ()).await;

    let file = UploadFile::from_path(&path).await.unwrap();
    assert!(file.is_resendable());
    let meta = client(server.base_url())
        .files()
        .upload(FilesUploadParams::new(file))
        .await
        .unwrap();
    assert_eq!(meta.id, "file_1");

    let uploads = uploads.lock().unwrap();
    assert_eq!(uploads.len(), 2, "a 503 then a success");
    assert_eq!(uploads[0].head.header("x-stainless-retry-count"), Some("0"));
    assert_eq!(uploads[1].head.header("x-stainless-retry-count"), Some("1"));
    assert!(
        uploads[0].body == uploads[1].body,
        "both attempts sent identical bytes"
    );
    assert_eq!(
        uploads[0].head.header("content-length"),
        Some(uploads[0].body.len().to_string().as_str())
    );
    assert!(file_part(&uploads[0]) == contents.as_slice());
}

#[tokio::test]
async fn path_upload_fails_clearly_when_the_file_changes_size() {
    let dir = TempDir::new("upload-changed");
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, b"version one\n").unwrap();
    let file = UploadFile::from_path(&path).await.unwrap();
    let grow = path.clone();
    // The first attempt gets a 503; meanwhile the file grows, so the retry must not send it.
    let (server, uploads) = upload_server(
        |_| 503,
        move |_| std::fs::write(&grow, b"version two, longer\n").unwrap(),
    )
    .await;
    let err = client(server.base_url())
        .files()
        .upload(FilesUploadParams::new(file))
        .await
        .unwrap_err();
    match &err {
        Error::Io(e) => {
            assert_eq!(e.kind(), std::io::ErrorKind::InvalidData);
            let text = e.to_string();
            assert!(text.contains("changed size"), "{text}");
            assert!(text.contains("12 bytes"), "{text}");
        }
        other => panic!("expected an I/O error, got {other:?}"),
    }
    let uploads = uploads.lock().unwrap();
    assert_eq!(uploads.len(), 1, "no attempt with the changed file");
    assert!(uploads[0].complete);
    assert_eq!(file_part(&uploads[0]), b"version one\n");
}

/// A stream of `pieces` chunks of text.
fn text_stream(
    pieces: &'static [&'static str],
) -> impl futures::Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static {
    futures::stream::iter(pieces.iter().map(|p| Ok(Bytes::from_static(p.as_bytes()))))
}

#[tokio::test]
async fn stream_upload_with_and_without_length() {
    let (server, uploads) = upload_server(|_| 200, |_| ()).await;
    let client = client(server.base_url());
    let pieces: &[&str] = &["alpha ", "beta ", "gamma"];

    let file = UploadFile::from_stream("words.txt", text_stream(pieces), Some(16));
    assert!(!file.is_resendable());
    assert_eq!((file.size(), file.content_type()), (Some(16), "text/plain"));
    client
        .files()
        .upload(FilesUploadParams::new(file))
        .await
        .unwrap();

    let file = UploadFile::from_stream("words.txt", text_stream(pieces), None);
    assert_eq!(file.size(), None);
    client
        .files()
        .upload(FilesUploadParams::new(file))
        .await
        .unwrap();

    let uploads = uploads.lock().unwrap();
    assert_eq!(uploads.len(), 2);
    for u in uploads.iter() {
        assert_eq!(file_part(u), b"alpha beta gamma");
        let head = String::from_utf8_lossy(&u.body[..u.body.len().min(200)]).into_owned();
        assert!(
            head.contains("filename=\"words.txt\"\r\nContent-Type: text/plain"),
            "{head}"
        );
    }
    let sized = &uploads[0].head;
    assert_eq!(
        sized.header("content-length"),
        Some(uploads[0].body.len().to_string().as_str())
    );
    let chunked = &uploads[1].head;
    assert_eq!(chunked.header("content-length"), None);
    assert_eq!(chunked.header("transfer-encoding"), Some("chunked"));
}

#[tokio::test]
async fn stream_upload_is_not_retried() {
    let (server, uploads) = upload_server(|_| 503, |_| ()).await;
    let client = client(server.base_url());
    assert_eq!(client.core().max_retries(), 2);
    let file = UploadFile::from_stream("s.bin", text_stream(&["one ", "two"]), Some(7));
    let again = file.clone();
    let err = client
        .files()
        .upload(FilesUploadParams::new(file))
        .await
        .unwrap_err();
    assert_eq!(err.as_api().map(|e| e.status), Some(503), "{err:?}");
    assert_eq!(uploads.lock().unwrap().len(), 1, "one attempt only");

    // A clone shares the stream, which has been sent: refused before anything is sent.
    let err = client
        .files()
        .upload(FilesUploadParams::new(again))
        .await
        .unwrap_err();
    match &err {
        Error::Stream(m) => assert!(m.contains("already sent"), "{m}"),
        other => panic!("expected a stream error, got {other:?}"),
    }
    assert_eq!(uploads.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn stream_upload_of_the_wrong_length_or_failing_is_aborted() {
    let (server, uploads) = upload_server(|_| 200, |_| ()).await;
    let client = client(server.base_url());

    // Chunks arrive slowly, so that the request head and the first bytes reach the server
    // before the body fails.
    let slow = |s: futures::stream::BoxStream<'static, std::io::Result<Bytes>>| {
        s.then(|item| async move {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            item
        })
    };
    let short = text_stream(&["only ", "this"]).boxed();
    let short = UploadFile::from_stream("s.bin", slow(short), Some(100));
    let err = client
        .files()
        .upload(FilesUploadParams::new(short))
        .await
        .unwrap_err();
    match &err {
        Error::Stream(m) => assert!(
            m.contains("declared with 100 bytes but ended after 9"),
            "{m}"
        ),
        other => panic!("expected a stream error, got {other:?}"),
    }

    let failing = futures::stream::iter(vec![
        Ok(Bytes::from_static(b"partial ")),
        Err(std::io::Error::other("source went away")),
    ]);
    let file = UploadFile::from_stream("f.bin", slow(failing.boxed()), None);
    let err = client
        .files()
        .upload(FilesUploadParams::new(file))
        .await
        .unwrap_err();
    match &err {
        Error::Io(e) => assert!(e.to_string().contains("source went away"), "{e}"),
        other => panic!("expected an I/O error, got {other:?}"),
    }

    // The server never saw a complete body, and nothing was retried. (The client may return
    // before the server has noticed the aborted body: give it a moment.)
    for _ in 0..200 {
        if uploads.lock().unwrap().len() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let uploads = uploads.lock().unwrap();
    assert_eq!(uploads.len(), 2);
    assert!(uploads.iter().all(|u| !u.complete), "{uploads:?}");
}

/// A server for `GET /v1/files/{id}` and `GET /v1/files/{id}/content`: `full` sends `data`
/// whole, `half` declares its length and breaks the connection after half of it, `gone` is a
/// 404. The metadata of `full` and `half` gives the length of `data`.
async fn download_server(data: Arc<Vec<u8>>) -> Server {
    Server::start(move |head| match head.target.as_str() {
        "/v1/files/full" | "/v1/files/half" => Reply::json(serde_json::json!({
            "id": &head.target["/v1/files/".len()..], "type": "file", "filename": "f.bin",
            "mime_type": "application/octet-stream", "size_bytes": data.len(),
            "created_at": "2025-04-14T00:00:00Z", "downloadable": true,
        })),
        "/v1/files/full/content" => {
            Reply::new(200, &data[..]).content_type("application/octet-stream")
        }
        "/v1/files/half/content" => Reply::new(200, &data[..data.len() / 2])
            .content_type("application/octet-stream")
            .truncated(data.len()),
        _ => Reply::api_error(404, "not_found_error", "no such file"),
    })
    .await
}

fn download_data() -> Arc<Vec<u8>> {
    let mut data = vec![0u8; 3 * 1024 * 1024 + 17];
    bulk_support::pattern(7, &mut data);
    Arc::new(data)
}

#[tokio::test]
async fn download_to_writes_the_exact_bytes() {
    let data = download_data();
    let server = download_server(data.clone()).await;
    let dir = TempDir::new("download-full");
    let dest = dir.path().join("out.bin");
    std::fs::write(&dest, b"an older version").unwrap();
    let n = client(server.base_url())
        .files()
        .download_to("full", &dest)
        .await
        .unwrap();
    assert_eq!(n, data.len() as u64);
    assert!(
        std::fs::read(&dest).unwrap() == *data,
        "the file has the exact bytes"
    );
    assert_eq!(dir.entries(), ["out.bin"], "no temporary file is left");
}

#[tokio::test]
async fn interrupted_download_leaves_no_file_and_keeps_the_old_one() {
    let data = download_data();
    let server = download_server(data).await;
    let client = client(server.base_url());
    let dir = TempDir::new("download-cut");

    // No file there before: none after.
    let dest = dir.path().join("new.bin");
    let err = client.files().download_to("half", &dest).await.unwrap_err();
    assert!(
        matches!(&err, Error::Stream(m) if m.contains("was cut")),
        "{err:?}"
    );
    assert!(!dest.exists());
    assert!(dir.entries().is_empty(), "{:?}", dir.entries());

    // A file there before: unchanged after.
    let dest = dir.path().join("kept.bin");
    std::fs::write(&dest, b"the previous download").unwrap();
    let err = client.files().download_to("half", &dest).await.unwrap_err();
    assert!(
        matches!(&err, Error::Stream(m) if m.contains("was cut")),
        "{err:?}"
    );
    assert_eq!(std::fs::read(&dest).unwrap(), b"the previous download");
    assert_eq!(dir.entries(), ["kept.bin"]);

    // An HTTP error: nothing is created.
    let err = client
        .files()
        .download_to("gone", dir.path().join("missing.bin"))
        .await
        .unwrap_err();
    assert_eq!(err.as_api().map(|e| e.status), Some(404), "{err:?}");
    assert_eq!(dir.entries(), ["kept.bin"]);
}

#[tokio::test]
async fn results_by_url_follows_results_url_and_explains_a_missing_one() {
    let seen: Arc<Mutex<Vec<Recorded>>> = Arc::default();
    let log = seen.clone();
    let server = Server::start(move |head| {
        log.lock().unwrap().push(head.clone());
        let batch = |status: &str, url: Option<String>| {
            format!(
                r#"{{"id":"msgbatch_x","type":"message_batch","processing_status":"{status}","request_counts":{{"processing":0,"succeeded":2,"errored":0,"canceled":1,"expired":0}},"created_at":"2025-09-24T18:37:24Z","expires_at":"2025-09-25T18:37:24Z","results_url":{}}}"#,
                url.map_or("null".to_string(), |u| format!("\"{u}\""))
            )
        };
        match head.target.as_str() {
            "/v1/messages/batches/msgbatch_done" => {
                // The results live at a path of the API's own origin that `results` would not
                // build, so following the URL is what is tested.
                let url = format!("{}/exports/msgbatch_done.jsonl", origin(head));
                Reply::json(batch("ended", Some(url)))
            }
            "/v1/messages/batches/msgbatch_busy" => Reply::json(batch("in_progress", None)),
            "/exports/msgbatch_done.jsonl" => Reply::new(
                200,
                concat!(
                    r#"{"custom_id":"a","result":{"type":"succeeded","message":{"id":"msg_a","type":"message","role":"assistant","model":"m","content":[{"type":"text","text":"hi"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":1}}}}"#,
                    "\n",
                    r#"{"custom_id":"b","result":{"type":"canceled"}}"#,
                    "\n"
                ),
            )
            .content_type("application/x-jsonl"),
            _ => Reply::new(404, "not here").content_type("text/plain"),
        }
    })
    .await;
    let client = client(server.base_url());

    let results: Vec<_> = client
        .messages()
        .batches()
        .results_by_url("msgbatch_done")
        .await
        .unwrap()
        .collect()
        .await;
    let results: Vec<_> = results.into_iter().map(Result::unwrap).collect();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0].custom_id, "a");
    assert!(
        matches!(&results[0].result, MessageBatchResult::Succeeded(s) if s.message.id == "msg_a")
    );
    assert!(matches!(results[1].result, MessageBatchResult::Canceled(_)));
    {
        let seen = seen.lock().unwrap();
        let targets: Vec<&str> = seen.iter().map(|h| h.target.as_str()).collect();
        assert_eq!(
            targets,
            [
                "/v1/messages/batches/msgbatch_done",
                "/exports/msgbatch_done.jsonl"
            ]
        );
        assert_eq!(
            seen[1].header("x-api-key"),
            Some(KEY),
            "same origin: credentials"
        );
        assert_eq!(seen[1].header("accept"), Some("application/x-jsonl"));
    }

    let err = client
        .messages()
        .batches()
        .results_by_url("msgbatch_busy")
        .await
        .unwrap_err();
    match &err {
        Error::Stream(m) => {
            assert!(m.contains("msgbatch_x"), "{m}");
            assert!(m.contains("still processing"), "{m}");
            assert!(m.contains("processing_status: in_progress"), "{m}");
        }
        other => panic!("expected a stream error, got {other:?}"),
    }
    assert_eq!(
        seen.lock().unwrap().len(),
        3,
        "no results request for a busy batch"
    );
}
