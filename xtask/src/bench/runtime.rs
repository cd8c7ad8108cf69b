//! `cargo xtask bench runtime`: the generated client against its peers, whole process, side by
//! side in one run, on loopback.
//!
//! 1. Builds `bench-runtime` (the `bench` crate's binary) in release mode, makes the scale-1
//!    inputs in `target/bench-inputs` with it (`bench-runtime make-inputs`, the crate's own
//!    seeded generator), and sets up the peers that are not left out (none of this is timed):
//!    - the official Python SDK (`anthropic==0.121.0`, from PyPI) in `.tools/bench-venv`;
//!    - the official TypeScript SDK (`@anthropic-ai/sdk`, from npm) in `.tools/bench-node`;
//!    - two Rust crates for Claude from crates.io, `async-anthropic` and `anthropic-ai-sdk`,
//!      each with a program of ours (`bench/peers/rust/<crate>/main.rs`), built in release
//!      mode in the throwaway workspace `target/bench-peers` ([`super::peers`]).
//! 2. Serves the inputs on a loopback port with `bench-runtime serve` and times the jobs
//!    (`noop`, the start-up: interpreter or binary, imports, client; `stream`, `message`,
//!    `results`) of `bench-runtime PORT JOB` and of every peer's program (`PROGRAM PORT JOB`),
//!    once untimed (a warm-up) and then `--runs` times each, the order of the sides turning
//!    from one run to the next. Every side must print the same checksum line as ours, or the
//!    run fails. A peer that cannot do a job prints `n/a REASON` and exits with status 3; the
//!    table shows the reason. The limit, `bench-runtime limit-JOB DIR`, decodes the same
//!    input files into our types with no HTTP, and is timed the same way.
//! 3. Batch results at scale: writes a `--large-mb` results file (default 1024 MiB) to
//!    `target/bench-inputs/large` (`bench-runtime make-large`: the scale-1 lines repeated with
//!    fresh `custom_id`s) and streams it through `results_by_url` from a loopback server,
//!    `bench-runtime serve-results`, once holding the file in memory and once reading it from
//!    disk while sending: wall time, throughput and the client's peak RSS.
//! 4. Request overhead: `bench-runtime overhead`, `--requests` sequential `models().retrieve`
//!    calls against bare `reqwest` doing the same, `--rounds` interleaved rounds.
//!
//! Prints the machine, the peers' versions and markdown tables for `BENCHMARKS.md`.
//!
//! Python is needed only for the Python SDK peer. `BENCH_PYTHON` names a Python interpreter
//! that already has `anthropic` installed (any version; it is printed with the results); when
//! it is not set, `python3 -m venv` and `pip` make `.tools/bench-venv` with the pinned SDK from
//! PyPI. Node.js and npm are needed only for the TypeScript SDK peer (`BENCH_NODE` names the
//! `node` to run), and crates.io only for the Rust peers' first build.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use measure::run_ok;

use super::peers::{self, Peer};

const USAGE: &str = "usage: cargo xtask bench runtime [options]

  --runs N           timed runs of each whole-process job, per side, after one untimed
                     warm-up run (default 5)
  --jobs LIST        the whole-process jobs to run, from noop,stream,message,results
                     (default all of them)
  --peers LIST       the sides to run beside ours, from limit,python,typescript,
                     async-anthropic,anthropic-ai-sdk, or all (default) or none; with none,
                     the whole-process jobs are left out
  --skip-python      leave out the Python SDK (no Python needed)
  --skip-node        leave out the TypeScript SDK (no Node.js or npm needed)
  --skip-rust-peers  leave out async-anthropic and anthropic-ai-sdk (no crates.io needed)
  --skip-limit       leave out the limit (the same bytes decoded alone, no HTTP)
  --large-mb N       size of the large batch results file in MiB (default 1024; 0 skips it)
  --large-runs N     runs of the large results job (default 3)
  --large-server S   how bench-runtime serve-results serves the large file: both (default),
                     disk (reading it while sending) or memory (holding it)
  --requests N       requests per round of the overhead benchmark (default 2000)
  --rounds N         rounds of the overhead benchmark (default 9)

