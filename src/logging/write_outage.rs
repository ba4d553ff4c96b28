//! A run's log file that the writer cannot write for now, most often because
//! the disk is full, and what the log says about it once it can again.
//!
//! While it lasts, the run's lines are still numbered and kept in memory
//! (the ring), so live readers miss nothing; only the file stops. When a
//! retry finds room, the writer puts the file back where its last whole line
//! ended and writes what memory still holds. What the ring had to let go of
//! meanwhile becomes one gap line with its count, and a CRITICAL line says
//! what happened in plain words, so the log read later explains its own hole.

use crate::model::{Level, LogLine};
use std::io;
use std::time::{Duration, Instant};

/// How often a stalled run tries its file again. A retry writes up to a
/// ring's worth of lines before it can fail, so not more often; a person
/// freeing space sees the log catch up within about this long.
pub const RETRY_EVERY: Duration = Duration::from_secs(1);

/// Why and since when a run's file has not been written.
#[derive(Debug)]
pub struct WriteOutage {
    /// Unix ms of the first failure.
    since_ms: i64,
    /// The first error, as the operating system said it.
    error: String,
    storage_full: bool,
    /// The file's length up to its last whole, flushed line (`None`: the
    /// file never opened, nothing of this process is in it to keep).
    pub good_len: Option<u64>,
    next_try: Instant,
}

impl WriteOutage {
    pub fn new(error: &io::Error, good_len: Option<u64>, now_ms: i64) -> Self {
        WriteOutage {
            since_ms: now_ms,
            error: error.to_string(),
            storage_full: error.kind() == io::ErrorKind::StorageFull,
            good_len,
            next_try: Instant::now() + RETRY_EVERY,
        }
    }

    /// Whether a retry is due now; if so, the next one is not before [`RETRY_EVERY`].
    pub fn try_now(&mut self) -> bool {
        let now = Instant::now();
        if now < self.next_try {
            return false;
        }
        self.next_try = now + RETRY_EVERY;
        true
    }

    /// How long the writer may wait for events before this outage's next retry.
    pub fn wait(&self) -> Duration {
        self.next_try.saturating_duration_since(Instant::now())
    }

    /// The line that ends the outage in the run's log, numbered `seq`:
    /// `written` lines waited in memory and are now in the file; `gap` is the
    /// gap line written for the ones memory could not keep, if any.
    pub fn recovery_line(&self, seq: u64, now_ms: i64, gap: Option<&LogLine>, written: usize) -> LogLine {
        let what = if self.storage_full { "the disk was full" } else { "this log's file could not be written" };
        let lost = match gap {
            Some(g) => format!(
                "{} lines could not be kept (lines {}-{} are missing)",
                grouped(g.dropped),
                grouped(g.first_seq()),
                grouped(g.seq)
            ),
            None => "no line was lost".to_string(),
        };
        let msg = format!(
            "{what} from {} to {} ({}): {lost}; {} lines waited in memory and are now written",
            clock(self.since_ms),
            clock(now_ms),
            self.error,
            grouped(written as u64),
        );
        LogLine {
            seq,
            ts: now_ms,
            level: Level::Critical,
            msg,
            case: None,
            phase: None,
            step: None,
            end: None,
            dropped: 0,
        }
    }

    /// For the server's own log: when it started and what it was.
    pub fn describe(&self) -> String {
        format!("since {} ({})", clock(self.since_ms), self.error)
    }
}

/// `HH:MM:SS`, local time, as the log's lines show it.
fn clock(ms: i64) -> String {
    let when = chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default().with_timezone(&chrono::Local);
    when.format("%H:%M:%S").to_string()
}

/// `1234567` as `1,234,567`: counts a person reads in a log line.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_000), "1,000");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }

    #[test]
    fn the_recovery_line_says_what_was_lost_and_what_was_kept() {
        let full = io::Error::from(io::ErrorKind::StorageFull);
        let outage = WriteOutage::new(&full, Some(10), 0);
        let gap = LogLine::gap(1_800, 1_234, 0);
        let line = outage.recovery_line(12_001, 3_000, Some(&gap), 3_000);
        assert_eq!(line.level, Level::Critical);
        assert_eq!(line.seq, 12_001);
        assert!(line.msg.starts_with("the disk was full from "), "{}", line.msg);
        assert!(line.msg.contains("1,234 lines could not be kept (lines 567-1,800 are missing)"), "{}", line.msg);
        assert!(line.msg.ends_with("3,000 lines waited in memory and are now written"), "{}", line.msg);
        let other = WriteOutage::new(&io::Error::other("boom"), None, 0);
        let line = other.recovery_line(2, 0, None, 1);
        assert!(line.msg.starts_with("this log's file could not be written from "), "{}", line.msg);
        assert!(line.msg.contains("(boom): no line was lost"), "{}", line.msg);
    }
}
