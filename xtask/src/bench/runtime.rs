//! `cargo xtask bench runtime`: the generated client against its peers, whole process, side by
//! side in one run, on loopback.
//!
//! 1. Builds `bench-runtime` (the `bench` crate's binary) in release mode, makes the scale-1
//!    inputs in `target/bench-inputs` with it (`bench-runtime make-inputs`, the crate's own
//!    seeded generator), and, unless `--skip-python`, installs the Python SDK peer
//!    (`anthropic==0.121.0`, from PyPI) into `.tools/bench-venv` if it is not there.
//! 2. Serves the inputs on a loopback port with `bench-runtime serve` and times the jobs of
//!    `bench/peers/python_sdk.py` (`stream`, `message`, `results`) against
//!    `bench-runtime PORT JOB`, alternating, `--runs` times each; the checksum lines must agree.
//!    The start-up of each (the `noop` job: interpreter or binary start, imports, client) is
//!    timed the same way.
//! 3. Batch results at scale: writes a `--large-mb` results file (default 1024 MiB) to
//!    `target/bench-inputs/large` (`bench-runtime make-large`: the scale-1 lines repeated with
//!    fresh `custom_id`s) and streams it through `results_by_url` from a loopback server,
//!    `bench-runtime serve-results`, once holding the file in memory and once reading it from
//!    disk while sending: wall time, throughput and the client's peak RSS.
//! 4. Request overhead: `bench-runtime overhead`, `--requests` sequential `models().retrieve`
//!    calls against bare `reqwest` doing the same, `--rounds` interleaved rounds.
//!
//! Prints the machine, the peers' versions and a markdown table for `BENCHMARKS.md`.
//!
//! Python is needed only for the Python SDK peer. `BENCH_PYTHON` names a Python interpreter
//! that already has `anthropic` installed (any version; it is printed with the results); when
//! it is not set, `python3 -m venv` and `pip` make `.tools/bench-venv` with the pinned SDK from
//! PyPI.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use measure::run_ok;

const USAGE: &str = "usage: cargo xtask bench runtime [options]

  --runs N           runs of each whole-process job, per side (default 5)
  --large-mb N       size of the large batch results file in MiB (default 1024; 0 skips it)
  --large-runs N     runs of the large results job (default 3)
  --large-server S   how bench-runtime serve-results serves the large file: both (default),
                     disk (reading it while sending) or memory (holding it)
  --requests N       requests per round of the overhead benchmark (default 2000)
  --rounds N         rounds of the overhead benchmark (default 9)
  --skip-python      leave out the Python SDK (no Python needed)

environment:
  BENCH_PYTHON       a Python interpreter with `anthropic` installed, used instead of making
                     .tools/bench-venv (which needs python3 with venv, and PyPI)";

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
    python: bool,
}

