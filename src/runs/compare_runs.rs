//! Finding the two runs to compare and what they reported: the one entry
//! point behind `GET /api/compare`, `livesmoke compare`, `run --compare-with`
//! and the notification. The comparison itself is `model::comparison`.

use super::run_record::RunFilter;
use super::RunRegistry;
use crate::model::{comparison, Comparison, RunInfo, RunKind, RunResult, Thresholds};

/// The base of a comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    Run(u64),
    /// The newest finished run before head of the same suite and env.
    Previous,
}

impl std::str::FromStr for Base {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "previous" => Ok(Base::Previous),
            id => id.parse().map(Base::Run).map_err(|_| format!("expected a run id or `previous`, got `{s}`")),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    #[error("unknown run {0}")]
    NoSuchRun(u64),
    #[error("run {0} has no result to compare: it has not finished, or ended without one (interrupted, bench)")]
    NoResult(u64),
    #[error("run {0} has no earlier finished run of suite `{1}`{2} to compare with")]
    NoPrevious(u64, String, String),
    #[error("the run history: {0}")]
    Db(#[from] sqlx::Error),
}

/// Compares run `head` with `base`.
pub async fn compare_runs(
    registry: &RunRegistry,
    base: Base,
    head: u64,
    thresholds: Thresholds,
) -> Result<Comparison, CompareError> {
    let (head_info, head_res) = finished(registry, head).await?;
    let (base_info, base_res) = match base {
        Base::Run(id) => finished(registry, id).await?,
        Base::Previous => previous(registry, &head_info).await?.ok_or_else(|| {
            let env = head_info.env.as_deref().map(|e| format!(" (env {e})")).unwrap_or_default();
            CompareError::NoPrevious(head, head_info.suite.clone(), env)
        })?,
    };
    Ok(comparison::compare((base_info, &base_res), (head_info, &head_res), thresholds))
}

/// The newest run before `head` of its suite and env that has a result, with it.
async fn previous(registry: &RunRegistry, head: &RunInfo) -> Result<Option<(RunInfo, RunResult)>, sqlx::Error> {
    let mut before = Some(head.id);
    // A page at a time, in case the suite ran often in other envs since.
    while let Some(b) = before {
        let filter = RunFilter {
            suite: Some(head.suite.clone()),
            env: head.env.clone(),
            kind: Some(RunKind::Suite),
            before: Some(b),
            ..RunFilter::newest(50)
        };
        let page = registry.list(&filter).await?;
        for run in page.iter().filter(|r| r.env == head.env && r.status.is_finished()) {
            if let Some(result) = registry.result(run.id).await? {
                return Ok(Some((run.clone(), result)));
            }
        }
        before = (page.len() == 50).then(|| page.last().map(|r| r.id)).flatten();
    }
    Ok(None)
}

async fn finished(registry: &RunRegistry, run: u64) -> Result<(RunInfo, RunResult), CompareError> {
    let info = registry.get(run).await?.ok_or(CompareError::NoSuchRun(run))?;
    let result = registry.result(run).await?.ok_or(CompareError::NoResult(run))?;
    Ok((info, result))
}

impl From<CompareError> for crate::model::ApiError {
    fn from(e: CompareError) -> Self {
        use crate::model::ApiError;
        match e {
            CompareError::NoSuchRun(_) | CompareError::NoPrevious(..) => ApiError::not_found(e.to_string()),
            CompareError::NoResult(_) => ApiError::unprocessable(e.to_string()),
            CompareError::Db(_) => ApiError::internal(e.to_string()),
        }
    }
}
