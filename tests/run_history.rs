#![cfg(feature = "ssr")]
//! Run history survives a restart; a run cut off by the restart is marked
//! interrupted and its log says why; an older registry keeps its runs; the
//! history filters and pages; a suite is run by its name.

mod common;

use livesmoke::logging::Redactor;
use livesmoke::model::{CaseCounts, Level, RunKind, RunStatus};
use livesmoke::runs::interrupted_note;
use livesmoke::runs::run_registry::{NewRun, RunFilter};
use livesmoke::runs::sqlite_registry::SqliteRegistry;
use livesmoke::runs::{Launcher, Pipeline};
use serde_json::Value;

fn suite_run<'a>(suite: &'a str, env: Option<&'a str>, cases: u32) -> NewRun<'a> {
    NewRun {
        suite,
        file: Some(suite),
        env,
        lang: Some("en"),
        kind: RunKind::Suite,
        cases,
        pool: None,
        labels: Default::default(),
        rerun_of: None,
    }
}

#[tokio::test]
async fn runs_survive_a_restart_and_a_cut_off_run_is_interrupted() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("livesmoke.db");
    {
        let reg = SqliteRegistry::open(&db).await.unwrap();
        let a = reg.create(&suite_run("a", Some("staging"), 3)).await.unwrap();
        let counts = CaseCounts { total: 3, passed: 2, failed: 1, ..Default::default() };
        reg.finish(a.id, RunStatus::Failed, counts, None).await.unwrap();
        let b = reg.create(&suite_run("b", None, 1)).await.unwrap();
        reg.progress(b.id, CaseCounts { total: 1, ..Default::default() });
        assert_eq!(reg.list(&RunFilter::newest(10)).await.unwrap()[0].status, RunStatus::Running);
    } // the server stops while b is running
    let reg = SqliteRegistry::open(&db).await.unwrap();
    let cut_off = reg.interrupt_left_running().await.unwrap();
    let runs = reg.list(&RunFilter::newest(10)).await.unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!((runs[0].suite.as_str(), runs[0].status), ("b", RunStatus::Interrupted));
    assert_eq!(cut_off.iter().map(|r| r.id).collect::<Vec<_>>(), vec![runs[0].id]);
    assert_eq!(
        (runs[1].suite.as_str(), runs[1].status, runs[1].env.as_deref(), runs[1].lang.as_deref()),
        ("a", RunStatus::Failed, Some("staging"), Some("en"))
    );
    assert_eq!(runs[1].counts.failed, 1);
    assert!(runs[1].finished_at.unwrap() >= runs[1].started_at);
    let next = reg.create(&suite_run("c", None, 0)).await.unwrap();
    assert!(next.id > runs[0].id, "ids are never reused");
}

#[tokio::test]
async fn a_registry_from_before_kinds_and_names_keeps_its_runs() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("livesmoke.db");
    {
        // The table as livesmoke wrote it before: the suite named by its file.
        let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(&db).create_if_missing(true);
        let pool = sqlx::SqlitePool::connect_with(opts).await.unwrap();
        sqlx::query(
            "CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, suite TEXT NOT NULL, env TEXT, \
             status TEXT NOT NULL, started_at INTEGER NOT NULL, finished_at INTEGER, counts TEXT NOT NULL)",
        )
        .execute(&pool)
        .await
        .unwrap();
        for suite in ["demo.toml", "bench", "examples/sqlite-inventory.toml"] {
            sqlx::query("INSERT INTO runs (suite, status, started_at, counts) VALUES (?, 'passed', 1, '{}')")
                .bind(suite)
                .execute(&pool)
                .await
                .unwrap();
        }
        pool.close().await;
    }
    let reg = SqliteRegistry::open(&db).await.unwrap();
    let all = reg.list(&RunFilter::newest(10)).await.unwrap();
    let seen: Vec<_> = all.iter().map(|r| (r.suite.as_str(), r.file.as_deref(), r.kind)).collect();
    assert_eq!(
        seen,
        vec![
            ("sqlite-inventory", Some("examples/sqlite-inventory.toml"), RunKind::Suite),
            ("bench", None, RunKind::Bench),
            ("demo", Some("demo.toml"), RunKind::Suite),
        ]
    );
    drop(reg);
    // Opening again changes nothing more.
    let reg = SqliteRegistry::open(&db).await.unwrap();
    assert_eq!(reg.list(&RunFilter::newest(10)).await.unwrap(), all);
}

