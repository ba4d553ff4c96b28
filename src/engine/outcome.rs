//! What a run reports when it ends: each case's outcome, why it did not
//! pass (typed and positioned, secrets masked) and how long it took.

use super::run_error::{CaseReason, StepError};
use crate::model::long_line::shortened;
use crate::model::{visible, CaseCounts, CaseOutcome, CaseResult, RunResult, RunStatus, StepResult};
use crate::suite::error::Pointed;
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
pub struct CaseReport {
    pub name: String,
    pub outcome: CaseOutcome,
    /// Why the case did not pass (already masked); `None` when it passed.
    pub reason: Option<CaseReason>,
    /// Whether every undo and teardown step succeeded.
    pub cleanup_ok: bool,
    /// Each undo or teardown step that failed (already masked).
    pub cleanup_errors: Vec<StepError>,
    pub duration_ms: u128,
    /// Every step that ran, with its time (already masked).
    pub steps: Vec<StepResult>,
    /// What the case captured (already masked).
    pub captures: BTreeMap<String, String>,
}

impl CaseReport {
    /// A case that did not run (or whose report was lost), and why.
    pub fn not_run(name: &str, why: CaseReason) -> Self {
        CaseReport {
            name: name.to_string(),
            outcome: why.outcome(),
            reason: Some(why),
            cleanup_ok: true,
            cleanup_errors: vec![],
            duration_ms: 0,
            steps: vec![],
            captures: BTreeMap::new(),
        }
    }

    /// What [`CaseCounts`] counts of it: outcome, clean cleanup, flaky.
    pub fn tally(&self) -> (CaseOutcome, bool, bool) {
        (self.outcome, self.cleanup_ok, self.steps.iter().any(|s| s.is_flaky()))
    }

    /// The case as a run's result keeps it (see [`RunResult`]).
    pub fn result(&self) -> CaseResult {
        let span = self.reason.as_ref().and_then(CaseReason::span);
        let pointed = match (&self.reason, span, self.outcome.is_quiet()) {
            (Some(reason), Some(span), false) => {
                let verb = if self.outcome == CaseOutcome::Failed { "failed" } else { "errored" };
                // One line whatever the target answered: the pointer's own lines stay its own.
                let message = format!("case `{}` {verb}: {}", self.name, visible(&shortened(&reason.to_string())));
                let p = Pointed {
                    file: &span.file,
                    line: span.line,
                    col: span.col,
                    source_line: Some(span.source_line()),
                    message: &message,
                    hint: None,
                };
                Some(p.to_string())
            }
            _ => None,
        };
        CaseResult {
            name: self.name.clone(),
            outcome: self.outcome,
            reason: self.reason_text(),
            at: span.map(|s| s.to_string()),
            pointed,
            preflight: matches!(self.reason, Some(CaseReason::TargetDown { .. })),
            cleanup_ok: self.cleanup_ok,
            cleanup_errors: self.cleanup_errors.iter().map(|e| e.to_string()).collect(),
            duration_ms: self.duration_ms as u64,
            steps: self.steps.clone(),
            captures: self.captures.clone(),
        }
    }

    /// The reason as text (`step #1: …`), without its position; as long as
    /// a log line is shown (it quotes what the target answered).
    pub fn reason_text(&self) -> Option<String> {
        self.reason.as_ref().map(|r| shortened(&r.to_string()).into_owned())
    }
}

#[derive(Debug, Clone, Default)]
pub struct RunReport {
    pub suite: String,
    pub cases: Vec<CaseReport>,
    pub duration_ms: u128,
    /// Someone cancelled it (the cases after the one under way were skipped).
    pub cancelled: bool,
    /// The suite's own cleanup steps that failed (masked).
    pub cleanup_errors: Vec<StepError>,
}

impl RunReport {
    /// What the run reports, as kept with it.
    pub fn result(&self) -> RunResult {
        RunResult {
            suite: self.suite.clone(),
            duration_ms: self.duration_ms as u64,
            cancelled: self.cancelled,
            cases: self.cases.iter().map(CaseReport::result).collect(),
            cleanup_errors: self.cleanup_errors.iter().map(|e| format!("{}: {e}", e.span)).collect(),
        }
    }

    /// As [`RunResult::counts`].
    pub fn counts(&self) -> CaseCounts {
        CaseCounts::of_run(self.cases.iter().map(CaseReport::tally), !self.cleanup_errors.is_empty())
    }

    pub fn status(&self) -> RunStatus {
        let c = self.counts();
        if self.cancelled {
            RunStatus::Cancelled
        } else if c.error > 0 {
            RunStatus::Error
        } else if c.failed > 0 {
            RunStatus::Failed
        } else {
            RunStatus::Passed
        }
    }

    /// See [`RunResult::exit_code`] (1 usage and 2 invalid files come from the CLI).
    pub fn exit_code(&self) -> i32 {
        self.counts().exit_code(self.cancelled)
    }
}
