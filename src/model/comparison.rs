//! Before and after: two runs of a suite compared case by case — outcomes
//! that changed, cases new or gone, steps that got slower beyond both a
//! relative and an absolute threshold (either alone flags noise: 2 ms → 5 ms
//! is +150 %, and +300 ms on a 20 s import is nothing), captured values that
//! changed. Computed here, from the two runs' [`RunResult`]s, so the server,
//! the CLI and the page agree on what "worse" means.

use super::{CaseOutcome, RunInfo, RunResult};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// When a step counts as slower: both more than `pct` percent and more than
/// `ms` milliseconds over the base.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Thresholds {
    pub pct: u32,
    pub ms: u64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds { pct: 50, ms: 100 }
    }
}

impl Thresholds {
    pub fn slower(&self, base_ms: u64, head_ms: u64) -> bool {
        head_ms > base_ms.saturating_add(self.ms) && head_ms * 100 > base_ms * (100 + self.pct as u64)
    }
}

/// What happened to one case between base and head, worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Change {
    /// Its outcome got worse, or a step got slower.
    Worse,
    /// Only in head, and it did not pass.
    New,
    /// Only in base.
    Removed,
    /// Its outcome got better.
    Better,
    /// Only in head, passing; or same outcome with other captured values, or
    /// skipped on one side.
    Changed,
    Same,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Worse => "worse",
            Change::New => "new",
            Change::Removed => "removed",
            Change::Better => "better",
            Change::Changed => "changed",
            Change::Same => "same",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CaseSide {
    pub outcome: CaseOutcome,
    pub ms: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StepDiff {
    /// `step #2 GET /orders`.
    pub step: String,
    pub base_ms: u64,
    pub head_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CaptureDiff {
    pub name: String,
    pub base: Option<String>,
    pub head: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CaseDiff {
    pub name: String,
    pub change: Change,
    pub base: Option<CaseSide>,
    pub head: Option<CaseSide>,
    #[serde(default)]
    pub slower: Vec<StepDiff>,
    #[serde(default)]
    pub captures: Vec<CaptureDiff>,
}

/// `GET /api/compare`'s answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Comparison {
    pub base: RunInfo,
    pub head: RunInfo,
    pub thresholds: Thresholds,
    /// Something got worse: a case's outcome, a new failing case, a slower step.
    pub worse: bool,
    /// Every case of either run, differences first (worst first), then in
    /// head's order.
    pub cases: Vec<CaseDiff>,
}

impl Comparison {
    /// How many cases had each change, worst first, leaving out none.
    pub fn tally(&self) -> Vec<(Change, usize)> {
        let mut t: BTreeMap<Change, usize> = BTreeMap::new();
        for c in &self.cases {
            *t.entry(c.change).or_default() += 1;
        }
        t.into_iter().collect()
    }
}

/// Where an outcome ranks for "worse": skipped is neither better nor worse.
fn rank(o: CaseOutcome) -> Option<u8> {
    match o {
        CaseOutcome::Passed => Some(0),
        CaseOutcome::Failed => Some(1),
        CaseOutcome::Error => Some(2),
        CaseOutcome::Skipped => None,
    }
}

/// Compares `head` with `base` (their infos and results).
pub fn compare(base: (RunInfo, &RunResult), head: (RunInfo, &RunResult), thresholds: Thresholds) -> Comparison {
    let (base_info, base_res) = base;
    let (head_info, head_res) = head;
    let by_name: BTreeMap<&str, _> = base_res.cases.iter().map(|c| (c.name.as_str(), c)).collect();
    let mut cases: Vec<CaseDiff> = head_res
        .cases
        .iter()
        .map(|h| {
            let head_side = Some(CaseSide { outcome: h.outcome, ms: h.duration_ms });
            let Some(b) = by_name.get(h.name.as_str()) else {
                let change = if h.outcome == CaseOutcome::Passed { Change::Changed } else { Change::New };
                let change = if matches!(h.outcome, CaseOutcome::Skipped) { Change::Changed } else { change };
                return CaseDiff {
                    name: h.name.clone(),
                    change,
                    base: None,
                    head: head_side,
                    slower: vec![],
                    captures: vec![],
                };
            };
            let base_steps: BTreeMap<String, u64> = b.steps.iter().map(|s| (s.key(), s.ms)).collect();
            let slower: Vec<StepDiff> = h
                .steps
                .iter()
                .filter_map(|s| {
                    let base_ms = *base_steps.get(&s.key())?;
                    thresholds.slower(base_ms, s.ms).then(|| StepDiff { step: s.key(), base_ms, head_ms: s.ms })
                })
                .collect();
            let names: std::collections::BTreeSet<&String> = b.captures.keys().chain(h.captures.keys()).collect();
            let captures: Vec<CaptureDiff> = names
                .into_iter()
                .filter(|n| b.captures.get(*n) != h.captures.get(*n))
                .map(|n| CaptureDiff {
                    name: n.clone(),
                    base: b.captures.get(n).cloned(),
                    head: h.captures.get(n).cloned(),
                })
                .collect();
            let change = match (rank(b.outcome), rank(h.outcome)) {
                (Some(x), Some(y)) if y > x => Change::Worse,
                (Some(x), Some(y)) if y < x => Change::Better,
                _ if b.outcome != h.outcome => Change::Changed,
                _ if !slower.is_empty() => Change::Worse,
                _ if !captures.is_empty() => Change::Changed,
                _ => Change::Same,
            };
            CaseDiff {
                name: h.name.clone(),
                change,
                base: Some(CaseSide { outcome: b.outcome, ms: b.duration_ms }),
                head: head_side,
                slower,
                captures,
            }
        })
        .collect();
    let in_head: std::collections::BTreeSet<&str> = head_res.cases.iter().map(|c| c.name.as_str()).collect();
    cases.extend(base_res.cases.iter().filter(|b| !in_head.contains(b.name.as_str())).map(|b| CaseDiff {
        name: b.name.clone(),
        change: Change::Removed,
        base: Some(CaseSide { outcome: b.outcome, ms: b.duration_ms }),
        head: None,
        slower: vec![],
        captures: vec![],
    }));
    // Stable: within a change, head's order stays.
    cases.sort_by_key(|c| c.change);
    let worse = cases.iter().any(|c| matches!(c.change, Change::Worse | Change::New));
    Comparison { base: base_info, head: head_info, thresholds, worse, cases }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CaseCounts, CaseResult, Phase, RunKind, RunStatus, StepResult};

    fn info(id: u64) -> RunInfo {
        RunInfo {
            id,
            suite: "s".into(),
            file: None,
            env: None,
            lang: None,
            kind: RunKind::Suite,
            status: RunStatus::Passed,
            started_at: 0,
            finished_at: Some(1),
            counts: CaseCounts::default(),
            pool: None,
            worker: None,
            labels: Default::default(),
            rerun_of: None,
        }
    }

    fn case(name: &str, outcome: CaseOutcome, step_ms: u64, capture: &str) -> CaseResult {
        CaseResult {
            name: name.into(),
            outcome,
            reason: None,
            at: None,
            pointed: None,
            preflight: false,
            cleanup_ok: true,
            cleanup_errors: vec![],
            duration_ms: step_ms,
            steps: vec![StepResult {
                phase: Phase::Step,
                n: 1,
                label: "GET /x".into(),
                ms: step_ms,
                ok: true,
                attempts: 1,
                failed_attempts: vec![],
            }],
            captures: [("id".to_string(), capture.to_string())].into(),
        }
    }

    fn result(cases: Vec<CaseResult>) -> RunResult {
        RunResult { suite: "s".into(), cases, ..Default::default() }
    }

    #[test]
    fn a_step_is_slower_only_past_both_thresholds() {
        let t = Thresholds { pct: 50, ms: 100 };
        assert!(!t.slower(2, 5), "+150 % but +3 ms is noise");
        assert!(!t.slower(20_000, 20_300), "+300 ms on 20 s is noise");
        assert!(t.slower(100, 400));
    }

    #[test]
    fn outcome_timing_new_removed_and_captures_sort_worst_first() {
        let base = result(vec![
            case("a", CaseOutcome::Passed, 10, "1"),
            case("b", CaseOutcome::Failed, 10, "1"),
            case("c", CaseOutcome::Passed, 100, "1"),
            case("d", CaseOutcome::Passed, 10, "1"),
            case("gone", CaseOutcome::Passed, 10, "1"),
        ]);
        let head = result(vec![
            case("a", CaseOutcome::Error, 10, "1"),
            case("b", CaseOutcome::Passed, 10, "1"),
            case("c", CaseOutcome::Passed, 900, "1"),
            case("d", CaseOutcome::Passed, 10, "2"),
            case("fresh", CaseOutcome::Failed, 10, "1"),
        ]);
        let c = compare((info(1), &base), (info(2), &head), Thresholds::default());
        let got: Vec<(&str, Change)> = c.cases.iter().map(|d| (d.name.as_str(), d.change)).collect();
        assert_eq!(
            got,
            vec![
                ("a", Change::Worse),
                ("c", Change::Worse),
                ("fresh", Change::New),
                ("gone", Change::Removed),
                ("b", Change::Better),
                ("d", Change::Changed),
            ]
        );
        assert!(c.worse);
        assert_eq!(c.cases[1].slower, vec![StepDiff { step: "step #1 GET /x".into(), base_ms: 100, head_ms: 900 }]);
        assert_eq!(c.cases[5].captures[0].head.as_deref(), Some("2"));
    }

    #[test]
    fn the_same_run_twice_is_not_worse() {
        let r = result(vec![case("a", CaseOutcome::Passed, 10, "1")]);
        let c = compare((info(1), &r), (info(2), &r), Thresholds::default());
        assert!(!c.worse);
        assert_eq!(c.tally(), vec![(Change::Same, 1)]);
    }
}
