//! Timing and process helpers shared by `xtask` and the `bench` crate, on the standard library
//! alone so that `cargo xtask gen` stays a light build.
//!
//! - [`median`] of durations or numbers, and [`time`] / [`time_runs`] for timing closures
//!   by the wall clock and by the CPU time of the child processes they wait for;
//! - the clocks and counters behind them: [`Stopwatch`] (wall and this thread's CPU time),
//!   [`thread_cpu_time`], [`children_cpu_time`], [`peak_rss_kib`];
//! - processes: [`cargo`] / [`cargo_in`] (the cargo that runs us), [`run_ok`];
//! - loopback ports: [`bind_loopback`], [`free_port`];
//! - [`Machine`]: the CPU, cores, memory and kernel a benchmark ran on.
//!
//! The CPU clocks and the memory figures come from `/proc` (Linux); elsewhere they are
//! absent (`None`) or zero, as each function says.

use std::cmp::Ordering;
use std::ffi::OsString;
use std::io;
use std::net::{Ipv4Addr, TcpListener};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------- medians

/// A value that has a median: totally ordered, and with a midpoint of two values (for an
/// even number of samples).
pub trait Sample: Copy {
    /// Orders two values (for `f64`, by `total_cmp`).
    fn order(&self, other: &Self) -> Ordering;
    /// The value halfway between `self` and `other`.
    fn midpoint(self, other: Self) -> Self;
}

impl Sample for Duration {
    fn order(&self, other: &Self) -> Ordering {
        self.cmp(other)
    }
    fn midpoint(self, other: Self) -> Self {
        (self + other) / 2
    }
}

impl Sample for f64 {
    fn order(&self, other: &Self) -> Ordering {
        self.total_cmp(other)
    }
    fn midpoint(self, other: Self) -> Self {
        (self + other) / 2.0
    }
}

impl Sample for u64 {
    fn order(&self, other: &Self) -> Ordering {
        self.cmp(other)
    }
    fn midpoint(self, other: Self) -> Self {
        self / 2 + other / 2 + (self % 2 + other % 2) / 2
    }
}

/// The median of `values`: the middle one, or the midpoint of the two middle ones when
/// there is an even number; `None` when there are none.
pub fn median<T: Sample>(values: &[T]) -> Option<T> {
    let mut sorted = values.to_vec();
    sorted.sort_by(T::order);
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some(sorted[n / 2 - 1].midpoint(sorted[n / 2])),
    }
}

// ---------------------------------------------------------------- timing

/// One timed run of a closure.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Timing {
    /// Wall time.
    pub wall: Duration,
    /// User and system time of the child processes waited for during the run (and of their
    /// children); `None` where [`children_cpu_time`] is not available.
    pub children_cpu: Option<Duration>,
}

/// Runs `f` once and times it.
pub fn time<E>(f: impl FnOnce() -> Result<(), E>) -> Result<Timing, E> {
    let cpu_before = children_cpu_time();
    let started = Instant::now();
    f()?;
    let wall = started.elapsed();
    let children_cpu = match (cpu_before, children_cpu_time()) {
        (Some(before), Some(after)) => Some(after.saturating_sub(before)),
        _ => None,
    };
    Ok(Timing { wall, children_cpu })
}

/// Runs `f` once to warm up (file cache, allocator, lazy initialisation), then `runs` times,
/// each timed; the first error stops it.
pub fn time_runs<E>(runs: usize, mut f: impl FnMut() -> Result<(), E>) -> Result<Vec<Timing>, E> {
    f()?;
    (0..runs).map(|_| time(&mut f)).collect()
}

/// The median wall time of `samples` (zero when there are none).
pub fn median_wall(samples: &[Timing]) -> Duration {
    median(&samples.iter().map(|s| s.wall).collect::<Vec<_>>()).unwrap_or_default()
}

/// The median children's CPU time of `samples`; `None` when any sample lacks it, or there
/// are none.
pub fn median_children_cpu(samples: &[Timing]) -> Option<Duration> {
    let cpu = samples
        .iter()
        .map(|s| s.children_cpu)
        .collect::<Option<Vec<_>>>()?;
    median(&cpu)
}

