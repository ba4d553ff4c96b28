//! The cancel flags of the runs this process produces, by run id: where a
//! cancel reaches the engine. Embedded, `POST /api/cancel` sets the flag
//! directly; in the team setup it is a column of the run's row that the
//! holder's lease keeper reads back on every renewal and sets here.

use crate::engine::Cancel;
use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Debug, Default)]
pub struct Cancels {
    running: Mutex<HashMap<u64, Cancel>>,
}

impl Cancels {
    /// Keeps `cancel` as the run's flag while it runs.
    pub fn hold(&self, run: u64, cancel: Cancel) {
        self.running.lock().unwrap().insert(run, cancel);
    }

    /// Sets the run's flag; false when this process does not produce it.
    pub fn cancel(&self, run: u64) -> bool {
        self.running.lock().unwrap().get(&run).map(Cancel::cancel).is_some()
    }

    pub fn forget(&self, run: u64) {
        self.running.lock().unwrap().remove(&run);
    }
}
