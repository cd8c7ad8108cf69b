//! Fault injection for `files().download_to(..)`: a loopback server that cuts the body short
//! (with and without announcing its length), sends too much, or is never reached because the
//! target path is unusable. A download either puts exactly the file's `size_bytes` bytes at
//! the path, or fails with an error that says how far it got, leaving an existing file as it
//! was (content and permissions) and no temporary file behind.

mod bulk_support;

use std::path::Path;
use std::time::Duration;

use anthropic_openapi::{Client, Error};
use bulk_support::{TempDir, client};
use serde_json::json;
use testkit::{Recorded, Reply, Server};

/// The size of the file in the reported case: 768 KiB, of which 1,000 bytes arrived.
const SIZE: usize = 786_432;

/// The longest any case here may take.
const LIMIT: Duration = Duration::from_secs(30);

fn data(len: usize) -> Vec<u8> {
    let mut data = vec![0; len];
    bulk_support::pattern(3, &mut data);
    data
}

fn metadata(id: &str, size: usize) -> Reply {
    Reply::json(json!({
        "id": id, "type": "file", "filename": "report.bin", "mime_type": "application/octet-stream",
        "size_bytes": size, "created_at": "2025-04-14T00:00:00Z", "downloadable": true,
    }))
}

/// A server whose file `f` has metadata saying `size` bytes, and whose content endpoint
/// answers with `content` (built from the file's real bytes, `SIZE` of them).
async fn server(size: usize, content: impl Fn(Vec<u8>) -> Reply + Send + Sync + 'static) -> Server {
    Server::start(move |head| match head.path() {
        "/v1/files/f" => metadata("f", size),
        "/v1/files/f/content" => content(data(SIZE)).content_type("application/octet-stream"),
        other => panic!("unexpected request for {other}"),
    })
    .await
}

async fn download(client: &Client, dest: &Path) -> anthropic_openapi::Result<u64> {
    tokio::time::timeout(LIMIT, client.files().download_to("f", dest))
        .await
        .expect("the download ends in time")
}

fn paths(requests: &[Recorded]) -> Vec<&str> {
    requests.iter().map(Recorded::path).collect()
}

