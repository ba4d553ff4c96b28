//! The runs table in PostgreSQL: the history every instance lists, the queue
//! workers claim from, and the lease fence on every write a holder makes.

use super::leases::Leases;
use crate::logging::line_json;
use crate::model::{CaseCounts, Level, LogLine, RunInfo, RunKind, RunResult, RunStatus};
use crate::runs::interrupted_note;
use crate::runs::run_record::{push_filter, Cancelled, NewRun, QueuedOptions, RunFilter};
use sqlx::postgres::{PgPool, PgRow};
use sqlx::{Postgres, QueryBuilder, Row};
use std::sync::Arc;
use std::time::Duration;

/// The channel a new queued run is announced on (its payload: the pool).
pub const QUEUE_CHANNEL: &str = "livesmoke_runs";

const COLUMNS: &str =
    "id, suite, file, env, lang, kind, status, started_at, finished_at, counts, pool, worker, labels, rerun_of";

/// What a worker gets when it claims a run.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub info: RunInfo,
    /// The suite text the run was queued with (what the history says ran).
    pub suite_text: String,
    pub options: QueuedOptions,
}

pub struct PgRegistry {
    db: PgPool,
    leases: Arc<Leases>,
    /// This process's name: the `worker` of runs it produces itself.
    holder: String,
    lease: Duration,
}

impl PgRegistry {
    pub fn new(db: PgPool, leases: Arc<Leases>, holder: String, lease: Duration) -> Self {
        PgRegistry { db, leases, holder, lease }
    }

    pub fn pool(&self) -> &PgPool {
        &self.db
    }

    pub fn lease(&self) -> Duration {
        self.lease
    }

    /// Records a run this process produces at once (no queue), leased to it.
    pub async fn create(&self, run: &NewRun<'_>) -> Result<RunInfo, sqlx::Error> {
        let token = uuid::Uuid::new_v4().to_string();
        let now = now_ms();
        let counts = CaseCounts { total: run.cases, ..Default::default() };
        let row = sqlx::query(&format!(
            "INSERT INTO runs (suite, file, env, lang, kind, status, pool, worker, queued_at, started_at, counts, \
             lease_token, lease_until, labels, rerun_of) \
             VALUES ($1, $2, $3, $4, $5, 'running', $6, $7, $8, $8, $9, $10, now() + make_interval(secs => $11), $12, \
             $13) \
             RETURNING {COLUMNS}"
        ))
        .bind(run.suite)
        .bind(run.file)
        .bind(run.env)
        .bind(run.lang)
        .bind(run.kind.as_str())
        .bind(run.pool.unwrap_or(DEFAULT_POOL))
        .bind(&self.holder)
        .bind(now)
        .bind(serde_json::to_string(&counts).unwrap())
        .bind(&token)
        .bind(self.lease.as_secs_f64())
        .bind(run.labels_json())
        .bind(run.rerun_of.map(|r| r as i64))
        .fetch_one(&self.db)
        .await?;
        let info = to_info(&row);
        self.leases.hold(info.id, &token);
        Ok(info)
    }

    /// Queues a run for a worker of `run.pool` and wakes the idle ones.
    pub async fn enqueue(
        &self,
        run: &NewRun<'_>,
        suite_text: &str,
        options: &QueuedOptions,
    ) -> Result<RunInfo, sqlx::Error> {
        let pool = run.pool.unwrap_or(DEFAULT_POOL);
        let counts = CaseCounts { total: run.cases, ..Default::default() };
        let mut tx = self.db.begin().await?;
        let row = sqlx::query(&format!(
            "INSERT INTO runs (suite, file, env, lang, kind, status, pool, suite_text, options, queued_at, started_at, counts, \
             labels, rerun_of) VALUES ($1, $2, $3, $4, $5, 'queued', $6, $7, $8, $9, $9, $10, $11, $12) \
             RETURNING {COLUMNS}"
        ))
        .bind(run.suite)
        .bind(run.file)
        .bind(run.env)
        .bind(run.lang)
        .bind(run.kind.as_str())
        .bind(pool)
        .bind(suite_text)
        .bind(serde_json::to_string(options).unwrap())
        .bind(now_ms())
        .bind(serde_json::to_string(&counts).unwrap())
        .bind(run.labels_json())
        .bind(run.rerun_of.map(|r| r as i64))
        .fetch_one(&mut *tx)
        .await?;
        // Delivered at commit, so a woken worker finds the row.
        sqlx::query("SELECT pg_notify($1, $2)").bind(QUEUE_CHANNEL).bind(pool).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(to_info(&row))
    }

