use crate::runs::team::pg_registry::DEFAULT_POOL;
use crate::runs::team::{default_name, worker::WorkerConfig, TeamConfig};
use std::path::Path;
use std::time::Duration;

/// What `serve --db` and `worker` share: the worker's pool and name, and the lease.
#[derive(clap::Args, Debug, Clone)]
pub struct TeamArgs {
    /// Which queued runs this process's worker takes (`POST /api/run`'s `pool`).
    #[arg(long, env = "LIVESMOKE_POOL", default_value = DEFAULT_POOL)]
    pub pool: String,
    /// This process's name in the run history (default: host:pid).
    #[arg(long, env = "LIVESMOKE_WORKER_NAME")]
    pub name: Option<String>,
    /// Seconds a run stays leased without a renewal: a worker that stops
    /// (killed, cut off) has its run marked interrupted that long after.
    #[arg(long, env = "LIVESMOKE_LEASE_SECS", default_value_t = 10.0, value_parser = positive_secs)]
    pub lease_secs: f64,
    /// Runs this process's worker runs at once.
    #[arg(long, env = "LIVESMOKE_WORKER_RUNS", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..))]
    pub runs: u16,
}

impl Default for TeamArgs {
    fn default() -> Self {
        TeamArgs { pool: DEFAULT_POOL.into(), name: None, lease_secs: 10.0, runs: 4 }
    }
}

fn positive_secs(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.1 => Ok(v),
        _ => Err(format!("expected a number of seconds, at least 0.1, got `{s}`")),
    }
}

impl TeamArgs {
    pub fn config(&self, url: &str) -> TeamConfig {
        TeamConfig {
            url: url.to_string(),
            lease: Duration::from_secs_f64(self.lease_secs),
            name: self.name.clone().unwrap_or_else(default_name),
        }
    }

    pub fn worker(&self, team: &TeamConfig, suites: &Path, data: &Path) -> WorkerConfig {
        WorkerConfig {
            pool: self.pool.clone(),
            name: team.name.clone(),
            suites: suites.to_path_buf(),
            data: data.to_path_buf(),
            max_runs: self.runs as usize,
            poll: Duration::from_secs(5),
        }
    }
}
