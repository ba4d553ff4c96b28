#![cfg(feature = "ssr")]
//! The log store through the real pipeline: logger → queue → writer thread → store → cursor reads.

mod common;
use common::*;
use livesmoke::model::Level;

#[tokio::test]
async fn lines_come_back_in_order_with_no_hole_whatever_the_page_size() {
    let p = pipe(1_000);
    let log = p.logger(7);
    for i in 1..=25_000u32 {
        log.info(format!("line {i}")).await;
    }
    p.queue.flush().await.unwrap();
    for limit in [777, 5_000] {
        let lines = p.read_all(7, limit).await;
        assert_eq!(lines.len(), 25_000, "limit {limit}");
        for (i, l) in lines.iter().enumerate() {
            assert_eq!(l.seq, i as u64 + 1);
            assert_eq!(l.msg, format!("line {}", i + 1));
        }
    }
    // one line at a time across a disk/memory boundary
    let mut after = 23_500;
    while after < 25_000 {
        let page = p.store.read(7, after, 1, false).await.unwrap();
        assert_eq!(page.lines[0].seq, after + 1);
        after = page.next;
    }
    // from a cursor in the middle (on disk) and near the end (in memory)
    for after in [12_345u64, 24_990] {
        let page = p.store.read(7, after, 3, false).await.unwrap();
        assert_eq!(page.lines.iter().map(|l| l.seq).collect::<Vec<_>>(), vec![after + 1, after + 2, after + 3]);
        assert_eq!(page.next, after + 3);
        assert_eq!(page.total, 25_000);
    }
}

#[tokio::test]
async fn memory_is_bounded_and_older_lines_are_served_from_disk() {
    let p = pipe(500);
    let log = p.logger(1);
    for i in 0..10_000 {
        log.debug(format!("{i}")).await;
    }
    p.queue.flush().await.unwrap();
    assert_eq!(p.store.memory_lines(1), 500);
    let first = p.store.read(1, 0, 1, false).await.unwrap();
    assert_eq!(first.lines[0].msg, "0");
    assert_eq!(first.lines[0].level, Level::Debug);
}

#[tokio::test]
async fn done_only_after_the_last_line_and_reads_never_consume() {
    let p = pipe(100);
    let log = p.logger(3);
    log.info("one").await;
    log.error("two").await;
    p.queue.flush().await.unwrap();
    let a = p.store.read(3, 0, 10, false).await.unwrap();
    assert!(!a.done);
    let b = p.store.read(3, 0, 10, false).await.unwrap();
    assert_eq!(a.lines, b.lines, "a second reader gets the same lines");
    log.finish().await;
    p.queue.flush().await.unwrap();
    let c = p.store.read(3, 0, 10, false).await.unwrap();
    assert!(c.done);
    assert_eq!(c.next, 2);
    let empty = p.store.read(3, 2, 10, false).await.unwrap();
    assert!(empty.lines.is_empty() && empty.done);
}

#[tokio::test]
async fn the_log_survives_a_restart() {
    let p = pipe(50);
    let log = p.logger(9);
    for i in 0..3_000 {
        log.warning(format!("w{i}")).await;
    }
    log.finish().await;
    p.queue.flush().await.unwrap();
    let again = pipe_in(p.dir, 50); // a new store over the same directory
    let lines = again.read_all(9, 1_000).await;
    assert_eq!(lines.len(), 3_000);
    assert_eq!(lines[2_999].msg, "w2999");
    assert!(again.store.read(9, 3_000, 10, false).await.unwrap().done);
}

#[tokio::test]
async fn lines_that_could_not_be_kept_come_back_as_one_gap_with_the_exact_count() {
    let p = pipe(100);
    // The run's file cannot be created (a directory stands in its place), so
    // only the newest 100 lines can be kept.
    std::fs::create_dir_all(p.store.path_of(5)).unwrap();
    let log = p.logger(5);
    for i in 1..=1_000 {
        log.info(format!("l{i}")).await;
    }
    p.queue.flush().await.unwrap();
    let lines = p.read_all(5, 5_000).await;
    assert!(lines[0].is_gap(), "first entry is the gap marker: {:?}", lines[0]);
    assert_eq!(lines[0].dropped, 900);
    assert_eq!(lines[0].seq, 900);
    assert_eq!(lines.len(), 101);
    assert_eq!(lines[1].seq, 901);
    assert_eq!(lines[100].msg, "l1000");
}

#[tokio::test]
async fn many_concurrent_readers_each_get_the_whole_log_while_it_is_written() {
    let p = std::sync::Arc::new(pipe(300));
    let log = p.logger(11);
    let writer = tokio::spawn(async move {
        for i in 1..=20_000 {
            log.info(format!("m{i}")).await;
            if i % 1000 == 0 {
                tokio::task::yield_now().await;
            }
        }
        log.finish().await;
    });
    let mut readers = Vec::new();
    for r in 0..16usize {
        let p = p.clone();
        readers.push(tokio::spawn(async move {
            let mut after = 0;
            let mut got = Vec::new();
            loop {
                let page = p.store.read(11, after, 37 + r * 113, false).await.unwrap();
                got.extend(page.lines.iter().map(|l| l.seq));
                after = page.next;
                if page.done {
                    return got;
                }
                if page.lines.is_empty() {
                    tokio::time::sleep(std::time::Duration::from_millis(2)).await;
                }
            }
        }));
    }
    writer.await.unwrap();
    for r in readers {
        let got = r.await.unwrap();
        assert_eq!(got, (1..=20_000).collect::<Vec<u64>>());
    }
}