needs, for each peer not left out:
  Python SDK         python3 with venv, and PyPI (installs anthropic==0.121.0 into
                     .tools/bench-venv), or BENCH_PYTHON
  TypeScript SDK     Node.js 18 or later and npm, and the npm registry (installs
                     @anthropic-ai/sdk@1.17.0 into .tools/bench-node)
  Rust peers         crates.io for their first build in target/bench-peers, and OpenSSL's
                     headers and pkg-config (anthropic-ai-sdk's reqwest uses native-tls)

environment:
  BENCH_PYTHON       a Python interpreter with `anthropic` installed, used instead of making
                     .tools/bench-venv (which needs python3 with venv, and PyPI)
  BENCH_NODE         the node to run the TypeScript SDK peer with (default: node on PATH)";

/// The version of the official Python SDK measured against.
const PYTHON_SDK: &str = "anthropic==0.121.0";
const VENV: &str = ".tools/bench-venv";
/// The Python SDK peer's script, in the repository.
const PEER: &str = "bench/peers/python_sdk.py";
/// What to do when the Python SDK peer cannot be set up.
const PYTHON_HELP: &str = "the Python SDK peer needs either BENCH_PYTHON set to a Python \
     interpreter that has the `anthropic` package installed (`python3 -m pip install \
     anthropic==0.121.0`), or python3 with the venv module and access to PyPI, to install \
     it into .tools/bench-venv; or pass --skip-python to leave the peer out";

struct Options {
    runs: usize,
    large_mb: u64,
    large_runs: usize,
    large_servers: Vec<LargeServer>,
    requests: u32,
    rounds: u32,
    /// The sides run beside ours, in the order of the table's columns.
    peers: Vec<Peer>,
    jobs: Vec<&'static str>,
}

/// The whole-process jobs, in the order they are run and shown.
const JOBS: [&str; 4] = ["noop", "stream", "message", "results"];

/// The peers named in `list` (comma-separated keys, `all` or `none`).
fn peer_list(list: &str) -> Result<Vec<Peer>, String> {
    match list {
        "all" => return Ok(Peer::all()),
        "none" | "" => return Ok(Vec::new()),
        _ => {}
    }
    let mut wanted = Vec::new();
    for name in list.split(',').map(str::trim) {
        let peer = Peer::all()
            .into_iter()
            .find(|p| p.key() == name)
            .ok_or_else(|| {
                let keys: Vec<&str> = Peer::all().iter().map(|p| p.key()).collect();
                format!("unknown peer {name:?} (one of {})", keys.join(", "))
            })?;
        wanted.push(peer);
    }
    // In the order of the columns, whatever the order given.
    Ok(Peer::all()
        .into_iter()
        .filter(|p| wanted.contains(p))
        .collect())
}

fn parse(args: &[String]) -> Result<Option<Options>, String> {
    let mut o = Options {
        runs: 5,
        large_mb: 1024,
        large_runs: 3,
        large_servers: vec![LargeServer::Memory, LargeServer::Disk],
        requests: 2000,
        rounds: 9,
        peers: Peer::all(),
        jobs: JOBS.to_vec(),
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))
                .cloned()
        };
        let number = |name: &str, v: String| -> Result<u64, String> {
            v.parse()
                .map_err(|_| format!("{name} takes a number, not {v:?}"))
        };
        match arg.as_str() {
            "--runs" => o.runs = number(arg, value(arg)?)?.max(1) as usize,
            "--large-mb" => o.large_mb = number(arg, value(arg)?)?,
            "--large-runs" => o.large_runs = number(arg, value(arg)?)?.max(1) as usize,
            "--large-server" => {
                o.large_servers = match value(arg)?.as_str() {
                    "both" => vec![LargeServer::Memory, LargeServer::Disk],
                    // `rust` was the name of the disk server when the other one was a Python
                    // script holding the file in memory.
                    "disk" | "rust" => vec![LargeServer::Disk],
                    "memory" => vec![LargeServer::Memory],
                    other => {
                        return Err(format!(
                            "--large-server is both, disk or memory, not {other:?}"
                        ));
                    }
                }
            }
            "--requests" => o.requests = number(arg, value(arg)?)?.max(1) as u32,
            "--rounds" => o.rounds = number(arg, value(arg)?)?.max(1) as u32,
            "--peers" => o.peers = peer_list(&value(arg)?)?,
            "--skip-python" => o.peers.retain(|p| *p != Peer::Python),
            "--skip-node" => o.peers.retain(|p| *p != Peer::TypeScript),
            "--skip-rust-peers" => o.peers.retain(|p| !matches!(p, Peer::Rust(_))),
            "--skip-limit" => o.peers.retain(|p| *p != Peer::Limit),
            "--jobs" => {
                let list = value(arg)?;
                let mut jobs = Vec::new();
                for name in list.split(',').map(str::trim) {
                    let job = JOBS.iter().find(|j| **j == name).ok_or_else(|| {
                        format!("unknown job {name:?} (one of {})", JOBS.join(", "))
                    })?;
                    jobs.push(*job);
                }
                o.jobs = JOBS.iter().copied().filter(|j| jobs.contains(j)).collect();
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(None);
            }
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    Ok(Some(o))
}

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let Some(opts) = parse(args)? else {
        return Ok(());
    };
    let inputs = root.join("target/bench-inputs");

    step("building bench-runtime (release)");
    let status = Command::new(measure::cargo())
        .args([
            "build",
            "--release",
            "--quiet",
            "-p",
            "bench",
            "--bin",
            "bench-runtime",
        ])
        .current_dir(root)
        .status()
        .map_err(|e| format!("running cargo: {e}"))?;
    if !status.success() {
        return Err("building bench-runtime failed".into());
    }
    let ours = root.join("target/release/bench-runtime");

    step("making inputs (scale 1)");
    run_ok(
        Command::new(&ours).arg("make-inputs").arg(&inputs).arg("1"),
        "bench-runtime make-inputs",
    )?;

    let machine = measure::Machine::read();
    let mut report = Report::default();

    // Whole-process jobs: ours and every peer not left out, against `bench-runtime serve`.
    if !opts.peers.is_empty() && !opts.jobs.is_empty() {
        let sides = prepare_sides(root, &ours, &opts.peers, &mut report)?;
        let (server, port) = Server::start_announcing(
            Command::new(&ours).arg("serve").arg(&inputs),
            "bench-runtime serve",
        )?;
        report.sides = sides.iter().map(|s| s.peer).collect();
        for &job in &opts.jobs {
            step(&format!(
                "job {job}: a warm-up and {} runs of each of {} sides",
                opts.runs,
                sides.len()
            ));
            report
                .jobs
                .push(run_job(&sides, job, port, &inputs, opts.runs)?);
        }
        drop(server);
    }

    // Batch results at scale.
    if opts.large_mb > 0 {
        let dir = inputs.join("large");
        let file = dir.join("results.jsonl");
        let (size, lines) = large_file(&ours, &inputs, opts.large_mb)?;
        for server_kind in &opts.large_servers {
            let mode = match server_kind {
                LargeServer::Memory => "memory",
                LargeServer::Disk => "disk",
            };
            step(&format!(
                "serving the large file with bench-runtime serve-results ({mode})"
            ));
            let (server, port) = Server::start_announcing(
                Command::new(&ours)
                    .arg("serve-results")
                    .arg(&file)
                    .arg(mode),
                "bench-runtime serve-results",
            )?;
            let mut times = Vec::new();
            let mut rss = Vec::new();
            for run in 0..opts.large_runs {
                step(&format!(
                    "large results: run {} of {}",
                    run + 1,
                    opts.large_runs
                ));
                let out = timed(Command::new(&ours).arg(port.to_string()).arg("results"))?;
                let n: u64 = out
                    .stdout
                    .split_whitespace()
                    .next()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(0);
                if n != lines {
                    return Err(format!(
                        "large results: read {n} results, the file has {lines} lines"
                    ));
                }
                times.push(out.wall);
                rss.extend(out.peak_rss_kib);
            }
            drop(server);
            report.large.push(LargeResult {
                bytes: size,
                lines,
                wall: measure::median(&times).unwrap_or_default(),
                peak_rss_kib: max(&rss),
                server: *server_kind,
            });
        }
    }

    // Request overhead.
    step(&format!(
        "request overhead: {} rounds of {} requests per side",
        opts.rounds, opts.requests
    ));
    let out = run_ok(
        Command::new(&ours)
            .arg("overhead")
            .arg(opts.requests.to_string())
            .arg(opts.rounds.to_string()),
        "bench-runtime overhead",
    )?;
    // `round R ours|bare WALL_NS CPU_NS`, per request.
    let mut sides: [(Vec<f64>, Vec<f64>); 2] = Default::default();
    for line in out.lines() {
        let parts: Vec<&str> = line.split_whitespace().collect();
        if let ["round", _, side, wall, cpu] = parts.as_slice() {
            let parse = |v: &str| {
                v.parse::<f64>()
                    .map_err(|_| format!("bad overhead line {line:?}"))
            };
            let index = match *side {
                "ours" => 0,
                "bare" => 1,
                _ => continue,
            };
            sides[index].0.push(parse(wall)?);
            sides[index].1.push(parse(cpu)?);
        }
    }
    let [(ours_wall, ours_cpu), (bare_wall, bare_cpu)] = &sides;
    let ratios =
        |o: &[f64], b: &[f64]| -> Vec<f64> { o.iter().zip(b).map(|(o, b)| o / b).collect() };
    report.overhead = Some(OverheadResult {
        requests: opts.requests,
        rounds: opts.rounds,
        ours_us: measure::median(ours_wall).unwrap_or(f64::NAN) / 1000.0,
        bare_us: measure::median(bare_wall).unwrap_or(f64::NAN) / 1000.0,
        ratio: measure::median(&ratios(ours_wall, bare_wall)).unwrap_or(f64::NAN),
        ours_cpu_us: measure::median(ours_cpu).unwrap_or(f64::NAN) / 1000.0,
        bare_cpu_us: measure::median(bare_cpu).unwrap_or(f64::NAN) / 1000.0,
        cpu_ratio: measure::median(&ratios(ours_cpu, bare_cpu)).unwrap_or(f64::NAN),
    });

    let command = std::iter::once("cargo xtask bench runtime".to_string())
        .chain(args.iter().cloned())
        .collect::<Vec<_>>()
        .join(" ");
    print_report(&machine, &command, &opts, &report);
    Ok(())
}

