//! The Rust side of `cargo xtask bench runtime`.
//!
//! ```text
//! bench-runtime PORT stream|message|results   the jobs of bench/peers/python_sdk.py, with the
//!                                             generated client; prints the same checksum line
//!                                             (`noop`: start-up and client only)
//! bench-runtime limit-stream|limit-message|limit-results DIR
//!                                             the limit of those jobs: the same bytes (the
//!                                             input files in DIR that `serve` sends), decoded
//!                                             into our types as the client decodes them, with
//!                                             no HTTP; prints the same checksum line
//! bench-runtime overhead [REQUESTS] [ROUNDS] [ours|bare]
//!                                             models().retrieve against bare reqwest on a
//!                                             loopback server of its own (one side only:
//!                                             for a profiler)
//! bench-runtime make-inputs DIR [SCALE]      makes the benchmark inputs at SCALE (default 1)
//!                                             in DIR with `bench::generate`, unless current
//!                                             ones are there; prints their paths and sizes
//! bench-runtime serve DIR                     serves the inputs in DIR as the API the jobs
//!                                             call (`bench::server::FakeApi`); prints
//!                                             `port N`, runs until stdin closes
//! bench-runtime serve-results FILE [disk|memory]
//!                                             serves a batch whose results are FILE, read
//!                                             from disk while sent (default) or held in
//!                                             memory; prints `port N`, runs until stdin
//!                                             closes
//! bench-runtime make-large SRC DEST BYTES     writes DEST, at least BYTES long, by repeating
//!                                             the lines of SRC with fresh custom_ids
//! bench-runtime profile WORK [N]              the in-process work of the criterion benches,
//!                                             N times, for a profiler (callgrind, perf):
//!                                             decode-ours, decode-ours-client,
//!                                             decode-value, decode-minimal, stream, jsonl,
//!                                             jsonl-value
//! ```
//!
//! The jobs print, on standard error, `peak_rss_kib N` (the process's `VmHWM`) and, for
//! `results`, the bytes of results read.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use anthropic_openapi::{
    Client, ContentBlock, Message, MessageBatchIndividualResponse, MessageBatchResult,
    MessageCreateParams, MessageParam, ModelInfo,
};
use futures::StreamExt as _;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["overhead", rest @ ..] => {
            let requests = rest.first().and_then(|s| s.parse().ok()).unwrap_or(2000);
            let rounds = rest.get(1).and_then(|s| s.parse().ok()).unwrap_or(7);
            overhead(requests, rounds, rest.get(2).copied())
        }
        ["profile", work, rest @ ..] => {
            let times = rest.first().and_then(|s| s.parse().ok()).unwrap_or(1);
            profile(work, times)
        }
        ["make-inputs", dir, rest @ ..] => match rest {
            [] => make_inputs(Path::new(dir), 1),
            [scale] => match scale.parse() {
                Ok(scale) if scale > 0 => make_inputs(Path::new(dir), scale),
                _ => Err(format!("SCALE must be a positive number, not {scale:?}")),
            },
            _ => Err(USAGE.into()),
        },
        ["serve", dir] => serve_inputs(Path::new(dir)),
        [
            job @ ("limit-stream" | "limit-message" | "limit-results"),
            dir,
        ] => limit_job(job, Path::new(dir)),
        ["serve-results", file] => serve_results(Path::new(file), false),
        ["serve-results", file, "disk"] => serve_results(Path::new(file), false),
        ["serve-results", file, "memory"] => serve_results(Path::new(file), true),
        ["make-large", src, dest, bytes] => match bytes.parse() {
            Ok(n) => make_large(Path::new(src), Path::new(dest), n),
            Err(_) => Err(format!("BYTES must be a number, not {bytes:?}")),
        },
        [port, job] => match port.parse::<u16>() {
            Ok(port) => run_job(port, job),
            Err(_) => Err(format!("PORT must be a port number, not {port:?}")),
        },
        _ => Err(USAGE.into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench-runtime: {e}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "usage: bench-runtime PORT stream|message|results|noop \
                     | limit-stream|limit-message|limit-results DIR \
                     | overhead [REQUESTS] [ROUNDS] [ours|bare] | make-inputs DIR [SCALE] \
                     | serve DIR | serve-results FILE [disk|memory] | make-large SRC DEST BYTES \
                     | profile WORK [N]";

/// Makes the inputs at `scale` in `dir` (unless current ones are there) and prints their
/// paths and sizes.
fn make_inputs(dir: &Path, scale: u32) -> Result<(), String> {
    let inputs = bench::make_inputs(dir, scale)?;
    for path in [&inputs.stream, &inputs.message, &inputs.results] {
        let size = std::fs::metadata(path).map_err(|e| e.to_string())?.len();
        println!("{} {size}", path.display());
    }
    Ok(())
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("tokio runtime: {e}"))
}

