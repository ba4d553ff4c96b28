//! The lines of one read, in the form its caller needs.
//!
//! A run's file holds each line as the wire's JSON already ([`super::line_json`]
//! writes the bytes serde would). The poll endpoint, which answers every open
//! log view twice a second, therefore never needs a [`LogLine`]: it takes a
//! stored line's bytes as they are and encodes lines from memory straight into
//! the reply ([`WireLines`]). Everyone else (the server function, downloads,
//! search, the CLI) gets parsed lines (`Vec<LogLine>`). The read itself
//! (ring or file, gaps, crossing from one into the other) is written once, in
//! [`super::log_store`], over [`PageLines`].

use super::line_json;
use crate::model::{LogLine, LogPage};
use std::io;

/// Where a read puts its lines, in seq order.
pub trait PageLines: Default + Send + 'static {
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
        Vec::push(self, serde_json::from_slice(json).map_err(io::Error::other)?);
        Ok(())
    }
}

/// Lines as the comma-separated JSON objects of a reply's `lines` array.
#[derive(Debug, Default)]
pub struct WireLines {
    json: Vec<u8>,
    count: usize,
    last: Option<u64>,
}

impl PageLines for WireLines {
    fn count(&self) -> usize {
        self.count
    }

    fn last_seq(&self) -> Option<u64> {
        self.last
    }

    fn push(&mut self, line: &LogLine) {
        self.separate();
        line_json::encode(line, &mut self.json);
        self.last = Some(line.seq);
    }

    fn push_stored(&mut self, seq: u64, json: &[u8]) -> io::Result<()> {
        // Our own file, but a damaged one must not reach a reader as broken JSON.
        if !(json.starts_with(b"{\"seq\":") && json.ends_with(b"}")) {
            return Err(io::Error::new(io::ErrorKind::InvalidData, format!("line {seq} of the log file is damaged")));
        }
        self.separate();
        self.json.extend_from_slice(json);
        self.last = Some(seq);
        Ok(())
    }
}

impl WireLines {
    fn separate(&mut self) {
        if self.count > 0 {
            self.json.push(b',');
        }
        self.count += 1;
    }
}

impl LogPage<WireLines> {
    /// The reply's body: the bytes `serde_json` gives for the same [`LogPage`].
    pub fn to_json(&self) -> Vec<u8> {
        let mut n = itoa::Buffer::new();
        let mut out = Vec::with_capacity(self.lines.json.len() + 96);
        out.extend_from_slice(b"{\"run\":");
        out.extend_from_slice(n.format(self.run).as_bytes());
        out.extend_from_slice(b",\"lines\":[");
        out.extend_from_slice(&self.lines.json);
        out.extend_from_slice(b"],\"next\":");
        out.extend_from_slice(n.format(self.next).as_bytes());
        out.extend_from_slice(b",\"total\":");
        out.extend_from_slice(n.format(self.total).as_bytes());
        out.extend_from_slice(if self.done { b",\"done\":true" } else { b",\"done\":false" });
        if let Some(outline) = &self.outline {
            out.extend_from_slice(b",\"outline\":");
            serde_json::to_writer(&mut out, outline).expect("an outline always serialises");
        }
        out.push(b'}');
        out
    }
}
