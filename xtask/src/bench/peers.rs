//! The peers of `cargo xtask bench runtime` other than the Python SDK: the official TypeScript
//! SDK on Node.js, and two Rust crates for Claude from crates.io, each running the
//! whole-process jobs through a program of ours (`bench/peers/`).
//!
//! - The TypeScript SDK is installed with npm into `.tools/bench-node` when the pinned
//!   version is not there, and `bench/peers/typescript_sdk.mjs` is copied beside its
//!   `node_modules` to run.
//! - The Rust peers are built in a throwaway cargo workspace, `target/bench-peers/`, whose
//!   manifests (written here) pin the crates and point their `[[bin]]`s at the programs in
//!   `bench/peers/rust/<crate>/main.rs`, in release mode, resolved from crates.io the first
//!   time (not timed).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use measure::run_ok;

/// A side of the whole-process jobs other than ours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Peer {
    /// `bench-runtime limit-JOB DIR`: the same bytes decoded into our types, no HTTP.
    Limit,
    /// The official Python SDK (`bench/peers/python_sdk.py`).
    Python,
    /// The official TypeScript SDK (`bench/peers/typescript_sdk.mjs`).
    TypeScript,
    /// The Rust crates, each run by its program in `bench/peers/rust/`.
    Rust(&'static RustPeer),
}

impl Peer {
    /// Every peer, in the order of the table's columns.
    pub fn all() -> Vec<Peer> {
        let mut all = vec![Peer::Limit, Peer::Python, Peer::TypeScript];
        all.extend(RUST_PEERS.iter().map(Peer::Rust));
        all
    }

    /// The name given to `--peers`.
    pub fn key(self) -> &'static str {
        match self {
            Peer::Limit => "limit",
            Peer::Python => "python",
            Peer::TypeScript => "typescript",
            Peer::Rust(p) => p.name,
        }
    }

    /// The column heading.
    pub fn label(self) -> &'static str {
        match self {
            Peer::Limit => "limit: decoding alone",
            Peer::Python => "Python SDK",
            Peer::TypeScript => "TypeScript SDK",
            Peer::Rust(p) => p.name,
        }
    }

    /// What the reader of the table must know about how this peer does the jobs.
    pub fn note(self) -> Option<&'static str> {
        match self {
            Peer::Limit => Some(
                "`bench-runtime limit-JOB DIR`: the input files the server sends, read from \
                 disk and decoded into our types by the client's own decoders (SSE events into \
                 `MessageStreamEvent` and the accumulator to the final `Message`; `Message` \
                 ×50; each JSONL line into `MessageBatchIndividualResponse`), in one process \
                 with no HTTP and no client.",
            ),
            Peer::Python | Peer::TypeScript => None,
            Peer::Rust(p) => Some(p.note),
        }
    }
}

/// A Rust crate for Claude from crates.io, and the program of ours that runs the jobs with it.
#[derive(Debug, PartialEq, Eq)]
pub struct RustPeer {
    /// The crate's name, also the name of its program and of its directory in
    /// `bench/peers/rust/`.
    pub name: &'static str,
    /// The exact version measured.
    pub version: &'static str,
    /// The program's other dependencies, as lines of `[dependencies]`.
    pub deps: &'static [&'static str],
    /// How the program does the jobs (in full in its doc comment).
    pub note: &'static str,
}

/// The Rust peers.
pub const RUST_PEERS: [RustPeer; 2] = [
    RustPeer {
        name: "async-anthropic",
        version: "0.6.0",
        deps: &[
            "serde_json = \"1\"",
            "tokio = { version = \"1\", features = [\"rt\"] }",
        ],
        note: "`message` goes through the crate's public `Client::post` (its request type, \
               headers, retries and errors) into a `serde_json::Value`, because its response \
               type, which `messages().create` returns, has no thinking block and fails to \
               decode the message.",
    },
    RustPeer {
        name: "anthropic-ai-sdk",
        version: "0.2.27",
        deps: &[
            "futures-util = \"0.3\"",
            "serde_json = \"1\"",
            "tokio = { version = \"1\", features = [\"rt\"] }",
        ],
        note: "`stream`: the crate gives typed events but has no accumulator, so the program \
               folds them into the final blocks itself (the tool input's JSON pieces joined and \
               parsed when the block stops). Its `message_delta` usage type has \
               `input_tokens: u32`, which the input's `null` (nullable in the API's spec) does \
               not decode into; the program passes over that one event's decode error (no \
               field of the checksum line comes from it) and fails on any other.",
    },
];

