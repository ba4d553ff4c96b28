//! The last line of a run the server (or, in the team setup, its worker)
//! stopped in the middle of. The registry
//! marks such a run `interrupted` when the next process opens it; without
//! this line its log would just stop, and a reader of the page or of a
//! download could not tell a cut-off run from a slow one.
//!
//! The text lives here rather than in the engine's message catalog: the
//! engine speaks while a suite runs, and this is said after, by the process
//! that found the run cut off.

use crate::engine::Lang;
use crate::logging::log_file;
use crate::model::{Level, LogLine, RunInfo};
use std::path::PathBuf;

/// The note in the run's language (English for runs that recorded none).
pub fn text(lang: Option<&str>) -> &'static str {
    match lang.and_then(|l| l.parse().ok()) {
        Some(Lang::Zh) => "本次运行进行中服务器停止了，运行被中断",
        _ => "the server stopped while this run was going; the run was interrupted",
    }
}

/// The last line of a team run whose worker stopped renewing its lease
/// (killed, cut off from the database, paused too long).
pub fn lease_text(lang: Option<&str>, worker: &str) -> String {
    match lang.and_then(|l| l.parse().ok()) {
        Some(Lang::Zh) => format!("执行者 {worker} 的租约已过期（进程停止或与数据库失联），运行被中断"),
        _ => format!("worker {worker} stopped renewing its lease (stopped, or cut off from the database); the run was interrupted"),
    }
}

/// Appends the note to each run's log file in `logs` (blocking file I/O:
/// call off the runtime). A file that cannot be written is reported and
/// skipped: its run is still listed `interrupted`.
pub fn append_all(logs: PathBuf, runs: Vec<RunInfo>) {
    for run in runs {
        let path = log_file::log_path(&logs, run.id);
        let ts = chrono::Utc::now().timestamp_millis();
        let msg = text(run.lang.as_deref());
        let note = |last: u64| LogLine {
            seq: last + 1,
            ts,
            level: Level::Error,
            msg: msg.to_string(),
            case: None,
            phase: None,
            step: None,
            end: None,
            dropped: 0,
        };
        if let Err(e) = log_file::append_after_last(&path, note) {
            tracing::warn!(run = run.id, error = %e, "could not note the interruption in the run's log");
        }
    }
}
