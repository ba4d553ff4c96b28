//! Runs: where they and their logs live, their history (in the embedded
//! SQLite database, or the team's PostgreSQL), and the one place a run starts.

/// The benchmark's synthetic run (paced lines), in-process or queued for a worker.
pub mod bench_load;
/// The cancel flags of the runs this process produces.
pub mod cancels;
/// Two runs of a suite compared: finding them and their results.
pub mod compare_runs;
/// The line a run cut off by a stopped server ends with.
pub mod interrupted_note;
/// A run's end the registry could not take at once, recorded when it can.
pub mod late_end;
/// Starts runs and records how they end: the page, the CLI and the benchmark's endpoints.
pub mod launcher;
/// The signed JSON a hook gets when a run ends (`--notify`).
pub mod notification;
/// The log store, its writer thread and the run registry over one data directory.
pub mod pipeline;
/// Whether this process is the data directory's only user (then `running` runs were cut off).
pub mod presence;
/// Reading runs' logs from either store; outline and search over its reads.
pub mod run_logs;
/// A new run and a history filter, as both registries take them.
pub mod run_record;
/// The run history, embedded or the team's: create, list, finish.
pub mod run_registry;
/// The embedded runs table (SQLite); in-memory status of live runs.
pub mod sqlite_registry;
/// The suites directory: listing files and resolving a requested name safely.
pub mod suites_dir;
/// The team setup: runs and logs in PostgreSQL, leases, workers.
pub mod team;

pub use launcher::{LaunchError, Launcher, OpenRun, StartedRun};
pub use pipeline::Pipeline;
pub use run_logs::RunLogs;
pub use run_registry::RunRegistry;
