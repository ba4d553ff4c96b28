//! What `run` (here or on a server), `check` and `compare` are told on the
//! command line.

use crate::model::Thresholds;
use crate::runs::compare_runs::Base;
use std::path::PathBuf;

/// The suites to load and how to resolve them (shared by `run` and `check`).
#[derive(clap::Args, Debug)]
pub struct SuiteArgs {
    /// Suite files (.toml); none with `run --rerun-failed`.
    pub files: Vec<PathBuf>,
    /// Environment whose [env.<name>] overrides apply.
    #[arg(long)]
    pub env: Option<String>,
    /// Set a variable (highest precedence); repeatable.
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    pub vars: Vec<(String, String)>,
    /// Data directory: run history and logs (shared with `serve`); relative SQLite paths point here.
    #[arg(long, env = "LIVESMOKE_DATA", default_value = "data")]
    pub data: PathBuf,
}

#[derive(clap::Args, Debug)]
pub struct RunArgs {
    #[command(flatten)]
    pub suites: SuiteArgs,
    /// Run only cases with one of these tags (comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub tags: Vec<String>,
    /// Stop after the first case that does not pass (cleanup still runs).
    #[arg(long)]
    pub fail_fast: bool,
    /// Write a JUnit XML report here.
    #[arg(long, value_name = "PATH")]
    pub junit: Option<PathBuf>,
    /// Write the log as JSON Lines here (the same events as the live view).
    #[arg(long, value_name = "PATH")]
    pub jsonl: Option<PathBuf>,
    /// Write a self-contained HTML report here (summary, cases, steps, the
    /// searchable log; opens from a CI artifact without a server).
    #[arg(long, value_name = "PATH")]
    pub html: Option<PathBuf>,
    /// Run up to N suite files at once.
    #[arg(long, short = 'j', default_value_t = 1, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=64))]
    pub jobs: u32,
    /// Language of the log messages.
    #[arg(long, default_value = "zh", value_parser = ["zh", "en"])]
    pub lang: String,
    /// Store with the run, show in the history, and pass to the suite as
    /// `{{label.KEY}}` (`deploy=v1.42`, `commit=abc123`); repeatable.
    #[arg(long = "label", value_name = "KEY=VALUE", value_parser = crate::model::parse_label)]
    pub labels: Vec<(String, String)>,
    /// Run on this livesmoke server instead of here: SUITE names a suite of
    /// its suites directory (a local path counts by its file name).
    #[arg(long, env = "LIVESMOKE_SERVER", value_name = "URL")]
    pub server: Option<String>,
    /// The server's token (`livesmoke token create`, scope run).
    #[arg(long, env = "LIVESMOKE_TOKEN", hide_env_values = true, requires = "server")]
    pub token: Option<String>,
    /// With --server: the pool of workers to run it (team setup).
    #[arg(long, requires = "server")]
    pub pool: Option<String>,
    /// After the run, print how it compares with a run (`previous`: the
    /// suite's previous run in the same env, or a run id).
    #[arg(long, value_name = "previous|RUN")]
    pub compare_with: Option<Base>,
    #[command(flatten)]
    pub thresholds: ThresholdArgs,
    /// POST a signed JSON summary here when each run ends (the secret is
    /// `LIVESMOKE_NOTIFY_SECRET`); repeatable. A failing hook never fails the run.
    #[arg(long = "notify", value_name = "URL")]
    pub notify: Vec<String>,
    /// Run again the cases that failed or errored in this run, with its
    /// suite, env, language and labels (its --vars are not kept: give them again).
    #[arg(long, value_name = "RUN", conflicts_with = "files")]
    pub rerun_failed: Option<u64>,
}

impl SuiteArgs {
    /// Some file to load, or a usage error naming what is missing.
    pub fn require_files(&self) -> Result<(), String> {
        match self.files.is_empty() {
            true => Err("no suite files given (livesmoke run FILE.toml…)".into()),
            false => Ok(()),
        }
    }
}

/// When a step counts as slower in a comparison.
#[derive(clap::Args, Debug, Clone, Copy)]
pub struct ThresholdArgs {
    /// A step is slower when it took this many percent more…
    #[arg(long, default_value_t = Thresholds::default().pct, value_name = "PERCENT")]
    pub slower_pct: u32,
    /// …and this many milliseconds more.
    #[arg(long, default_value_t = Thresholds::default().ms, value_name = "MS")]
    pub slower_ms: u64,
}

impl ThresholdArgs {
    pub fn thresholds(&self) -> Thresholds {
        Thresholds { pct: self.slower_pct, ms: self.slower_ms }
    }
}

pub fn parse_var(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(k, v)| (k.trim().to_string(), v.to_string()))
        .filter(|(k, _)| !k.is_empty())
        .ok_or_else(|| format!("expected NAME=VALUE, got `{s}`"))
}
