use crate::model::{Level, Phase};
use std::sync::Arc;
use tokio::sync::mpsc;

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
    pub end: Option<crate::model::CaseEnd>,
}

/// The sending side, cloned into every [`crate::logging::Logger`].
#[derive(Clone, Debug)]
pub struct LogQueue {
    tx: mpsc::Sender<LogEvent>,
}

impl LogQueue {
    pub fn new(capacity: usize) -> (Self, mpsc::Receiver<LogEvent>) {
        let (tx, rx) = mpsc::channel(capacity);
        (LogQueue { tx }, rx)
    }

    /// Waits for room, never blocks the thread. Fails only when the writer is gone.
    pub async fn send(&self, event: LogEvent) -> Result<(), QueueClosed> {
        self.tx.send(event).await.map_err(|_| QueueClosed)
    }

    /// Resolves when every event queued before this call is in the store.
    pub async fn flush(&self) -> Result<(), QueueClosed> {
        let (done, wait) = tokio::sync::oneshot::channel();
        self.send(LogEvent::Flush(done)).await?;
        wait.await.map_err(|_| QueueClosed)
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the log writer has stopped")]
pub struct QueueClosed;
