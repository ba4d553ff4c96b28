//! Where runs and their logs live: the log store and the writer thread that
//! fills it through the bounded queue, and the run registry. Opened once per
//! process, by `serve` and by the CLI's `run` alike, over one data directory.

use super::RunRegistry;
use crate::logging::log_queue::{LogQueue, QUEUE_CAPACITY};
use crate::logging::{log_writer, LogStore};
use std::path::Path;
use std::sync::Arc;

/// The log pipeline and the run registry over a data directory.
pub struct Pipeline {
    pub store: Arc<LogStore>,
    pub queue: LogQueue,
    pub registry: Arc<RunRegistry>,
    /// The writer thread; it ends once every sender of `queue` is gone.
    pub writer: std::thread::JoinHandle<()>,
}

impl Pipeline {
    /// Opens `data_dir` (run logs under `logs/`, the registry in
    /// `livesmoke.db`), ends the log of each run the last process left
    /// running with why it stopped, keeping the newest `ring_cap` lines of each run in memory.
    pub async fn open(data_dir: &Path, ring_cap: usize) -> Result<Self, String> {
        let store = Arc::new(
            LogStore::new(data_dir.join("logs"), ring_cap)
                .map_err(|e| format!("cannot create {}: {e}", data_dir.display()))?,
        );
        let (queue, rx) = LogQueue::new(QUEUE_CAPACITY);
        let writer = log_writer::spawn(store.clone(), rx);
        let registry = Arc::new(
            RunRegistry::open(&data_dir.join("livesmoke.db"))
                .await
                .map_err(|e| format!("cannot open the run registry: {e}"))?,
        );
        // Before any reader loads those runs (the store reads a finished
        // run's file on first use), so every reader sees the note.
        let cut_off = registry.interrupted_at_open().to_vec();
        if !cut_off.is_empty() {
            let logs = data_dir.join("logs");
            tokio::task::spawn_blocking(move || super::interrupted_note::append_all(logs, cut_off))
                .await
                .map_err(|e| format!("noting interrupted runs: {e}"))?;
        }
        Ok(Pipeline { store, queue, registry, writer })
    }
}
