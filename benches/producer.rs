//! Part (a) of the benchmark: lines/s through the real pipeline in-process —
//! the logger API, the bounded queue, the writer thread, the store — and the
//! RSS growth it costs. Usage (bench/run.sh calls it):
//!   cargo bench --bench producer --features ssr -- 100000 1000000

#[cfg(feature = "ssr")]
#[tokio::main(flavor = "current_thread")]
async fn main() {
    use livesmoke::logging::log_queue::{LogQueue, QUEUE_CAPACITY};
    use livesmoke::logging::{log_writer, LogStore, Logger, Redactor};
    use std::sync::Arc;
    use std::time::Instant;

    let sizes: Vec<u64> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() { vec![100_000, 1_000_000] } else { sizes };
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(LogStore::new(dir.path(), livesmoke::logging::log_store::DEFAULT_RING_CAP).unwrap());
    let (queue, rx) = LogQueue::new(QUEUE_CAPACITY);
    log_writer::spawn(store.clone(), rx);
    for (run, n) in sizes.into_iter().enumerate() {
        let run = run as u64 + 1;
        store.create(run);
        let logger = Logger::new(queue.clone(), run, Redactor::default());
        let rss0 = rss_kib();
        let t = Instant::now();
        for i in 0..n {
            logger.info(format!("bench line {i}")).await;
        }
        logger.finish().await;
        queue.flush().await.unwrap();
        let secs = t.elapsed().as_secs_f64();
        let page = store.read(run, n - 1, 1, true).await.unwrap();
        assert_eq!(page.lines[0].msg, format!("bench line {}", n - 1));
        println!(
            "{{\"n\":{n},\"seconds\":{secs:.4},\"lines_per_s\":{:.0},\"rss_growth_mib\":{:.1}}}",
            n as f64 / secs,
            (rss_kib() as f64 - rss0 as f64) / 1024.0
        );
    }
}

#[cfg(feature = "ssr")]
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

#[cfg(not(feature = "ssr"))]
fn main() {}
