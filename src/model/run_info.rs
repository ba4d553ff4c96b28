use serde::{Deserialize, Serialize};

/// Where a run stands. `Queued` waits for a worker (team setup only);
/// `Failed` means an expectation did not hold; `Error` means something broke
/// (setup, connection, timeout); `Interrupted` means the server stopped, or
/// the worker's lease ran out, while the run was going.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunStatus {
    Queued,
    Running,
    Passed,
    Failed,
    Error,
    Interrupted,
}

impl RunStatus {
    /// Every status, in a run's order of life (the history's filter lists them so).
    pub const ALL: [RunStatus; 6] = [
        RunStatus::Queued,
        RunStatus::Running,
        RunStatus::Passed,
        RunStatus::Failed,
        RunStatus::Error,
        RunStatus::Interrupted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Queued => "queued",
            RunStatus::Running => "running",
            RunStatus::Passed => "passed",
            RunStatus::Failed => "failed",
            RunStatus::Error => "error",
            RunStatus::Interrupted => "interrupted",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "queued" => RunStatus::Queued,
            "running" => RunStatus::Running,
            "passed" => RunStatus::Passed,
            "failed" => RunStatus::Failed,
            "error" => RunStatus::Error,
            "interrupted" => RunStatus::Interrupted,
            _ => return None,
        })
    }

    pub fn is_finished(self) -> bool {
        !matches!(self, RunStatus::Queued | RunStatus::Running)
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

/// What made a run. The history shows suite runs by default; bench runs
/// (`POST /api/bench/produce`: lines without cases) only when asked for, so
/// they never fill it with "0/0 cases".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunKind {
    /// A suite file, run from the page or the CLI.
    #[default]
    Suite,
    /// The benchmark endpoint's stream of lines.
    Bench,
}

impl RunKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RunKind::Suite => "suite",
            RunKind::Bench => "bench",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "suite" => RunKind::Suite,
            "bench" => RunKind::Bench,
            _ => return None,
        })
    }
}

/// One run as `GET /api/runs` lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunInfo {
    pub id: u64,
    /// The suite's name as the suites panel shows it (`suite = …` in its
    /// file, else the file stem); `POST /api/run` takes it too.
    pub suite: String,
    /// The file it ran from: a file name in the suites directory (a run
    /// started by the page) or the path the CLI was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env: Option<String>,
    /// The log's language (`zh`, `en`); none for bench runs and for runs
    /// recorded before the language was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    #[serde(default)]
    pub kind: RunKind,
    pub status: RunStatus,
    /// Unix milliseconds.
    pub started_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<i64>,
    pub counts: CaseCounts,
    /// Which workers may take it (team setup: `POST /api/run`'s `pool`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool: Option<String>,
    /// The worker that took it (team setup), once one has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worker: Option<String>,
    // Labels (the pipeline issue adds them) belong here, beside env.
}

impl RunInfo {
    /// How long it ran, once it has ended.
    pub fn duration_ms(&self) -> Option<i64> {
        self.finished_at.map(|f| (f - self.started_at).max(0))
    }

    /// What `POST /api/run` is given to run it again: its file when that is
    /// a file of the suites directory, else its suite name.
    pub fn rerun_suite(&self) -> &str {
        match self.file.as_deref() {
            Some(f) if !f.contains(['/', '\\']) => f,
            _ => &self.suite,
        }
    }
}
