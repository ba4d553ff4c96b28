#![cfg(feature = "ssr")]
//! The log store through the real pipeline: logger → queue → writer thread → store → cursor reads.

mod common;
use common::*;
use livesmoke::model::{CaseEnd, Level, LogLine, LogPage, Phase};
use livesmoke::server::log_endpoint::{to_json, WireLines};

/// `n` lines `l1`… of a run whose file cannot be created (a directory stands
/// in its place), so only the newest lines the ring holds are kept.
async fn run_without_a_file(p: &Pipe, run: u64, n: u32) {
    std::fs::create_dir_all(p.store.path_of(run)).unwrap();
    let log = p.logger(run);
    for i in 1..=n {
        log.info(format!("l{i}")).await;
    }
    p.queue.flush().await.unwrap();
}

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
async fn reads_from_disk_get_exactly_the_lines_after_any_cursor() {
    // 2,000 lines, 100 in memory: a read at any cursor below 1,900 is served
    // from the file, by a positioned read of the bytes the page needs.
    let p = pipe(100);
    let log = p.logger(4);
    for i in 1..=2_000 {
        log.info(format!("line {i}")).await;
    }
    p.queue.flush().await.unwrap();
    for after in (0..140).chain(1_790..1_905) {
        for limit in [1, 10, 63, 64, 65, 500] {
            let page = p.store.read(4, after, limit, false).await.unwrap();
            let want: Vec<u64> = (after + 1..=(after + limit as u64).min(2_000)).collect();
            let got: Vec<u64> = page.lines.iter().map(|l| l.seq).collect();
            assert_eq!(got, want, "after {after}, limit {limit}");
            assert!(page.lines.iter().all(|l| l.msg == format!("line {}", l.seq)));
        }
    }
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
    run_without_a_file(&p, 5, 1_000).await; // only the newest 100 lines can be kept
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

#[tokio::test]
async fn a_reader_that_keeps_the_newest_lines_gets_the_older_ones_summarized_exactly() {
    use livesmoke::model::LogOutline;
    let p = pipe(500);
    let run = p.logger(11);
    run.info("run starts").await;
    for (name, outcome) in [("a", "passed"), ("b", "failed"), ("c", "passed")] {
        let case = run.for_case(name);
        for i in 0..2_000 {
            match i % 500 {
                7 => case.error(format!("{name} broke {i}")).await,
                9 => case.warning(format!("{name} slow {i}")).await,
                _ => case.debug(format!("{name} {i}")).await,
            }
        }
        case.case_end(
            Level::Info,
            format!("{name} {outcome}"),
            CaseEnd { outcome: outcome.parse().unwrap(), ms: 3, cleanup_ok: true, lang: None },
        )
        .await;
    }
    run.info("run ends").await;
    p.queue.flush().await.unwrap();
    let all = p.read_all(11, 5_000).await;
    assert_eq!(all.len(), 6_005);

    // keep 1,000: lines 1..=5,005 come as an outline (on disk and in memory), then the newest
    let page = p.logs.read_keeping::<Vec<LogLine>>(11, 0, 2_000, Some(1_000)).await.unwrap().unwrap();
    let outline = page.outline.as_deref().expect("an outline of the 5,005 older lines");
    let mut expected = LogOutline::default();
    all[..5_005].iter().for_each(|l| expected.add(l));
    assert_eq!(outline, &expected);
    assert_eq!((outline.upto, outline.last_line), (5_005, 5_005));
    assert_eq!(outline.counts.iter().sum::<u64>(), 5_005);
    assert_eq!(outline.problems.len(), 10); // 4 in a, 4 in b, and 2 of c's before seq 5,005
    let cases: Vec<_> =
        outline.sections.iter().map(|s| (s.case.as_deref(), s.end.as_ref().map(|e| e.outcome.as_str()))).collect();
    assert_eq!(cases, vec![(None, None), (Some("a"), Some("passed")), (Some("b"), Some("failed")), (Some("c"), None)]);
    assert_eq!(page.lines.first().map(|l| l.seq), Some(5_006));
    assert_eq!(page.lines.len(), 1_000);
    assert!(page.done || page.next == 6_005);

    // a cursor already past most of it: fewer than 1,000 lines would be skipped, so none are
    let near = p.logs.read_keeping::<Vec<LogLine>>(11, 4_500, 2_000, Some(1_000)).await.unwrap().unwrap();
    assert!(near.outline.is_none());
    assert_eq!(near.lines[0].seq, 4_501);
    // a reader that keeps everything gets the lines themselves
    let plain = p.logs.read_keeping::<Vec<LogLine>>(11, 0, 2_000, None).await.unwrap().unwrap();
    assert!(plain.outline.is_none());
    assert_eq!(plain.lines.len(), 2_000);
}

#[tokio::test]
async fn an_outline_takes_a_gap_marker_whole_and_names_the_last_real_line() {
    let p = pipe(100);
    run_without_a_file(&p, 12, 3_000).await; // only the newest 100 lines survive
    let page = p.logs.read_keeping::<Vec<LogLine>>(12, 0, 500, Some(50)).await.unwrap().unwrap();
    let outline = page.outline.as_deref().unwrap();
    assert_eq!(outline.gaps.len(), 1);
    assert_eq!((outline.gaps[0].seq, outline.gaps[0].dropped), (2_900, 2_900));
    assert_eq!((outline.upto, outline.last_line), (2_950, 2_950));
    assert_eq!(outline.counts[1], 50); // lines 2,901..=2,950 at INFO; the marker is not a line
    assert_eq!(page.lines.iter().map(|l| l.seq).collect::<Vec<_>>(), (2_951..=3_000).collect::<Vec<_>>());
}

/// The poll endpoint's reply (stored lines copied through, lines from memory
/// encoded straight into it) against serde's JSON of the same read. A gap
/// marker made at read time carries the read's clock, so pages with one are
/// compared parsed, with that time set aside.
async fn assert_wire_reply_is_the_page(p: &Pipe, run: u64, after: u64, limit: usize, keep: Option<u64>) {
    let what = format!("run {run}, after {after}, limit {limit}, keep {keep:?}");
    let wire = to_json(&p.logs.read_keeping::<WireLines>(run, after, limit, keep).await.unwrap().unwrap());
    let page: LogPage = p.logs.read_keeping(run, after, limit, keep).await.unwrap().unwrap();
    let mut replied: LogPage = serde_json::from_slice(&wire).unwrap_or_else(|e| panic!("{what}: not a page: {e}"));
    if page.lines.iter().any(LogLine::is_gap) {
        let mut page = page;
        for l in replied.lines.iter_mut().chain(page.lines.iter_mut()).filter(|l| l.is_gap()) {
            l.ts = 0;
        }
        assert_eq!(replied, page, "{what}");
    } else {
        assert_eq!(String::from_utf8(wire).unwrap(), serde_json::to_string(&page).unwrap(), "{what}");
    }
}

#[tokio::test]
async fn the_poll_reply_is_the_page_byte_for_byte_from_memory_from_disk_and_across_them() {
    // 3,000 lines of every shape (cases, phases, steps, a case's end, text
    // that needs escaping), 200 in memory.
    let p = pipe(200);
    let run = p.logger(21);
    run.info("run starts").await;
    for c in 0..3 {
        let case = run.for_case(&format!("case \"{c}\" ü"));
        for i in 0..999 {
            let step = case.for_step(if i % 2 == 0 { Phase::Setup } else { Phase::Step }, Some(i));
            match i % 7 {
                0 => step.error(format!("broke {i}: \"quoted\"\t\\ 中文")).await,
                1 => step.warning(format!("slow {i}")).await,
                _ => step.debug(format!("line {i} <b>&amp;</b>")).await,
            }
        }
        let end = CaseEnd { outcome: livesmoke::model::CaseOutcome::Failed, ms: 12, cleanup_ok: c != 1, lang: None };
        case.case_end(Level::Error, format!("case {c} failed"), end).await;
    }
    run.info("run ends").await;
    run.finish().await;
    p.queue.flush().await.unwrap();
    for after in [0, 1, 63, 64, 1_000, 1_799, 2_700, 2_790, 2_799, 2_800, 2_801, 2_990, 3_001, 3_002, 4_000] {
        for limit in [1, 10, 64, 500, 5_000] {
            assert_wire_reply_is_the_page(&p, 21, after, limit, None).await;
        }
        assert_wire_reply_is_the_page(&p, 21, after, 500, Some(500)).await;
    }
}

#[tokio::test]
async fn the_poll_reply_carries_the_gap_of_lines_that_could_not_be_kept() {
    let p = pipe(100);
    run_without_a_file(&p, 22, 2_000).await; // only the newest 100 lines survive
    for after in [0, 1, 1_000, 1_899, 1_900, 1_950, 2_000] {
        for limit in [1, 50, 500] {
            assert_wire_reply_is_the_page(&p, 22, after, limit, None).await;
        }
        assert_wire_reply_is_the_page(&p, 22, after, 500, Some(50)).await;
    }
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn the_log_writer_runs_below_the_threads_that_answer_readers() {
    let p = pipe(100);
    let log = p.logger(23);
    log.info("one").await;
    p.queue.flush().await.unwrap();
    // Every thread of this process named log-writer, and its nice value (field 19 of stat).
    let mut nices = vec![];
    for task in std::fs::read_dir("/proc/self/task").unwrap().flatten() {
        let comm = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
        if comm.trim() == "log-writer" {
            let stat = std::fs::read_to_string(task.path().join("stat")).unwrap();
            let after_name = &stat[stat.rfind(')').unwrap() + 2..];
            nices.push(after_name.split(' ').nth(16).unwrap().parse::<i32>().unwrap());
        }
    }
    assert!(!nices.is_empty(), "no log-writer thread found");
    assert!(nices.iter().all(|n| *n == livesmoke::logging::log_writer::WRITER_NICE), "{nices:?}");
    let me = std::fs::read_to_string("/proc/thread-self/stat").unwrap();
    let mine: i32 = me[me.rfind(')').unwrap() + 2..].split(' ').nth(16).unwrap().parse().unwrap();
    assert!(mine < livesmoke::logging::log_writer::WRITER_NICE, "the test's own thread runs at {mine}");
}

#[tokio::test]
async fn search_matches_the_level_and_message_as_the_page_shows_them_and_pages_on() {
    let p = pipe(1_000);
    let log = p.logger(5);
    log.info("select 1").await; // 1
    log.error("select failed").await; // 2
    log.info("an [Error] in the message").await; // 3
    log.warning("errors: none").await; // 4
    log.error("其他 错误").await; // 5
    p.queue.flush().await.unwrap();
    let seqs = |q: &'static str| {
        let logs = p.logs.clone();
        async move { logs.search(5, q, 0, 100).await.unwrap().seqs }
    };
    assert_eq!(seqs("[ERROR]").await, vec![2, 3, 5]);
    assert_eq!(seqs("error").await, vec![2, 3, 4, 5]);
    assert_eq!(seqs("]: select").await, vec![1, 2]);
    assert_eq!(seqs("error]: SELECT").await, vec![2]);
    assert_eq!(seqs("[warning]: errors").await, vec![4]);
    assert_eq!(seqs("[ERROR]: 其他").await, vec![5]);
    assert_eq!(seqs("2026-").await, Vec::<u64>::new(), "the time is not part of the searched text");
    // more hits than one page: `next` and `more` lead through the rest
    let first = p.logs.search(5, "error", 0, 2).await.unwrap();
    assert_eq!((first.seqs.clone(), first.more), (vec![2, 3], true));
    let rest = p.logs.search(5, "error", first.next, 2).await.unwrap();
    assert_eq!(rest.seqs, vec![4, 5]);
    let end = p.logs.search(5, "error", rest.next, 2).await.unwrap();
    assert_eq!((end.seqs, end.more), (Vec::<u64>::new(), false));
}
