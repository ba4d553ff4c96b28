//! Stopping a run someone cancelled (`POST /api/cancel`, Ctrl-C on a remote
//! run). A flag the engine looks at between steps, not a task abort: the
//! step under way ends (a statement half-sent would leave the database in a
//! state no undo knows), then its case's undo and teardown run as always,
//! and the cases after it are skipped.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Shared by every clone: cancelling one cancels the run.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}
