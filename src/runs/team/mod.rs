//! The team setup: runs, their queue and every log line in PostgreSQL, so any
//! number of app instances show the same history and live logs, and workers
//! (in-process, or next to the system under test) take queued runs.
//!
//! PostgreSQL is the only shared part: instances keep nothing another one
//! needs. A run is claimed with `FOR UPDATE SKIP LOCKED` and held by a lease
//! its worker renews; every write of a run (a batch of lines, its counts, its
//! end) is fenced on that lease, so a worker that lost it cannot touch the
//! run again, and a run whose lease ran out is marked `interrupted` by any
//! process that notices. The embedded default (SQLite and files) does not use
//! any of this.

/// Renewing this process's leases, reaping expired ones.
pub mod lease_keeper;
/// The leases this process holds, checked by every write.
pub mod leases;
/// Cursor reads of stored lines for any instance.
pub mod pg_logs;
/// The runs table: history, the queue (enqueue, claim), fenced ends, reaping.
pub mod pg_registry;
/// Connecting and migrating the schema (`migrations/`).
pub mod pg_schema;
/// The writer thread: batches of lines into `log_lines`, fenced on the lease.
pub mod pg_writer;
/// `livesmoke worker` (and the in-process one of `serve --db`): claims and runs queued runs.
pub mod worker;

use std::time::Duration;

/// How a process joins the team setup.
#[derive(Debug, Clone)]
pub struct TeamConfig {
    /// `postgres://…`
    pub url: String,
    /// How long a run stays leased without a renewal; a holder renews it
    /// every third of that.
    pub lease: Duration,
    /// This process's name in the history (`host:pid` unless given).
    pub name: String,
}

/// `host:pid`: enough to tell two workers apart in the history.
pub fn default_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "worker".into());
    format!("{host}:{}", std::process::id())
}
