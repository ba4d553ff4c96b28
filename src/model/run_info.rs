use serde::{Deserialize, Serialize};

/// Where a run stands. `Failed` means an expectation did not hold; `Error`
/// means something broke (setup, connection, timeout); `Interrupted` means the
/// server stopped while the run was going.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunStatus {
    Running,
    Passed,
    Failed,
    Error,
    Interrupted,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Running => "running",
            RunStatus::Passed => "passed",
            RunStatus::Failed => "failed",
            RunStatus::Error => "error",
            RunStatus::Interrupted => "interrupted",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "running" => RunStatus::Running,
            "passed" => RunStatus::Passed,
            "failed" => RunStatus::Failed,
            "error" => RunStatus::Error,
            "interrupted" => RunStatus::Interrupted,
            _ => return None,
        })
    }

    pub fn is_finished(self) -> bool {
        self != RunStatus::Running
    }
}

/// Case outcome counts of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseCounts {
    pub total: u32,
    pub passed: u32,
    pub failed: u32,
    pub error: u32,
    pub skipped: u32,
    /// Cases whose cleanup (undo/teardown) failed, whatever their outcome.
    pub cleanup_failed: u32,
}

impl CaseCounts {
    pub fn done(&self) -> u32 {
        self.passed + self.failed + self.error + self.skipped
    }
}

/// One run as `GET /api/runs` lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunInfo {
    pub id: u64,
    /// The suite file name, relative to the suites directory.
    pub suite: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env: Option<String>,
    pub status: RunStatus,
    /// Unix milliseconds.
    pub started_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<i64>,
    pub counts: CaseCounts,
}
