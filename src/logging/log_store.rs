//! Every run's log, readable by cursor by any number of readers at once.
//!
//! The newest `ring_cap` lines of a run stay in memory for live reads; every
//! line is also in the run's file ([`super::log_file`]), which serves older
//! reads and survives restarts. Reads never remove anything (the seed's drain
//! did, so two tabs each got half the log). Lines that could be neither kept
//! in memory nor written to disk come back as one gap line with their count.

use super::file_readers::FileReaders;
use super::log_file::{self, LogFileWriter};
use super::now_ms;
use super::page_lines::PageLines;
use crate::model::{long_line, LogLine, LogPage};
use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

/// Default number of lines per run kept in memory.
pub const DEFAULT_RING_CAP: usize = 10_000;
/// A run's ring grows with its lines up to this many, then takes its full
/// capacity (see `LogStore::reserve_ring`).
const RING_FULL_SIZE_AT: usize = 1_024;
/// Finished runs whose tails stay in memory; older ones are re-read from disk.
const FINISHED_IN_MEMORY: usize = 32;
/// Threads reading runs' files (see [`FileReaders`]).
const FILE_READERS: usize = 2;

/// Per-run state shared by the writer and the readers.
#[derive(Debug, Default)]
struct RunState {
    ring: VecDeque<LogLine>,
    last_seq: u64,
    /// Every seq up to this one is in the file.
    persisted: u64,
    index: Vec<u64>,
    done: bool,
}

#[derive(Debug)]
pub struct RunLog {
    path: PathBuf,
    state: Mutex<RunState>,
    /// The run's file, opened by its first read from disk and kept.
    reader: OnceLock<std::fs::File>,
    /// Told each time lines are committed or the run ends: a follower in
    /// this process waits here instead of polling (see `LogStore::wait_past`).
    written: tokio::sync::Notify,
}

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("unknown run {0}")]
    UnknownRun(u64),
    #[error("reading the log of run {run}: {source}")]
    Io { run: u64, source: std::io::Error },
    #[error("reading the log of run {run}: {source}")]
    Db { run: u64, source: sqlx::Error },
}

pub struct LogStore {
    dir: PathBuf,
    ring_cap: usize,
    runs: Mutex<HashMap<u64, Arc<RunLog>>>,
    finished: Mutex<VecDeque<u64>>,
    /// Where reads from runs' files are done.
    readers: FileReaders,
}

/// What a read needs from disk, decided under the lock and done after it.
struct DiskRead {
    offset: u64,
    end: Option<u64>,
    upto: u64,
    gap: Option<(u64, u64)>,
}

impl RunLog {
    /// The highest seq this run has written.
    pub(crate) fn last_seq(&self) -> u64 {
        self.state.lock().unwrap().last_seq
    }
}

