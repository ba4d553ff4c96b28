//! The lines of one read, in the form its caller needs.
//!
//! A run's file holds each line as the wire's JSON already ([`super::line_json`]
//! writes the bytes serde would), so a reader that only forwards lines to an
//! HTTP client need not parse them: the poll endpoint's hot path
//! (`server::log_endpoint`) collects them as bytes. Everyone else (downloads,
//! search, the CLI) gets parsed lines (`Vec<LogLine>`). The read itself (ring
//! or file, gaps, crossing from one into the other) is written once, in
//! [`super::log_store`], over [`PageLines`]; what a sink makes of the lines
//! is the sink's business.

use crate::model::{long_line, LogLine};
use std::io;

/// Where a read puts its lines, in seq order.
pub trait PageLines: Default + Send + 'static {
    /// Wants every line whole: read from the run's file as far as it goes
    /// (memory holds long lines cut).
    const WHOLE: bool = false;
    /// How many lines (gap markers count as one) it holds.
    fn count(&self) -> usize;
    /// The seq of the last line pushed.
    fn last_seq(&self) -> Option<u64>;
    /// A line from memory.
    fn push(&mut self, line: &LogLine);
    /// A line from the run's file: its JSON, as stored, and its seq.
    fn push_stored(&mut self, seq: u64, json: &[u8]) -> io::Result<()>;
}

impl PageLines for Vec<LogLine> {
    fn count(&self) -> usize {
        self.len()
    }

    fn last_seq(&self) -> Option<u64> {
        self.last().map(|l| l.seq)
    }

    fn push(&mut self, line: &LogLine) {
        Vec::push(self, line.clone());
    }

    fn push_stored(&mut self, _seq: u64, json: &[u8]) -> io::Result<()> {
        let mut line: LogLine = serde_json::from_slice(json).map_err(io::Error::other)?;
        long_line::shorten(&mut line.msg);
        Vec::push(self, line);
        Ok(())
    }
}

/// Lines as the run's file keeps them, long ones whole: the raw downloads.
#[derive(Debug, Default)]
pub struct WholeLines(pub Vec<LogLine>);

impl PageLines for WholeLines {
    const WHOLE: bool = true;

    fn count(&self) -> usize {
        self.0.len()
    }

    fn last_seq(&self) -> Option<u64> {
        self.0.last_seq()
    }

    fn push(&mut self, line: &LogLine) {
        self.0.push(line.clone());
    }

    fn push_stored(&mut self, _seq: u64, json: &[u8]) -> io::Result<()> {
        self.0.push(serde_json::from_slice(json).map_err(io::Error::other)?);
        Ok(())
    }
}