#[tokio::test]
async fn the_history_filters_by_suite_status_env_and_kind_and_pages_by_id() {
    let dir = tempfile::tempdir().unwrap();
    let reg = SqliteRegistry::open(&dir.path().join("livesmoke.db")).await.unwrap();
    let mut ids = vec![];
    for i in 0..6u32 {
        let env = if i % 2 == 0 { Some("ci") } else { None };
        let run = reg.create(&suite_run(if i < 3 { "a" } else { "b" }, env, 1)).await.unwrap();
        let status = if i == 4 { RunStatus::Failed } else { RunStatus::Passed };
        reg.finish(run.id, status, CaseCounts::default(), None).await.unwrap();
        ids.push(run.id);
    }
    let bench = reg.create(&NewRun { suite: "bench", kind: RunKind::Bench, ..Default::default() }).await.unwrap();
    let reg = &reg;
    let pick = |f: RunFilter| async move { reg.list(&f).await.unwrap().iter().map(|r| r.id).collect::<Vec<_>>() };
    let all = RunFilter::newest(10);
    let suites = RunFilter { kind: Some(RunKind::Suite), ..all.clone() };
    assert_eq!(pick(all.clone()).await, [bench.id, ids[5], ids[4], ids[3], ids[2], ids[1], ids[0]]);
    assert_eq!(pick(RunFilter { suite: Some("a".into()), ..suites.clone() }).await, [ids[2], ids[1], ids[0]]);
    assert_eq!(pick(RunFilter { status: Some(RunStatus::Failed), ..suites.clone() }).await, [ids[4]]);
    assert_eq!(pick(RunFilter { env: Some("ci".into()), ..suites.clone() }).await, [ids[4], ids[2], ids[0]]);
    assert_eq!(pick(RunFilter { kind: Some(RunKind::Bench), ..all.clone() }).await, [bench.id]);
    let first = pick(RunFilter { limit: 2, ..suites.clone() }).await;
    assert_eq!(first, [ids[5], ids[4]]);
    let second = pick(RunFilter { limit: 2, before: Some(ids[4]), ..suites.clone() }).await;
    assert_eq!(second, [ids[3], ids[2]]);
}

/// Opens a pipeline on `dir`, starts a run that logs `lines` lines and
/// stops with it unfinished, as a server that stops mid-run does.
async fn cut_off_run(dir: &std::path::Path, lang: &str, lines: u64) -> u64 {
    let pipeline = Pipeline::open(dir, 10_000).await.unwrap();
    let launcher = Launcher::new(&pipeline, dir);
    let new = NewRun { suite: "s", file: Some("s.toml"), lang: Some(lang), cases: 1, ..Default::default() };
    let run = launcher.open(&new, Redactor::default()).await.unwrap();
    for i in 0..lines {
        run.logger.info(format!("line {i}")).await;
    }
    launcher.flush().await;
    let id = run.info.id;
    let Pipeline { queue, writer, .. } = pipeline;
    drop((run, launcher, queue));
    writer.join().unwrap();
    id
}

#[tokio::test]
async fn a_run_cut_off_by_a_restart_ends_with_why_in_its_log() {
    let dir = tempfile::tempdir().unwrap();
    let en = cut_off_run(dir.path(), "en", 3).await;
    let zh = cut_off_run(dir.path(), "zh", 2).await;
    // A crash mid-write leaves a torn last line: the note replaces it.
    let zh_file = dir.path().join("logs").join(format!("run-{zh}.jsonl"));
    std::fs::write(&zh_file, std::fs::read_to_string(&zh_file).unwrap() + "{\"seq\":3,\"ts\":1,\"lev").unwrap();

    let pipeline = Pipeline::open(dir.path(), 10_000).await.unwrap();
    for (run, lang, lines) in [(en, "en", 3), (zh, "zh", 2)] {
        assert_eq!(pipeline.registry.get(run).await.unwrap().unwrap().status, RunStatus::Interrupted);
        let page = pipeline.logs.read(run, 0, 100, true).await.unwrap();
        assert_eq!(page.lines.len() as u64, lines + 1, "{lang}: every line and then the note");
        let last = page.lines.last().unwrap();
        assert_eq!(
            (last.seq, last.level, last.msg.as_str()),
            (lines + 1, Level::Error, interrupted_note::text(Some(lang)))
        );
        assert!(page.done);
    }
    assert!(interrupted_note::text(Some("en")).contains("the server stopped while this run was going"));
    assert!(interrupted_note::text(Some("zh")).contains("服务器停止"));
    drop(pipeline);
    // A second restart adds nothing: the run is no longer `running`.
    let pipeline = Pipeline::open(dir.path(), 10_000).await.unwrap();
    assert_eq!(pipeline.logs.read(en, 0, 100, true).await.unwrap().lines.len(), 4);
}

