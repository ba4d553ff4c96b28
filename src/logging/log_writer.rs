//! The one consumer of the log queue. It runs on its own OS thread because it
//! does blocking file I/O; producers and readers on the async runtime never wait
//! for the disk. It takes the queue's events in batches (all that waited), numbers each run's lines
//! 1, 2, 3, …, appends them to the run's file, flushes once per batch, and only
//! then publishes them to the store, so a line that leaves memory is on disk.
//! It runs at a lower priority than the threads that answer readers (see
//! [`WRITER_NICE`]): during a burst, reads come first and the producer waits.
//! When a run's file cannot be written (a full disk), its lines still go to
//! memory and the file is retried about once a second, even after the run
//! has ended, until it takes them ([`super::write_outage`]).

use super::log_file::LogFileWriter;
use super::log_queue::{LineEvent, LogEvent, LogReceiver};
use super::log_store::{LogStore, RunLog};
use super::now_ms;
use super::write_outage::{self, WriteOutage};
use crate::model::LogLine;
use std::sync::Arc;

/// Starts the writer thread. It ends when every [`super::LogQueue`] is dropped.
pub fn spawn(store: Arc<LogStore>, rx: LogReceiver) -> std::thread::JoinHandle<()> {
    std::thread::Builder::new()
        .name("log-writer".into())
        .spawn(move || {
            yield_to_readers();
            drain(store, rx)
        })
        .expect("cannot start the log writer thread")
}

/// How much lower than the server's threads the writer runs (a nice value).
#[cfg(target_os = "linux")]
pub const WRITER_NICE: libc::c_int = 5;

/// Lowers this thread's priority. During a burst the producer, the writer and
/// the request handlers want the same core; at equal priority a read could
/// wait a whole scheduler slice behind the writer. Behind it, the writer
/// still gets every idle cycle, and when it falls behind the bounded queue
/// makes the producer wait, not the readers: a burst takes as long, and the
/// reads during it are answered first.
fn yield_to_readers() {
    // On Linux, PRIO_PROCESS with who = 0 is the calling thread alone (elsewhere
    // it would be the whole process, so it is left alone there).
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority takes plain integers and only changes this thread's nice value.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, WRITER_NICE);
    }
}

/// A batch smaller than this means lines come one by one (a suite waiting on
/// its database between lines), not in a burst: the writer then pauses
/// [`TRICKLE_PAUSE`] before it takes the next one. Woken for every line, it
/// would cost the server a context switch, a futex wake and a file write per
/// line: for a suite that commits one statement per line, about a fifth of
/// the server's CPU time, on the core that also sends the statements. The
/// price is that a line reaches readers at most that much later (the page
/// polls every 500 ms); a burst fills batches of thousands and never pauses.
const TRICKLE_BATCH: usize = 64;
const TRICKLE_PAUSE: std::time::Duration = std::time::Duration::from_millis(1);

/// A run the writer is appending to.
struct OpenRun {
    log: Arc<RunLog>,
    /// `None` while [`OpenRun::outage`] lasts.
    file: Option<LogFileWriter>,
    /// The file cannot be written for now: lines wait in memory, retried.
    outage: Option<WriteOutage>,
    /// Its last line came; it stays open only until its file is whole again.
    finished: bool,
    next_seq: u64,
    appended: u64,
    persisted: u64,
    index: Vec<u64>,
    /// This batch's lines, not yet in the store. Kept from batch to batch: a
    /// new buffer per batch (2 MB for a full one) would be fresh memory from
    /// the kernel, page-faulted in again, each time.
    pending: Vec<LogLine>,
}

impl OpenRun {
    fn open(store: &LogStore, run: u64) -> Self {
        let log = store.get_for_write(run);
        let last = log.last_seq();
        let mut open = OpenRun {
            log,
            file: None,
            outage: None,
            finished: false,
            next_seq: last + 1,
            appended: last,
            persisted: last,
            index: Vec::new(),
            pending: Vec::new(),
        };
        match store.open_file(run) {
            Ok(f) => open.file = Some(f),
            // Nothing of this run is in the file yet: a retry appends to whatever is there.
            Err(e) => open.stall(run, e, None),
        }
        open
    }

    fn push(&mut self, e: LineEvent) {
        let run = e.run;
        let line = e.into_line(self.next_seq);
        self.next_seq += 1;
        if let Some(file) = &mut self.file {
            match file.append(&line, &mut self.index) {
                Ok(()) => self.appended = line.seq,
                Err(err) => self.disk_failed(run, err),
            }
        }
        self.pending.push(line);
    }

    /// A write or flush failed: the file is given up until a retry finds it
    /// writable, back at the end of its last whole flushed line.
    fn disk_failed(&mut self, run: u64, err: std::io::Error) {
        let good_len = self.file.take().map(LogFileWriter::discard);
        self.stall(run, err, good_len);
    }

