//! The one consumer of the log queue. It runs on its own OS thread because it
//! does blocking file I/O; producers and readers on the async runtime never wait
//! for the disk. It takes the queue's events in batches (all that waited), numbers each run's lines
//! 1, 2, 3, …, appends them to the run's file, flushes once per batch, and only
//! then publishes them to the store, so a line that leaves memory is on disk.
//! It runs at a lower priority than the threads that answer readers (see
//! [`WRITER_NICE`]): during a burst, reads come first and the producer waits.

use super::log_file::LogFileWriter;
use super::log_queue::{LineEvent, LogEvent, LogReceiver};
use super::log_store::{LogStore, RunLog};
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
    file: Option<LogFileWriter>,
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
        let file = match store.open_file(run) {
            Ok(f) => Some(f),
            Err(e) => {
                tracing::error!(run, error = %e, "cannot open the run's log file; its lines stay in memory only");
                None
            }
        };
        let log = store.get_for_write(run);
        let last = log.last_seq();
        OpenRun {
            log,
            file,
            next_seq: last + 1,
            appended: last,
            persisted: last,
            index: Vec::new(),
            pending: Vec::new(),
        }
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

    fn disk_failed(&mut self, run: u64, err: std::io::Error) {
        tracing::error!(run, error = %err, "writing the run's log file failed; newer lines stay in memory only");
        self.file = None;
    }

    fn commit(&mut self, store: &LogStore, run: u64) {
        if self.pending.is_empty() {
            return;
        }
        if let Some(file) = &mut self.file {
            match file.flush() {
                Ok(()) => self.persisted = self.appended,
                Err(err) => self.disk_failed(run, err),
            }
        }
        // Drained, not taken: the next batch refills the same allocation.
        store.commit(&self.log, &mut self.pending, self.persisted, &self.index);
    }
}

fn drain(store: Arc<LogStore>, mut rx: LogReceiver) {
    // The runs being written: a handful at most, so a short list searched
    // from the one used last beats hashing every line's run id.
    let mut open: Vec<(u64, OpenRun)> = Vec::new();
    let mut last = 0;
    let mut batch = rx.new_batch();
    while rx.blocking_take(&mut batch) > 0 {
        let trickle = batch.len() < TRICKLE_BATCH;
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
                        let (_, mut r) = open.swap_remove(i);
                        r.commit(&store, run);
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
        if trickle {
            // Let the next lines gather: one wake-up, one write and one
            // publish per millisecond, not per line.
            std::thread::sleep(TRICKLE_PAUSE);
        }
    }
    commit_all(&store, &mut open);
}

fn commit_all(store: &LogStore, open: &mut [(u64, OpenRun)]) {
    for (run, r) in open.iter_mut() {
        r.commit(store, *run);
    }
}
