#![cfg(feature = "ssr")]
//! The data directory's disk fills up in the middle of a run: a real server
//! on a small tmpfs, filled to the last byte by a ballast file while a paced
//! run logs. While it is full the server keeps answering (history, the run's
//! log, a new run's request); the run goes on producing in memory, more lines
//! than memory keeps, so some must be lost. Once the ballast goes, the log
//! on disk is whole again: every produced line is either there or counted
//! by the one gap line, a CRITICAL line says what happened, the run is
//! recorded as ended, and a restart on the same directory reads the same
//! history and the same log, with a sound database.
//!
//! Needs root (it mounts a tmpfs), as CI has: without it the test fails, it
//! does not skip, since it would then prove nothing.

mod common;
use common::team::{bench_run, follow, run_info, wait_finished};
use common::{spawn_server_to, Server};
use livesmoke::model::{Level, LogLine};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Lines the run produces, and how fast: about five seconds of logging,
/// nearly all of it with the disk full, four times what memory keeps of a
/// run (10,000 lines).
const LINES: u64 = 40_000;
const RATE: u64 = 8_000;

/// A tmpfs mounted for the test, unmounted (lazily: a server may still hold
/// files open) when it is dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Tmpfs {
        std::fs::create_dir_all(dir).unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .output()
            .unwrap_or_else(|e| panic!("cannot run mount: {e}"));
        assert!(
            out.status.success(),
            "this test mounts a {size} tmpfs on {} and needs root for it: mount said {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        );
        Tmpfs(dir.to_path_buf())
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// Writes `path` until the file system has no byte left; returns how many it took.
fn fill(path: &Path) -> u64 {
    let mut file = std::fs::File::create(path).unwrap();
    let chunk = vec![b'x'; 64 * 1024];
    let mut written = 0u64;
    loop {
        match file.write(&chunk) {
            Ok(0) => panic!("writing the ballast wrote nothing, without an error"),
            Ok(n) => written += n as u64,
            Err(e) if e.kind() == std::io::ErrorKind::StorageFull => return written,
            Err(e) => panic!("writing the ballast: {e}"),
        }
    }
}

async fn get(base: &str, path: &str) -> (u16, String) {
    let res = reqwest::Client::new()
        .get(format!("{base}{path}"))
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path} got no answer: {e}"));
    (res.status().as_u16(), res.text().await.unwrap())
}

async fn log_total(base: &str, run: u64) -> u64 {
    let (status, body) = get(base, &format!("/api/log?run={run}&after=0&limit=1")).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str::<serde_json::Value>(&body).unwrap()["total"].as_u64().unwrap()
}

/// The server still answers: the history, and the run's log from disk and from memory.
async fn assert_answers(base: &str, run: u64) {
    let (status, body) = get(base, "/api/runs?kind=all").await;
    assert_eq!(status, 200, "GET /api/runs with the disk full: {body}");
    let total = log_total(base, run).await;
    let (status, body) = get(base, &format!("/api/log?run={run}&after={}&limit=50", total.saturating_sub(50))).await;
    assert_eq!(status, 200, "GET /api/log (newest lines) with the disk full: {body}");
}

/// The bench line's number (`line <i>`), or `None` for any other line.
fn number(line: &LogLine) -> Option<u64> {
    line.msg.strip_prefix("line ")?.parse().ok()
}

fn output(server: &Server) -> String {
    std::fs::read_to_string(&server.output).unwrap_or_default()
}