    fn stall(&mut self, run: u64, err: std::io::Error, good_len: Option<u64>) {
        if let Some(len) = good_len {
            // Index entries past the whole lines point at bytes a retry rewrites.
            self.index.truncate(self.index.partition_point(|&o| o <= len));
        }
        let outage = WriteOutage::new(&err, good_len, now_ms());
        tracing::error!(
            run,
            error = %err,
            "cannot write the run's log file; its newest lines wait in memory and are written when it can be \
             written again (retried every {:?}); older ones are lost if it takes long",
            write_outage::RETRY_EVERY,
        );
        self.outage = Some(outage);
    }

    fn commit(&mut self, store: &LogStore, run: u64) {
        if !self.pending.is_empty() {
            if let Some(file) = &mut self.file {
                match file.flush() {
                    Ok(()) => self.persisted = self.appended,
                    Err(err) => self.disk_failed(run, err),
                }
            }
            // Drained, not taken: the next batch refills the same allocation.
            store.commit(&self.log, &mut self.pending, self.persisted, &self.index);
        }
        if self.outage.as_mut().is_some_and(WriteOutage::try_now) {
            self.retry(store, run);
        }
    }

    /// Tries the file again: back to its last whole line, then what memory
    /// still holds after it (a gap line first for what it no longer holds),
    /// then a CRITICAL line that tells the story; all flushed, or nothing
    /// counts and the outage goes on.
    fn retry(&mut self, store: &LogStore, run: u64) {
        let Some(outage) = &self.outage else { return };
        let mut file = match store.reopen_file(run, outage.good_len) {
            Ok(f) => f,
            Err(_) => return,
        };
        let waiting = store.unwritten_lines(&self.log, self.persisted);
        let now = now_ms();
        let gap = waiting.first().filter(|l| l.is_gap());
        let written = waiting.len() - usize::from(gap.is_some());
        let note = outage.recovery_line(self.next_seq, now, gap, written);
        let indexed = self.index.len();
        let wrote =
            waiting.iter().chain([&note]).try_for_each(|l| file.append(l, &mut self.index)).and_then(|()| file.flush());
        if wrote.is_err() {
            self.index.truncate(indexed);
            file.discard();
            return;
        }
        tracing::warn!(
            run,
            lost = gap.map_or(0, |g| g.dropped),
            written,
            "the run's log file can be written again ({})",
            outage.describe()
        );
        self.next_seq += 1;
        self.appended = note.seq;
        self.persisted = note.seq;
        self.file = Some(file);
        self.outage = None;
        self.pending.push(note);
        store.commit(&self.log, &mut self.pending, self.persisted, &self.index);
    }
}

fn drain(store: Arc<LogStore>, mut rx: LogReceiver) {
    // The runs being written: a handful at most, so a short list searched
    // from the one used last beats hashing every line's run id.
    let mut open: Vec<(u64, OpenRun)> = Vec::new();
    let mut last = 0;
    let mut batch = rx.new_batch();
    // With a run's file stalled, wake up for its retries even when no line comes.
    while let Some(taken) = rx.take_within(&mut batch, next_retry(&open)) {
        let trickle = taken < TRICKLE_BATCH;
        for event in batch.drain(..) {
            match event {
                LogEvent::Line(e) => {
                    let run = e.run;
                    if open.get(last).is_none_or(|(r, _)| *r != run) {
                        last = match open.iter().position(|(r, _)| *r == run) {
                            Some(i) => i,
                            None => {
                                open.push((run, OpenRun::open(&store, run)));
                                open.len() - 1
                            }
                        };
                    }
                    open[last].1.push(e);
                }
                LogEvent::Finish { run } => {
                    if let Some(i) = open.iter().position(|(r, _)| *r == run) {
                        let r = &mut open[i].1;
                        r.commit(&store, run);
                        r.finished = true;
                    }
                    store.finish(run);
                }
                LogEvent::Flush(done) => {
                    commit_all(&store, &mut open);
                    let _ = done.send(());
                }
            }
        }
        commit_all(&store, &mut open);
        // A finished run leaves once its file is whole (at once, but for an outage).
        open.retain(|(_, r)| !(r.finished && r.outage.is_none()));
        if trickle && taken > 0 {
            // Let the next lines gather: one wake-up, one write and one
            // publish per millisecond, not per line.
            std::thread::sleep(TRICKLE_PAUSE);
        }
    }
    commit_all(&store, &mut open);
}

/// How long the writer may wait for events: until the soonest retry of a
/// stalled run's file, or for ever when none is stalled.
fn next_retry(open: &[(u64, OpenRun)]) -> Option<std::time::Duration> {
    open.iter().filter_map(|(_, r)| r.outage.as_ref()).map(WriteOutage::wait).min()
}

fn commit_all(store: &LogStore, open: &mut [(u64, OpenRun)]) {
    for (run, r) in open.iter_mut() {
        r.commit(store, *run);
    }
}