fn parse(args: &[String]) -> Result<Option<Options>, String> {
    let mut o = Options {
        runs: 5,
        large_mb: 1024,
        large_runs: 3,
        large_servers: vec![LargeServer::Memory, LargeServer::Disk],
        requests: 2000,
        rounds: 9,
        python: true,
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
            "--skip-python" => o.python = false,
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

    let python = if opts.python {
        step("checking the Python SDK peer");
        Some(ensure_python(root)?)
    } else {
        None
    };

    let machine = measure::Machine::read();
    let mut report = Report::default();

    // Whole-process jobs against the Python SDK.
    if let Some(python) = &python {
        let (server, port) = Server::start_announcing(
            Command::new(&ours).arg("serve").arg(&inputs),
            "bench-runtime serve",
        )?;
        let peer = root.join(PEER);
        for job in ["noop", "stream", "message", "results"] {
            step(&format!("job {job}: {} runs per side", opts.runs));
            let mut py_times = Vec::new();
            let mut rs_times = Vec::new();
            let mut py_rss = Vec::new();
            let mut rs_rss = Vec::new();
            for _ in 0..opts.runs {
                let py = timed(
                    Command::new(python)
                        .arg(&peer)
                        .arg(port.to_string())
                        .arg(job),
                )?;
                let rs = timed(Command::new(&ours).arg(port.to_string()).arg(job))?;
                if py.stdout.trim() != rs.stdout.trim() {
                    return Err(format!(
                        "job {job}: checksums differ: Python SDK printed {:?}, ours {:?}",
                        py.stdout.trim(),
                        rs.stdout.trim()
                    ));
                }
                py_times.push(py.wall);
                rs_times.push(rs.wall);
                py_rss.extend(py.peak_rss_kib);
                rs_rss.extend(rs.peak_rss_kib);
                report.checksums.push((job, rs.stdout.trim().to_string()));
            }
            report.jobs.push(JobResult {
                job,
                python: measure::median(&py_times).unwrap_or_default(),
                ours: measure::median(&rs_times).unwrap_or_default(),
                python_rss: max(&py_rss),
                ours_rss: max(&rs_rss),
            });
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

    let python_versions = python.as_ref().map(|p| versions(p));
    let command = std::iter::once("cargo xtask bench runtime".to_string())
        .chain(args.iter().cloned())
        .collect::<Vec<_>>()
        .join(" ");
    print_report(
        &machine,
        python_versions.as_deref(),
        &command,
        &opts,
        &report,
    );
    Ok(())
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

fn step(what: &str) {
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
}

/// Runs a command to completion, timing it from spawn to exit. The peak RSS is the
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
    if !out.status.success() {
        return Err(format!("{program} failed ({}):\n{stderr}", out.status));
    }
    let peak_rss_kib = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("peak_rss_kib "))
        .filter_map(|v| v.trim().parse().ok())
        .next_back();
    Ok(Timed {
        wall,
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        peak_rss_kib,
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

struct JobResult {
    job: &'static str,
    python: Duration,
    ours: Duration,
    python_rss: Option<u64>,
    ours_rss: Option<u64>,
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
    jobs: Vec<JobResult>,
    checksums: Vec<(&'static str, String)>,
    large: Vec<LargeResult>,
    overhead: Option<OverheadResult>,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or_else(|| "n/a".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0))
}

fn print_report(
    machine: &measure::Machine,
    python: Option<&str>,
    command: &str,
    opts: &Options,
    report: &Report,
) {
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
    if let Some(python) = python {
        let _ = writeln!(out, "Peer: official Python SDK, {python}");
    }
    let _ = writeln!(out, "Command: `{command}`");
    let _ = writeln!(out);

    if !report.jobs.is_empty() {
        let startup = report.jobs.iter().find(|j| j.job == "noop");
        let _ = writeln!(
            out,
            "| job (whole process, median of {}) | Python SDK | ours | ratio | ratio without start-up | peak RSS Python / ours |",
            opts.runs
        );
        let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|");
        for j in &report.jobs {
            let ratio = ms(j.python) / ms(j.ours);
            let net = match startup {
                Some(s) if j.job != "noop" => {
                    let py = ms(j.python) - ms(s.python);
                    let rs = ms(j.ours) - ms(s.ours);
                    if rs > 0.0 {
                        format!("{:.0}×", py / rs)
                    } else {
                        "n/a".into()
                    }
                }
                _ => "–".into(),
            };
            let name = if j.job == "noop" {
                "start-up (`noop`: imports, client)".to_string()
            } else {
                format!("`{}`", j.job)
            };
            let _ = writeln!(
                out,
                "| {name} | {:.1} ms | {:.1} ms | {ratio:.1}× | {net} | {} / {} |",
                ms(j.python),
                ms(j.ours),
                mib(j.python_rss),
                mib(j.ours_rss)
            );
        }
        let mut seen: Vec<&str> = Vec::new();
        for (job, sum) in &report.checksums {
            if !seen.contains(job) && *job != "noop" {
                seen.push(job);
                let _ = writeln!(out, "\nchecksum `{job}` (both sides): `{sum}`");
            }
        }
        let _ = writeln!(out);
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
