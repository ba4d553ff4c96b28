//! What a run reports when it ends: each case's outcome, why it did not
//! pass (typed and positioned, secrets masked) and how long it took.

use super::run_error::{CaseReason, StepError};
use crate::model::{CaseCounts, CaseOutcome, RunStatus};

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
}

impl CaseReport {
    /// The reason as text (`step #1: …`), without its position.
    pub fn reason_text(&self) -> Option<String> {
        self.reason.as_ref().map(|r| r.to_string())
    }
}

#[derive(Debug, Clone, Default)]
pub struct RunReport {
    pub suite: String,
    pub cases: Vec<CaseReport>,
    pub duration_ms: u128,
}

impl RunReport {
    pub fn counts(&self) -> CaseCounts {
        let mut c = CaseCounts { total: self.cases.len() as u32, ..Default::default() };
        for case in &self.cases {
            match case.outcome {
                CaseOutcome::Passed => c.passed += 1,
                CaseOutcome::Failed => c.failed += 1,
                CaseOutcome::Error => c.error += 1,
                CaseOutcome::Skipped => c.skipped += 1,
            }
            if !case.cleanup_ok {
                c.cleanup_failed += 1;
            }
        }
        c
    }

    pub fn status(&self) -> RunStatus {
        let c = self.counts();
        if c.error > 0 {
            RunStatus::Error
        } else if c.failed > 0 {
            RunStatus::Failed
        } else {
            RunStatus::Passed
        }
    }

    /// 0 all passed; 3 any error; 4 assertion failures only; 5 all passed but
    /// some cleanup failed. (1 usage and 2 invalid files come from the CLI.)
    pub fn exit_code(&self) -> i32 {
        let c = self.counts();
        if c.error > 0 {
            3
        } else if c.failed > 0 {
            4
        } else if c.cleanup_failed > 0 {
            5
        } else {
            0
        }
    }
}