/// The pinned official TypeScript SDK.
pub const TS_SDK: &str = "@anthropic-ai/sdk";
pub const TS_SDK_VERSION: &str = "1.17.0";
/// Where npm installs it.
const NODE_DIR: &str = ".tools/bench-node";
/// The TypeScript SDK peer's script, in the repository.
const TS_PEER: &str = "bench/peers/typescript_sdk.mjs";
/// What to do when the TypeScript SDK peer cannot be set up.
pub const NODE_HELP: &str = "the TypeScript SDK peer needs Node.js (18 or later; `node` on \
     PATH, or BENCH_NODE naming it) and npm with access to the npm registry, to install \
     @anthropic-ai/sdk@1.17.0 into .tools/bench-node; or pass --skip-node to leave it out";
/// What to do when the Rust peers cannot be built.
pub const RUST_PEERS_HELP: &str = "the Rust peers are built in target/bench-peers from \
     crates.io (async-anthropic 0.6.0, anthropic-ai-sdk 0.2.27; the first build downloads \
     them, and anthropic-ai-sdk's reqwest needs OpenSSL's headers and pkg-config); pass \
     --skip-rust-peers to leave them out";

/// The directory of the Rust peers' throwaway workspace.
const PEERS_DIR: &str = "target/bench-peers";

/// The TypeScript SDK peer, ready to run: `node SCRIPT PORT JOB`.
pub struct NodePeer {
    pub node: PathBuf,
    pub script: PathBuf,
    /// `@anthropic-ai/sdk X, Node.js vY`.
    pub versions: String,
}

/// Installs the pinned TypeScript SDK into `.tools/bench-node` unless it is there, and copies
/// the peer's script beside it.
pub fn ensure_node(root: &Path) -> Result<NodePeer, String> {
    let help = |e: String| format!("{e}\n{NODE_HELP}");
    let node = std::env::var_os("BENCH_NODE").map_or_else(|| PathBuf::from("node"), PathBuf::from);
    let node_version = run_ok(Command::new(&node).arg("--version"), "node --version")
        .map_err(help)?
        .trim()
        .to_string();
    let dir = root.join(NODE_DIR);
    let package = dir.join("node_modules").join(TS_SDK).join("package.json");
    if package_version(&package).as_deref() != Some(TS_SDK_VERSION) {
        super::runtime::step(&format!(
            "installing {TS_SDK}@{TS_SDK_VERSION} into {NODE_DIR}"
        ));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let manifest = dir.join("package.json");
        if !manifest.is_file() {
            std::fs::write(
                &manifest,
                "{\n  \"private\": true,\n  \"description\": \"written by cargo xtask bench runtime\"\n}\n",
            )
            .map_err(|e| format!("{}: {e}", manifest.display()))?;
        }
        run_ok(
            Command::new("npm")
                .args([
                    "install",
                    "--save-exact",
                    "--no-audit",
                    "--no-fund",
                    "--silent",
                ])
                .arg(format!("{TS_SDK}@{TS_SDK_VERSION}"))
                .current_dir(&dir),
            "npm install",
        )
        .map_err(help)?;
        if package_version(&package).as_deref() != Some(TS_SDK_VERSION) {
            return Err(help(format!(
                "npm install did not leave {TS_SDK} {TS_SDK_VERSION} in {}",
                dir.display()
            )));
        }
    }
    let script = dir.join("typescript_sdk.mjs");
    let source = std::fs::read_to_string(root.join(TS_PEER))
        .map_err(|e| format!("reading {TS_PEER}: {e}"))?;
    write_if_changed(&script, &source)?;
    Ok(NodePeer {
        node,
        script,
        versions: format!("{TS_SDK} {TS_SDK_VERSION}, Node.js {node_version}"),
    })
}

