//! Timing, process and manifest helpers shared by `xtask`, the `bench` crate and the
//! generator's tests, on the standard library alone so that `cargo xtask gen` stays a light
//! build. One module per idea; everything is re-exported here.
//!
//! - [`median`] of durations or numbers, and [`time`] / [`time_runs`] for timing closures
//!   by the wall clock and by the CPU time of the child processes they wait for;
//! - the clocks and counters behind them: [`Stopwatch`] (wall and this thread's CPU time),
//!   [`thread_cpu_time`], [`children_cpu_time`], [`peak_rss_kib`];
//! - processes: [`cargo`] / [`cargo_in`] (the cargo that runs us), [`run_ok`];
//! - loopback ports: [`bind_loopback`], [`free_port`];
//! - [`Machine`]: the CPU, cores, memory and kernel a benchmark ran on;
//! - manifests for throwaway workspaces: [`crate_and_workspace_deps`], [`manifest_section`],
//!   [`absolute_paths`].
//!
//! The CPU clocks and the memory figures come from `/proc` (Linux); elsewhere they are
//! absent (`None`) or zero, as each function says.

mod machine;
mod manifest;
mod median;
mod ports;
mod process;
mod timing;

pub use machine::*;
pub use manifest::*;
pub use median::*;
pub use ports::*;
pub use process::*;
pub use timing::*;
