//! A run's log on disk: one JSON object per line (the same shape as the wire
//! and the JSONL report), appended only, with an in-memory sparse index
//! (`INDEX_EVERY` lines apart) so a read from any cursor seeks instead of scanning.
//!
//! Everything here is blocking file I/O: the writer calls it from its own
//! thread, readers from the store's reader threads ([`super::file_readers`]), a
//! restart's scan from `spawn_blocking`; never from the async runtime.
//! Readers keep the file open (one per run) and read just the bytes a page needs.

use super::page_lines::PageLines;
use crate::model::LogLine;
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

/// One index entry per this many lines: entry `k` is the byte offset of seq
/// `k * INDEX_EVERY + 1`. A read from any cursor skips at most this many
/// lines (8 bytes per 64 lines: 1.25 MB for a 10-million-line run).
pub const INDEX_EVERY: u64 = 64;

pub fn log_path(dir: &Path, run: u64) -> PathBuf {
    dir.join(format!("run-{run}.jsonl"))
}

/// The appending side, owned by the log writer thread.
pub struct LogFileWriter {
    out: BufWriter<File>,
    offset: u64,
    /// The file's length up to the end of the last line a flush wrote whole:
    /// where a writer that failed goes back to (a failed flush may have left
    /// part of a line, or some whole lines, after it).
    flushed: u64,
    line: Vec<u8>,
}

impl LogFileWriter {
    /// Opens for appending (a run's file is created by its first line).
    pub fn open(path: &Path) -> io::Result<Self> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        let offset = file.metadata()?.len();
        Ok(Self::over(file, offset))
    }

    /// Opens for appending after the first `len` bytes, cutting what follows
    /// them (what a failed write left; see [`LogFileWriter::discard`]).
    pub fn open_at(path: &Path, len: u64) -> io::Result<Self> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        file.set_len(len)?;
        Ok(Self::over(file, len))
    }

    fn over(file: File, offset: u64) -> Self {
        LogFileWriter {
            out: BufWriter::with_capacity(256 * 1024, file),
            offset,
            flushed: offset,
            line: Vec::with_capacity(512),
        }
    }

    /// Appends one line; pushes the offset of every index block it starts
    /// to `index`. A gap line stands for several seqs: the blocks that begin
    /// inside it point past it, as [`scan`] rebuilds them.
    pub fn append(&mut self, line: &LogLine, index: &mut Vec<u64>) -> io::Result<()> {
        while (index.len() as u64) * INDEX_EVERY < line.first_seq() {
            index.push(self.offset);
        }
        // Encoded into one reused buffer: no allocation per line.
        self.line.clear();
        super::line_json::encode(line, &mut self.line);
        self.line.push(b'\n');
        self.out.write_all(&self.line)?;
        self.offset += self.line.len() as u64;
        Ok(())
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()?;
        self.flushed = self.offset;
        Ok(())
    }

    /// Gives the file up after a failed write, without writing what is still
    /// buffered (dropped, it would try to), and returns the length of its
    /// whole flushed lines.
    pub fn discard(self) -> u64 {
        let flushed = self.flushed;
        drop(self.out.into_parts());
        flushed
    }
}

/// The byte offset to start reading at for lines after `after`.
pub fn start_offset(index: &[u64], after: u64) -> u64 {
    let block = (after / INDEX_EVERY) as usize;
    index.get(block).or(index.last()).copied().unwrap_or(0)
}

/// The byte offset before which every line with `seq <= last` lies, when the
/// index knows one (else the read goes to the end of the file).
pub fn end_offset(index: &[u64], last: u64) -> Option<u64> {
    index.get((last.saturating_sub(1) / INDEX_EVERY) as usize + 1).copied()
}

/// Puts the lines with `after < seq <= upto`, at most `limit` in all in
/// `out`, from the bytes `offset..end` of the run's file (see
/// [`start_offset`], [`end_offset`]): one positioned read of just those
/// bytes, on a file the caller keeps open. Lines go to `out` as stored.
pub fn read_range<L: PageLines>(
    file: &File,
    offset: u64,
    end: Option<u64>,
    after: u64,
    upto: u64,
    limit: usize,
    out: &mut L,
) -> io::Result<()> {
    use std::os::unix::fs::FileExt;
    let end = match end {
        Some(end) => end,
        None => file.metadata()?.len(),
    };
    let mut buf = vec![0u8; end.saturating_sub(offset) as usize];
    let mut got = 0;
    while got < buf.len() {
        match file.read_at(&mut buf[got..], offset + got as u64)? {
            0 => break,
            n => got += n,
        }
    }
    // Whole lines only: one still being written has no newline yet.
    let whole = buf[..got].iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    for raw in buf[..whole].split(|b| *b == b'\n').map(<[u8]>::trim_ascii_end).filter(|l| !l.is_empty()) {
        if out.count() >= limit {
            break;
        }
        // Lines are told by their seq alone (it leads every line we write);
        // one that does not start with it is parsed and re-encoded.
        let (seq, parsed) = match leading_seq(raw) {
            Some(seq) => (seq, None),
            None => {
                let line: LogLine = serde_json::from_slice(raw).map_err(io::Error::other)?;
                (line.seq, Some(line))
            }
        };
        if seq <= after {
            continue;
        }
        if seq > upto {
            break;
        }
        match &parsed {
            Some(line) => out.push(line),
            None => out.push_stored(seq, raw)?,
        }
    }
    Ok(())
}

