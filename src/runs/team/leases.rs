//! The leases this process holds on running runs. A lease is a token and a
//! deadline in the run's row; the holder renews every lease it holds every
//! third of the lease time, and every write it makes to the run (a batch of
//! lines, live counts, the end) is conditional on the token still being the
//! run's and the deadline not passed. A holder that finds a lease gone (it
//! was paused past the deadline and the run was reaped) forgets it, and from
//! then on its writes to that run are dropped, not stored.
//!

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Run id → lease token, for the runs this process is producing.
#[derive(Debug, Default)]
pub struct Leases {
    held: Mutex<HashMap<u64, Arc<str>>>,
}

impl Leases {
    pub fn hold(&self, run: u64, token: &str) {
        self.held.lock().unwrap().insert(run, Arc::from(token));
    }

    /// The token, while this process holds the run's lease.
    pub fn token(&self, run: u64) -> Option<Arc<str>> {
        self.held.lock().unwrap().get(&run).cloned()
    }

    pub fn release(&self, run: u64) {
        self.held.lock().unwrap().remove(&run);
    }

    pub(super) fn all(&self) -> Vec<(u64, Arc<str>)> {
        self.held.lock().unwrap().iter().map(|(r, t)| (*r, t.clone())).collect()
    }
}