/// One side of the whole-process jobs: ours (`peer` is `None`) or a peer, and how to run it.
struct Side {
    peer: Option<Peer>,
    /// The program and the arguments before `PORT JOB`.
    program: PathBuf,
    args: Vec<std::ffi::OsString>,
}

impl Side {
    fn label(&self) -> &'static str {
        self.peer.map_or("ours", Peer::label)
    }

    /// The command that runs `job`: `PROGRAM [ARGS] PORT JOB`, or for the limit
    /// `bench-runtime limit-JOB DIR` (`None` for `noop`: it has no start-up of its own).
    fn command(&self, job: &str, port: u16, inputs: &Path) -> Option<Command> {
        let mut command = Command::new(&self.program);
        if self.peer == Some(Peer::Limit) {
            if job == "noop" {
                return None;
            }
            command.arg(format!("limit-{job}")).arg(inputs);
        } else {
            command.args(&self.args).arg(port.to_string()).arg(job);
        }
        Some(command)
    }
}

/// Ours and the `peers`, set up to run (installed or built when needed); their versions go
/// into `report`.
fn prepare_sides(
    root: &Path,
    ours: &Path,
    wanted: &[Peer],
    report: &mut Report,
) -> Result<Vec<Side>, String> {
    let reqwest = peers::lock_version(&root.join("Cargo.lock"), "reqwest").unwrap_or_default();
    report
        .versions
        .push(format!("Ours: anthropic-openapi (reqwest {reqwest})"));
    let mut sides = vec![Side {
        peer: None,
        program: ours.to_path_buf(),
        args: Vec::new(),
    }];
    let rust: Vec<&'static peers::RustPeer> = wanted
        .iter()
        .filter_map(|p| match p {
            Peer::Rust(r) => Some(*r),
            _ => None,
        })
        .collect();
    let built = if rust.is_empty() {
        None
    } else {
        step("building the Rust peers (release) in target/bench-peers");
        let built = peers::build_rust_peers(root, &rust)?;
        report
            .versions
            .push(format!("Peers: Rust crates, {}", built.versions));
        Some(built)
    };
    for &peer in wanted {
        let side = match peer {
            Peer::Limit => Side {
                peer: Some(peer),
                program: ours.to_path_buf(),
                args: Vec::new(),
            },
            Peer::Python => {
                step("checking the Python SDK peer");
                let python = ensure_python(root)?;
                report
                    .versions
                    .push(format!("Peer: official Python SDK, {}", versions(&python)));
                Side {
                    peer: Some(peer),
                    program: python,
                    args: vec![root.join(PEER).into_os_string()],
                }
            }
            Peer::TypeScript => {
                step("checking the TypeScript SDK peer");
                let node = peers::ensure_node(root)?;
                report
                    .versions
                    .push(format!("Peer: official TypeScript SDK, {}", node.versions));
                Side {
                    peer: Some(peer),
                    program: node.node,
                    args: vec![node.script.into_os_string()],
                }
            }
            Peer::Rust(r) => {
                let program = built
                    .as_ref()
                    .and_then(|b| b.programs.iter().find(|(p, _)| *p == r))
                    .map(|(_, program)| program.clone())
                    .ok_or_else(|| format!("the {} peer was not built", r.name))?;
                Side {
                    peer: Some(peer),
                    program,
                    args: Vec::new(),
                }
            }
        };
        sides.push(side);
    }
    Ok(sides)
}

