//! A 64 MiB file uploaded from its path is streamed from disk: the server receives exactly
//! its bytes, and the peak allocation (measured by a counting global allocator; this binary
//! has this one test) stays far below the file's size.

mod bulk_support;

use std::sync::{Arc, Mutex};
use std::time::Instant;

use anthropic_openapi::FilesUploadParams;
use anthropic_openapi::UploadFile;
use bulk_support::{MultipartDigest, TempDir, client};
use peak_alloc::PeakAlloc;
use testkit::{Recorded, Reply, Server};

#[global_allocator]
static ALLOC: PeakAlloc = PeakAlloc;

const FILE_LEN: u64 = 64 * 1024 * 1024;
/// The peak allocation allowed during the upload: an eighth of the file.
const PEAK_LIMIT: usize = 8 * 1024 * 1024;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn path_upload_streams_a_64_mib_file() {
    let dir = TempDir::new("upload-64m");
    let path = dir.path().join("big.bin");
    let expected_hash = bulk_support::write_pattern_file(&path, FILE_LEN);

    // The body is hashed as it streams past, never kept.
    let received: Arc<Mutex<Vec<(Recorded, MultipartDigest)>>> = Arc::default();
    let log = received.clone();
    let server = Server::start_streaming(MultipartDigest::new, move |head, digest| {
        log.lock().unwrap().push((head.clone(), digest));
        Reply::json(
            r#"{"id":"file_big","type":"file","filename":"big.bin","mime_type":"application/octet-stream","size_bytes":67108864,"created_at":"2025-04-14T00:00:00Z","downloadable":false}"#,
        )
    })
    .await;
    let client = client(server.base_url());

    let baseline = ALLOC.current_usage();
    ALLOC.reset_peak_usage();
    let started = Instant::now();
    let file = UploadFile::from_path(&path).await.unwrap();
    assert_eq!(file.size(), Some(FILE_LEN));
    let meta = client
        .files()
        .upload(FilesUploadParams::new(file))
        .await
        .unwrap();
    let elapsed = started.elapsed();
    let peak = ALLOC.peak_usage().saturating_sub(baseline);
    println!(
        "uploaded {FILE_LEN} bytes from a path in {elapsed:?}; peak allocation above baseline: \
         {peak} bytes ({:.2} MiB), baseline {baseline} bytes",
        peak as f64 / (1024.0 * 1024.0)
    );
    assert_eq!(meta.id, "file_big");

    let received = received.lock().unwrap();
    assert_eq!(received.len(), 1);
    let (head, digest) = &received[0];
    assert_eq!(head.method, "POST");
    assert_eq!(head.target, "/v1/files");
    let boundary = head
        .header("content-type")
        .unwrap()
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap();
    let part_head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    );
    assert_eq!(String::from_utf8_lossy(&digest.head), part_head);
    assert_eq!(digest.file_len, FILE_LEN);
    assert_eq!(digest.file_hash, expected_hash);
    assert_eq!(digest.tail, format!("\r\n--{boundary}--\r\n").as_bytes());
    assert_eq!(
        head.header("content-length")
            .unwrap()
            .parse::<u64>()
            .unwrap(),
        part_head.len() as u64 + FILE_LEN + digest.tail.len() as u64
    );
    assert!(
        peak < PEAK_LIMIT,
        "peak allocation {peak} bytes exceeds {PEAK_LIMIT}"
    );
}
