//! What a finished run reports, case by case, as the server keeps it with
//! the run: the one source of a remote run's JUnit and failure pointers, of
//! the before/after comparison and of the notification. A local run builds
//! the same value from its report, so a report rendered from it is the same
//! wherever the run ran. Secrets are masked before it is made.

use super::{CaseCounts, CaseOutcome, Phase};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RunResult {
    pub suite: String,
    pub duration_ms: u64,
    /// Someone cancelled the run: the cases after the one under way were not run.
    #[serde(default)]
    pub cancelled: bool,
    pub cases: Vec<CaseResult>,
    /// The suite's own cleanup (its setup's undos, its `[[teardown]]`)
    /// steps that failed, each `teardown #1: …`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cleanup_errors: Vec<String>,
}

impl RunResult {
    pub fn counts(&self) -> CaseCounts {
        let cases = self.cases.iter().map(|c| (c.outcome, c.cleanup_ok, c.is_flaky()));
        CaseCounts::of_run(cases, !self.cleanup_errors.is_empty())
    }

    /// The CLI's exit code for this run, wherever it ran (see [`CaseCounts::exit_code`]).
    pub fn exit_code(&self) -> i32 {
        self.counts().exit_code(self.cancelled)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CaseResult {
    pub name: String,
    pub outcome: CaseOutcome,
    /// Why it did not pass (`step #1: …`), without its position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Where in the suite file (`suites/orders.toml:14:3`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// The reason pointed at in its file (the step's line and a caret), as
    /// `run` prints it after the log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pointed: Option<String>,
    /// A target was down at preflight (JUnit's `type="preflight"`).
    #[serde(default)]
    pub preflight: bool,
    pub cleanup_ok: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cleanup_errors: Vec<String>,
    pub duration_ms: u64,
    /// Every step that ran, in order, with how long it took.
    #[serde(default)]
    pub steps: Vec<StepResult>,
    /// The values the case captured, by name, as they were at its end.
    #[serde(default)]
    pub captures: BTreeMap<String, String>,
}

impl CaseResult {
    /// A step of it passed only after a retry.
    pub fn is_flaky(&self) -> bool {
        self.steps.iter().any(StepResult::is_flaky)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StepResult {
    pub phase: Phase,
    /// 1-based within its phase.
    pub n: u32,
    /// `sql main: INSERT …` / `GET /health`, as the log names it.
    pub label: String,
    pub ms: u64,
    pub ok: bool,
    /// How many times it ran (more than 1 only with `retry`).
    #[serde(default = "one")]
    pub attempts: u32,
    /// Why each attempt before the last did not succeed (masked).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failed_attempts: Vec<String>,
}

fn one() -> u32 {
    1
}

impl StepResult {
    /// It passed, but only after a retry.
    pub fn is_flaky(&self) -> bool {
        self.ok && self.attempts > 1
    }

    /// The step's name in a comparison: phase and number, then its label
    /// (two runs' steps are matched by it).
    pub fn key(&self) -> String {
        format!("{} #{} {}", self.phase.as_str(), self.n, self.label)
    }
}
