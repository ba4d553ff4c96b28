//! How `run` shows a case that failed or errored after its log: pointed into
//! the suite file the way a load error is (`file:line:col: reason`, the
//! step's line with a caret, see `suite::error::Pointed`), so a reader goes
//! from the summary straight to the step, the expectation or the timeout.
//! The pointer is made when the run ends (`CaseReport::result`), so a remote
//! run prints the server's the same way.

use crate::model::{visible, RunResult};
use std::io::Write;

/// Every failed or errored case whose reason points into its file; reasons
/// that point nowhere (a target down at preflight) are in the log already.
pub fn render(results: &[RunResult]) -> String {
    let pointers = results.iter().flat_map(|r| &r.cases).filter_map(|c| c.pointed.as_deref());
    // Line by line: a reason quoting a target's answer shows its controls, never acts on the terminal.
    pointers.flat_map(|p| p.lines()).map(|line| format!("{}\n", visible(line))).collect()
}

/// Prints [`render`] to stdout (a closed stdout is not worth a panic).
pub fn print(results: &[RunResult]) {
    let text = render(results);
    if !text.is_empty() {
        let _ = std::io::stdout().lock().write_all(text.as_bytes());
    }
}