/// The `"version"` of a `package.json`.
fn package_version(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let start = text.find("\"version\"")? + "\"version\"".len();
    let rest = text[start..].trim_start().strip_prefix(':')?.trim_start();
    let rest = rest.strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_string())
}

/// The built Rust peers: each one's program, and the versions they were built with.
pub struct BuiltRustPeers {
    pub programs: Vec<(&'static RustPeer, PathBuf)>,
    /// `async-anthropic 0.6.0, anthropic-ai-sdk 0.2.27 (reqwest 0.12.x), rustc ...`.
    pub versions: String,
}

/// Writes the throwaway workspace `target/bench-peers` for `peers` and builds their programs
/// in release mode.
pub fn build_rust_peers(
    root: &Path,
    peers: &[&'static RustPeer],
) -> Result<BuiltRustPeers, String> {
    let help = |e: String| format!("{e}\n{RUST_PEERS_HELP}");
    let dir = root.join(PEERS_DIR);
    let members = RUST_PEERS
        .iter()
        .map(|p| format!("\"{}\"", p.name))
        .collect::<Vec<_>>()
        .join(", ");
    write_if_changed(
        &dir.join("Cargo.toml"),
        &format!(
            "# Written by `cargo xtask bench runtime`; throwaway.\n[workspace]\nresolver = \"2\"\nmembers = [{members}]\n"
        ),
    )?;
    for peer in &RUST_PEERS {
        let source = root
            .join("bench/peers/rust")
            .join(peer.name)
            .join("main.rs");
        let mut manifest = format!(
            "# Written by `cargo xtask bench runtime`; throwaway.\n[package]\nname = \"peer-{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[[bin]]\nname = \"{name}\"\npath = {path:?}\n\n[dependencies]\n{name} = \"={version}\"\n",
            name = peer.name,
            path = source.display().to_string(),
            version = peer.version,
        );
        for dep in peer.deps {
            writeln!(manifest, "{dep}").unwrap();
        }
        write_if_changed(&dir.join(peer.name).join("Cargo.toml"), &manifest)?;
    }
    let mut build = measure::cargo_in(&dir);
    build
        .args(["build", "--release", "--quiet"])
        .env("CARGO_TARGET_DIR", dir.join("target"));
    for peer in peers {
        build.arg("-p").arg(format!("peer-{}", peer.name));
    }
    let status = build
        .stdin(Stdio::null())
        .status()
        .map_err(|e| help(format!("running cargo: {e}")))?;
    if !status.success() {
        return Err(help("building the Rust peers failed".into()));
    }
    let lock = dir.join("Cargo.lock");
    let crates = peers
        .iter()
        .map(|p| {
            format!(
                "{} {}",
                p.name,
                lock_version(&lock, p.name).unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    let reqwest = lock_version(&lock, "reqwest").unwrap_or_else(|| "?".into());
    let rustc = Command::new("rustc")
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    Ok(BuiltRustPeers {
        programs: peers
            .iter()
            .map(|p| (*p, dir.join("target/release").join(p.name)))
            .collect(),
        versions: format!("{crates} (reqwest {reqwest}), {rustc}"),
    })
}

/// The version of `package` in a `Cargo.lock` (the first one listed).
pub fn lock_version(lock: &Path, package: &str) -> Option<String> {
    let text = std::fs::read_to_string(lock).ok()?;
    let needle = format!("name = \"{package}\"\nversion = \"");
    let start = text.find(&needle)? + needle.len();
    let end = text[start..].find('"')?;
    Some(text[start..start + end].to_string())
}

fn write_if_changed(path: &Path, contents: &str) -> Result<(), String> {
    if std::fs::read_to_string(path).ok().as_deref() == Some(contents) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(path, contents).map_err(|e| format!("writing {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_package_version() {
        let dir = std::env::temp_dir().join(format!("bench-peers-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("package.json");
        std::fs::write(
            &file,
            "{\n  \"name\": \"x\",\n  \"version\" : \"1.17.0\",\n}",
        )
        .unwrap();
        assert_eq!(package_version(&file).as_deref(), Some("1.17.0"));
        assert_eq!(package_version(&dir.join("missing.json")), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn peers_have_distinct_keys() {
        let all = Peer::all();
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert_ne!(a.key(), b.key());
            }
        }
    }
}
