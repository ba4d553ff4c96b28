//! The bounded queue between the producers (async tasks) and the log writer
//! (its own OS thread). Producers push under a short lock and never block the
//! runtime: when the queue is full they wait asynchronously for room, so
//! memory stays bounded and no line is dropped. The writer takes everything
//! queued at once by swapping buffers, so a burst costs one lock and one
//! wake-up per batch rather than a channel operation per line (a general
//! channel's per-item semaphore, slot and waker would cost the producer
//! about a fifth of its time).

use crate::model::{Level, Phase};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use tokio::sync::Notify;

/// How many events may wait for the writer. Producers that find it full wait
/// (asynchronously) for room: memory stays bounded and no line is dropped.
pub const QUEUE_CAPACITY: usize = 16 * 1024;

/// What producers put on the queue. The writer gives each line its `seq`.
#[derive(Debug)]
pub enum LogEvent {
    Line(LineEvent),
    /// The run wrote its last line: readers may stop once they have read it.
    Finish {
        run: u64,
    },
    /// Test/bench hook: the writer answers once everything queued before it is stored.
    Flush(tokio::sync::oneshot::Sender<()>),
}

#[derive(Debug)]
pub struct LineEvent {
    pub run: u64,
    pub ts: i64,
    pub level: Level,
    pub msg: String,
    pub case: Option<Arc<str>>,
    pub phase: Option<Phase>,
    pub step: Option<u32>,
    /// Boxed: only a case's last line has one, and every event is moved
    /// through the queue by value.
    pub end: Option<Box<crate::model::CaseEnd>>,
}

impl LineEvent {
    /// The stored line, numbered `seq` by the writer.
    pub fn into_line(self, seq: u64) -> crate::model::LogLine {
        crate::model::LogLine {
            seq,
            ts: self.ts,
            level: self.level,
            msg: self.msg,
            case: self.case.map(|c| c.to_string()),
            phase: self.phase,
            step: self.step,
            end: self.end.map(|end| *end),
            dropped: 0,
        }
    }
}

struct Shared {
    state: Mutex<State>,
    /// The writer waits here for events.
    ready: Condvar,
    /// Producers wait here for room.
    room: Notify,
    capacity: usize,
}

#[derive(Default)]
struct State {
    events: Vec<LogEvent>,
    /// The writer sleeps on `ready` and must be woken.
    writer_waiting: bool,
    /// Every [`LogQueue`] is gone: the writer ends once it has taken the rest.
    senders_gone: bool,
    /// The [`LogReceiver`] is gone: nothing would ever store a line.
    receiver_gone: bool,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Ends the queue when the last [`LogQueue`] clone is dropped.
struct Senders(Arc<Shared>);

impl Drop for Senders {
    fn drop(&mut self) {
        self.0.lock().senders_gone = true;
        self.0.ready.notify_one();
    }
}

/// The sending side, cloned into every [`crate::logging::Logger`].
#[derive(Clone)]
pub struct LogQueue {
    senders: Arc<Senders>,
}

impl std::fmt::Debug for LogQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogQueue").field("capacity", &self.senders.0.capacity).finish_non_exhaustive()
    }
}

impl LogQueue {
    pub fn new(capacity: usize) -> (Self, LogReceiver) {
        let capacity = capacity.max(1);
        let shared = Arc::new(Shared {
            state: Mutex::new(State { events: event_buffer(capacity), ..State::default() }),
            ready: Condvar::new(),
            room: Notify::new(),
            capacity,
        });
        (LogQueue { senders: Arc::new(Senders(shared.clone())) }, LogReceiver { shared })
    }

    /// Waits for room, never blocks the thread. Fails only when the writer is gone.
    pub async fn send(&self, event: LogEvent) -> Result<(), QueueClosed> {
        let shared = &self.senders.0;
        let mut event = match self.try_push(event) {
            Ok(()) => {
                // A producer that never finds the queue full would never
                // yield: spend the task's cooperative budget as a channel
                // send does, so requests on the same runtime thread still
                // get their turn during a burst. Not one unit per several
                // lines: tokio would then poll the sockets so rarely that a
                // read during a long burst waits several times longer.
                tokio::task::consume_budget().await;
                return Ok(());
            }
            Err(Full(e)) => e?,
        };
        // Full: wait for the writer to take a batch. Registering before the
        // re-check means a batch taken in between still wakes us.
        loop {
            let notified = shared.room.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            event = match self.try_push(event) {
                Ok(()) => return Ok(()),
                Err(Full(e)) => e?,
            };
            notified.await;
        }
    }

    fn try_push(&self, event: LogEvent) -> Result<(), Full> {
        let shared = &self.senders.0;
        let mut st = shared.lock();
        if st.receiver_gone {
            return Err(Full(Err(QueueClosed)));
        }
        if st.events.len() >= shared.capacity {
            return Err(Full(Ok(event)));
        }
        st.events.push(event);
        let wake = std::mem::take(&mut st.writer_waiting);
        drop(st);
        if wake {
            shared.ready.notify_one();
        }
        Ok(())
    }

