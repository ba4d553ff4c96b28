#![cfg(feature = "ssr")]
//! Run history survives a restart; a run cut off by the restart is marked interrupted.

use livesmoke::model::{CaseCounts, RunStatus};
use livesmoke::runs::RunRegistry;

#[tokio::test]
async fn runs_survive_a_restart_and_a_cut_off_run_is_interrupted() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("livesmoke.db");
    {
        let reg = RunRegistry::open(&db).await.unwrap();
        let a = reg.create("a.toml", Some("staging"), 3).await.unwrap();
        let counts = CaseCounts { total: 3, passed: 2, failed: 1, ..Default::default() };
        reg.finish(a.id, RunStatus::Failed, counts).await.unwrap();
        let b = reg.create("b.toml", None, 1).await.unwrap();
        reg.progress(b.id, CaseCounts { total: 1, ..Default::default() });
        assert_eq!(reg.list(10).await.unwrap()[0].status, RunStatus::Running);
    } // the server stops while b is running
    let reg = RunRegistry::open(&db).await.unwrap();
    let runs = reg.list(10).await.unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!((runs[0].suite.as_str(), runs[0].status), ("b.toml", RunStatus::Interrupted));
    assert_eq!(
        (runs[1].suite.as_str(), runs[1].status, runs[1].env.as_deref()),
        ("a.toml", RunStatus::Failed, Some("staging"))
    );
    assert_eq!(runs[1].counts.failed, 1);
    assert!(runs[1].finished_at.unwrap() >= runs[1].started_at);
    let next = reg.create("c.toml", None, 0).await.unwrap();
    assert!(next.id > runs[0].id, "ids are never reused");
}
