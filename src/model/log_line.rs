use super::{CaseOutcome, Lang, Level, LogOutline};
use chrono::{DateTime, Local, TimeZone};
use serde::{Deserialize, Serialize};

/// Which part of a case a line belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Phase {
    Preflight,
    Setup,
    Step,
    Undo,
    Teardown,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Preflight => "preflight",
            Phase::Setup => "setup",
            Phase::Step => "step",
            Phase::Undo => "undo",
            Phase::Teardown => "teardown",
        }
    }
}

/// One line of a run's log, numbered by the log writer.
///
/// `seq` starts at 1 and has no holes: a line the server could not keep is
/// still accounted for by a gap line (`dropped > 0`) whose `seq` is the last
/// missing number, so a reader's cursor always moves past it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LogLine {
    pub seq: u64,
    /// Unix time in milliseconds (the `<pre>` shows seconds, like the seed).
    pub ts: i64,
    pub level: Level,
    pub msg: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<Phase>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<u32>,
    /// On the last line of a case: how it ended (for the viewer's case headers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<CaseEnd>,
    /// For a gap line: how many lines (ending at `seq`) are missing.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub dropped: u64,
}

/// A case's outcome, carried by its last log line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CaseEnd {
    /// Serialized as passed | failed | error | skipped.
    pub outcome: CaseOutcome,
    pub ms: u64,
    /// Whether every undo and teardown step succeeded.
    pub cleanup_ok: bool,
    /// The run's language, so the page's case header names the outcome as
    /// the run's own lines do. Kept here, on the one line that needs it, and
    /// not with the run: the header is drawn from this line (or from a log
    /// outline that carries it), which any stored log still has. `None`: a
    /// log written before it was kept, or a run with no language (bench).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<Lang>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl LogLine {
    /// A marker standing for `count` lines that ended at `last_seq` and are lost.
    pub fn gap(last_seq: u64, count: u64, ts: i64) -> Self {
        LogLine {
            seq: last_seq,
            ts,
            level: Level::Warning,
            msg: format!("{count} lines missing here (lines {}-{last_seq})", last_seq + 1 - count),
            case: None,
            phase: None,
            step: None,
            end: None,
            dropped: count,
        }
    }

    pub fn is_gap(&self) -> bool {
        self.dropped > 0
    }

    /// The first seq this line stands for: its own, or for a gap marker the
    /// first of the `dropped` lines ending at its seq.
    pub fn first_seq(&self) -> u64 {
        self.seq + 1 - self.dropped.max(1)
    }

    /// The seed's line format, `YYYY-MM-DD HH:MM:SS[LEVEL]: message`, in local time.
    pub fn seed_format(&self) -> String {
        self.seed_format_in(&Local)
    }

    /// The seed's line format in a given time zone (tests use UTC).
    pub fn seed_format_in<Tz: TimeZone>(&self, tz: &Tz) -> String
    where
        Tz::Offset: std::fmt::Display,
    {
        format!("{}[{}]: {}", Self::seed_stamp_in(self.ts, tz), self.level, self.msg)
    }

    /// The seed's `YYYY-MM-DD HH:MM:SS` for a unix-ms time, in `tz`.
    pub fn seed_stamp_in<Tz: TimeZone>(ts: i64, tz: &Tz) -> String
    where
        Tz::Offset: std::fmt::Display,
    {
        let when = DateTime::from_timestamp_millis(ts).unwrap_or_default().with_timezone(tz);
        when.format("%Y-%m-%d %H:%M:%S").to_string()
    }
}

/// What `GET /api/log?run=&after=&limit=` returns.
///
/// `L` is how the lines are held: parsed everywhere but in the poll
/// endpoint's hot path, which forwards the stored JSON unparsed
/// (`server::log_endpoint::WireLines`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LogPage<L = Vec<LogLine>> {
    pub run: u64,
    /// Lines with `seq > after`, in order, at most `limit`.
    pub lines: L,
    /// The cursor to send as `after` next time.
    pub next: u64,
    /// The highest `seq` the run has written so far.
    pub total: u64,
    /// The run has finished and `next == total`: nothing more will come.
    pub done: bool,
    /// Asked for with `keep=N` when more than N lines follow the cursor: the
    /// lines the reader would not draw, summarized; `lines` follow its `upto`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outline: Option<Box<LogOutline>>,
}

impl<L: Default> LogPage<L> {
    /// The page of a run with no line after `after` to give: none written
    /// yet, or none stored for it; `done` is the registry's word on the run.
    pub fn empty(run: u64, after: u64, done: bool) -> Self {
        LogPage { run, lines: L::default(), next: after, total: 0, done, outline: None }
    }
}

/// What `GET /api/search?run=&q=&after=` returns: the seqs of the lines after
/// `after` whose text contains `q` (case-insensitive), in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SearchPage {
    pub run: u64,
    pub seqs: Vec<u64>,
    /// Searched up to this seq: pass it as `after` to search the lines that come later.
    pub next: u64,
    /// More matches exist after `next` (the page hit its cap).
    pub more: bool,
}