    /// Resolves when every event queued before this call is in the store.
    pub async fn flush(&self) -> Result<(), QueueClosed> {
        let (done, wait) = tokio::sync::oneshot::channel();
        self.send(LogEvent::Flush(done)).await?;
        wait.await.map_err(|_| QueueClosed)
    }
}

/// An empty buffer of `capacity` events, allocated once at full size (a burst
/// never grows and copies it) and written through once, so its pages are in
/// memory before the first burst: untouched, its 1.4 MB (at
/// [`QUEUE_CAPACITY`]) would be page-faulted in by the producer's first
/// 16,384 lines, in the middle of a new process's first burst.
fn event_buffer(capacity: usize) -> Vec<LogEvent> {
    let mut buf = Vec::with_capacity(capacity);
    buf.spare_capacity_mut().fill_with(std::mem::MaybeUninit::zeroed);
    std::hint::black_box(buf.spare_capacity_mut());
    buf
}

/// No room: the event back (or the queue's end).
struct Full(Result<LogEvent, QueueClosed>);

/// The writer's side: takes everything queued at once.
pub struct LogReceiver {
    shared: Arc<Shared>,
}

impl LogReceiver {
    /// An empty buffer for [`LogReceiver::blocking_take`], as big as the
    /// queue's own (the two trade places on every take).
    pub fn new_batch(&self) -> Vec<LogEvent> {
        event_buffer(self.shared.capacity)
    }

    /// Blocks the calling thread (the writer's own, never a runtime thread)
    /// until events are queued, and moves all of them into `batch` (which
    /// should be empty; its allocation is handed back to the producers).
    /// Returns how many; 0 once every sender is gone and nothing is left.
    pub fn blocking_take(&mut self, batch: &mut Vec<LogEvent>) -> usize {
        self.take_within(batch, None).unwrap_or(0)
    }

    /// Like [`blocking_take`](Self::blocking_take), but waits at most
    /// `timeout` (forever when `None`): `Some(0)` when it ran out with nothing
    /// queued, `None` once every sender is gone and nothing is left. For a
    /// writer that has to retry its own work while no event comes.
    pub fn take_within(&mut self, batch: &mut Vec<LogEvent>, timeout: Option<std::time::Duration>) -> Option<usize> {
        let deadline = timeout.map(|t| std::time::Instant::now() + t);
        let mut st = self.shared.lock();
        loop {
            if !st.events.is_empty() {
                std::mem::swap(&mut st.events, batch);
                drop(st);
                self.shared.room.notify_waiters();
                return Some(batch.len());
            }
            if st.senders_gone {
                return None;
            }
            st.writer_waiting = true;
            st = match deadline {
                None => self.shared.ready.wait(st).unwrap_or_else(|p| p.into_inner()),
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(std::time::Instant::now());
                    if left.is_zero() {
                        st.writer_waiting = false;
                        return Some(0);
                    }
                    self.shared.ready.wait_timeout(st, left).unwrap_or_else(|p| p.into_inner()).0
                }
            };
        }
    }
}

impl Drop for LogReceiver {
    fn drop(&mut self) {
        self.shared.lock().receiver_gone = true;
        self.shared.room.notify_waiters();
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the log writer has stopped")]
pub struct QueueClosed;

#[cfg(test)]
mod tests {
    use super::*;

    fn finish(run: u64) -> LogEvent {
        LogEvent::Finish { run }
    }

    fn runs(batch: &[LogEvent]) -> Vec<u64> {
        batch.iter().map(|e| if let LogEvent::Finish { run } = e { *run } else { 0 }).collect()
    }

    #[tokio::test]
    async fn a_full_queue_makes_producers_wait_and_loses_nothing() {
        let (queue, mut rx) = LogQueue::new(2);
        queue.send(finish(1)).await.unwrap();
        queue.send(finish(2)).await.unwrap();
        let third = tokio::spawn({
            let q = queue.clone();
            async move { q.send(finish(3)).await }
        });
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        assert!(!third.is_finished(), "the third send waits for room");
        let mut batch = Vec::new();
        let taken = tokio::task::spawn_blocking(move || {
            let n = rx.blocking_take(&mut batch);
            (n, batch, rx)
        })
        .await
        .unwrap();
        assert_eq!((taken.0, runs(&taken.1)), (2, vec![1, 2]));
        third.await.unwrap().unwrap();
        let (mut rx, mut batch) = (taken.2, Vec::new());
        drop(queue);
        assert_eq!(rx.blocking_take(&mut batch), 1);
        assert_eq!(runs(&batch), vec![3]);
        batch.clear();
        assert_eq!(rx.blocking_take(&mut batch), 0, "every sender is gone: the writer ends");
    }

    #[tokio::test]
    async fn sending_fails_once_the_writer_is_gone() {
        let (queue, rx) = LogQueue::new(4);
        drop(rx);
        assert!(queue.send(finish(1)).await.is_err());
    }
}