fn stream_message(result: anthropic_openapi::Result<u64>) -> String {
    match result {
        Err(Error::Stream(message)) => message,
        other => panic!("expected a stream error, got {other:?}"),
    }
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// The reported case: no `content-length`, the connection closed cleanly after 1,000 of the
/// file's 786,432 bytes. The HTTP layer sees a complete body; the file's `size_bytes` does
/// not agree, so the old file stays and the error says how far the download got.
#[tokio::test]
async fn a_body_ended_by_the_connection_is_checked_against_size_bytes() {
    let server = server(SIZE, |data| {
        Reply::new(200, &data[..1000]).close_delimited()
    })
    .await;
    let dir = TempDir::new("fault-download-close");
    let dest = dir.path().join("report.bin");
    std::fs::write(&dest, b"the previous version").unwrap();

    let message = stream_message(download(&bulk_support::client(server.base_url()), &dest).await);
    assert!(
        message.contains("ended after 1000 of 786432 bytes"),
        "{message}"
    );
    assert!(message.contains("was not touched"), "{message}");
    assert_eq!(std::fs::read(&dest).unwrap(), b"the previous version");
    assert_eq!(dir.entries(), ["report.bin"], "no temporary file is left");
    assert_eq!(
        paths(&server.take()),
        ["/v1/files/f", "/v1/files/f/content"]
    );
}

/// A body that announces its length and breaks off: not "error decoding response body" but
/// an error saying the download was cut, after how many of how many bytes.
#[tokio::test]
async fn a_body_cut_before_its_content_length_says_how_far_it_got() {
    let server = server(SIZE, |data| Reply::new(200, &data[..1000]).truncated(SIZE)).await;
    let dir = TempDir::new("fault-download-cut");
    let dest = dir.path().join("new.bin");

    let message = stream_message(download(&client(server.base_url()), &dest).await);
    assert!(message.contains("was cut"), "{message}");
    assert!(
        message.contains("ended after 1000 of 786432 bytes"),
        "{message}"
    );
    assert!(!dest.exists());
    assert!(dir.entries().is_empty(), "{:?}", dir.entries());
}

/// A body longer than `size_bytes` is refused as soon as it passes that size.
#[tokio::test]
async fn a_body_longer_than_size_bytes_is_refused() {
    let server = server(SIZE - 1, |data| Reply::new(200, data).close_delimited()).await;
    let dir = TempDir::new("fault-download-long");
    let dest = dir.path().join("kept.bin");
    std::fs::write(&dest, b"old").unwrap();

    let message = stream_message(download(&client(server.base_url()), &dest).await);
    assert!(
        message.contains("more than the file's size_bytes (786431)"),
        "{message}"
    );
    assert_eq!(std::fs::read(&dest).unwrap(), b"old");
    assert_eq!(dir.entries(), ["kept.bin"]);
}

/// A whole body, even one that ends with the connection, is written and its length returned.
#[tokio::test]
async fn a_whole_body_ended_by_the_connection_is_written() {
    let server = server(SIZE, |data| {
        Reply::new(200, data).close_delimited().split(64 * 1024)
    })
    .await;
    let dir = TempDir::new("fault-download-whole");
    let dest = dir.path().join("whole.bin");
    let n = download(&client(server.base_url()), &dest).await.unwrap();
    assert_eq!(n, SIZE as u64);
    assert!(std::fs::read(&dest).unwrap() == data(SIZE));
    assert_eq!(dir.entries(), ["whole.bin"]);
}

/// A file that is replaced keeps its permission bits (0600 stays 0600, 0640 stays 0640); a
/// new file gets those of any newly created file in the same directory.
#[cfg(unix)]
#[tokio::test]
async fn replacing_a_file_keeps_its_permissions() {
    let server = server(SIZE, |data| Reply::new(200, data)).await;
    let client = client(server.base_url());
    let dir = TempDir::new("fault-download-mode");

    for old_mode in [0o600, 0o640] {
        let dest = dir.path().join(format!("secret-{old_mode:o}.bin"));
        std::fs::write(&dest, b"old").unwrap();
        set_mode(&dest, old_mode);
        download(&client, &dest).await.unwrap();
        assert!(std::fs::read(&dest).unwrap() == data(SIZE));
        assert_eq!(mode(&dest), old_mode, "{}", dest.display());
    }

    let fresh = dir.path().join("fresh.bin");
    download(&client, &fresh).await.unwrap();
    let reference = dir.path().join("reference");
    std::fs::write(&reference, b"").unwrap();
    assert_eq!(mode(&fresh), mode(&reference));
}

/// A path that cannot be written fails before any request: a missing directory, a "directory"
/// that is a file, and a path that is itself a directory.
#[tokio::test]
async fn an_unusable_path_fails_before_any_request() {
    let server = server(SIZE, |data| Reply::new(200, data)).await;
    let client = client(server.base_url());
    let dir = TempDir::new("fault-download-nowhere");
    let a_file = dir.path().join("a-file");
    std::fs::write(&a_file, b"x").unwrap();

    let missing = dir.path().join("no-such-dir").join("out.bin");
    let err = download(&client, &missing).await.unwrap_err();
    match &err {
        Error::Io(e) => {
            assert_eq!(e.kind(), std::io::ErrorKind::NotFound, "{e}");
            assert!(e.to_string().contains("nothing was requested"), "{e}");
        }
        other => panic!("expected an I/O error, got {other:?}"),
    }

    let under_a_file = a_file.join("out.bin");
    let err = download(&client, &under_a_file).await.unwrap_err();
    assert!(matches!(err, Error::Io(_)), "{err:?}");

    let err = download(&client, dir.path()).await.unwrap_err();
    assert!(
        matches!(&err, Error::Config(m) if m.contains("is a directory")),
        "{err:?}"
    );

    assert!(server.take().is_empty(), "no request was sent");
    assert_eq!(dir.entries(), ["a-file"]);
}

/// A file that does not exist: the metadata request's 404 is the error, and the temporary file
/// made while checking the path is gone.
#[tokio::test]
async fn a_missing_file_fails_with_the_api_error_and_leaves_nothing() {
    let server =
        Server::start(|_| Reply::api_error(404, "not_found_error", "File not found")).await;
    let dir = TempDir::new("fault-download-404");
    let err = download(&client(server.base_url()), &dir.path().join("x.bin"))
        .await
        .unwrap_err();
    assert_eq!(err.as_api().map(|e| e.status), Some(404), "{err:?}");
    assert!(dir.entries().is_empty(), "{:?}", dir.entries());
    assert_eq!(paths(&server.take()), ["/v1/files/f"]);
}