fn client(port: u16) -> Result<Client, String> {
    Client::builder()
        .api_key("k")
        .base_url(format!("http://127.0.0.1:{port}"))
        .max_retries(0)
        .build()
        .map_err(|e| e.to_string())
}

fn request() -> MessageCreateParams {
    MessageCreateParams::new("claude-sonnet-4-5", vec![MessageParam::user("hi")], 1024)
}

/// One job of `bench/peers/python_sdk.py`, printing the same checksum line.
fn run_job(port: u16, job: &str) -> Result<(), String> {
    let client = client(port)?;
    let line = runtime()?.block_on(async {
        match job {
            "stream" => stream_job(&client).await,
            "message" => message_job(&client).await,
            "results" => results_job(&client).await,
            // Start-up only (as the Python peer with a job it does not know): no request.
            "noop" => Ok(String::new()),
            other => Err(format!("unknown job {other:?} (stream, message, results)")),
        }
    })?;
    if !line.is_empty() {
        println!("{line}");
    }
    if let Some(kib) = measure::peak_rss_kib() {
        eprintln!("peak_rss_kib {kib}");
    }
    Ok(())
}

/// `len(content)`, the text and thinking lengths, and `len(str(tool input))`.
async fn stream_job(client: &Client) -> Result<String, String> {
    let message = client
        .messages()
        .stream(request())
        .await
        .map_err(|e| e.to_string())?
        .final_message()
        .await
        .map_err(|e| e.to_string())?;
    stream_line(&message)
}

/// The checksum line of the `stream` job for the final message: `len(content)`, the text and
/// thinking lengths, and `len(str(tool input))`.
fn stream_line(message: &Message) -> Result<String, String> {
    let [
        ContentBlock::Thinking(thinking),
        ContentBlock::Text(text),
        ContentBlock::ToolUse(tool),
    ] = message.content.as_slice()
    else {
        return Err("the streamed message does not have thinking, text and tool_use blocks".into());
    };
    let input = serde_json::Value::Object(tool.input.clone());
    Ok(format!(
        "{} {} {} {}",
        message.content.len(),
        text.text.chars().count(),
        thinking.thinking.chars().count(),
        bench::pyrepr::repr_len(&input)
    ))
}

/// 50 non-streaming requests; `len(content)` of the last.
async fn message_job(client: &Client) -> Result<String, String> {
    let mut blocks = 0;
    for _ in 0..50 {
        let message = client
            .messages()
            .create(request())
            .await
            .map_err(|e| e.to_string())?;
        blocks = message.content.len();
    }
    Ok(blocks.to_string())
}

/// The number of results and of succeeded ones.
async fn results_job(client: &Client) -> Result<String, String> {
    let mut results = client
        .messages()
        .batches()
        .results_by_url("msgbatch_bench")
        .await
        .map_err(|e| e.to_string())?;
    let (mut n, mut ok) = (0u64, 0u64);
    while let Some(item) = results.next().await {
        let item = item.map_err(|e| e.to_string())?;
        n += 1;
        ok += u64::from(matches!(item.result, MessageBatchResult::Succeeded(_)));
    }
    Ok(format!("{n} {ok}"))
}

