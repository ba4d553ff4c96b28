//! Whether this process is the only one using a data directory. `serve` and
//! the CLI's `run` share one (the CLI's runs join the page's history), so a
//! run listed `running` may be another live process's, not one a stopped
//! process left behind. Each process holds a shared lock on
//! `livesmoke.lock` for as long as its pipeline lives; one that gets the
//! lock exclusively at start knows no other is alive, and only then are
//! `running` runs taken to be cut off (marked `interrupted`, their logs
//! ended with why). A process that is not alone leaves them for the next
//! one that is.

use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::path::Path;

/// This process's lock on a data directory (released when dropped).
pub struct Presence {
    file: File,
}

impl Presence {
    /// Takes the lock; the flag says whether no other process holds it. It
    /// stays exclusive until [`Presence::share`], so a process starting
    /// meanwhile waits and then sees it is not alone (blocking: call off
    /// the runtime). A file system without locks counts as alone, as
    /// livesmoke behaved before the lock.
    pub fn take(path: &Path) -> io::Result<(Self, bool)> {
        let file = OpenOptions::new().create(true).write(true).truncate(false).open(path)?;
        match file.try_lock() {
            Ok(()) => Ok((Presence { file }, true)),
            Err(TryLockError::WouldBlock) => {
                file.lock_shared()?;
                Ok((Presence { file }, false))
            }
            Err(TryLockError::Error(e)) => {
                tracing::warn!(error = %e, "cannot lock {}; taking this process to be its only user", path.display());
                Ok((Presence { file }, true))
            }
        }
    }

    /// Lets other processes in: the exclusive lock becomes shared (or, if
    /// that fails, is let go, so no other process waits for it forever).
    pub fn share(&self) {
        if let Err(e) = self.file.lock_shared() {
            tracing::warn!(error = %e, "cannot share the data directory's lock; letting it go");
            let _ = self.file.unlock();
        }
    }
}
