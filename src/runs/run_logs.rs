//! Reading runs' logs, wherever they are stored: the embedded store (memory
//! and files) or the team's PostgreSQL. Each backend answers one cursor read;
//! what is built on it (the outline of skipped lines, search, walking a whole
//! log) is written here once, over that read.

use crate::logging::log_store::ReadError;
use crate::logging::page_lines::PageLines;
use crate::logging::LogStore;
use crate::model::{LogLine, LogOutline, LogPage, SearchPage};
use crate::runs::team::pg_logs::PgLogs;
use std::sync::Arc;

/// The fewest skipped lines worth an outline (below it, the lines come as they are).
pub const OUTLINE_MIN: u64 = 1_000;

#[derive(Clone)]
pub enum RunLogs {
    Embedded(Arc<LogStore>),
    Team(Arc<PgLogs>),
}

impl RunLogs {
    /// Lines after `after`, at most `limit`; `None` when the backend knows no
    /// line of the run (the embedded store: none yet, or no such run; the
    /// team database: no such run), so the caller asks the registry.
    pub async fn read_known<L: PageLines>(
        &self,
        run: u64,
        after: u64,
        limit: usize,
    ) -> Result<Option<LogPage<L>>, ReadError> {
        match self {
            RunLogs::Embedded(store) => store.read_known(run, after, limit).await,
            RunLogs::Team(pg) => pg.read(run, after, limit).await,
        }
    }

    /// Waits (at most `at_most`) for a line after `after` of a run this
    /// process produces. The team database has no such signal: the wait is
    /// the whole `at_most` there.
    pub async fn wait_past(&self, run: u64, after: u64, at_most: std::time::Duration) {
        match self {
            RunLogs::Embedded(store) => store.wait_past(run, after, at_most).await,
            RunLogs::Team(_) => tokio::time::sleep(at_most).await,
        }
    }

    /// Lines after `after`, at most `limit`. `finished` says whether the run is
    /// over according to the registry (for runs that never wrote a line).
    pub async fn read(&self, run: u64, after: u64, limit: usize, finished: bool) -> Result<LogPage, ReadError> {
        Ok(self.read_known(run, after, limit).await?.unwrap_or_else(|| LogPage::empty(run, after, finished)))
    }

    /// A read for a reader that draws only the newest `keep` lines: when
    /// more than `keep` (and at least [`OUTLINE_MIN`] more) follow `after`,
    /// the older ones come as the page's outline, and its lines are the
    /// newest ones. The poll endpoint's read.
    pub async fn read_keeping<L: PageLines>(
        &self,
        run: u64,
        after: u64,
        limit: usize,
        keep: Option<u64>,
    ) -> Result<Option<LogPage<L>>, ReadError> {
        let Some(page) = self.read_known::<L>(run, after, limit).await? else { return Ok(None) };
        let Some(upto) = keep.map(|k| page.total.saturating_sub(k)).filter(|u| *u >= after + OUTLINE_MIN) else {
            return Ok(Some(page));
        };
        let outline = self.outline(run, after, upto).await?;
        let mut page = self.read_known::<L>(run, outline.upto, limit).await?.unwrap_or(page);
        page.outline = Some(Box::new(outline));
        Ok(Some(page))
    }

    /// The summary of the lines `after < seq <= upto` (a gap marker that
    /// starts in the range is taken whole, so it may end past `upto`).
    pub async fn outline(&self, run: u64, after: u64, upto: u64) -> Result<LogOutline, ReadError> {
        let mut outline = LogOutline::default();
        self.each_line(run, after, |line| {
            if line.first_seq() > upto {
                return false;
            }
            outline.add(line);
            line.seq < upto
        })
        .await?;
        Ok(outline)
    }

    /// Lines after `after` whose `[LEVEL]: message` contains `query`
    /// (case-insensitive), over the whole stored log, at most `max` seqs.
    pub async fn search(&self, run: u64, query: &str, after: u64, max: usize) -> Result<SearchPage, ReadError> {
        let needle = query.to_lowercase();
        let mut seqs = Vec::new();
        let mut more = false;
        let mut text = String::new();
        let next = self
            .each_line(run, after, |line| {
                if !line.is_gap() && shown_text_contains(line, &needle, &mut text) {
                    seqs.push(line.seq);
                    more = seqs.len() >= max;
                }
                !more
            })
            .await?;
        Ok(SearchPage { run, seqs, next, more })
    }

    /// Calls `visit` with each line after `after` in order, until it returns
    /// false or the log ends; returns the seq of the last line visited (the
    /// cursor to go on from).
    async fn each_line(&self, run: u64, after: u64, mut visit: impl FnMut(&LogLine) -> bool) -> Result<u64, ReadError> {
        let mut cursor = after;
        loop {
            let page = self.read(run, cursor, 5_000, false).await?;
            if page.lines.is_empty() {
                return Ok(cursor);
            }
            for line in &page.lines {
                if !visit(line) {
                    return Ok(line.seq);
                }
            }
            cursor = page.next;
        }
    }
}

/// Whether the line's `[LEVEL]: message` (what the page shows after the
/// time, so a query may span the level and the message: `[ERROR]`,
/// `]: select`) contains `needle`, case-insensitively (`needle` is lower
/// case). `text` is one buffer reused from line to line; ASCII text (most
/// logs) is lower-cased in it in place, other text is copied once more.
fn shown_text_contains(line: &LogLine, needle: &str, text: &mut String) -> bool {
    text.clear();
    text.push('[');
    text.push_str(line.level.as_str());
    text.push_str("]: ");
    text.push_str(&line.msg);
    if text.is_ascii() {
        text.make_ascii_lowercase();
        text.contains(needle)
    } else {
        text.to_lowercase().contains(needle)
    }
}
