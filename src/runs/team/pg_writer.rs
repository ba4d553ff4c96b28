//! The team setup's log writer: the one consumer of this process's log queue,
//! on its own thread with its own small runtime (the producers' runtime
//! never waits on the database). It numbers each run's lines 1, 2, 3, … and
//! stores everything that waited in one transaction per batch: per run, an
//! `UPDATE` fenced on the lease (it also moves `last_seq` and the lease's
//! deadline), then one `COPY` of every line of the runs still leased. A
//! reader sees a batch whole or not at all, and `last_seq` with it.
//!
//! When PostgreSQL is away (restarted, connection cut), the batch stays in
//! memory and is retried with a growing pause; the queue is still drained,
//! so producers do not stall. Past [`MAX_PENDING_LINES`] lines waiting, newer
//! lines are counted instead of kept, and once the database is back they
//! are stored as one gap marker with their exact count: never a silent loss.

use super::leases::Leases;
use crate::logging::line_json;
use crate::logging::log_queue::{LogEvent, LogReceiver};
use crate::model::LogLine;
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// Lines kept in memory while the database cannot take them (about 40 MB of
/// log-shaped lines); beyond it, lines become a counted gap.
pub const MAX_PENDING_LINES: usize = 200_000;
/// How the writer's connection shows in `pg_stat_activity`.
pub const APPLICATION_NAME: &str = "livesmoke-log-writer";
const FIRST_RETRY: Duration = Duration::from_millis(100);
const LAST_RETRY: Duration = Duration::from_secs(2);

/// Starts the writer thread. It ends when every sender of the queue is gone
/// and what they sent is stored (or the database stayed away).
pub fn spawn(url: String, leases: Arc<Leases>, lease: Duration, rx: LogReceiver) -> std::thread::JoinHandle<()> {
    std::thread::Builder::new()
        .name("log-writer-pg".into())
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("cannot start the log writer's runtime");
            let mut w =
                Writer { url, leases, lease, conn: None, runs: HashMap::new(), pending: 0, flushes: Vec::new() };
            rt.block_on(w.drain(rx));
        })
        .expect("cannot start the log writer thread")
}

/// One run's lines not yet stored.
#[derive(Default)]
struct RunBuf {
    next_seq: u64,
    /// `COPY` text rows, in seq order, one per `\n`.
    rows: Vec<u8>,
    lines: usize,
    /// The seq of the first of `rows`.
    first: u64,
    last: u64,
    /// Lines after `rows` that did not fit in memory: their count, the last one's seq and time.
    lost: u64,
    lost_last: u64,
    lost_ts: i64,
    /// Its `Finish` came: dropped once everything is stored.
    finishing: bool,
}

impl RunBuf {
    /// Forgets its rows and lost lines (stored, or no longer storable),
    /// keeping the numbering and whether it is finishing; returns how many
    /// rows it held.
    fn clear(&mut self) -> usize {
        let lines = self.lines;
        *self = RunBuf { next_seq: self.next_seq, finishing: self.finishing, ..Default::default() };
        lines
    }
}

struct Writer {
    url: String,
    leases: Arc<Leases>,
    lease: Duration,
    conn: Option<PgConnection>,
    runs: HashMap<u64, RunBuf>,
    /// Lines in every run's `rows`.
    pending: usize,
    /// Flushes answered once everything before them is stored.
    flushes: Vec<tokio::sync::oneshot::Sender<()>>,
}

