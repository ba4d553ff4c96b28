//! The log pipeline, in the order a line travels:
//! [`logger`] (producer API) → [`log_queue`] (bounded async queue) →
//! [`log_writer`] (one thread that numbers and stores lines) → [`log_store`]
//! (newest lines in memory, every line in [`log_file`] on disk) → the
//! readers (`server::log_endpoint`, downloads, search, the CLI).

/// The few threads that read runs' files for the store (not tokio's blocking pool).
pub mod file_readers;
/// One line as JSON, by hand: the writer's hot path (same bytes as serde).
pub mod line_json;
/// The append-only JSONL file of one run, with a sparse seq → offset index.
pub mod log_file;
/// The bounded queue between producers and the writer, and the events it carries.
pub mod log_queue;
/// Per-run logs: a bounded in-memory tail for live reads, disk for the rest; cursor reads.
pub mod log_store;
/// The single writer thread: numbers lines per run and appends them to the store.
pub mod log_writer;
/// The producer's API: `debug / info / warning / error / critical`, like the seed's `RealTimeLogging`.
pub mod logger;
/// Where a read puts its lines: parsed, or kept as the stored JSON by a reader that forwards them.
pub mod page_lines;
/// Replaces secret values by `***` before a line enters the queue.
pub mod redactor;
/// A run's file that cannot be written for now (a full disk): retries, and the log's own account of it.
pub mod write_outage;

pub use log_queue::LogQueue;
pub use log_store::LogStore;
pub use logger::Logger;
pub use redactor::Redactor;

/// Unix time in ms, the timestamp of every log line: the clock read alone
/// (chrono's `Utc::now` also builds a calendar date, which a line does not
/// need until it is shown). Called once per line on the producer's path.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}
