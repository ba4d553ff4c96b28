//! The threads that read runs' files for the log store, off the async runtime.
//!
//! A read of an older part of a log is one `pread` of a few kilobytes, mostly
//! from the page cache: far cheaper than a hand-off to tokio's blocking pool,
//! which wakes one thread per read on the core the server shares (under many
//! concurrent polls of old lines those wake-ups and switches would take more
//! of the server's time than the reads). Here a few long-lived threads take
//! reads from one queue: an idle one is woken once, and under load it serves
//! the reads that queued meanwhile without sleeping.

use std::io;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};

type Job = Box<dyn FnOnce() + Send>;

/// Threads kept for file reads; one queue feeds them all.
pub struct FileReaders {
    jobs: Sender<Job>,
}

impl FileReaders {
    /// Starts `threads` reader threads; they end when this is dropped.
    pub fn start(threads: usize) -> io::Result<Self> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for i in 0..threads.max(1) {
            let queue = queue.clone();
            std::thread::Builder::new().name(format!("log-reader-{i}")).spawn(move || serve(&queue))?;
        }
        Ok(FileReaders { jobs })
    }

    /// Runs `read` on a reader thread and waits for it without blocking the
    /// runtime. A read that panics is an error to its caller, not to the server.
    pub async fn run<T: Send + 'static>(&self, read: impl FnOnce() -> io::Result<T> + Send + 'static) -> io::Result<T> {
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = done.send(read());
        });
        self.jobs.send(job).map_err(|_| io::Error::other("the log reader threads have stopped"))?;
        result.await.map_err(|_| io::Error::other("a log file read failed unexpectedly"))?
    }
}

fn serve(queue: &Mutex<Receiver<Job>>) {
    loop {
        let job = match queue.lock() {
            Ok(q) => q.recv(),
            Err(_) => return,
        };
        let Ok(job) = job else { return };
        // A panicking read drops its reply channel (its caller gets an error);
        // the thread goes on serving.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
    }
}
