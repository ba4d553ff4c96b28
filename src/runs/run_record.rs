//! What the run history is given (a new run, and for the team's queue how
//! to run it) and asked (which runs to list), the same for the embedded and
//! the team's database.

use crate::model::{Labels, RunKind, RunStatus};
use sqlx::{Database, Encode, QueryBuilder, Type};

/// A run about to start, as the registry records it.
#[derive(Debug, Clone, Default)]
pub struct NewRun<'a> {
    /// The suite's name (see [`RunInfo::suite`]).
    pub suite: &'a str,
    pub file: Option<&'a str>,
    pub env: Option<&'a str>,
    pub lang: Option<&'a str>,
    pub kind: RunKind,
    pub cases: u32,
    /// Which workers may take it (team setup; `default` when `None`).
    pub pool: Option<&'a str>,
    pub labels: Labels,
    /// The run whose failed cases this one re-runs.
    pub rerun_of: Option<u64>,
}

impl NewRun<'_> {
    /// The labels as the `labels` column keeps them (JSON, keys in order).
    pub fn labels_json(&self) -> String {
        serde_json::to_string(&self.labels).expect("labels always serialise")
    }
}

/// What `POST /api/cancel` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cancelled {
    /// It had not started: it ends `cancelled` now and never runs.
    Queued,
    /// Its producer stops after the step under way, cleans up, and ends it `cancelled`.
    Requested,
    /// It had ended already.
    AlreadyOver(RunStatus),
}

/// How a queued run is to be run, as stored with it. Variables given with
/// `--var` are not among them: they may override a secret, and secrets are
/// never stored in the team database.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct QueuedOptions {
    #[serde(default)]
    pub fail_fast: bool,
    #[serde(default)]
    pub tags: Vec<String>,
    /// A benchmark's synthetic run (`serve --bench` only), instead of a suite.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bench: Option<BenchLoad>,
    /// A re-run of failed cases: only these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub only_cases: Option<Vec<String>>,
}

impl QueuedOptions {
    /// What of `opts` a queued run keeps (env, lang and labels are columns).
    pub fn of(opts: &crate::engine::RunOptions) -> Self {
        QueuedOptions {
            fail_fast: opts.fail_fast,
            tags: opts.tags.clone(),
            bench: None,
            only_cases: opts.only_cases.clone(),
        }
    }
}

/// What a queued bench run produces (see `bench_load`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BenchLoad {
    pub n: u64,
    /// Lines per second.
    pub rate: u64,
    pub prefix: String,
}

/// Which runs `GET /api/runs` lists: every field narrows, `None` does not.
#[derive(Debug, Clone)]
pub struct RunFilter {
    pub id: Option<u64>,
    pub suite: Option<String>,
    pub status: Option<RunStatus>,
    pub env: Option<String>,
    /// Runs with this label (`key`, `value`).
    pub label: Option<(String, String)>,
    /// `None` lists every kind.
    pub kind: Option<RunKind>,
    /// Only runs older than this id: the next page after a page's last run.
    pub before: Option<u64>,
    pub limit: u32,
}

impl RunFilter {
    /// The newest `limit` runs of every kind.
    pub fn newest(limit: u32) -> Self {
        RunFilter { id: None, suite: None, status: None, env: None, label: None, kind: None, before: None, limit }
    }
}

/// The filter's conditions, ordering and limit after `… WHERE 1 = 1`, the
/// same SQL for both databases.
pub(crate) fn push_filter<DB>(q: &mut QueryBuilder<'_, DB>, filter: &RunFilter)
where
    DB: Database,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
{
    if let Some(id) = filter.id {
        q.push(" AND id = ").push_bind(id as i64);
    }
    if let Some(suite) = &filter.suite {
        q.push(" AND suite = ").push_bind(suite.clone());
    }
    if let Some(status) = filter.status {
        q.push(" AND status = ").push_bind(status.as_str().to_string());
    }
    if let Some(env) = &filter.env {
        q.push(" AND env = ").push_bind(env.clone());
    }
    if let Some((k, v)) = &filter.label {
        // The column is the labels' JSON (keys in order, one value each):
        // `"k":"v"` followed by `,` or `}` is exactly that label.
        let pair = serde_json::to_string(&Labels::from([(k.clone(), v.clone())])).expect("labels serialise");
        let pair = &pair[1..pair.len() - 1];
        let pair = pair.replace('\\', "\\\\");
        let pair = pair.replace('%', "\\%").replace('_', "\\_");
        q.push(" AND (labels LIKE ").push_bind(format!("%{pair},%"));
        q.push(" ESCAPE '\\' OR labels LIKE ").push_bind(format!("%{pair}}}"));
        q.push(" ESCAPE '\\')");
    }
    if let Some(kind) = filter.kind {
        q.push(" AND kind = ").push_bind(kind.as_str().to_string());
    }
    if let Some(before) = filter.before {
        q.push(" AND id < ").push_bind(before as i64);
    }
    q.push(" ORDER BY id DESC LIMIT ").push_bind(filter.limit as i64);
}
