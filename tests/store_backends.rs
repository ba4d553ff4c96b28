//! One body, two backends: what a run's log and record look like through the
//! readers' interface is the same whether they live in the embedded data
//! directory or in the team's PostgreSQL.

mod common;

use livesmoke::logging::Redactor;
use livesmoke::model::{CaseCounts, Level, LogLine, RunKind, RunResult, RunStatus};
use livesmoke::runs::run_record::{NewRun, RunFilter};
use livesmoke::runs::team::TeamConfig;
use livesmoke::runs::{Launcher, Pipeline};
use std::path::Path;
use std::time::Duration;

async fn every_line(p: &Pipeline, run: u64, limit: usize) -> Vec<LogLine> {
    let mut out = Vec::new();
    let mut after = 0;
    loop {
        let page = p.logs.read_known::<Vec<LogLine>>(run, after, limit).await.unwrap().unwrap();
        if page.lines.is_empty() {
            assert!(page.done, "the last page of a finished run says done");
            return out;
        }
        assert!(page.lines.len() <= limit);
        after = page.next;
        out.extend(page.lines);
    }
}

async fn the_same_log_either_way(p: Pipeline, data: &Path) {
    let launcher = Launcher::new(&p, data);
    let new = NewRun {
        suite: "orders",
        file: Some("orders.toml"),
        env: Some("staging"),
        lang: Some("en"),
        kind: RunKind::Suite,
        cases: 3,
        pool: None,
        // What JSON escapes, and what LIKE would take as a wildcard.
        labels: [("deploy".to_string(), "v1_4%\"2".to_string()), ("commit".to_string(), "abc".to_string())].into(),
        rerun_of: Some(41),
    };
    let first = launcher.open(&new, Redactor::default()).await.unwrap();
    let other_labels = [("deploy".to_string(), "v1x4x\"2".to_string())].into();
    let other_new = NewRun { suite: "other", env: None, labels: other_labels, ..new.clone() };
    let other = launcher.open(&other_new, Redactor::default()).await.unwrap();
    let (id, other_id) = (first.info.id, other.info.id);
    assert_eq!(first.info.status, RunStatus::Running);

    // Two runs written at once, with what JSON and COPY must escape.
    let mut want = Vec::new();
    for c in 0..3 {
        let case = first.logger.for_case(&format!("case {c}"));
        for i in 0..1000 {
            let msg = format!("line {c}/{i} C:\\path\t\"q\" ✓ 中文");
            case.log(if i == 500 { Level::Error } else { Level::Info }, msg.clone()).await;
            want.push(msg);
            other.logger.info(format!("other {i}")).await;
        }
    }
    launcher.flush().await;
    let live = p.logs.read_known::<Vec<LogLine>>(id, 0, 10).await.unwrap().unwrap();
    assert_eq!((live.total, live.done, live.lines.len()), (3000, false, 10));

    let counts = CaseCounts { total: 3, passed: 2, failed: 1, ..Default::default() };
    let result = RunResult { suite: "orders".into(), duration_ms: 12, ..Default::default() };
    first.finish_with(RunStatus::Failed, counts, Some(&result)).await;
    other.finish(RunStatus::Passed, CaseCounts { total: 3, passed: 3, ..Default::default() }).await;

    for limit in [1, 7, 5000] {
        let lines = every_line(&p, id, limit).await;
        assert_eq!(lines.iter().map(|l| l.msg.as_str()).collect::<Vec<_>>(), want, "pages of {limit}");
        assert!(lines.iter().enumerate().all(|(i, l)| l.seq == i as u64 + 1));
        assert_eq!(lines[1500].case.as_deref(), Some("case 1"));
        assert_eq!(lines[500].level, Level::Error);
    }
    assert_eq!(every_line(&p, other_id, 1000).await.len(), 3000);
    assert!(p.logs.read_known::<Vec<LogLine>>(999_999, 0, 10).await.unwrap().is_none());

    // The page asks to keep the newest 500: the older 2,500 come as an outline.
    let page = p.logs.read_keeping::<Vec<LogLine>>(id, 0, 200, Some(500)).await.unwrap().unwrap();
    let outline = page.outline.expect("an outline of the older lines");
    assert_eq!((outline.upto, outline.counts.iter().sum::<u64>()), (2500, 2500));
    assert_eq!(outline.problems, vec![501, 1501]);
    assert_eq!(page.lines.first().map(|l| l.seq), Some(2501));

    let hits = p.logs.search(id, "LINE 2/999", 0, 100).await.unwrap();
    assert_eq!(hits.seqs, vec![3000]);
    let many = p.logs.search(id, "中文", 0, 10).await.unwrap();
    assert_eq!((many.seqs.len(), many.more), (10, true));

    let got = p.registry.get(id).await.unwrap().unwrap();
    assert_eq!((got.status, got.counts, got.env.as_deref()), (RunStatus::Failed, counts, Some("staging")));
    assert!(got.finished_at.is_some());
    let failed = RunFilter { status: Some(RunStatus::Failed), env: Some("staging".into()), ..RunFilter::newest(10) };
    assert_eq!(p.registry.list(&failed).await.unwrap().iter().map(|r| r.id).collect::<Vec<_>>(), vec![id]);
    assert_eq!(p.registry.result(id).await.unwrap(), Some(result));
    assert_eq!(p.registry.result(other_id).await.unwrap(), None, "ended without a result");
    assert_eq!(got.labels.get("deploy").map(String::as_str), Some("v1_4%\"2"));
    assert_eq!(got.rerun_of, Some(41));
    let label = |k: &str, v: &str| RunFilter { label: Some((k.into(), v.into())), ..RunFilter::newest(10) };
    let ids = |runs: Vec<livesmoke::model::RunInfo>| runs.iter().map(|r| r.id).collect::<Vec<_>>();
    assert_eq!(ids(p.registry.list(&label("deploy", "v1_4%\"2")).await.unwrap()), vec![id]);
    assert_eq!(ids(p.registry.list(&label("deploy", "v1x4x\"2")).await.unwrap()), vec![other_id]);
    assert_eq!(ids(p.registry.list(&label("commit", "abc")).await.unwrap()), vec![id]);
    assert!(p.registry.list(&label("deploy", "v1")).await.unwrap().is_empty(), "a prefix is not the label");
    let newest = p.registry.list(&RunFilter::newest(10)).await.unwrap();
    assert_eq!(newest.iter().map(|r| r.id).collect::<Vec<_>>(), vec![other_id, id]);
}

#[tokio::test]
async fn embedded_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    // A small in-memory tail: most reads come from the file.
    let p = Pipeline::open(dir.path(), 100).await.unwrap();
    the_same_log_either_way(p, dir.path()).await;
}

#[tokio::test]
async fn team_postgresql() {
    let Some(db) = common::team::TeamDb::new().await else { return };
    let dir = tempfile::tempdir().unwrap();
    let team = TeamConfig { url: db.url.clone(), lease: Duration::from_secs(10), name: "store-test".into() };
    let p = Pipeline::open_team(&team).await.unwrap();
    the_same_log_either_way(p, dir.path()).await;
}
