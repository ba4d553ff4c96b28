//! Runs: their history (in the embedded SQLite database, so it survives
//! restarts) and starting a new one from a suite file.

/// Starts a suite run in the background and records its outcome.
pub mod launcher;
/// The runs table: create, list, finish; in-memory status of live runs.
pub mod run_registry;
/// The suites directory: listing files and resolving a requested name safely.
pub mod suites_dir;

pub use launcher::Launcher;
pub use run_registry::RunRegistry;
