//! Shared helpers for the benchmarks in `benches/` and the `bench-runtime` binary: locating
//! and making the inputs, the hand-written minimal structs that bound how fast decoding can
//! be, the checksums the Python peer prints, and the loopback servers.
//!
//! The inputs are made by `../shared/bench/make_inputs.py` (next to the repository) into
//! `target/bench-inputs`; [`inputs`] makes them on first use.

pub mod minimal;
pub mod progenitor_subset;
pub mod pyrepr;
pub mod server;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the bench crate is inside the workspace")
        .to_path_buf()
}

/// The directory of the shared benchmark scripts: `$BENCH_SHARED_DIR` when set, otherwise
/// `../shared/bench` beside the workspace.
pub fn shared_dir() -> PathBuf {
    match std::env::var_os("BENCH_SHARED_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => workspace_root().join("..").join("shared").join("bench"),
    }
}

/// Where the scale-1 inputs live: `target/bench-inputs` of the workspace.
pub fn inputs_dir() -> PathBuf {
    workspace_root().join("target").join("bench-inputs")
}

/// The three benchmark inputs, as files.
#[derive(Clone, Debug)]
pub struct Inputs {
    /// The directory holding them.
    pub dir: PathBuf,
    /// `stream.sse`: a streamed message with thinking, text and tool input (about 3 MB).
    pub stream: PathBuf,
    /// `message.json`: a large `Message` (about 275 KB).
    pub message: PathBuf,
    /// `results.jsonl`: Message Batch results (about 15 MB).
    pub results: PathBuf,
}

impl Inputs {
    /// The input files inside `dir` (whether or not they exist).
    pub fn in_dir(dir: &Path) -> Inputs {
        Inputs {
            dir: dir.to_path_buf(),
            stream: dir.join("stream.sse"),
            message: dir.join("message.json"),
            results: dir.join("results.jsonl"),
        }
    }

    /// Whether all three files exist.
    pub fn exist(&self) -> bool {
        [&self.stream, &self.message, &self.results]
            .iter()
            .all(|p| p.is_file())
    }
}

/// Makes the inputs at `scale` in `dir` with `make_inputs.py`, unless they are already there.
pub fn make_inputs(dir: &Path, scale: u32) -> Result<Inputs, String> {
    let inputs = Inputs::in_dir(dir);
    if inputs.exist() {
        return Ok(inputs);
    }
    let script = shared_dir().join("make_inputs.py");
    if !script.is_file() {
        return Err(format!(
            "{} not found (set BENCH_SHARED_DIR to the directory holding make_inputs.py)",
            script.display()
        ));
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    let status = Command::new("python3")
        .arg(&script)
        .arg(dir)
        .arg(scale.to_string())
        .stdout(std::process::Stdio::null())
        .status()
        .map_err(|e| format!("running python3 {}: {e}", script.display()))?;
    if !status.success() || !inputs.exist() {
        return Err(format!("{} failed ({status})", script.display()));
    }
    Ok(inputs)
}

/// The scale-1 inputs under `target/bench-inputs`, made on first use.
///
/// # Panics
///
/// When they cannot be made (no `python3`, or the script is missing): a benchmark without
/// its input must not pass silently.
pub fn inputs() -> Inputs {
    make_inputs(&inputs_dir(), 1).unwrap_or_else(|e| panic!("benchmark inputs: {e}"))
}

/// Reads a whole input file.
///
/// # Panics
///
/// When the file cannot be read.
pub fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// Cuts `data` into chunks of `size` bytes (the last one shorter), as a network read would
/// hand them over. The chunks share `data`'s buffer.
pub fn chunks(data: &bytes::Bytes, size: usize) -> Vec<bytes::Bytes> {
    (0..data.len())
        .step_by(size.max(1))
        .map(|start| data.slice(start..(start + size).min(data.len())))
        .collect()
}

/// `chunks` as a response body stream, as the SSE and JSONL decoders read it
/// (`SseStream::from_byte_stream`, `JsonlStream::from_byte_stream`).
pub fn body(
    chunks: &[bytes::Bytes],
) -> impl futures::Stream<Item = anthropic_openapi::Result<bytes::Bytes>> + Send + 'static {
    let owned: Vec<bytes::Bytes> = Vec::from(chunks);
    futures::stream::iter(owned.into_iter().map(Ok))
}

/// The number of server-sent events in `sse` (blank-line separated blocks with a `data`
/// field), counted the cheap way: lines that start with `data:`.
pub fn count_sse_events(sse: &[u8]) -> u64 {
    let rest = memchr::memmem::find_iter(sse, b"\ndata:").count() as u64;
    rest + u64::from(sse.starts_with(b"data:"))
}

/// The number of lines in `data` (a last line without a newline counts).
pub fn count_lines(data: &[u8]) -> u64 {
    let newlines = memchr::memchr_iter(b'\n', data).count() as u64;
    newlines + u64::from(!data.is_empty() && !data.ends_with(b"\n"))
}

/// The peak resident set size of this process so far, in KiB (`VmHWM` of
/// `/proc/self/status`), where the system reports it.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