impl Writer {
    async fn drain(&mut self, mut rx: LogReceiver) {
        let mut batch = rx.new_batch();
        let mut retry = FIRST_RETRY;
        // While failing: the next try; the queue is still drained meanwhile.
        let mut next_try: Option<std::time::Instant> = None;
        loop {
            let wait = next_try.map(|t| t.saturating_duration_since(std::time::Instant::now()));
            let Some(_) = rx.take_within(&mut batch, wait) else { break };
            for event in batch.drain(..) {
                match event {
                    LogEvent::Line(e) => {
                        let run = e.run;
                        let buf = self.runs.entry(run).or_insert_with(|| RunBuf { next_seq: 1, ..Default::default() });
                        let line = e.into_line(buf.next_seq);
                        buf.next_seq += 1;
                        if self.pending < MAX_PENDING_LINES && buf.lost == 0 {
                            if buf.lines == 0 {
                                buf.first = line.seq;
                            }
                            push_row(&mut buf.rows, run, &line);
                            buf.lines += 1;
                            buf.last = line.seq;
                            self.pending += 1;
                        } else {
                            buf.lost += 1;
                            buf.lost_last = line.seq;
                            buf.lost_ts = line.ts;
                        }
                    }
                    LogEvent::Finish { run } => {
                        if let Some(buf) = self.runs.get_mut(&run) {
                            buf.finishing = true;
                        }
                    }
                    LogEvent::Flush(done) => self.flushes.push(done),
                }
            }
            if next_try.is_some_and(|t| std::time::Instant::now() < t) {
                continue;
            }
            match self.commit().await {
                Ok(()) => {
                    if next_try.take().is_some() {
                        tracing::info!("storing log lines again");
                    }
                    retry = FIRST_RETRY;
                }
                Err(e) => {
                    if next_try.is_none() {
                        tracing::error!(error = %e, pending = self.pending, "storing log lines failed; retrying");
                    }
                    self.conn = None;
                    next_try = Some(std::time::Instant::now() + retry);
                    retry = (retry * 2).min(LAST_RETRY);
                }
            }
        }
        // Every producer is gone: a few last tries for what is left.
        for _ in 0..5 {
            if self.commit().await.is_ok() {
                return;
            }
            self.conn = None;
            tokio::time::sleep(LAST_RETRY).await;
        }
        tracing::error!(lines = self.pending, "the database stayed away: these log lines were not stored");
    }

    fn options(&self) -> Result<PgConnectOptions, sqlx::Error> {
        Ok(self.url.parse::<PgConnectOptions>()?.application_name(APPLICATION_NAME))
    }

    /// After a connection was lost, drops what the database already has: a
    /// commit whose answer was lost may have gone through, and `last_seq`
    /// moves in the same transaction as the lines, so it says exactly which.
    async fn resync(&mut self, conn: &mut PgConnection, runs: &[u64]) -> Result<(), sqlx::Error> {
        let ids: Vec<i64> = runs.iter().map(|r| *r as i64).collect();
        let stored: Vec<(i64, i64)> =
            sqlx::query_as("SELECT id, last_seq FROM runs WHERE id = ANY($1)").bind(&ids).fetch_all(&mut *conn).await?;
        for (run, last) in stored {
            let Some(buf) = self.runs.get_mut(&(run as u64)) else { continue };
            let last = last as u64;
            if buf.lines == 0 || last < buf.first {
                continue;
            }
            if last >= buf.last.max(buf.lost_last) {
                self.pending -= buf.clear();
                continue;
            }
            let skip = ((last - buf.first + 1) as usize).min(buf.lines);
            let cut = buf.rows.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(skip - 1).map_or(0, |(i, _)| i + 1);
            buf.rows.drain(..cut);
            buf.lines -= skip;
            buf.first += skip as u64;
            self.pending -= skip;
        }
        Ok(())
    }