/// The limit of a job: the bytes `bench-runtime serve DIR` would send (the input files in
/// `dir`), decoded into our types the way the client decodes a response body, with no HTTP
/// and no client; prints the job's checksum line.
///
/// - `limit-stream`: `stream.sse`, read in 16 KiB chunks, through the SSE decoder into
///   `MessageStreamEvent`s and the accumulator (`MessageStream`) to the final `Message`.
/// - `limit-message`: `message.json`, read whole (as the client reads a JSON body), into
///   `Message` fifty times, by the function the client uses on every JSON body
///   (`runtime::from_json_slice`).
/// - `limit-results`: `results.jsonl`, read in 16 KiB chunks, through the JSONL decoder into
///   `MessageBatchIndividualResponse`s.
fn limit_job(job: &str, dir: &Path) -> Result<(), String> {
    use anthropic_openapi::{JsonlStream, SseStream};
    use futures::executor::block_on;
    let inputs = bench::Inputs::in_dir(dir);
    let line = match job {
        "limit-stream" => {
            let events = SseStream::from_byte_stream(file_body(&inputs.stream)?);
            let message = block_on(anthropic_openapi::MessageStream::new(events).final_message())
                .map_err(|e| e.to_string())?;
            stream_line(&message)?
        }
        "limit-message" => {
            let data = std::fs::read(&inputs.message)
                .map_err(|e| format!("reading {}: {e}", inputs.message.display()))?;
            let mut blocks = 0;
            for _ in 0..50 {
                let message: Message =
                    anthropic_openapi_runtime::from_json_slice(&data).map_err(|e| e.to_string())?;
                blocks = message.content.len();
            }
            blocks.to_string()
        }
        "limit-results" => {
            let mut lines = std::pin::pin!(
                JsonlStream::<MessageBatchIndividualResponse>::from_byte_stream(file_body(
                    &inputs.results
                )?)
            );
            let (mut n, mut ok) = (0u64, 0u64);
            while let Some(item) = block_on(lines.next()) {
                let item = item.map_err(|e| e.to_string())?;
                n += 1;
                ok += u64::from(matches!(item.result, MessageBatchResult::Succeeded(_)));
            }
            format!("{n} {ok}")
        }
        other => return Err(format!("unknown limit job {other:?}")),
    };
    println!("{line}");
    if let Some(kib) = measure::peak_rss_kib() {
        eprintln!("peak_rss_kib {kib}");
    }
    Ok(())
}

/// The file at `path` as a body stream of 16 KiB chunks read while it is consumed, as a
/// response body arrives.
fn file_body(
    path: &Path,
) -> Result<
    impl futures::Stream<Item = anthropic_openapi::Result<bytes::Bytes>> + Send + 'static,
    String,
> {
    use std::io::Read as _;
    let mut file =
        std::fs::File::open(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    Ok(futures::stream::iter(std::iter::from_fn(move || {
        let mut buf = vec![0u8; 16 * 1024];
        match file.read(&mut buf) {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some(Ok(bytes::Bytes::from(buf)))
            }
            Err(e) => Some(Err(e.into())),
        }
    })))
}