/// A point in time by the wall clock and by the calling thread's CPU time.
#[derive(Clone, Copy, Debug)]
pub struct Stopwatch {
    wall: Instant,
    thread_cpu: Duration,
}

impl Stopwatch {
    /// Now.
    pub fn start() -> Stopwatch {
        Stopwatch {
            wall: Instant::now(),
            thread_cpu: thread_cpu_time(),
        }
    }

    /// Wall time and CPU time of the calling thread since [`start`](Stopwatch::start), which
    /// must have been called on the same thread.
    pub fn elapsed(&self) -> (Duration, Duration) {
        (
            self.wall.elapsed(),
            thread_cpu_time().saturating_sub(self.thread_cpu),
        )
    }
}

/// The time the calling thread has spent on a CPU: the first field of
/// `/proc/thread-self/schedstat`, in nanoseconds; zero where it is not available.
pub fn thread_cpu_time() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .map_or(Duration::ZERO, Duration::from_nanos)
}

/// User and system time of this process's waited-for children (and theirs): fields 16 and
/// 17 of `/proc/self/stat` (`cutime`, `cstime`), in clock ticks of 1/100 s.
pub fn children_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) is in parentheses and may contain spaces.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // `rest` starts at field 3.
    let cutime: u64 = fields.get(13)?.parse().ok()?;
    let cstime: u64 = fields.get(14)?.parse().ok()?;
    Some(Duration::from_millis((cutime + cstime) * 10))
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

// ---------------------------------------------------------------- processes

/// The cargo to run: `$CARGO` (set by cargo for the programs it runs), else `cargo`.
pub fn cargo() -> OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// A [`cargo`] command run in `dir`.
pub fn cargo_in(dir: &Path) -> Command {
    let mut command = Command::new(cargo());
    command.current_dir(dir);
    command
}

/// Runs `command` to completion with no input and its output captured; its standard output,
/// or an error naming `what`, the exit status and the standard error.
pub fn run_ok(command: &mut Command, what: &str) -> Result<String, String> {
    let out = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{what}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{what} failed ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

// ---------------------------------------------------------------- loopback ports

/// A listener on a free port of 127.0.0.1 that the system chose, and the port.
pub fn bind_loopback() -> io::Result<(TcpListener, u16)> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    let port = listener.local_addr()?.port();
    Ok((listener, port))
}

/// A port of 127.0.0.1 that was free a moment ago, for a server in another process to
/// listen on (bound and released; another program may take it in between).
pub fn free_port() -> Result<u16, String> {
    bind_loopback()
        .map(|(_, port)| port)
        .map_err(|e| format!("binding 127.0.0.1:0 to find a free port: {e}"))
}

// ---------------------------------------------------------------- the machine

/// The machine a benchmark runs on, from the standard library and `/proc`.
#[derive(Clone, Debug)]
pub struct Machine {
    /// The CPU model (`model name` of `/proc/cpuinfo`), or `None`.
    pub cpu: Option<String>,
    /// The cores available to this process.
    pub cores: usize,
    /// `MemTotal` of `/proc/meminfo`, in KiB, or `None`.
    pub memory_kib: Option<u64>,
    /// `/proc/sys/kernel/osrelease`, or empty.
    pub kernel: String,
}