    /// Stores every waiting line in one transaction, then answers the flushes.
    async fn commit(&mut self) -> Result<(), sqlx::Error> {
        let dirty: Vec<u64> = self.runs.iter().filter(|(_, b)| b.lines > 0 || b.lost > 0).map(|(r, _)| *r).collect();
        if !dirty.is_empty() {
            if self.conn.is_none() {
                let mut conn = PgConnection::connect_with(&self.options()?).await?;
                self.resync(&mut conn, &dirty).await?;
                self.conn = Some(conn);
            }
            let conn = self.conn.as_mut().expect("connected above");
            let mut tx = conn.begin().await?;
            let mut leased = Vec::with_capacity(dirty.len());
            for run in dirty {
                let buf = &self.runs[&run];
                let last = if buf.lost > 0 { buf.lost_last } else { buf.last };
                let held = match self.leases.token(run) {
                    Some(token) => {
                        sqlx::query(
                            "UPDATE runs SET last_seq = $3, lease_until = now() + make_interval(secs => $4) \
                             WHERE id = $1 AND lease_token = $2 AND status = 'running' AND lease_until > now()",
                        )
                        .bind(run as i64)
                        .bind(&*token)
                        .bind(last as i64)
                        .bind(self.lease.as_secs_f64())
                        .execute(&mut *tx)
                        .await?
                        .rows_affected()
                            == 1
                    }
                    None => false,
                };
                if held {
                    leased.push(run);
                } else {
                    tracing::error!(
                        run,
                        lines = buf.lines as u64 + buf.lost,
                        "the run's lease is gone: its lines are not stored"
                    );
                    self.leases.release(run);
                    let buf = self.runs.get_mut(&run).expect("listed above");
                    self.pending -= buf.clear();
                }
            }
            if !leased.is_empty() {
                let mut copy = tx.copy_in_raw("COPY log_lines (run_id, seq, dropped, line) FROM STDIN").await?;
                for run in &leased {
                    let buf = &self.runs[run];
                    copy.send(buf.rows.as_slice()).await?;
                    if buf.lost > 0 {
                        let mut gap = Vec::new();
                        push_row(&mut gap, *run, &LogLine::gap(buf.lost_last, buf.lost, buf.lost_ts));
                        copy.send(gap).await?;
                    }
                }
                copy.finish().await?;
            }
            tx.commit().await?;
            for run in leased {
                let buf = self.runs.get_mut(&run).expect("listed above");
                self.pending -= buf.clear();
            }
        }
        self.runs.retain(|_, b| !(b.finishing && b.lines == 0 && b.lost == 0));
        for done in self.flushes.drain(..) {
            let _ = done.send(());
        }
        Ok(())
    }
}

/// One `COPY … FROM STDIN` text row: run, seq, dropped, the line's JSON.
/// JSON has no raw tab or newline, so only its backslashes need COPY's
/// escaping (most lines have none and are copied as encoded).
fn push_row(out: &mut Vec<u8>, run: u64, line: &LogLine) {
    let mut n = itoa::Buffer::new();
    out.extend_from_slice(n.format(run).as_bytes());
    out.push(b'\t');
    out.extend_from_slice(n.format(line.seq).as_bytes());
    out.push(b'\t');
    out.extend_from_slice(n.format(line.dropped).as_bytes());
    out.push(b'\t');
    let start = out.len();
    line_json::encode(line, out);
    if out[start..].iter().any(|b| matches!(b, b'\\' | b'\t' | b'\n' | b'\r')) {
        let json = out.split_off(start);
        for b in json {
            match b {
                b'\\' => out.extend_from_slice(b"\\\\"),
                b'\t' => out.extend_from_slice(b"\\t"),
                b'\n' => out.extend_from_slice(b"\\n"),
                b'\r' => out.extend_from_slice(b"\\r"),
                b => out.push(b),
            }
        }
    }
    out.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Level;

    #[test]
    fn a_row_escapes_what_copy_would_read_as_control() {
        let line = LogLine {
            seq: 3,
            ts: 0,
            level: Level::Info,
            msg: "a\\b \"q\" \t".into(),
            case: None,
            phase: None,
            step: None,
            end: None,
            dropped: 0,
        };
        let mut out = Vec::new();
        push_row(&mut out, 7, &line);
        let text = String::from_utf8(out).unwrap();
        let cols: Vec<&str> = text.trim_end_matches('\n').split('\t').collect();
        assert_eq!(&cols[..3], &["7", "3", "0"]);
        // COPY turns `\\` back into `\`: what is stored is the line's JSON.
        let stored = cols[3].replace("\\\\", "\\");
        let back: LogLine = serde_json::from_str(&stored).unwrap();
        assert_eq!(back.msg, line.msg);
    }
}
