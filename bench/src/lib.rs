//! Shared helpers for the benchmarks in `benches/` and the `bench-runtime` binary: making
//! the inputs, the hand-written minimal structs that bound how fast decoding can be, the
//! checksums the Python peer prints, and the loopback servers.
//!
//! The inputs are made by this crate ([`generate`]) into `target/bench-inputs`; [`inputs`]
//! makes them on first use. Nothing here reads outside the repository.

pub mod generate;
pub mod minimal;
pub mod progenitor_subset;
pub mod pyrepr;
pub mod server;

use std::path::{Path, PathBuf};

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the bench crate is inside the workspace")
        .to_path_buf()
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
    /// `message.json`: a large `Message` (about 270 KB).
    pub message: PathBuf,
    /// `results.jsonl`: Message Batch results (about 15 MB).
    pub results: PathBuf,
    /// `inputs.stamp`: which generator made them, at which scale (see [`Inputs::stamp`]).
    pub stamp: PathBuf,
}

impl Inputs {
    /// The input files inside `dir` (whether or not they exist).
    pub fn in_dir(dir: &Path) -> Inputs {
        Inputs {
            dir: dir.to_path_buf(),
            stream: dir.join("stream.sse"),
            message: dir.join("message.json"),
            results: dir.join("results.jsonl"),
            stamp: dir.join("inputs.stamp"),
        }
    }

    /// Whether all three files exist.
    pub fn exist(&self) -> bool {
        [&self.stream, &self.message, &self.results]
            .iter()
            .all(|p| p.is_file())
    }

    /// The text of the stamp written beside inputs made at `scale` by this version of
    /// [`generate`].
    pub fn stamp(scale: u32) -> String {
        format!("bench inputs v{} scale {scale}\n", generate::VERSION)
    }

    /// Whether all three files exist and were made at `scale` by this version of the
    /// generator.
    pub fn are_current(&self, scale: u32) -> bool {
        self.exist()
            && std::fs::read_to_string(&self.stamp).is_ok_and(|s| s == Inputs::stamp(scale))
    }
}

/// Makes the inputs at `scale` in `dir` with [`generate`], unless inputs made at that scale
/// by this version of the generator are already there. Each file is written under a
/// temporary name and renamed, and the stamp is written last, so that an interrupted run
/// leaves nothing that looks current.
pub fn make_inputs(dir: &Path, scale: u32) -> Result<Inputs, String> {
    let inputs = Inputs::in_dir(dir);
    if inputs.are_current(scale) {
        return Ok(inputs);
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    let _ = std::fs::remove_file(&inputs.stamp);
    let write = |path: &Path, text: String| -> Result<(), String> {
        let mut partial = path.as_os_str().to_owned();
        partial.push(format!(".{}.partial", std::process::id()));
        std::fs::write(&partial, text)
            .and_then(|()| std::fs::rename(&partial, path))
            .map_err(|e| format!("writing {}: {e}", path.display()))
    };
    write(&inputs.stream, generate::stream(scale))?;
    write(&inputs.message, generate::message(scale))?;
    write(&inputs.results, generate::results(scale))?;
    write(&inputs.stamp, Inputs::stamp(scale))?;
    Ok(inputs)
}

/// The scale-1 inputs under `target/bench-inputs`, made on first use.
///
/// # Panics
///
/// When they cannot be made (the directory is not writable): a benchmark without its input
/// must not pass silently.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn makes_the_inputs_once_and_again_when_stale() {
        let dir = std::env::temp_dir().join(format!("bench-inputs-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let inputs = make_inputs(&dir, 1).unwrap();
        assert!(inputs.are_current(1));
        assert!(!inputs.are_current(2));
        assert_eq!(
            std::fs::read(&inputs.message).unwrap(),
            generate::message(1).as_bytes()
        );
        assert_eq!(
            std::fs::read(&inputs.results).unwrap(),
            generate::results(1).as_bytes()
        );
        assert_eq!(
            std::fs::read(&inputs.stream).unwrap(),
            generate::stream(1).as_bytes()
        );
        // Current inputs are kept as they are...
        std::fs::write(&inputs.message, "kept").unwrap();
        make_inputs(&dir, 1).unwrap();
        assert_eq!(std::fs::read(&inputs.message).unwrap(), b"kept");
        // ... and inputs from another version of the generator are made again.
        std::fs::write(&inputs.stamp, "bench inputs v0 scale 1\n").unwrap();
        make_inputs(&dir, 1).unwrap();
        assert_eq!(
            std::fs::read(&inputs.message).unwrap(),
            generate::message(1).as_bytes()
        );
        let left: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".partial"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn counts_events_and_lines() {
        assert_eq!(count_sse_events(b"data: 1\n\nevent: x\ndata: 2\n\n"), 2);
        assert_eq!(count_lines(b"a\nb"), 2);
        assert_eq!(count_lines(b"a\nb\n"), 2);
        assert_eq!(count_lines(b""), 0);
    }
}
