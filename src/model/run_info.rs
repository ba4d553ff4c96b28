use serde::{Deserialize, Serialize};

/// Where a run stands. `Queued` waits for a worker (team setup only);
/// `Failed` means an expectation did not hold; `Error` means something broke
/// (setup, connection, timeout); `Interrupted` means the server stopped, or
/// the worker's lease ran out, while the run was going; `Cancelled` means
/// someone stopped it (`POST /api/cancel`): the step under way ended and its
/// case's cleanup ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum RunStatus {
    Queued,
    Running,
    Passed,
    Failed,
    Error,
    Interrupted,
    Cancelled,
}

impl RunStatus {
    /// Every status, in a run's order of life (the history's filter lists them so).
    pub const ALL: [RunStatus; 7] = [
        RunStatus::Queued,
        RunStatus::Running,
        RunStatus::Passed,
        RunStatus::Failed,
        RunStatus::Error,
        RunStatus::Interrupted,
        RunStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Queued => "queued",
            RunStatus::Running => "running",
            RunStatus::Passed => "passed",
            RunStatus::Failed => "failed",
            RunStatus::Error => "error",
            RunStatus::Interrupted => "interrupted",
            RunStatus::Cancelled => "cancelled",
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
            "cancelled" => RunStatus::Cancelled,
            _ => return None,
        })
    }

    pub fn is_finished(self) -> bool {
        !matches!(self, RunStatus::Queued | RunStatus::Running)
    }
}

/// Case outcome counts of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CaseCounts {
    pub total: u32,
    pub passed: u32,
    pub failed: u32,
    pub error: u32,
    pub skipped: u32,
    /// Cases whose cleanup (undo/teardown) failed, whatever their outcome.
    pub cleanup_failed: u32,
    /// Cases with a step that passed only after a retry.
    #[serde(default)]
    pub flaky: u32,
}

impl CaseCounts {
    /// The counts of cases ending so (outcome, cleanup succeeded, flaky).
    pub fn of(cases: impl IntoIterator<Item = (super::CaseOutcome, bool, bool)>) -> Self {
        use super::CaseOutcome;
        let mut c = CaseCounts::default();
        for (outcome, cleanup_ok, flaky) in cases {
            c.total += 1;
            match outcome {
                CaseOutcome::Passed => c.passed += 1,
                CaseOutcome::Failed => c.failed += 1,
                CaseOutcome::Error => c.error += 1,
                CaseOutcome::Skipped => c.skipped += 1,
            }
            c.cleanup_failed += u32::from(!cleanup_ok);
            c.flaky += u32::from(flaky);
        }
        c
    }

    /// [`CaseCounts::of`] a run's cases, and its own cleanup (the suite's
    /// setup undos and teardown): a failed one counts as one more cleanup failed.
    pub fn of_run(
        cases: impl IntoIterator<Item = (super::CaseOutcome, bool, bool)>,
        suite_cleanup_failed: bool,
    ) -> Self {
        let mut c = CaseCounts::of(cases);
        c.cleanup_failed += u32::from(suite_cleanup_failed);
        c
    }

    /// The CLI's exit code for a run ending so: 0 all passed; 3 any error,
    /// or cancelled (it did not run whole); 4 assertion failures only; 5 all
    /// passed but some cleanup failed.
    pub fn exit_code(&self, cancelled: bool) -> i32 {
        if self.error > 0 || cancelled {
            3
        } else if self.failed > 0 {
            4
        } else if self.cleanup_failed > 0 {
            5
        } else {
            0
        }
    }

    pub fn done(&self) -> u32 {
        self.passed + self.failed + self.error + self.skipped
    }
}

/// What made a run. The history shows suite runs by default; bench runs
/// (`POST /api/bench/produce`: lines without cases) only when asked for, so
/// they never fill it with "0/0 cases".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
    /// What the pipeline said about this run (`deploy=v1.42`,
    /// `commit=abc123`): stored with it, filterable, and the suite's
    /// `{{label.<k>}}` variables.
    #[serde(default, skip_serializing_if = "Labels::is_empty")]
    pub labels: Labels,
    /// The run whose failed cases this one re-ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rerun_of: Option<u64>,
}

/// A run's labels, by key (one value each, in key order).
pub type Labels = std::collections::BTreeMap<String, String>;

/// Letters, digits, `_`, `-` and `.`, at least one: what a label key, a
/// token's name and a data-driven case's variable may be (so each can be
/// written in a URL, a header row or `{{label.<k>}}` as is).
pub fn is_plain_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// Parses `k=v` (a label as `--label` and `POST /api/run` take it); the key
/// is letters, digits, `_`, `-` and `.`, so `{{label.<k>}}` can name it.
pub fn parse_label(s: &str) -> Result<(String, String), String> {
    let (k, v) = s.split_once('=').ok_or_else(|| format!("label `{s}`: expected KEY=VALUE"))?;
    // Spaces and tabs only: the rule the OpenAPI document states as a pattern.
    let k = k.trim_matches([' ', '\t']);
    if !is_plain_name(k) {
        return Err(format!("label `{s}`: the key must be letters, digits, `_`, `-` or `.`"));
    }
    Ok((k.to_string(), v.to_string()))
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
