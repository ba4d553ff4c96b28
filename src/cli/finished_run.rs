//! One run as the CLI saw it end, here or on a server: its id, its suite
//! file, what it reported and every line of its log. The report files
//! (JUnit, JSON Lines, HTML) are all written from these, so they agree.

use crate::model::{LogLine, RunResult};

#[derive(Debug, Clone)]
pub struct FinishedRun {
    pub id: u64,
    /// The suite file as given (or the suite's name on a server).
    pub file: String,
    pub result: RunResult,
    /// The whole log, in order (kept only when a report needs it).
    pub lines: Vec<LogLine>,
}