/// Runs `job` on every side once untimed (a warm-up: the page cache, and whether the peer can
/// do the job at all), then `runs` times timed, the order of the sides turning by one each
/// run, and checks every time that every side printed the same checksum line as ours.
fn run_job(
    sides: &[Side],
    job: &'static str,
    port: u16,
    inputs: &Path,
    runs: usize,
) -> Result<JobResult, String> {
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); sides.len()];
    let mut rss: Vec<Vec<u64>> = vec![Vec::new(); sides.len()];
    let mut cells: Vec<Option<Cell>> = (0..sides.len()).map(|_| None).collect();
    let mut checksum = None;
    for run in 0..=runs {
        let warm_up = run == 0;
        let mut lines: Vec<(usize, String)> = Vec::new();
        for k in 0..sides.len() {
            let i = (k + run) % sides.len();
            if cells[i].is_some() {
                continue; // not available, or nothing to run
            }
            let Some(mut command) = sides[i].command(job, port, inputs) else {
                cells[i] = Some(Cell::None);
                continue;
            };
            let out = timed(&mut command)?;
            if let Some(reason) = out.not_available {
                if sides[i].peer.is_none() {
                    return Err(format!("job {job}: ours printed n/a ({reason})"));
                }
                cells[i] = Some(Cell::NotAvailable(reason));
                continue;
            }
            if !warm_up {
                times[i].push(out.wall);
                rss[i].extend(out.peak_rss_kib);
            }
            lines.push((i, out.stdout.trim().to_string()));
        }
        let ours = lines
            .iter()
            .find(|(i, _)| *i == 0)
            .map(|(_, l)| l.clone())
            .ok_or_else(|| format!("job {job}: ours did not run"))?;
        for (i, line) in &lines {
            if *line != ours {
                return Err(format!(
                    "job {job}: checksums differ: {} printed {line:?}, ours {ours:?}",
                    sides[*i].label()
                ));
            }
        }
        checksum = Some(ours);
    }
    let cells = cells
        .into_iter()
        .enumerate()
        .map(|(i, cell)| {
            cell.unwrap_or_else(|| Cell::Measured {
                wall: measure::median(&times[i]).unwrap_or_default(),
                peak_rss_kib: max(&rss[i]),
            })
        })
        .collect();
    Ok(JobResult {
        job,
        cells,
        checksum: checksum.unwrap_or_default(),
    })
}

