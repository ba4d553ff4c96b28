//! Cursor reads of a run's stored lines, for any instance: one round trip
//! gives the run's state (last stored seq, whether it ended) and the page.
//! Lines are stored as the wire's JSON, so a reader that forwards them
//! (the poll endpoint) copies them without parsing.

use crate::logging::log_store::ReadError;
use crate::logging::page_lines::PageLines;
use crate::model::{LogLine, LogPage, RunStatus};
use sqlx::postgres::PgPool;
use sqlx::Row;

pub struct PgLogs {
    db: PgPool,
}

impl PgLogs {
    pub fn new(db: PgPool) -> Self {
        PgLogs { db }
    }

    /// Lines after `after`, at most `limit`; `None` for an unknown run.
    pub async fn read<L: PageLines>(
        &self,
        run: u64,
        after: u64,
        limit: usize,
    ) -> Result<Option<LogPage<L>>, ReadError> {
        let limit = limit.max(1);
        let rows = sqlx::query(
            "SELECT r.status, r.last_seq, l.seq, l.dropped, l.line FROM runs r \
             LEFT JOIN LATERAL (SELECT seq, dropped, line FROM log_lines \
                                WHERE run_id = r.id AND seq > $2 ORDER BY seq LIMIT $3) l ON true \
             WHERE r.id = $1",
        )
        .bind(run as i64)
        .bind(after as i64)
        .bind(limit as i64)
        .fetch_all(&self.db)
        .await
        .map_err(|source| ReadError::Db { run, source })?;
        let Some(first) = rows.first() else { return Ok(None) };
        let finished = RunStatus::parse(first.get::<&str, _>(0)).is_none_or(RunStatus::is_finished);
        let total = first.get::<i64, _>(1) as u64;
        let mut lines = L::default();
        for row in &rows {
            let Some(seq) = row.get::<Option<i64>, _>(2) else { break };
            let (seq, dropped) = (seq as u64, row.get::<i64, _>(3) as u64);
            let json = row.get::<&str, _>(4);
            if dropped > 0 && after + dropped >= seq {
                // The cursor is inside the gap: the rest of it.
                let ts = serde_json::from_str::<LogLine>(json).map_or(0, |l| l.ts);
                lines.push(&LogLine::gap(seq, seq - after, ts));
            } else {
                lines.push_stored(seq, json.as_bytes()).map_err(|source| ReadError::Io { run, source })?;
            }
        }
        let next = lines.last_seq().unwrap_or(after.min(total));
        Ok(Some(LogPage { run, lines, next, total, done: finished && next >= total, outline: None }))
    }
}
