//! Runs: where they and their logs live, their history (in the embedded
//! SQLite database, so it survives restarts), and the one place a run starts.

/// The line a run cut off by a stopped server ends with.
pub mod interrupted_note;
/// Starts runs and records how they end: the page, the CLI and the benchmark's endpoints.
pub mod launcher;
/// The log store, its writer thread and the run registry over one data directory.
pub mod pipeline;
/// Whether this process is the data directory's only user (then `running` runs were cut off).
pub mod presence;
/// The runs table: create, list, finish; in-memory status of live runs.
pub mod run_registry;
/// The suites directory: listing files and resolving a requested name safely.
pub mod suites_dir;

pub use launcher::{LaunchError, Launcher, OpenRun, StartedRun};
pub use pipeline::Pipeline;
pub use run_registry::RunRegistry;
