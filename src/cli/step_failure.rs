//! How `run` shows a case that failed or errored after its log: pointed into
//! the suite file the way a load error is (`file:line:col: reason`, the
//! step's line with a caret, see `suite::error::Pointed`), so a reader goes
//! from the summary straight to the step, the expectation or the timeout.

use crate::engine::{CaseOutcome, RunReport};
use crate::suite::error::Pointed;
use std::io::Write;

/// Every failed or errored case whose reason points into its file; reasons
/// that point nowhere (a target down at preflight) are in the log already.
pub fn render(reports: &[RunReport]) -> String {
    let mut out = String::new();
    for case in reports.iter().flat_map(|r| &r.cases) {
        let (Some(reason), false) = (&case.reason, case.outcome.is_quiet()) else { continue };
        let Some(span) = reason.span() else { continue };
        let message = format!("case `{}` {}: {reason}", case.name, verb(case.outcome));
        let pointed = Pointed {
            file: &span.file,
            line: span.line,
            col: span.col,
            source_line: Some(span.source_line()),
            message: &message,
            hint: None,
        };
        out.push_str(&format!("{pointed}\n"));
    }
    out
}

fn verb(outcome: CaseOutcome) -> &'static str {
    match outcome {
        CaseOutcome::Failed => "failed",
        _ => "errored",
    }
}

/// Prints [`render`] to stdout (a closed stdout is not worth a panic).
pub fn print(reports: &[RunReport]) {
    let text = render(reports);
    if !text.is_empty() {
        let _ = std::io::stdout().lock().write_all(text.as_bytes());
    }
}
