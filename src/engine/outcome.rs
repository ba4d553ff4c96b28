use crate::model::{CaseCounts, RunStatus};

/// How a case ended. `Failed`: an expectation did not hold. `Error`: setup,
/// runtime, timeout or preflight trouble. `Skipped`: filtered out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CaseOutcome {
    Passed,
    Failed,
    Error,
    Skipped,
}

impl CaseOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseOutcome::Passed => "passed",
            CaseOutcome::Failed => "failed",
            CaseOutcome::Error => "error",
            CaseOutcome::Skipped => "skipped",
        }
    }

    /// Keeps the worse of two outcomes (error > failed > passed).
    pub fn worst(self, other: CaseOutcome) -> CaseOutcome {
        use CaseOutcome::*;
        match (self, other) {
            (Error, _) | (_, Error) => Error,
            (Failed, _) | (_, Failed) => Failed,
            (Skipped, x) | (x, Skipped) => x,
            _ => Passed,
        }
    }
}

#[derive(Debug, Clone)]
pub struct CaseReport {
    pub name: String,
    pub outcome: CaseOutcome,
    /// The first reason the case did not pass (already masked).
    pub reason: Option<String>,
    /// Whether every undo and teardown step succeeded.
    pub cleanup_ok: bool,
    pub cleanup_errors: Vec<String>,
    pub duration_ms: u128,
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
