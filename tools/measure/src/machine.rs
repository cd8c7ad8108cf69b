//! What machine a benchmark ran on.

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
    use std::path::Path;

    use super::*;

    #[test]
    fn describes_the_machine() {
        let machine = Machine::read();
        assert!(machine.cores >= 1);
        if Path::new("/proc/meminfo").exists() {
            assert!(machine.memory_gib() > 0.0);
        }
    }
}