impl Machine {
    /// Reads the machine's description.
    pub fn read() -> Machine {
        let cpu = std::fs::read_to_string("/proc/cpuinfo").ok().and_then(|c| {
            c.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|v| v.trim_start_matches([' ', '\t', ':']).trim().to_string())
        });
        let memory_kib = std::fs::read_to_string("/proc/meminfo").ok().and_then(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        });
        let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .unwrap_or_default()
            .trim()
            .to_string();
        Machine {
            cpu,
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            memory_kib,
            kernel,
        }
    }

    /// The memory in GiB (0 when unknown).
    pub fn memory_gib(&self) -> f64 {
        self.memory_kib.unwrap_or(0) as f64 / 1024.0 / 1024.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median::<f64>(&[]), None);
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[f64::NAN, 1.0, 2.0]), Some(2.0), "NaN sorts last");
        let ms = Duration::from_millis;
        assert_eq!(median(&[ms(30), ms(10), ms(20), ms(40)]), Some(ms(25)));
        assert_eq!(median(&[7u64]), Some(7));
        assert_eq!(median(&[u64::MAX, u64::MAX]), Some(u64::MAX));
        assert_eq!(median(&[1u64, 2]), Some(1), "integer midpoint rounds down");
    }

    #[test]
    fn times_runs_after_a_warm_up() {
        let mut calls = 0;
        let samples = time_runs(3, || {
            calls += 1;
            std::thread::sleep(Duration::from_millis(2));
            Ok::<(), String>(())
        })
        .unwrap();
        assert_eq!(calls, 4, "one warm-up and three timed runs");
        assert_eq!(samples.len(), 3);
        assert!(samples.iter().all(|s| s.wall >= Duration::from_millis(2)));
        assert!(median_wall(&samples) >= Duration::from_millis(2));

        let mut calls = 0;
        let failed = time_runs(3, || {
            calls += 1;
            if calls == 2 { Err("second") } else { Ok(()) }
        });
        assert_eq!(failed, Err("second"));
        assert_eq!(calls, 2, "stops at the first error");
    }

    #[test]
    fn medians_of_timings() {
        let t = |wall, cpu: Option<u64>| Timing {
            wall: Duration::from_millis(wall),
            children_cpu: cpu.map(Duration::from_millis),
        };
        let samples = [t(30, Some(3)), t(10, Some(1)), t(20, Some(2))];
        assert_eq!(median_wall(&samples), Duration::from_millis(20));
        assert_eq!(
            median_children_cpu(&samples),
            Some(Duration::from_millis(2))
        );
        assert_eq!(median_children_cpu(&[t(1, Some(1)), t(2, None)]), None);
        assert_eq!(median_wall(&[]), Duration::ZERO);
    }

    #[test]
    fn counts_the_cpu_time_of_waited_for_children() {
        if children_cpu_time().is_none() {
            // Not Linux: nothing to read, which the function reports as `None`.
            assert!(!Path::new("/proc/self/stat").exists());
            return;
        }
        // A child that spins for about 0.3 s of CPU.
        let shell = "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done";
        let timing =
            time(|| run_ok(Command::new("sh").args(["-c", shell]), "sh").map(drop)).unwrap();
        let cpu = timing.children_cpu.expect("read on Linux");
        assert!(cpu > Duration::ZERO, "{timing:?}");
        assert!(cpu <= timing.wall + Duration::from_millis(20), "{timing:?}");
    }

    #[test]
    fn the_thread_clock_and_peak_rss() {
        let watch = Stopwatch::start();
        let mut x = 0u64;
        for i in 0..5_000_000u64 {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(i));
        }
        let (wall, cpu) = watch.elapsed();
        assert!(wall > Duration::ZERO);
        if Path::new("/proc/thread-self/schedstat").exists() {
            assert!(cpu > Duration::ZERO);
            assert!(cpu <= wall + Duration::from_millis(5), "{cpu:?} > {wall:?}");
            assert!(peak_rss_kib().is_some_and(|k| k > 0));
        }
    }

    #[test]
    fn runs_commands_and_reports_their_failure() {
        assert_eq!(
            run_ok(Command::new("sh").args(["-c", "echo out"]), "echo").unwrap(),
            "out\n"
        );
        let err = run_ok(
            Command::new("sh").args(["-c", "echo why >&2; exit 3"]),
            "failing",
        )
        .unwrap_err();
        assert!(err.starts_with("failing failed ("), "{err}");
        assert!(err.ends_with("why\n"), "{err}");
        assert!(run_ok(&mut Command::new("/nonexistent/program"), "missing").is_err());
    }

    #[test]
    fn loopback_ports() {
        let (listener, port) = bind_loopback().unwrap();
        assert_eq!(listener.local_addr().unwrap().ip(), Ipv4Addr::LOCALHOST);
        assert_ne!(port, 0);
        let free = free_port().unwrap();
        // Released: it can be bound again.
        TcpListener::bind((Ipv4Addr::LOCALHOST, free)).unwrap();
    }

    #[test]
    fn describes_the_machine() {
        let machine = Machine::read();
        assert!(machine.cores >= 1);
        if Path::new("/proc/meminfo").exists() {
            assert!(machine.memory_gib() > 0.0);
        }
    }
}