    /// Takes the oldest queued run of `pool` for `worker`, if any. Two
    /// workers asking at once get different runs: the row is locked by the
    /// claim and skipped by the other.
    pub async fn claim(&self, pool: &str, worker: &str) -> Result<Option<Claimed>, sqlx::Error> {
        let token = uuid::Uuid::new_v4().to_string();
        let row = sqlx::query(&format!(
            "UPDATE runs SET status = 'running', worker = $2, lease_token = $3, \
             lease_until = now() + make_interval(secs => $4), started_at = $5 \
             WHERE id = (SELECT id FROM runs WHERE status = 'queued' AND pool = $1 ORDER BY id \
                         FOR UPDATE SKIP LOCKED LIMIT 1) \
             RETURNING {COLUMNS}, suite_text, options"
        ))
        .bind(pool)
        .bind(worker)
        .bind(&token)
        .bind(self.lease.as_secs_f64())
        .bind(now_ms())
        .fetch_optional(&self.db)
        .await?;
        Ok(row.map(|row| {
            let info = to_info(&row);
            self.leases.hold(info.id, &token);
            Claimed {
                suite_text: row.get::<Option<String>, _>("suite_text").unwrap_or_default(),
                options: serde_json::from_str(row.get::<&str, _>("options")).unwrap_or_default(),
                info,
            }
        }))
    }

    /// Stops renewing the run's lease (if this process still holds it).
    pub fn let_go(&self, run: u64) {
        self.leases.release(run);
    }

    /// Pushes the lease's deadline out: `None` when the lease is no longer
    /// `token` or already ran out, else whether someone asked to cancel the
    /// run (the holder hears it here, within a third of the lease).
    pub async fn renew(&self, run: u64, token: &str) -> Result<Option<bool>, sqlx::Error> {
        let row: Option<(bool,)> = sqlx::query_as(
            "UPDATE runs SET lease_until = now() + make_interval(secs => $3) \
             WHERE id = $1 AND lease_token = $2 AND status = 'running' AND lease_until > now() \
             RETURNING cancel_requested",
        )
        .bind(run as i64)
        .bind(token)
        .bind(self.lease.as_secs_f64())
        .fetch_optional(&self.db)
        .await?;
        Ok(row.map(|(c,)| c))
    }

    /// Cancels a run: a queued one ends `cancelled` at once (it never runs);
    /// a running one is flagged for its holder. `None`: no such run.
    pub async fn cancel(&self, run: u64) -> Result<Option<Cancelled>, sqlx::Error> {
        let queued = sqlx::query(
            "UPDATE runs SET status = 'cancelled', finished_at = $2, cancel_requested = true \
             WHERE id = $1 AND status = 'queued'",
        )
        .bind(run as i64)
        .bind(now_ms())
        .execute(&self.db)
        .await?;
        if queued.rows_affected() == 1 {
            return Ok(Some(Cancelled::Queued));
        }
        let running = sqlx::query("UPDATE runs SET cancel_requested = true WHERE id = $1 AND status = 'running'")
            .bind(run as i64)
            .execute(&self.db)
            .await?;
        if running.rows_affected() == 1 {
            return Ok(Some(Cancelled::Requested));
        }
        Ok(self.get(run).await?.map(|info| Cancelled::AlreadyOver(info.status)))
    }

    /// What the run reported when it ended.
    pub async fn result(&self, run: u64) -> Result<Option<RunResult>, sqlx::Error> {
        let row: Option<(Option<String>,)> =
            sqlx::query_as("SELECT result FROM runs WHERE id = $1").bind(run as i64).fetch_optional(&self.db).await?;
        Ok(row.and_then(|(r,)| serde_json::from_str(&r?).ok()))
    }

    /// The live case counts, written while the lease holds (in the
    /// background: the producer does not wait on it).
    pub fn progress(&self, run: u64, counts: CaseCounts) {
        let Some(token) = self.leases.token(run) else { return };
        let db = self.db.clone();
        tokio::spawn(async move {
            let res =
                sqlx::query("UPDATE runs SET counts = $2 WHERE id = $1 AND lease_token = $3 AND status = 'running'")
                    .bind(run as i64)
                    .bind(serde_json::to_string(&counts).unwrap())
                    .bind(&*token)
                    .execute(&db)
                    .await;
            if let Err(e) = res {
                tracing::warn!(run, error = %e, "recording the run's progress failed");
            }
        });
    }

