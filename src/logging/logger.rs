use super::log_queue::{LineEvent, LogEvent, LogQueue};
use super::{now_ms, Redactor};
use crate::model::{Level, Phase};
use std::sync::Arc;

/// The producer's handle on one run's log: the seed's `RealTimeLogging`,
/// scoped to a run and optionally to a case, phase and step.
///
/// Every call stamps the time, masks secrets and puts the line on the async
/// queue. It awaits only when the queue is full (back-pressure instead of
/// unbounded growth), and it never blocks the runtime's thread.
#[derive(Clone, Debug)]
pub struct Logger {
    queue: LogQueue,
    run: u64,
    case: Option<Arc<str>>,
    phase: Option<Phase>,
    step: Option<u32>,
    redactor: Redactor,
}

impl Logger {
    pub fn new(queue: LogQueue, run: u64, redactor: Redactor) -> Self {
        Logger { queue, run, case: None, phase: None, step: None, redactor }
    }

    pub fn run(&self) -> u64 {
        self.run
    }

    /// The same logger, its lines tagged with `case`.
    pub fn for_case(&self, case: &str) -> Self {
        Logger { case: Some(Arc::from(case)), phase: None, step: None, ..self.clone() }
    }

    /// The same logger, its lines tagged with a phase and 1-based step number.
    pub fn for_step(&self, phase: Phase, step: Option<u32>) -> Self {
        Logger { phase: Some(phase), step, ..self.clone() }
    }

    pub async fn debug(&self, msg: impl Into<String>) {
        self.log(Level::Debug, msg).await
    }
    pub async fn info(&self, msg: impl Into<String>) {
        self.log(Level::Info, msg).await
    }
    pub async fn warning(&self, msg: impl Into<String>) {
        self.log(Level::Warning, msg).await
    }
    pub async fn error(&self, msg: impl Into<String>) {
        self.log(Level::Error, msg).await
    }
    pub async fn critical(&self, msg: impl Into<String>) {
        self.log(Level::Critical, msg).await
    }

    pub async fn log(&self, level: Level, msg: impl Into<String>) {
        self.emit(level, msg.into(), None).await
    }

    /// The last line of a case, carrying its outcome for the viewer.
    pub async fn case_end(&self, level: Level, msg: impl Into<String>, end: crate::model::CaseEnd) {
        self.emit(level, msg.into(), Some(Box::new(end))).await
    }

    async fn emit(&self, level: Level, msg: String, end: Option<Box<crate::model::CaseEnd>>) {
        let event = LineEvent {
            run: self.run,
            ts: now_ms(),
            level,
            msg: self.redactor.redact(msg),
            case: self.case.clone(),
            phase: self.phase,
            step: self.step,
            end,
        };
        if self.queue.send(LogEvent::Line(event)).await.is_err() {
            tracing::error!(run = self.run, "log line lost: the log writer has stopped");
        }
    }

    /// Marks the run's log complete (after its last line).
    pub async fn finish(&self) {
        let _ = self.queue.send(LogEvent::Finish { run: self.run }).await;
    }
}