/// How `bench-runtime serve-results` serves the large results file.
#[derive(Clone, Copy, PartialEq, Eq)]
enum LargeServer {
    /// Held in memory (read whole when the server starts).
    Memory,
    /// Read from disk in 1 MiB pieces while it is sent.
    Disk,
}

/// Makes `target/bench-inputs/large/results.jsonl` of `mib` MiB unless it is there, made from
/// the current scale-1 inputs; its size and number of lines (recorded beside it in
/// `results.jsonl.lines` as `SIZE LINES`, followed by the stamp of the inputs it was made
/// from).
fn large_file(ours: &Path, inputs: &Path, mib: u64) -> Result<(u64, u64), String> {
    let dir = inputs.join("large");
    let file = dir.join("results.jsonl");
    let record = dir.join("results.jsonl.lines");
    let stamp = std::fs::read_to_string(inputs.join("inputs.stamp")).unwrap_or_default();
    let wanted = mib * 1024 * 1024;
    let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    let recorded: Option<(u64, u64, String)> =
        std::fs::read_to_string(&record).ok().and_then(|t| {
            let (counts, source) = t.split_once('\n')?;
            let mut it = counts.split_whitespace().map(|v| v.parse().ok());
            Some((it.next()??, it.next()??, source.to_string()))
        });
    if let Some((recorded_size, lines, source)) = recorded
        && source == stamp
        && recorded_size == size
        && size >= wanted
        && size < wanted + 64 * 1024
    {
        return Ok((size, lines));
    }
    step(&format!("writing {mib} MiB of batch results"));
    let out = run_ok(
        Command::new(ours)
            .arg("make-large")
            .arg(inputs.join("results.jsonl"))
            .arg(&file)
            .arg(wanted.to_string()),
        "bench-runtime make-large",
    )?;
    // `PATH SIZE bytes, LINES lines`
    let numbers: Vec<u64> = out
        .split_whitespace()
        .filter_map(|w| w.trim_end_matches(',').parse().ok())
        .collect();
    let [size, lines] = numbers[..] else {
        return Err(format!("make-large printed {out:?}"));
    };
    std::fs::write(&record, format!("{size} {lines}\n{stamp}")).map_err(|e| e.to_string())?;
    Ok((size, lines))
}

