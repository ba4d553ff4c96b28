//! The embedded run history: one SQLite file in the data directory, used by
//! one process at a time (see `presence`).

use super::run_record::{push_filter, Cancelled, NewRun, RunFilter};
use crate::model::{CaseCounts, RunInfo, RunKind, RunResult, RunStatus};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use sqlx::{QueryBuilder, Row, Sqlite};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

/// Run history. Rows are written when a run starts and when it ends; live
/// counts are kept in memory in between, so listing never waits on a write.
pub struct SqliteRegistry {
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
    counts TEXT NOT NULL,
    file TEXT,
    lang TEXT,
    kind TEXT NOT NULL DEFAULT 'suite',
    labels TEXT NOT NULL DEFAULT '{}',
    result TEXT,
    rerun_of INTEGER
)";

const COLUMNS: &str = "id, suite, file, env, lang, kind, status, started_at, finished_at, counts, labels, rerun_of";

impl SqliteRegistry {
    /// Opens (or creates) the registry database and brings an older one's
    /// table up to date.
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
        migrate(&db).await?;
        Ok(SqliteRegistry { db, live: Mutex::new(BTreeMap::new()) })
    }

    /// The database (the token store shares it).
    pub fn db(&self) -> &SqlitePool {
        &self.db
    }

    /// Marks the runs still `running` as `interrupted` and returns them: at
    /// start, when no other process uses the data directory, they are runs
    /// a stopped process left behind (see `runs::presence`).
    pub async fn interrupt_left_running(&self) -> Result<Vec<RunInfo>, sqlx::Error> {
        let rows = sqlx::query(&format!(
            "UPDATE runs SET status = 'interrupted' WHERE status = 'running' RETURNING {COLUMNS}"
        ))
        .fetch_all(&self.db)
        .await?;
        Ok(rows.iter().map(to_info).collect())
    }

    /// Records a new run and returns it.
    pub async fn create(&self, run: &NewRun<'_>) -> Result<RunInfo, sqlx::Error> {
        let started_at = chrono::Utc::now().timestamp_millis();
        let counts = CaseCounts { total: run.cases, ..Default::default() };
        let rows = sqlx::query(
            "INSERT INTO runs (suite, file, env, lang, kind, status, started_at, counts, labels, rerun_of) \
             VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?, ?) RETURNING id",
        )
        .bind(run.suite)
        .bind(run.file)
        .bind(run.env)
        .bind(run.lang)
        .bind(run.kind.as_str())
        .bind(started_at)
        .bind(serde_json::to_string(&counts).unwrap())
        .bind(run.labels_json())
        .bind(run.rerun_of.map(|r| r as i64))
        // All rows, not the first: the statement commits after it returns its
        // row, and a commit that fails (a full disk) is reported only to a
        // caller that steps it to its end. With the first row alone the run
        // would seem recorded and be gone.
        .fetch_all(&self.db)
        .await?;
        let row = rows.first().ok_or(sqlx::Error::RowNotFound)?;
        let info = RunInfo {
            id: row.get::<i64, _>(0) as u64,
            suite: run.suite.into(),
            file: run.file.map(Into::into),
            env: run.env.map(Into::into),
            lang: run.lang.map(Into::into),
            kind: run.kind,
            status: RunStatus::Running,
            started_at,
            finished_at: None,
            counts,
            pool: None,
            worker: None,
            labels: run.labels.clone(),
            rerun_of: run.rerun_of,
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

    pub async fn finish(
        &self,
        run: u64,
        status: RunStatus,
        counts: CaseCounts,
        result: Option<&RunResult>,
    ) -> Result<(), sqlx::Error> {
        let finished_at = chrono::Utc::now().timestamp_millis();
        sqlx::query("UPDATE runs SET status = ?, finished_at = ?, counts = ?, result = ? WHERE id = ?")
            .bind(status.as_str())
            .bind(finished_at)
            .bind(serde_json::to_string(&counts).unwrap())
            .bind(result.map(|r| serde_json::to_string(r).expect("a result always serialises")))
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
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM runs WHERE id = ?"))
            .bind(run as i64)
            .fetch_optional(&self.db)
            .await?;
        Ok(row.map(|r| to_info(&r)))
    }

    /// What the run reported when it ended (none while it runs, nor for
    /// runs that ended without one: interrupted, bench).
    pub async fn result(&self, run: u64) -> Result<Option<RunResult>, sqlx::Error> {
        let row: Option<(Option<String>,)> =
            sqlx::query_as("SELECT result FROM runs WHERE id = ?").bind(run as i64).fetch_optional(&self.db).await?;
        Ok(row.and_then(|(r,)| serde_json::from_str(&r?).ok()))
    }

    /// A run of this process stops at its next step (see `Launcher::cancel`);
    /// here only: whether it is still running.
    pub async fn cancel(&self, run: u64) -> Result<Option<Cancelled>, sqlx::Error> {
        Ok(self.get(run).await?.map(|info| match info.status {
            RunStatus::Running | RunStatus::Queued => Cancelled::Requested,
            done => Cancelled::AlreadyOver(done),
        }))
    }

    /// The runs `filter` picks, newest first, live ones with their current counts.
    pub async fn list(&self, filter: &RunFilter) -> Result<Vec<RunInfo>, sqlx::Error> {
        let mut q = QueryBuilder::<Sqlite>::new(format!("SELECT {COLUMNS} FROM runs WHERE 1 = 1"));
        push_filter(&mut q, filter);
        let rows = q.build().fetch_all(&self.db).await?;
        let live = self.live.lock().unwrap();
        Ok(rows.iter().map(to_info).map(|i| live.get(&i.id).cloned().unwrap_or(i)).collect())
    }
}

/// Adds the columns a registry written by an older livesmoke lacks, so an
/// existing data directory keeps its history. Its rows named the suite by its
/// file (`demo.toml`, or the CLI's path): that becomes `file`, and the file
/// stem the name (the name inside the file is not known without it). Runs
/// named `bench` were the benchmark endpoint's.
async fn migrate(db: &SqlitePool) -> Result<(), sqlx::Error> {
    let have: Vec<String> =
        sqlx::query("PRAGMA table_info(runs)").fetch_all(db).await?.iter().map(|r| r.get("name")).collect();
    let lacks = |c: &str| !have.iter().any(|h| h == c);
    let mut tx = db.begin().await?;
    if lacks("lang") {
        sqlx::query("ALTER TABLE runs ADD COLUMN lang TEXT").execute(&mut *tx).await?;
    }
    if lacks("kind") {
        sqlx::query("ALTER TABLE runs ADD COLUMN kind TEXT NOT NULL DEFAULT 'suite'").execute(&mut *tx).await?;
        sqlx::query("UPDATE runs SET kind = 'bench' WHERE suite = 'bench'").execute(&mut *tx).await?;
    }
    if lacks("labels") {
        sqlx::query("ALTER TABLE runs ADD COLUMN labels TEXT NOT NULL DEFAULT '{}'").execute(&mut *tx).await?;
    }
    if lacks("result") {
        sqlx::query("ALTER TABLE runs ADD COLUMN result TEXT").execute(&mut *tx).await?;
    }
    if lacks("rerun_of") {
        sqlx::query("ALTER TABLE runs ADD COLUMN rerun_of INTEGER").execute(&mut *tx).await?;
    }
    if lacks("file") {
        sqlx::query("ALTER TABLE runs ADD COLUMN file TEXT").execute(&mut *tx).await?;
        let named: Vec<(i64, String)> = sqlx::query("SELECT id, suite FROM runs WHERE kind = 'suite'")
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| (r.get("id"), r.get("suite")))
            .collect();
        for (id, file) in named {
            let stem = Path::new(&file).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or(file.clone());
            sqlx::query("UPDATE runs SET file = ?, suite = ? WHERE id = ?")
                .bind(&file)
                .bind(stem)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
    }
    tx.commit().await
}

fn to_info(r: &sqlx::sqlite::SqliteRow) -> RunInfo {
    RunInfo {
        id: r.get::<i64, _>("id") as u64,
        suite: r.get("suite"),
        file: r.get("file"),
        env: r.get("env"),
        lang: r.get("lang"),
        kind: RunKind::parse(r.get::<&str, _>("kind")).unwrap_or_default(),
        status: RunStatus::parse(r.get::<&str, _>("status")).unwrap_or(RunStatus::Interrupted),
        started_at: r.get("started_at"),
        finished_at: r.get("finished_at"),
        counts: serde_json::from_str(r.get::<&str, _>("counts")).unwrap_or_default(),
        pool: None,
        worker: None,
        labels: serde_json::from_str(r.get::<&str, _>("labels")).unwrap_or_default(),
        rerun_of: r.get::<Option<i64>, _>("rerun_of").map(|r| r as u64),
    }
}
