use serde::{Deserialize, Serialize};

/// A suite file in the server's suites directory, as the page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SuiteInfo {
    /// File name relative to the suites directory: what `POST /api/run` takes.
    pub file: String,
    /// The suite's `suite = "…"` name (the file stem when absent).
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    pub cases: usize,
    /// Environments the file declares (`[env.<name>]`).
    #[serde(default)]
    pub envs: Vec<String>,
    /// Why the file cannot run (invalid suite), with file:line:col.
    #[serde(default)]
    pub problem: Option<String>,
}