/// The seq of a stored line without parsing it: every line starts `{"seq":<n>,`.
fn leading_seq(line: &[u8]) -> Option<u64> {
    let digits = line.strip_prefix(b"{\"seq\":")?;
    let end = digits.iter().position(|b| !b.is_ascii_digit())?;
    std::str::from_utf8(&digits[..end]).ok()?.parse().ok()
}

/// Rebuilds the index of an existing file (a run from before a restart).
/// Returns the index and the last seq in the file.
pub fn scan(path: &Path) -> io::Result<(Vec<u64>, u64)> {
    let mut reader = BufReader::new(File::open(path)?);
    let mut index = Vec::new();
    let mut offset = 0u64;
    let mut last = 0u64;
    let mut buf = String::new();
    loop {
        buf.clear();
        let n = reader.read_line(&mut buf)?;
        if n == 0 || !buf.ends_with('\n') {
            break; // a torn last line (crash mid-write) is not part of the log
        }
        let line: LogLine = serde_json::from_str(buf.trim_end()).map_err(io::Error::other)?;
        while (index.len() as u64) * INDEX_EVERY < line.first_seq() {
            index.push(offset);
        }
        last = line.seq;
        offset += n as u64;
    }
    Ok((index, last))
}

/// Appends one line after the last whole line of a run's file that nothing
/// writes any more (a run the last process left unfinished), numbered after
/// that line: `line` gets the last seq. A torn last line (a crash mid-write)
/// is cut off first, as [`scan`] would never read it; a missing file gets
/// the line as its first. Reads only the file's tail, not the whole log.
pub fn append_after_last(path: &Path, line: impl FnOnce(u64) -> LogLine) -> io::Result<()> {
    use std::os::unix::fs::FileExt;
    let file = OpenOptions::new().read(true).write(true).create(true).truncate(false).open(path)?;
    let (end, last) = last_whole_line(&file)?;
    let last_seq = match last {
        None => 0,
        Some(raw) => match leading_seq(&raw) {
            Some(seq) => seq,
            None => serde_json::from_slice::<LogLine>(&raw).map_err(io::Error::other)?.seq,
        },
    };
    file.set_len(end)?;
    let mut out = Vec::with_capacity(256);
    super::line_json::encode(&line(last_seq), &mut out);
    out.push(b'\n');
    file.write_all_at(&out, end)?;
    file.sync_data()
}

/// The byte length of a file's whole lines and the last of them, read from
/// the end in growing blocks until the line's start is in view.
fn last_whole_line(file: &File) -> io::Result<(u64, Option<Vec<u8>>)> {
    use std::os::unix::fs::FileExt;
    let len = file.metadata()?.len();
    let mut block = 64 * 1024u64;
    loop {
        let from = len.saturating_sub(block);
        let mut buf = vec![0u8; (len - from) as usize];
        file.read_exact_at(&mut buf, from)?;
        let Some(nl) = buf.iter().rposition(|b| *b == b'\n') else {
            if from == 0 {
                return Ok((0, None));
            }
            block *= 2;
            continue;
        };
        match buf[..nl].iter().rposition(|b| *b == b'\n') {
            Some(prev) => return Ok((from + nl as u64 + 1, Some(buf[prev + 1..nl].to_vec()))),
            None if from == 0 => return Ok((nl as u64 + 1, Some(buf[..nl].to_vec()))),
            None => block *= 2,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seq_leads_every_stored_line() {
        let mut line = LogLine::gap(1_234_567, 3, 0);
        line.msg = "{\"seq\":9,".into();
        let bytes = serde_json::to_vec(&line).unwrap();
        assert_eq!(leading_seq(&bytes), Some(1_234_567));
        assert_eq!(leading_seq(b"{\"ts\":1,\"seq\":2}"), None);
    }
}