#[tokio::test]
async fn a_full_disk_costs_lines_it_counts_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let suites = dir.path().join("suites");
    std::fs::create_dir_all(&suites).unwrap();
    let data = dir.path().join("data");
    let _tmpfs = Tmpfs::mount(&data, "8m");
    let server = spawn_server_to(&suites, &data, &["--bench"], &[], &dir.path().join("server-1.log")).await;
    let base = server.base.clone();

    let run = bench_run(&base, &format!("n={LINES}&rate={RATE}&msg=line")).await;
    let started = Instant::now();
    while log_total(&base, run).await < 1_000 {
        assert!(started.elapsed() < Duration::from_secs(20), "the run did not get going");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let ballast = data.join("ballast");
    let filled = fill(&ballast);
    let full_from = log_total(&base, run).await;
    println!("disk full from line {full_from} ({filled} bytes of ballast)");

    // Full: the run goes on in memory, the server answers, and the run ends.
    let started = Instant::now();
    while log_total(&base, run).await < LINES {
        assert_answers(&base, run).await;
        assert!(started.elapsed() < Duration::from_secs(60), "the run did not produce its lines with the disk full");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // A new run: its record may or may not fit in what the database file
    // still has, but the answer comes, and says why when it is a refusal.
    let res = reqwest::Client::new()
        .post(format!("{base}/api/bench/produce?n=10&msg=line"))
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .expect("starting a run with the disk full got no answer");
    let status = res.status().as_u16();
    let body = res.text().await.unwrap();
    println!("a new run with the disk full: {status} {body}");
    assert!(status == 200 || (status == 500 && body.contains("full")), "{status}: {body}");
    let also = serde_json::from_str::<serde_json::Value>(&body).unwrap()["run"].as_u64();
    // Long enough for the ended run's file to fail a retry or two.
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    assert_answers(&base, run).await;
    println!("the run with the disk full: {}", run_info(&base, run).await["status"]);

    std::fs::remove_file(&ballast).unwrap();
    let info = wait_finished(&base, run, Duration::from_secs(20)).await;
    assert_eq!(info["status"], "passed", "{info}");
    assert!(info["finished_at"].is_i64(), "{info}");
    if let Some(also) = also {
        assert_eq!(wait_finished(&base, also, Duration::from_secs(20)).await["status"], "passed");
    }
    let started = Instant::now();
    let lines = loop {
        let lines = follow(&base, run, 5_000).await;
        if lines.iter().any(|l| l.level == Level::Critical) {
            break lines;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "no CRITICAL line within 20 s of freeing the disk");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };

    // Seqs 1..=total, each once: a gap line stands for its `dropped` seqs.
    let mut next = 1;
    for l in &lines {
        assert_eq!(l.first_seq(), next, "line {next} is missing or doubled: {l:?}");
        next = l.seq + 1;
    }
    let total = next - 1;
    assert_eq!(total, LINES + 1, "every produced line and the CRITICAL one are numbered");
    let gaps: Vec<&LogLine> = lines.iter().filter(|l| l.is_gap()).collect();
    assert_eq!(gaps.len(), 1, "one outage, one gap: {gaps:?}");
    let gap = gaps[0];
    let critical: Vec<&LogLine> = lines.iter().filter(|l| l.level == Level::Critical).collect();
    assert_eq!(critical.len(), 1, "{critical:?}");
    let note = &critical[0].msg;
    assert!(note.starts_with("the disk was full from "), "{note}");
    let counted =
        format!("{} lines could not be kept (lines {}-{} are missing)", gap.dropped, gap.first_seq(), gap.seq);
    assert!(note.replace(',', "").contains(&counted), "the CRITICAL line names the gap: {note}");
    // The kept lines: in order, none twice, the lost ones one range.
    let kept: Vec<u64> = lines.iter().filter_map(number).collect();
    assert_eq!(kept.len() as u64 + gap.dropped, LINES, "kept + lost = produced");
    let jumps: Vec<(u64, u64)> = kept.windows(2).filter(|w| w[1] != w[0] + 1).map(|w| (w[0], w[1])).collect();
    assert_eq!(jumps, [(jumps[0].0, jumps[0].0 + gap.dropped + 1)], "the lost lines are the gap's");
    assert_eq!((kept[0], kept[kept.len() - 1]), (0, LINES - 1));
    println!(
        "produced {LINES}, kept {}, lost {} (lines {}-{}); {note}",
        kept.len(),
        gap.dropped,
        gap.first_seq(),
        gap.seq
    );

    let (status, text) = get(&base, &format!("/api/log.txt?run={run}")).await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(text.lines().count(), lines.len(), "the download has every line");
    assert!(text.contains("[CRITICAL]: the disk was full"), "the download has the CRITICAL line");
    let history = get(&base, "/api/runs?kind=all").await;
    assert!(!output(&server).contains("panicked"), "{}", output(&server));
    drop(server);

    // On disk: every line whole, none after the last.
    let file = std::fs::read_to_string(data.join("logs").join(format!("run-{run}.jsonl"))).unwrap();
    assert!(file.ends_with('\n'));
    let stored: Vec<LogLine> = file.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(stored, lines, "the file holds what was read");
    assert_eq!(integrity_check(&data.join("livesmoke.db")).await, "ok");

    let server = spawn_server_to(&suites, &data, &["--bench"], &[], &dir.path().join("server-2.log")).await;
    let base = server.base.clone();
    assert_eq!(get(&base, "/api/runs?kind=all").await, history, "the history survives a restart");
    assert_eq!(follow(&base, run, 5_000).await, lines, "the log survives a restart");
    let newest = serde_json::from_str::<serde_json::Value>(&history.1).unwrap()[0]["id"].as_u64().unwrap();
    let next_run = bench_run(&base, "n=10").await;
    assert!(next_run > newest, "a new run gets a new id: {next_run} after {newest}");
    assert_eq!(wait_finished(&base, next_run, Duration::from_secs(20)).await["status"], "passed");
    assert!(!output(&server).contains("panicked"), "{}", output(&server));
}

/// SQLite's own check of the registry file.
async fn integrity_check(db: &Path) -> String {
    use sqlx::ConnectOptions;
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new().filename(db).connect().await.unwrap();
    let (result,): (String,) = sqlx::query_as("PRAGMA integrity_check").fetch_one(&mut conn).await.unwrap();
    result
}

/// The same recovery in the store alone, without a disk to fill: a
/// directory takes the run's file's place (no file can be written) and is
/// removed once the run has ended, with ten times more lines than memory
/// keeps logged meanwhile.
#[tokio::test]
async fn a_file_that_can_be_written_again_gets_what_memory_kept_one_gap_and_why() {
    let p = common::pipe(100);
    let path = p.store.path_of(5);
    std::fs::create_dir_all(&path).unwrap();
    let log = p.logger(5);
    for i in 1..=1_000 {
        log.info(format!("line {i}")).await;
    }
    log.finish().await;
    p.queue.flush().await.unwrap();
    std::fs::remove_dir(&path).unwrap();
    let started = Instant::now();
    let lines = loop {
        let lines = p.read_all(5, 5_000).await;
        if lines.last().is_some_and(|l| l.level == Level::Critical) {
            break lines;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "no CRITICAL line within 10 s: {:?}", lines.last());
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(lines.len(), 102, "the gap, the 100 lines memory kept, the CRITICAL line");
    assert_eq!((lines[0].seq, lines[0].dropped), (900, 900));
    assert_eq!((lines[1].seq, lines[1].msg.as_str()), (901, "line 901"));
    assert_eq!((lines[100].seq, lines[100].msg.as_str()), (1_000, "line 1000"));
    let note = &lines[101];
    assert_eq!(note.seq, 1_001);
    assert!(note.msg.starts_with("this log's file could not be written from "), "{}", note.msg);
    assert!(
        note.msg.ends_with(
            "900 lines could not be kept (lines 1-900 are missing); 100 lines waited in memory and are now written"
        ),
        "{}",
        note.msg
    );
    let again = common::pipe_in(p.dir, 100); // a new store over the same directory: the file alone
    assert_eq!(again.read_all(5, 7).await, lines);
}
