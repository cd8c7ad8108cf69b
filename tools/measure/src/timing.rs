//! Timing closures by the wall clock and by CPU time, and the clocks behind it.

use std::time::{Duration, Instant};

use crate::*;

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

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::process::Command;

    use super::*;

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
}