pub(super) fn step(what: &str) {
    eprintln!("== {what}");
}

/// The Python to run the peer with: `$BENCH_PYTHON` when set (it must import `anthropic`),
/// otherwise the venv's python with the pinned SDK, installed on first use.
fn ensure_python(root: &Path) -> Result<PathBuf, String> {
    if let Some(python) = std::env::var_os("BENCH_PYTHON") {
        let python = PathBuf::from(python);
        let imports = Command::new(&python)
            .args(["-c", "import anthropic"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !imports {
            return Err(format!(
                "BENCH_PYTHON={} cannot import anthropic: {PYTHON_HELP}",
                python.display()
            ));
        }
        return Ok(python);
    }
    let venv = root.join(VENV);
    let python = venv.join("bin/python");
    let wanted = PYTHON_SDK.split_once("==").map_or("", |(_, v)| v);
    let check = format!("import anthropic, sys; sys.exit(anthropic.__version__ != {wanted:?})");
    let installed = python.is_file()
        && Command::new(&python)
            .args(["-c", &check])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
    if installed {
        return Ok(python);
    }
    step(&format!("installing {PYTHON_SDK} into {VENV}"));
    let help = |e: String| format!("{e}\n{PYTHON_HELP}");
    if !python.is_file() {
        run_ok(
            Command::new("python3").args(["-m", "venv"]).arg(&venv),
            "python3 -m venv",
        )
        .map_err(help)?;
    }
    run_ok(
        Command::new(&python).args(["-m", "pip", "install", "--quiet", PYTHON_SDK]),
        "pip install",
    )
    .map_err(help)?;
    Ok(python)
}

/// `anthropic`, `httpx`, `pydantic` and Python versions, as one line.
fn versions(python: &Path) -> String {
    let code = "import sys, anthropic, httpx, pydantic; \
                print(f'anthropic {anthropic.__version__}, httpx {httpx.__version__}, \
                pydantic {pydantic.__version__}, CPython {sys.version.split()[0]}')";
    Command::new(python)
        .args(["-c", code])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

/// One timed run of a whole process.
struct Timed {
    wall: Duration,
    stdout: String,
    peak_rss_kib: Option<u64>,
    /// The reason a peer gave for not doing the job (`n/a REASON` on stdout, exit status
    /// [`NOT_AVAILABLE`]).
    not_available: Option<String>,
}

/// The exit status of a peer's program for a job it cannot do.
const NOT_AVAILABLE: i32 = 3;

/// Runs a command to completion, timing it from spawn to exit; a failure is an error, except
/// for a peer's `n/a REASON` with exit status [`NOT_AVAILABLE`]. The peak RSS is the
/// `peak_rss_kib N` line the Rust binary prints on stderr, or `/usr/bin/time`'s `%M` for
/// other programs when `/usr/bin/time` exists.
fn timed(cmd: &mut Command) -> Result<Timed, String> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    let time = Path::new("/usr/bin/time");
    let wrap = !program.ends_with("bench-runtime") && time.is_file();
    let mut command = if wrap {
        let mut c = Command::new(time);
        c.args(["-f", "peak_rss_kib %M"])
            .arg(cmd.get_program())
            .args(cmd.get_args());
        c
    } else {
        let mut c = Command::new(cmd.get_program());
        c.args(cmd.get_args());
        c
    };
    let start = Instant::now();
    let out = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{program}: {e}"))?;
    let wall = start.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if out.status.code() == Some(NOT_AVAILABLE)
        && let Some(reason) = stdout.strip_prefix("n/a ")
    {
        return Ok(Timed {
            wall,
            stdout: String::new(),
            peak_rss_kib: None,
            not_available: Some(reason.trim().to_string()),
        });
    }
    if !out.status.success() {
        let args: Vec<String> = cmd
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        return Err(format!(
            "{program} {} failed ({}):\n{stderr}",
            args.join(" "),
            out.status
        ));
    }
    let peak_rss_kib = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("peak_rss_kib "))
        .filter_map(|v| v.trim().parse().ok())
        .next_back();
    Ok(Timed {
        wall,
        stdout,
        peak_rss_kib,
        not_available: None,
    })
}

/// A server process, killed when dropped.
struct Server(Child);

impl Server {
    /// Starts a server that prints `port N` on stdout when it listens, and runs until its
    /// stdin closes.
    fn start_announcing(cmd: &mut Command, what: &str) -> Result<(Server, u16), String> {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("{what}: {e}"))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let server = Server(child);
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .map_err(|e| format!("{what}: {e}"))?;
        let port = line
            .strip_prefix("port ")
            .and_then(|p| p.trim().parse().ok())
            .ok_or_else(|| format!("{what} printed {line:?}, not `port N`"))?;
        Ok((server, port))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.0.stdin.take());
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn max(values: &[u64]) -> Option<u64> {
    values.iter().copied().max()
}

/// One job on every side, in the order of the sides (ours first).
struct JobResult {
    job: &'static str,
    cells: Vec<Cell>,
    /// The line every side printed.
    checksum: String,
}

/// One side's result for one job.
enum Cell {
    /// The median wall time, and the largest peak RSS.
    Measured {
        wall: Duration,
        peak_rss_kib: Option<u64>,
    },
    /// The peer cannot do the job, for this reason.
    NotAvailable(String),
    /// Nothing to run (the limit has no start-up of its own).
    None,
}

impl Cell {
    fn wall(&self) -> Option<Duration> {
        match self {
            Cell::Measured { wall, .. } => Some(*wall),
            _ => None,
        }
    }
}

struct LargeResult {
    bytes: u64,
    lines: u64,
    wall: Duration,
    peak_rss_kib: Option<u64>,
    server: LargeServer,
}

struct OverheadResult {
    requests: u32,
    rounds: u32,
    ours_us: f64,
    bare_us: f64,
    ratio: f64,
    /// The client thread's time on a CPU, per request.
    ours_cpu_us: f64,
    bare_cpu_us: f64,
    cpu_ratio: f64,
}

#[derive(Default)]
struct Report {
    /// The peers of the whole-process jobs, after ours, in the order of the cells.
    sides: Vec<Option<Peer>>,
    /// Ours and each peer's versions, a line each.
    versions: Vec<String>,
    jobs: Vec<JobResult>,
    large: Vec<LargeResult>,
    overhead: Option<OverheadResult>,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or_else(|| "n/a".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0))
}