impl LogStore {
    pub fn new(dir: impl Into<PathBuf>, ring_cap: usize) -> std::io::Result<Self> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir)?;
        Ok(LogStore {
            dir,
            ring_cap: ring_cap.max(1),
            runs: Mutex::new(HashMap::new()),
            finished: Mutex::new(VecDeque::new()),
            readers: FileReaders::start(FILE_READERS)?,
        })
    }

    pub fn path_of(&self, run: u64) -> PathBuf {
        log_file::log_path(&self.dir, run)
    }

    /// Makes a new run known (its log is empty until its first line).
    pub fn create(&self, run: u64) -> Arc<RunLog> {
        let log = Arc::new(RunLog {
            path: self.path_of(run),
            state: Mutex::new(RunState::default()),
            reader: OnceLock::new(),
            written: tokio::sync::Notify::new(),
        });
        self.runs.lock().unwrap().insert(run, log.clone());
        log
    }

    fn in_memory(&self, run: u64) -> Option<Arc<RunLog>> {
        self.runs.lock().unwrap().get(&run).cloned()
    }

    /// The run's log, loaded from its file when it is not in memory (finished
    /// before a restart, or evicted). `None` when the run never wrote a line.
    async fn get(&self, run: u64) -> Result<Option<Arc<RunLog>>, ReadError> {
        if let Some(log) = self.in_memory(run) {
            return Ok(Some(log));
        }
        let path = self.path_of(run);
        let scan_path = path.clone();
        let scanned = tokio::task::spawn_blocking(move || {
            if !scan_path.exists() {
                return Ok(None);
            }
            log_file::scan(&scan_path).map(Some)
        })
        .await
        .expect("log scan task panicked")
        .map_err(|source| ReadError::Io { run, source })?;
        let Some((index, last)) = scanned else {
            return Ok(None);
        };
        let state = RunState { ring: VecDeque::new(), last_seq: last, persisted: last, index, done: true };
        let log = Arc::new(RunLog {
            path,
            state: Mutex::new(state),
            reader: OnceLock::new(),
            written: tokio::sync::Notify::new(),
        });
        self.runs.lock().unwrap().entry(run).or_insert(log.clone());
        self.note_finished(run);
        Ok(Some(log))
    }

    /// Lines after `after`, at most `limit`. `finished` says whether the run is
    /// over according to the registry (for runs that never wrote a line).
    pub async fn read(&self, run: u64, after: u64, limit: usize, finished: bool) -> Result<LogPage, ReadError> {
        Ok(self.read_known(run, after, limit).await?.unwrap_or_else(|| LogPage::empty(run, after, finished)))
    }

    /// Like [`read`](Self::read), but `None` when the store has no log for the
    /// run (never wrote a line, or unknown): the caller asks the registry then.
    pub async fn read_known<L: PageLines>(
        &self,
        run: u64,
        after: u64,
        limit: usize,
    ) -> Result<Option<LogPage<L>>, ReadError> {
        let Some(log) = self.get(run).await? else { return Ok(None) };
        Ok(Some(self.read_from(&log, run, after, limit).await?))
    }

    /// Lines of `log` (run `run`) after `after`, at most `limit`: from its
    /// ring, or from its file for older lines.
    async fn read_from<L: PageLines>(
        &self,
        log: &Arc<RunLog>,
        run: u64,
        after: u64,
        limit: usize,
    ) -> Result<LogPage<L>, ReadError> {
        let limit = limit.max(1);
        let mut lines = L::default();
        let (disk, mut total, mut done) = {
            let st = log.state.lock().unwrap();
            let total = st.last_seq;
            let ring_first = st.ring.front().map_or(total + 1, LogLine::first_seq);
            let mut disk = None;
            // A reader of whole lines reads the file as far as it goes: the
            // ring holds long lines cut.
            let from_ring = after + 1 >= ring_first && !(L::WHOLE && after < st.persisted);
            if after < total {
                if from_ring {
                    ring_after(&st.ring, after, limit, &mut lines);
                } else if after < st.persisted {
                    disk = Some(DiskRead {
                        offset: log_file::start_offset(&st.index, after),
                        end: log_file::end_offset(&st.index, after + limit as u64),
                        upto: if L::WHOLE { st.persisted } else { st.persisted.min(ring_first - 1) },
                        gap: None,
                    });
                    if st.persisted + 1 < ring_first {
                        disk.as_mut().unwrap().gap = Some((ring_first - 1, ring_first - 1 - st.persisted));
                    }
                } else {
                    // Neither in memory nor on disk: the writer could not persist them.
                    let last_missing = ring_first - 1;
                    lines.push(&LogLine::gap(last_missing, last_missing - after, now_ms()));
                }
            }
            (disk, total, st.done)
        };
        if let Some(d) = disk {
            let file = log.clone();
            lines = self
                .readers
                .run(move || {
                    let reader = match file.reader.get() {
                        Some(f) => f,
                        None => {
                            let opened = std::fs::File::open(&file.path)?;
                            file.reader.get_or_init(|| opened)
                        }
                    };
                    let mut lines = L::default();
                    log_file::read_range(reader, d.offset, d.end, after, d.upto, limit, &mut lines)?;
                    if lines.count() < limit {
                        if let Some((last_missing, count)) = d.gap {
                            lines.push(&LogLine::gap(last_missing, count, now_ms()));
                        }
                    }
                    Ok(lines)
                })
                .await
                .map_err(|source| ReadError::Io { run, source })?;
            // The page goes on from memory where the file's part ends, so a
            // reader crossing into the ring gets a full page (a short one
            // would make the log view wait for its next tick).
            if let Some(last) = lines.last_seq().filter(|_| lines.count() < limit) {
                let st = log.state.lock().unwrap();
                let ring_first = st.ring.front().map_or(u64::MAX, LogLine::first_seq);
                if ring_first <= last + 1 {
                    let more = limit - lines.count();
                    ring_after(&st.ring, last, more, &mut lines);
                    (total, done) = (st.last_seq, st.done);
                }
            }
        }
        let next = lines.last_seq().unwrap_or(after.min(total));
        Ok(LogPage { run, lines, next, total, done: done && next >= total, outline: None })
    }

    /// Writer side: appends numbered lines of one run (already written to its
    /// file up to `persisted`), evicting the oldest beyond the ring's capacity.
    pub(crate) fn commit(&self, run: &RunLog, lines: &mut Vec<LogLine>, persisted: u64, index: &[u64]) {
        self.commit_lines(run, lines, persisted, index);
        run.written.notify_waiters();
    }

    /// Waits until `run` has a line after `after` or has ended, at most
    /// `at_most` (a run this process does not hold in memory returns at once).
    /// The CLI follows its own runs this way: a poll on a timer would add up
    /// to a tick to every run that ends between two.
    pub async fn wait_past(&self, run: u64, after: u64, at_most: std::time::Duration) {
        let Some(log) = self.in_memory(run) else { return };
        let written = log.written.notified();
        tokio::pin!(written);
        // Registered before the check, so a commit between the two still wakes us.
        written.as_mut().enable();
        {
            let st = log.state.lock().unwrap();
            if st.last_seq > after || st.done {
                return;
            }
        }
        let _ = tokio::time::timeout(at_most, written).await;
    }

    fn commit_lines(&self, run: &RunLog, lines: &mut Vec<LogLine>, persisted: u64, index: &[u64]) {
        // Memory holds lines as they are shown; the file keeps them whole.
        for line in lines.iter_mut() {
            long_line::shorten(&mut line.msg);
        }
        let mut st = run.state.lock().unwrap();
        if let Some(last) = lines.last() {
            st.last_seq = last.seq;
        }
        st.persisted = persisted;
        let have = st.index.len();
        if have < index.len() {
            st.index.extend_from_slice(&index[have..]);
        }
        if lines.last().is_none_or(|l| persisted >= l.seq) {
            // Everything is on disk (the usual case): make room first and
            // take only the lines that stay, so the ring never grows past
            // its capacity (no reallocation, no copying lines that would
            // leave at once).
            let keep = lines.len().min(self.ring_cap);
            let old = (st.ring.len() + keep).saturating_sub(self.ring_cap);
            st.ring.drain(..old);
            self.reserve_ring(&mut st.ring, keep);
            let skip = lines.len() - keep;
            st.ring.extend(lines.drain(..).skip(skip));
            return;
        }
        self.reserve_ring(&mut st.ring, lines.len());
        st.ring.extend(lines.drain(..));
        let excess = st.ring.len().saturating_sub(self.ring_cap);
        if excess > 0 {
            if st.persisted >= st.ring[excess - 1].seq {
                st.ring.drain(..excess);
            } else {
                // Lines not on disk leave memory: keep one gap line in their place.
                let evicted: Vec<LogLine> = st.ring.drain(..excess).collect();
                let last = evicted.last().unwrap().seq;
                let first_lost = evicted.iter().find(|l| l.seq > st.persisted).unwrap();
                let lost_from = first_lost.first_seq().max(st.persisted + 1);
                st.ring.push_front(LogLine::gap(last, last + 1 - lost_from, now_ms()));
            }
        }
    }

    /// Room for `more` lines in a run's ring. A ring that outgrows
    /// [`RING_FULL_SIZE_AT`] lines gets its full capacity at once instead of
    /// doubling its way there (each step a fresh allocation, copied into and
    /// page-faulted in); a short run's ring stays small.
    fn reserve_ring(&self, ring: &mut VecDeque<LogLine>, more: usize) {
        let want = ring.len() + more;
        if want > ring.capacity() {
            let target = if want > RING_FULL_SIZE_AT { self.ring_cap.max(want) } else { want };
            ring.reserve_exact(target - ring.len());
        }
    }

    /// How many lines of a run are held in memory (bounded by the ring's capacity).
    pub fn memory_lines(&self, run: u64) -> usize {
        self.in_memory(run).map_or(0, |l| l.state.lock().unwrap().ring.len())
    }

    pub(crate) fn finish(&self, run: u64) {
        if let Some(log) = self.in_memory(run) {
            log.state.lock().unwrap().done = true;
            log.written.notify_waiters();
        }
        self.note_finished(run);
    }

    pub(crate) fn get_for_write(&self, run: u64) -> Arc<RunLog> {
        self.in_memory(run).unwrap_or_else(|| self.create(run))
    }

    fn note_finished(&self, run: u64) {
        let mut finished = self.finished.lock().unwrap();
        if !finished.contains(&run) {
            finished.push_back(run);
        }
        while finished.len() > FINISHED_IN_MEMORY {
            if let Some(old) = finished.pop_front() {
                self.runs.lock().unwrap().remove(&old);
            }
        }
    }

    pub(crate) fn open_file(&self, run: u64) -> std::io::Result<LogFileWriter> {
        LogFileWriter::open(&self.path_of(run))
    }

    /// Reopens a run's file after a failed write, its first `len` bytes kept
    /// (`None`: all of it). See [`super::write_outage`].
    pub(crate) fn reopen_file(&self, run: u64, len: Option<u64>) -> std::io::Result<LogFileWriter> {
        match len {
            Some(len) => LogFileWriter::open_at(&self.path_of(run), len),
            None => self.open_file(run),
        }
    }

    /// Writer side: the lines of `run` after `after` that memory still holds,
    /// for a writer that could not write them to the file when they came.
    /// Lines memory let go of meanwhile come first, as one gap line.
    pub(crate) fn unwritten_lines(&self, run: &RunLog, after: u64) -> Vec<LogLine> {
        let st = run.state.lock().unwrap();
        let mut out = Vec::new();
        if after >= st.last_seq {
            return out;
        }
        let ring_first = st.ring.front().map_or(st.last_seq + 1, LogLine::first_seq);
        let mut from = after;
        if ring_first > after + 1 {
            out.push(LogLine::gap(ring_first - 1, ring_first - 1 - after, now_ms()));
            from = ring_first - 1;
        }
        ring_after(&st.ring, from, usize::MAX, &mut out);
        out
    }
}

/// Puts the ring's lines after `after`, at most `limit`, in `out`. The ring
/// holds consecutive seqs, except that its first entry may be a gap line
/// standing for several; a cursor inside that gap gets the rest of it.
fn ring_after<L: PageLines>(ring: &VecDeque<LogLine>, after: u64, limit: usize, out: &mut L) {
    let Some(front) = ring.front() else {
        return;
    };
    let before = out.count();
    // Entry i >= 1 of the ring has seq front.seq + i, gap or not.
    let idx = if front.is_gap() && after < front.seq {
        if after >= front.first_seq() {
            out.push(&LogLine::gap(front.seq, front.seq - after, front.ts));
        } else {
            out.push(front);
        }
        1
    } else {
        (after + 1 - front.seq) as usize
    };
    let room = limit.saturating_sub(out.count() - before);
    for line in ring.iter().skip(idx).take(room) {
        out.push(line);
    }
}
