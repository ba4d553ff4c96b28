#![cfg(feature = "ssr")]
//! The embedded server SIGKILLed in the middle of a run, 20 times at
//! moments drawn at random (the seed is printed): after each restart on the
//! same data directory the killed run is `interrupted`, its log is a prefix
//! of what was produced (seqs 1..n, no hole, every line whole, the first
//! line the suite's), every earlier run is still in the history as it
//! ended, and a new run gets a new id and runs to its end.

mod common;
use common::team::{assert_contiguous, follow, queue_run, run_info, wait_finished};
use common::*;
use std::time::Duration;

const KILLS: usize = 20;

/// A run that logs steadily for a couple of seconds.
fn busy_suite() -> String {
    let mut s = String::from("suite = \"busy\"\n[db.t]\npath = \"busy.db\"\n");
    for i in 0..240 {
        s += &format!(
            "[[case]]\nname = \"c{i}\"\n  [[case.step]]\n  \
             sql = \"WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 20000) SELECT count(*) AS c FROM n\"\n"
        );
    }
    s
}

/// xorshift: moments to kill at, reproducible from the printed seed.
fn moments(seed: u64) -> Vec<u64> {
    let mut x = seed | 1;
    (0..KILLS)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            100 + x % 1400
        })
        .collect()
}

#[tokio::test]
async fn a_server_killed_mid_run_twenty_times_loses_nothing_it_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let suites = dir.path().join("suites");
    std::fs::create_dir_all(&suites).unwrap();
    write(&suites, "busy.toml", &busy_suite());
    let data = dir.path().join("data");
    let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64;
    println!("kill moments from seed {seed}");
    // Every run so far and how it ended, to find in the history after each restart.
    let mut ended: Vec<(u64, String)> = Vec::new();
    let mut last_id = 0;
    for (i, ms) in moments(seed).into_iter().enumerate() {
        let mut server = spawn_server(&suites, &data, &[]).await;
        let base = server.base.clone();
        // What the last restart found of the run it killed.
        for (id, status) in &ended {
            assert_eq!(run_info(&base, *id).await["status"], status.as_str(), "run {id} after restart {i}");
        }
        let run = queue_run(&base, &[("suite", "busy.toml"), ("lang", "en")]).await;
        let id = run["id"].as_u64().unwrap();
        assert!(id > last_id, "restart {i}: new run id {id} after {last_id}");
        last_id = id;
        tokio::time::sleep(Duration::from_millis(ms)).await;
        server.child.kill().unwrap();
        server.child.wait().unwrap();
        drop(server);

        let server = spawn_server(&suites, &data, &[]).await;
        let info = wait_finished(&server.base, id, Duration::from_secs(30)).await;
        let status = info["status"].as_str().unwrap().to_string();
        // Killed before its end (it takes seconds): interrupted; a run that
        // happened to finish first keeps its outcome.
        assert!(matches!(status.as_str(), "interrupted" | "passed"), "run {id} killed at {ms} ms: {info}");
        let lines = follow(&server.base, id, 1000).await;
        assert!(!lines.is_empty(), "run {id} killed at {ms} ms has no line");
        assert_contiguous(&lines);
        assert!(lines[0].msg.contains("suite `busy` started"), "{:?}", lines[0].msg);
        for l in &lines {
            assert!(!l.msg.is_empty() && l.ts > 0, "a torn line in run {id}: {l:?}");
        }
        ended.push((id, status));
        drop(server);
    }
    // After the last restart: a run from start to end.
    let server = spawn_server(&suites, &data, &[]).await;
    let run = queue_run(&server.base, &[("suite", "busy.toml"), ("lang", "en")]).await;
    let id = run["id"].as_u64().unwrap();
    assert!(id > last_id);
    let info = wait_finished(&server.base, id, Duration::from_secs(120)).await;
    assert_eq!(info["status"], "passed", "{info}");
    assert_contiguous(&follow(&server.base, id, 1000).await);
    let interrupted = ended.iter().filter(|(_, s)| s == "interrupted").count();
    println!("{KILLS} kills, {} runs checked, {interrupted} interrupted mid-run, no damage", ended.len());
    assert!(interrupted >= KILLS / 2, "most kills should land mid-run: {ended:?}");
}
