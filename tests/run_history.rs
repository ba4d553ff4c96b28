#![cfg(feature = "ssr")]
//! Run history survives a restart; a run cut off by the restart is marked
//! interrupted; an older registry keeps its runs; the history filters and pages.

use livesmoke::model::{CaseCounts, RunKind, RunStatus};
use livesmoke::runs::run_registry::{NewRun, RunFilter};
use livesmoke::runs::RunRegistry;

fn suite_run<'a>(suite: &'a str, env: Option<&'a str>, cases: u32) -> NewRun<'a> {
    NewRun { suite, file: Some(suite), env, lang: Some("en"), kind: RunKind::Suite, cases }
}

#[tokio::test]
async fn runs_survive_a_restart_and_a_cut_off_run_is_interrupted() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("livesmoke.db");
    {
        let reg = RunRegistry::open(&db).await.unwrap();
        let a = reg.create(&suite_run("a", Some("staging"), 3)).await.unwrap();
        let counts = CaseCounts { total: 3, passed: 2, failed: 1, ..Default::default() };
        reg.finish(a.id, RunStatus::Failed, counts).await.unwrap();
        let b = reg.create(&suite_run("b", None, 1)).await.unwrap();
        reg.progress(b.id, CaseCounts { total: 1, ..Default::default() });
        assert_eq!(reg.list(&RunFilter::newest(10)).await.unwrap()[0].status, RunStatus::Running);
    } // the server stops while b is running
    let reg = RunRegistry::open(&db).await.unwrap();
    let runs = reg.list(&RunFilter::newest(10)).await.unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!((runs[0].suite.as_str(), runs[0].status), ("b", RunStatus::Interrupted));
    assert_eq!(reg.interrupted_at_open().iter().map(|r| r.id).collect::<Vec<_>>(), vec![runs[0].id]);
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
    let reg = RunRegistry::open(&db).await.unwrap();
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
    let reg = RunRegistry::open(&db).await.unwrap();
    assert_eq!(reg.list(&RunFilter::newest(10)).await.unwrap(), all);
}

#[tokio::test]
async fn the_history_filters_by_suite_status_env_and_kind_and_pages_by_id() {
    let dir = tempfile::tempdir().unwrap();
    let reg = RunRegistry::open(&dir.path().join("livesmoke.db")).await.unwrap();
    let mut ids = vec![];
    for i in 0..6u32 {
        let env = if i % 2 == 0 { Some("ci") } else { None };
        let run = reg.create(&suite_run(if i < 3 { "a" } else { "b" }, env, 1)).await.unwrap();
        let status = if i == 4 { RunStatus::Failed } else { RunStatus::Passed };
        reg.finish(run.id, status, CaseCounts::default()).await.unwrap();
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