fn print_report(machine: &measure::Machine, command: &str, opts: &Options, report: &Report) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Machine: {} cores ({}), {:.1} GiB memory, Linux {}",
        machine.cores,
        machine.cpu.as_deref().unwrap_or("unknown"),
        machine.memory_gib(),
        machine.kernel
    );
    for line in &report.versions {
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out, "Command: `{command}`");
    let _ = writeln!(out);

    if !report.jobs.is_empty() {
        print_jobs(&mut out, opts, report);
    }

    if !report.large.is_empty() {
        let _ = writeln!(
            out,
            "| batch results at scale, `results_by_url` (median of {}) | size | results | wall | throughput | peak RSS |",
            opts.large_runs
        );
        let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|");
        for l in &report.large {
            let mb = l.bytes as f64 / 1e6;
            let server = match l.server {
                LargeServer::Memory => "served from memory by bench-runtime serve-results",
                LargeServer::Disk => "served from disk by bench-runtime serve-results",
            };
            let _ = writeln!(
                out,
                "| {server} | {:.0} MB | {} | {:.2} s | {:.0} MB/s | {} |",
                mb,
                l.lines,
                l.wall.as_secs_f64(),
                mb / l.wall.as_secs_f64(),
                mib(l.peak_rss_kib)
            );
        }
        let _ = writeln!(out);
    }

    if let Some(o) = &report.overhead {
        let _ = writeln!(
            out,
            "| request overhead ({} rounds × {} `models().retrieve`) | wall per request (median) | client CPU per request (median) |",
            o.rounds, o.requests
        );
        let _ = writeln!(out, "|---|---:|---:|");
        let _ = writeln!(
            out,
            "| bare reqwest | {:.1} µs | {:.1} µs |",
            o.bare_us, o.bare_cpu_us
        );
        let _ = writeln!(
            out,
            "| ours | {:.1} µs | {:.1} µs |",
            o.ours_us, o.ours_cpu_us
        );
        let _ = writeln!(
            out,
            "| ours / bare (median of per-round ratios) | {:.3} ({:+.1} %) | {:.3} ({:+.1} %) |",
            o.ratio,
            (o.ratio - 1.0) * 100.0,
            o.cpu_ratio,
            (o.cpu_ratio - 1.0) * 100.0
        );
    }
}