/// `REQUESTS` sequential `models().retrieve` calls with the generated client, then the same
/// with bare `reqwest` (a `reqwest::Client` with the same settings, the same headers,
/// `serde_json` into the same type), `ROUNDS` times, alternating which goes first. Prints a line per round and per side:
/// `round R ours|bare WALL_NS CPU_NS`, per request: the wall time, and the time the client's
/// thread was on a CPU (from `/proc/thread-self/schedstat`; 0 where it is not available),
/// which other processes on the machine disturb less.
///
/// With `only` (`ours` or `bare`), runs just that side, once, after a short warm-up: for a
/// profiler, which then counts the same server work on both sides.
fn overhead(requests: u32, rounds: u32, only: Option<&str>) -> Result<(), String> {
    let port = bench::server::spawn_models_server().map_err(|e| e.to_string())?;
    // The bare client is built before ours: it needs the rustls provider ours installs.
    anthropic_openapi::install_rustls_provider();
    let http = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| e.to_string())?;
    let ours = Client::builder()
        .api_key("k")
        .base_url(format!("http://127.0.0.1:{port}"))
        .max_retries(0)
        .connect_timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| e.to_string())?;
    let url = format!("http://127.0.0.1:{port}/v1/models/claude-sonnet-4-5");
    let mut headers = reqwest::header::HeaderMap::new();
    for (name, value) in [
        ("user-agent", "anthropic-openapi/0.1.0"),
        ("accept", "application/json"),
        ("anthropic-version", "2023-06-01"),
        ("x-api-key", "k"),
        ("x-stainless-retry-count", "0"),
    ] {
        headers.insert(name, reqwest::header::HeaderValue::from_static(value));
    }

    let rt = runtime()?;
    rt.block_on(async {
        let ours_batch = |n: u32| {
            let ours = ours.clone();
            async move {
                let start = measure::Stopwatch::start();
                for _ in 0..n {
                    let model = ours
                        .models()
                        .retrieve("claude-sonnet-4-5")
                        .await
                        .map_err(|e| e.to_string())?;
                    std::hint::black_box(model);
                }
                Ok::<(Duration, Duration), String>(start.elapsed())
            }
        };
        let bare_batch = |n: u32| {
            let http = http.clone();
            let url = url.clone();
            let headers = headers.clone();
            async move {
                let start = measure::Stopwatch::start();
                for _ in 0..n {
                    let resp = http
                        .get(&url)
                        .headers(headers.clone())
                        .send()
                        .await
                        .map_err(|e| e.to_string())?;
                    if !resp.status().is_success() {
                        return Err(format!("HTTP {}", resp.status()));
                    }
                    let body = resp.bytes().await.map_err(|e| e.to_string())?;
                    let model: ModelInfo =
                        serde_json::from_slice(&body).map_err(|e| e.to_string())?;
                    std::hint::black_box(model);
                }
                Ok::<(Duration, Duration), String>(start.elapsed())
            }
        };
        match only {
            Some("ours") => {
                ours_batch(10).await?;
                ours_batch(requests).await?;
                return Ok(());
            }
            Some("bare") => {
                bare_batch(10).await?;
                bare_batch(requests).await?;
                return Ok(());
            }
            Some(other) => return Err(format!("overhead side is ours or bare, not {other:?}")),
            None => {}
        }
        // Warm up both paths (connection, allocator, caches).
        ours_batch(requests / 4 + 1).await?;
        bare_batch(requests / 4 + 1).await?;
        let per = |(wall, cpu): (Duration, Duration)| {
            let n = u128::from(requests.max(1));
            format!("{} {}", wall.as_nanos() / n, cpu.as_nanos() / n)
        };
        for round in 0..rounds {
            let (o, b) = if round % 2 == 0 {
                let o = ours_batch(requests).await?;
                (o, bare_batch(requests).await?)
            } else {
                let b = bare_batch(requests).await?;
                (ours_batch(requests).await?, b)
            };
            println!("round {round} ours {}", per(o));
            println!("round {round} bare {}", per(b));
        }
        Ok::<(), String>(())
    })
}

/// Serves `file` as the results of any batch (read from disk while sent, or held in memory);
/// prints the port, runs until stdin closes.
fn serve_results(file: &Path, in_memory: bool) -> Result<(), String> {
    if !file.is_file() {
        return Err(format!("{} not found", file.display()));
    }
    let file = file.to_path_buf();
    announce_and_serve(move |listener| bench::server::serve_results(listener, &file, in_memory))
}

/// Serves the inputs in `dir` as the API the jobs call ([`bench::server::FakeApi`]); prints
/// the port, runs until stdin closes.
fn serve_inputs(dir: &Path) -> Result<(), String> {
    let inputs = bench::Inputs::in_dir(dir);
    if !inputs.exist() {
        return Err(format!(
            "no inputs in {} (make them with `bench-runtime make-inputs {}`)",
            dir.display(),
            dir.display()
        ));
    }
    let api = bench::server::FakeApi::from_inputs(&inputs)
        .map_err(|e| format!("reading the inputs in {}: {e}", dir.display()))?;
    announce_and_serve(move |listener| api.serve(listener))
}

/// Binds a loopback port, serves on it with `serve` on a background thread, prints
/// `port N`, and returns when stdin closes (the parent closed it, or exited).
fn announce_and_serve<S>(serve: S) -> Result<(), String>
where
    S: FnOnce(std::net::TcpListener) -> std::io::Result<()> + Send + 'static,
{
    let (listener, port) = measure::bind_loopback().map_err(|e| e.to_string())?;
    std::thread::spawn(move || {
        if let Err(e) = serve(listener) {
            eprintln!("bench-runtime: serving: {e}");
        }
    });
    println!("port {port}");
    std::io::stdout().flush().map_err(|e| e.to_string())?;
    let mut sink = Vec::new();
    let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut sink);
    Ok(())
}