/// `livesmoke run` beside a live `serve` on one data directory: the second
/// process to open it must not take the first one's run for a cut-off one.
#[tokio::test]
async fn a_second_process_on_the_data_directory_leaves_a_live_run_alone() {
    let dir = tempfile::tempdir().unwrap();
    let first = Pipeline::open(dir.path(), 10_000).await.unwrap();
    let launcher = Launcher::new(&first, dir.path());
    let new = NewRun { suite: "s", lang: Some("en"), cases: 1, ..Default::default() };
    let run = launcher.open(&new, Redactor::default()).await.unwrap();
    run.logger.info("still going").await;
    launcher.flush().await;
    let second = Pipeline::open(dir.path(), 10_000).await.unwrap();
    assert_eq!(second.registry.get(run.info.id).await.unwrap().unwrap().status, RunStatus::Running);
    let lines = first.logs.read(run.info.id, 0, 100, false).await.unwrap().lines;
    assert_eq!(lines.iter().map(|l| l.msg.as_str()).collect::<Vec<_>>(), ["still going"]);
    run.finish(RunStatus::Passed, CaseCounts { total: 1, passed: 1, ..Default::default() }).await;
    assert_eq!(second.registry.get(run.info.id).await.unwrap().unwrap().status, RunStatus::Passed);
}

/// The user's view: a real `livesmoke serve` killed while a suite runs
/// (an HTTP step waits 3 s) and started again on the same data directory.
#[tokio::test]
async fn a_server_killed_mid_run_shows_the_run_interrupted_with_why_after_a_restart() {
    let fixture = common::http_fixture().await;
    let suites = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    common::write(
        suites.path(),
        "waits.toml",
        &format!(
            "suite = \"slow one\"\n[vars]\nbase = \"{fixture}\"\n[env.staging.vars]\nbase = \"{fixture}\"\n\
             [[case]]\nname = \"waits\"\n  [[case.step]]\n  http = \"GET {{{{base}}}}/slow\"\n"
        ),
    );
    let server = common::spawn_server(suites.path(), data.path(), &[]).await;
    let http = reqwest::Client::new();
    // By its name, as the page shows it.
    let started: Value = http
        .post(format!("{}/api/run", server.base))
        .form(&[("suite", "slow one"), ("env", "staging"), ("lang", "zh")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = started["id"].as_u64().unwrap();
    assert_eq!((started["suite"].as_str(), started["file"].as_str()), (Some("slow one"), Some("waits.toml")));
    let runs: Value =
        http.get(format!("{}/api/runs?env=staging", server.base)).send().await.unwrap().json().await.unwrap();
    assert_eq!(runs[0]["id"].as_u64(), Some(id));
    drop(server); // killed while the step waits
    let server = common::spawn_server(suites.path(), data.path(), &[]).await;
    let runs: Value =
        http.get(format!("{}/api/runs?status=interrupted", server.base)).send().await.unwrap().json().await.unwrap();
    assert_eq!(runs[0]["id"].as_u64(), Some(id));
    let text = http.get(format!("{}/api/log.txt?run={id}", server.base)).send().await.unwrap().text().await.unwrap();
    let last = text.lines().last().unwrap();
    assert!(last.ends_with(&format!("[ERROR]: {}", interrupted_note::text(Some("zh")))), "last line: {last}");
    let bad = http.get(format!("{}/api/runs?status=sideways", server.base)).send().await.unwrap();
    assert_eq!(bad.status(), 400);
}