    /// Records how the run ended, if this process still holds its lease.
    pub async fn finish(
        &self,
        run: u64,
        status: RunStatus,
        counts: CaseCounts,
        result: Option<&RunResult>,
    ) -> Result<(), sqlx::Error> {
        let result = result.map(|r| serde_json::to_string(r).expect("a result always serialises"));
        let Some(token) = self.leases.token(run) else {
            tracing::error!(run, "the run's lease was lost before it ended: its end is not recorded");
            return Ok(());
        };
        // Retried while the lease could still hold: a run that ended while
        // the database was briefly away still ends with its own outcome.
        let deadline = std::time::Instant::now() + self.lease;
        let mut pause = Duration::from_millis(100);
        let res = loop {
            let res = sqlx::query(
                "UPDATE runs SET status = $2, finished_at = $3, counts = $4, lease_token = NULL, lease_until = NULL, \
                 result = $6 WHERE id = $1 AND lease_token = $5 AND status = 'running'",
            )
            .bind(run as i64)
            .bind(status.as_str())
            .bind(now_ms())
            .bind(serde_json::to_string(&counts).unwrap())
            .bind(&*token)
            .bind(result.as_deref())
            .execute(&self.db)
            .await;
            match res {
                Err(e) if std::time::Instant::now() + pause < deadline => {
                    tracing::warn!(run, error = %e, "recording the run's end failed; retrying");
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_secs(2));
                }
                res => break res,
            }
        };
        self.leases.release(run);
        if res?.rows_affected() == 0 {
            tracing::error!(run, "the run's lease ran out before it ended: it stays interrupted");
        }
        Ok(())
    }

    /// Marks every run whose lease ran out `interrupted`, with a last line
    /// saying so (after the last stored line: the log stays gap-free), and
    /// returns their ids. Rows a writer is updating right now are skipped and
    /// looked at next time.
    pub async fn reap(&self) -> Result<Vec<u64>, sqlx::Error> {
        let mut tx = self.db.begin().await?;
        let rows = sqlx::query(
            "WITH dead AS (SELECT id FROM runs WHERE status = 'running' AND lease_until < now() \
                           FOR UPDATE SKIP LOCKED) \
             UPDATE runs r SET status = 'interrupted', finished_at = $1, lease_token = NULL, lease_until = NULL, \
                               last_seq = r.last_seq + 1 \
             FROM dead WHERE r.id = dead.id RETURNING r.id, r.last_seq, r.worker, r.lang",
        )
        .bind(now_ms())
        .fetch_all(&mut *tx)
        .await?;
        let mut reaped = Vec::with_capacity(rows.len());
        for row in &rows {
            let run = row.get::<i64, _>("id");
            let seq = row.get::<i64, _>("last_seq");
            let worker: Option<String> = row.get("worker");
            let lang: Option<String> = row.get("lang");
            let line = LogLine {
                seq: seq as u64,
                ts: now_ms(),
                level: Level::Error,
                msg: interrupted_note::lease_text(lang.as_deref(), worker.as_deref().unwrap_or("?")),
                case: None,
                phase: None,
                step: None,
                end: None,
                dropped: 0,
            };
            let mut json = Vec::new();
            line_json::encode(&line, &mut json);
            sqlx::query("INSERT INTO log_lines (run_id, seq, line) VALUES ($1, $2, $3)")
                .bind(run)
                .bind(seq)
                .bind(String::from_utf8(json).expect("line JSON is UTF-8"))
                .execute(&mut *tx)
                .await?;
            reaped.push(run as u64);
        }
        tx.commit().await?;
        Ok(reaped)
    }

    pub async fn get(&self, run: u64) -> Result<Option<RunInfo>, sqlx::Error> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM runs WHERE id = $1"))
            .bind(run as i64)
            .fetch_optional(&self.db)
            .await?;
        Ok(row.map(|r| to_info(&r)))
    }

    pub async fn list(&self, filter: &RunFilter) -> Result<Vec<RunInfo>, sqlx::Error> {
        let mut q = QueryBuilder::<Postgres>::new(format!("SELECT {COLUMNS} FROM runs WHERE 1 = 1"));
        push_filter(&mut q, filter);
        Ok(q.build().fetch_all(&self.db).await?.iter().map(to_info).collect())
    }
}

/// The pool of runs and workers that name none.
pub const DEFAULT_POOL: &str = "default";

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn to_info(r: &PgRow) -> RunInfo {
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
        pool: r.get("pool"),
        worker: r.get("worker"),
        labels: serde_json::from_str(r.get::<&str, _>("labels")).unwrap_or_default(),
        rerun_of: r.get::<Option<i64>, _>("rerun_of").map(|r| r as u64),
    }
}