/// Writes `dest` by repeating the lines of `src`, numbering `custom_id`s afresh, until it is
/// at least `bytes` long.
fn make_large(src: &Path, dest: &Path, bytes: u64) -> Result<(), String> {
    let source = std::fs::read(src).map_err(|e| format!("reading {}: {e}", src.display()))?;
    let lines: Vec<&[u8]> = source
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    if lines.is_empty() {
        return Err(format!("{} has no lines", src.display()));
    }
    if let Some(dir) = dest.parent() {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    let tmp = dest.with_extension("partial");
    let file = std::fs::File::create(&tmp).map_err(|e| format!("{}: {e}", tmp.display()))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let prefix = b"{\"custom_id\": \"";
    let (mut written, mut id) = (0u64, 0u64);
    'outer: loop {
        for line in &lines {
            // `{"custom_id": "req-N", ...`: replace the id, keep the rest.
            let rest = line
                .strip_prefix(prefix.as_slice())
                .and_then(|r| memchr::memchr(b'"', r).map(|q| &r[q..]))
                .ok_or("a line of the source does not start with its custom_id")?;
            let head = format!("{{\"custom_id\": \"req-{id}");
            out.write_all(head.as_bytes()).map_err(|e| e.to_string())?;
            out.write_all(rest).map_err(|e| e.to_string())?;
            out.write_all(b"\n").map_err(|e| e.to_string())?;
            written += (head.len() + rest.len() + 1) as u64;
            id += 1;
            if written >= bytes {
                break 'outer;
            }
        }
    }
    out.flush().map_err(|e| e.to_string())?;
    drop(out);
    std::fs::rename(&tmp, dest).map_err(|e| e.to_string())?;
    println!("{} {written} bytes, {id} lines", dest.display());
    Ok(())
}

/// Runs the in-process work of a criterion bench `times` times, on the scale-1 inputs.
fn profile(work: &str, times: u32) -> Result<(), String> {
    use anthropic_openapi::{JsonlStream, SseStream};
    use futures::executor::block_on;
    let inputs = bench::inputs();
    let mut total = 0usize;
    match work {
        "decode-ours" | "decode-ours-client" | "decode-value" | "decode-minimal" => {
            let bytes = bench::read(&inputs.message);
            for _ in 0..times {
                total += match work {
                    "decode-ours" => {
                        let m: anthropic_openapi::Message =
                            serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
                        m.content.len()
                    }
                    "decode-ours-client" => {
                        let m: anthropic_openapi::Message =
                            anthropic_openapi_runtime::from_json_slice(&bytes)
                                .map_err(|e| e.to_string())?;
                        m.content.len()
                    }
                    "decode-value" => {
                        let v: serde_json::Value =
                            serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
                        v["content"].as_array().map_or(0, Vec::len)
                    }
                    _ => {
                        let m: bench::minimal::Message =
                            serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
                        m.content.len()
                    }
                };
            }
        }
        "stream" => {
            let data = bytes::Bytes::from(bench::read(&inputs.stream));
            let chunks = bench::chunks(&data, 16 * 1024);
            for _ in 0..times {
                let body = bench::body(&chunks);
                let events = SseStream::from_byte_stream(body);
                let message =
                    block_on(anthropic_openapi::MessageStream::new(events).final_message())
                        .map_err(|e| e.to_string())?;
                total += message.content.len();
            }
        }
        "jsonl" => {
            let data = bytes::Bytes::from(bench::read(&inputs.results));
            let chunks = bench::chunks(&data, 16 * 1024);
            for _ in 0..times {
                let body = bench::body(&chunks);
                let lines =
                    JsonlStream::<anthropic_openapi::MessageBatchIndividualResponse>::from_byte_stream(body);
                total += block_on(lines.filter(|l| futures::future::ready(l.is_ok())).count());
            }
        }
        "jsonl-value" => {
            let data = bench::read(&inputs.results);
            for _ in 0..times {
                for line in data.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
                    let value: serde_json::Value =
                        serde_json::from_slice(line).map_err(|e| e.to_string())?;
                    total += usize::from(value.is_object());
                }
            }
        }
        other => return Err(format!("unknown work {other:?}")),
    }
    println!("{total}");
    Ok(())
}