/// The tables of the whole-process jobs: wall time and ratio to ours, the same without each
/// side's start-up, and peak RSS; then what each peer does differently, and the checksums.
fn print_jobs(out: &mut impl Write, opts: &Options, report: &Report) {
    let label = |side: &Option<Peer>| side.map_or("ours", Peer::label);
    let heading = |first: &str, sides: &[usize]| {
        let names: Vec<&str> = sides.iter().map(|&i| label(&report.sides[i])).collect();
        format!(
            "| {first} | {} |\n|---|{}",
            names.join(" | "),
            "---:|".repeat(names.len())
        )
    };
    let name = |job: &str| {
        if job == "noop" {
            "start-up (`noop`: imports, client)".to_string()
        } else {
            format!("`{job}`")
        }
    };
    let all: Vec<usize> = (0..report.sides.len()).collect();

    // Wall time, and each side's time as a multiple of ours.
    let _ = writeln!(
        out,
        "{}",
        heading(
            &format!(
                "job (whole process, median of {}; × ours = side / ours)",
                opts.runs
            ),
            &all
        )
    );
    for j in &report.jobs {
        let ours = j.cells[0].wall();
        let cells: Vec<String> = j
            .cells
            .iter()
            .enumerate()
            .map(|(i, cell)| match cell {
                Cell::Measured { wall, .. } => match ours {
                    Some(o) if i > 0 => {
                        format!("{:.1} ms ({:.2}× ours)", ms(*wall), ms(*wall) / ms(o))
                    }
                    _ => format!("{:.1} ms", ms(*wall)),
                },
                Cell::NotAvailable(why) => format!("n/a ({why})"),
                Cell::None => "–".into(),
            })
            .collect();
        let _ = writeln!(out, "| {} | {} |", name(j.job), cells.join(" | "));
    }
    let _ = writeln!(out);

    // Without start-up: each side's `noop` subtracted from its time (not for the limit, which
    // builds no client).
    if let Some(noop) = report.jobs.iter().find(|j| j.job == "noop") {
        let sides: Vec<usize> = all
            .iter()
            .copied()
            .filter(|&i| report.sides[i] != Some(Peer::Limit))
            .collect();
        let _ = writeln!(
            out,
            "{}",
            heading(
                "job without start-up (each side's `noop` subtracted; × ours)",
                &sides
            )
        );
        let net = |j: &JobResult, i: usize| -> Option<f64> {
            Some(ms(j.cells[i].wall()?) - ms(noop.cells[i].wall()?))
        };
        for j in report.jobs.iter().filter(|j| j.job != "noop") {
            let ours = net(j, 0);
            let cells: Vec<String> = sides
                .iter()
                .map(|&i| match (&j.cells[i], net(j, i), ours) {
                    (Cell::NotAvailable(_), _, _) => "n/a".into(),
                    (_, Some(t), Some(o)) if i > 0 && o > 0.0 && t > 0.0 => {
                        format!("{t:.1} ms ({:.2}× ours)", t / o)
                    }
                    (_, Some(t), _) => format!("{t:.1} ms"),
                    _ => "–".into(),
                })
                .collect();
            let _ = writeln!(out, "| {} | {} |", name(j.job), cells.join(" | "));
        }
        let _ = writeln!(out);
    }

    // Peak RSS.
    let _ = writeln!(out, "{}", heading("peak RSS (largest of the runs)", &all));
    for j in &report.jobs {
        let cells: Vec<String> = j
            .cells
            .iter()
            .map(|cell| match cell {
                Cell::Measured { peak_rss_kib, .. } => mib(*peak_rss_kib),
                Cell::NotAvailable(_) => "n/a".into(),
                Cell::None => "–".into(),
            })
            .collect();
        let _ = writeln!(out, "| {} | {} |", name(j.job), cells.join(" | "));
    }
    let _ = writeln!(out);

    for peer in report.sides.iter().flatten() {
        if let Some(note) = peer.note() {
            let _ = writeln!(out, "- {}: {note}", peer.label());
        }
    }
    let _ = writeln!(out);
    for j in report.jobs.iter().filter(|j| j.job != "noop") {
        let _ = writeln!(
            out,
            "checksum `{}` (every side that does it): `{}`",
            j.job, j.checksum
        );
    }
    let _ = writeln!(out);
}
