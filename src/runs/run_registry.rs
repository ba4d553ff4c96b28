use crate::model::{CaseCounts, RunInfo, RunStatus};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use sqlx::Row;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

/// Run history. Rows are written when a run starts and when it ends; live
/// counts are kept in memory in between, so listing never waits on a write.
pub struct RunRegistry {
    db: SqlitePool,
    live: Mutex<BTreeMap<u64, RunInfo>>,
}

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    suite TEXT NOT NULL,
    env TEXT,
    status TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    counts TEXT NOT NULL
)";

impl RunRegistry {
    /// Opens (or creates) the registry database and marks runs that were still
    /// running when the server last stopped as `interrupted`.
    pub async fn open(path: &Path) -> Result<Self, sqlx::Error> {
        if let Some(dir) = path.parent() {
            tokio::fs::create_dir_all(dir).await.map_err(sqlx::Error::Io)?;
        }
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal);
        let db = SqlitePoolOptions::new().max_connections(2).connect_with(opts).await?;
        sqlx::query(SCHEMA).execute(&db).await?;
        sqlx::query("UPDATE runs SET status = 'interrupted' WHERE status = 'running'").execute(&db).await?;
        Ok(RunRegistry { db, live: Mutex::new(BTreeMap::new()) })
    }

    /// Records a new run and returns its id.
    pub async fn create(&self, suite: &str, env: Option<&str>, total_cases: u32) -> Result<RunInfo, sqlx::Error> {
        let started_at = chrono::Utc::now().timestamp_millis();
        let counts = CaseCounts { total: total_cases, ..Default::default() };
        let row = sqlx::query(
            "INSERT INTO runs (suite, env, status, started_at, counts) VALUES (?, ?, 'running', ?, ?) RETURNING id",
        )
        .bind(suite)
        .bind(env)
        .bind(started_at)
        .bind(serde_json::to_string(&counts).unwrap())
        .fetch_one(&self.db)
        .await?;
        let info = RunInfo {
            id: row.get::<i64, _>(0) as u64,
            suite: suite.into(),
            env: env.map(Into::into),
            status: RunStatus::Running,
            started_at,
            finished_at: None,
            counts,
        };
        self.live.lock().unwrap().insert(info.id, info.clone());
        Ok(info)
    }

    /// Updates the live counts of a running run (cases done so far).
    pub fn progress(&self, run: u64, counts: CaseCounts) {
        if let Some(info) = self.live.lock().unwrap().get_mut(&run) {
            info.counts = counts;
        }
    }

    pub async fn finish(&self, run: u64, status: RunStatus, counts: CaseCounts) -> Result<(), sqlx::Error> {
        let finished_at = chrono::Utc::now().timestamp_millis();
        sqlx::query("UPDATE runs SET status = ?, finished_at = ?, counts = ? WHERE id = ?")
            .bind(status.as_str())
            .bind(finished_at)
            .bind(serde_json::to_string(&counts).unwrap())
            .bind(run as i64)
            .execute(&self.db)
            .await?;
        self.live.lock().unwrap().remove(&run);
        Ok(())
    }

    pub async fn get(&self, run: u64) -> Result<Option<RunInfo>, sqlx::Error> {
        if let Some(info) = self.live.lock().unwrap().get(&run) {
            return Ok(Some(info.clone()));
        }
        let row = sqlx::query("SELECT id, suite, env, status, started_at, finished_at, counts FROM runs WHERE id = ?")
            .bind(run as i64)
            .fetch_optional(&self.db)
            .await?;
        Ok(row.map(|r| to_info(&r)))
    }

    /// The newest runs first, live ones with their current counts.
    pub async fn list(&self, limit: u32) -> Result<Vec<RunInfo>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT id, suite, env, status, started_at, finished_at, counts FROM runs ORDER BY id DESC LIMIT ?",
        )
        .bind(limit as i64)
        .fetch_all(&self.db)
        .await?;
        let live = self.live.lock().unwrap();
        Ok(rows.iter().map(to_info).map(|i| live.get(&i.id).cloned().unwrap_or(i)).collect())
    }
}

fn to_info(r: &sqlx::sqlite::SqliteRow) -> RunInfo {
    RunInfo {
        id: r.get::<i64, _>("id") as u64,
        suite: r.get("suite"),
        env: r.get("env"),
        status: RunStatus::parse(r.get::<&str, _>("status")).unwrap_or(RunStatus::Interrupted),
        started_at: r.get("started_at"),
        finished_at: r.get("finished_at"),
        counts: serde_json::from_str(r.get::<&str, _>("counts")).unwrap_or_default(),
    }
}
