//! The self-contained HTML report of `run --html`: one file a CI job keeps as
//! an artifact and anyone opens in a browser, from `file://`, with no server
//! and no network. It shows what the terminal showed and more: the verdict
//! and counts, every case with its outcome, where it failed and its cleanup,
//! every step with its own log lines (the SQL, the request and its response,
//! each retry), and the whole log with level filters and a search.
//!
//! It is written from [`FinishedRun`]s, the same values the JUnit and JSONL
//! reports come from, whose results and lines are masked at the source: this
//! module adds no text of its own that could hold a secret.
//!
//! Why HTML rendered here rather than a JSON blob drawn by a script: the
//! report must read without its script (print, a browser with scripts off,
//! find-in-page over every line), and escaping happens in one place, in Rust,
//! with the page's one escape helper. The script only hides and shows what is
//! already there. The cost is size (a line's markup is ~80 bytes on top of
//! its text): fine for a smoke run's thousands of lines, and a 100,000-line
//! log is still a file a browser opens.
//!
//! The document pins itself down with a Content-Security-Policy: nothing is
//! fetched (`default-src 'none'`), and only the script carrying this
//! render's nonce runs. Escaping is the defence; the policy is the second
//! wall should a line ever slip through unescaped.
//!
//! One concept per file: `summary.rs` the header, `cases.rs` a run's cases
//! and steps, `log_lines.rs` the full log and the line markup both use;
//! `report.css` and `report.js` are the inline style and script.

/// A run's cases, each with its steps and the log lines of each step.
mod cases;
/// Log lines as markup, and the full log with its filter toolbar.
mod log_lines;
/// The header: the verdict, totals and one row per run.
mod summary;

use super::finished_run::FinishedRun;
use crate::app::log_view::render::escape;
use std::fmt::Write;

const CSS: &str = include_str!("html_report/report.css");
const JS: &str = include_str!("html_report/report.js");

/// The whole report: one HTML document with its CSS, script and markup inline.
pub fn render(runs: &[FinishedRun]) -> String {
    let lines: usize = runs.iter().map(|r| r.lines.len()).sum();
    let mut out = String::with_capacity(32 * 1024 + lines * 200);
    // A fresh nonce per report: a line that got through unescaped could not
    // know it, so its `<script>` would not run (see the module comment).
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    let verdict = summary::Verdict::of(runs);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\" class=\"nojs\">\n<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(
        out,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'nonce-{nonce}'; \
         style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">"
    );
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    // No favicon request, not even for `file:///favicon.ico`.
    out.push_str("<link rel=\"icon\" href=\"data:,\">\n<title>");
    let suites: Vec<&str> = runs.iter().map(|r| r.result.suite.as_str()).collect();
    escape(&format!("{} — {} — livesmoke", verdict.word(), suites.join(", ")), &mut out);
    out.push_str("</title>\n<style>\n");
    out.push_str(CSS);
    out.push_str("</style>\n</head>\n<body>\n");
    out.push_str("<a class=\"skip\" href=\"#log\">Skip to the full log</a>\n");
    summary::write(&mut out, runs, &verdict);
    out.push_str("<main>\n");
    cases::write_filters(&mut out, runs);
    for (i, run) in runs.iter().enumerate() {
        cases::write_run(&mut out, i, run);
    }
    log_lines::write_full_log(&mut out, runs);
    out.push_str("</main>\n");
    let _ = write!(out, "<script nonce=\"{nonce}\">\n{JS}</script>\n");
    out.push_str("</body>\n</html>\n");
    out
}

/// A duration as a reader wants it: `12 ms`, `1.24 s`, `2 min 05 s`.
fn duration(ms: u64) -> String {
    match ms {
        0..=999 => format!("{ms} ms"),
        1_000..=59_999 => format!("{:.2} s", ms as f64 / 1000.0),
        _ => format!("{} min {:02} s", ms / 60_000, (ms / 1000) % 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CaseEnd, CaseOutcome, CaseResult, Level, LogLine, Phase, RunResult, StepResult};

    fn line(seq: u64, level: Level, msg: &str, case: Option<&str>, at: Option<(Phase, u32)>) -> LogLine {
        LogLine {
            seq,
            ts: 1_700_000_000_000 + seq as i64 * 10,
            level,
            msg: msg.into(),
            case: case.map(Into::into),
            phase: at.map(|a| a.0),
            step: at.map(|a| a.1),
            end: None,
            dropped: 0,
        }
    }

    fn step(phase: Phase, n: u32, label: &str, ok: bool, failed_attempts: &[&str]) -> StepResult {
        StepResult {
            phase,
            n,
            label: label.into(),
            ms: 12,
            ok,
            attempts: failed_attempts.len() as u32 + 1,
            failed_attempts: failed_attempts.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn case(name: &str, outcome: CaseOutcome, steps: Vec<StepResult>) -> CaseResult {
        CaseResult {
            name: name.into(),
            outcome,
            reason: (outcome == CaseOutcome::Failed).then(|| "step #1: expected 200, got <b>500</b>".into()),
            at: (outcome == CaseOutcome::Failed).then(|| "suites/x.toml:7:3".into()),
            pointed: None,
            preflight: false,
            cleanup_ok: true,
            cleanup_errors: vec![],
            duration_ms: 42,
            steps,
            captures: Default::default(),
        }
    }

    /// A run with a flaky step, a failed case whose response carries markup,
    /// and a log line trying to run a script.
    fn sample() -> Vec<FinishedRun> {
        let ready = step(Phase::Step, 1, "GET {{base}}/ready", true, &["attempt 1/4: expected status 200, got 503"]);
        let boom = step(Phase::Step, 1, "GET {{base}}/boom", false, &[]);
        let mut end = line(9, Level::Error, "case finished: bad — failed (5 ms)", Some("bad"), None);
        end.end = Some(CaseEnd { outcome: CaseOutcome::Failed, ms: 5, cleanup_ok: true, lang: None });
        let lines = vec![
            line(1, Level::Info, "suite `s` started: 2 cases", None, None),
            line(2, Level::Info, "case started: warm", Some("warm"), None),
            line(3, Level::Info, "step: GET http://127.0.0.1:9/ready", Some("warm"), Some((Phase::Step, 1))),
            line(4, Level::Warning, "attempt 1/4 did not succeed: …", Some("warm"), Some((Phase::Step, 1))),
            line(5, Level::Warning, "flaky: passed on attempt 2/4", Some("warm"), Some((Phase::Step, 1))),
            line(6, Level::Info, "case started: bad", Some("bad"), None),
            line(7, Level::Info, "response: <script>alert(1)</script>", Some("bad"), Some((Phase::Step, 1))),
            line(8, Level::Error, "<img src=x onerror=alert(2)> </script>", Some("bad"), Some((Phase::Step, 1))),
            end,
        ];
        let result = RunResult {
            suite: "s".into(),
            duration_ms: 1234,
            cases: vec![case("warm", CaseOutcome::Passed, vec![ready]), case("bad", CaseOutcome::Failed, vec![boom])],
            ..Default::default()
        };
        vec![FinishedRun { id: 7, file: "suites/s.toml".into(), result, lines }]
    }

    #[test]
    fn hostile_text_is_inert() {
        let html = render(&sample());
        assert!(html.contains("response: &lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
        assert!(html.contains("&lt;img src=x onerror=alert(2)&gt; &lt;/script&gt;"));
        assert!(html.contains("expected 200, got &lt;b&gt;500&lt;/b&gt;"));
        assert!(!html.contains("<script>alert"));
        assert!(!html.contains("<img"));
        // Our own script and no other; the one closing tag is its own.
        assert_eq!(html.matches("<script").count(), 1);
        assert_eq!(html.matches("</script>").count(), 1);
    }

    #[test]
    fn nothing_is_fetched_from_anywhere() {
        let html = render(&sample());
        // The log's own text may name URLs (it does here); no markup may load one.
        for asset in ["src=\"http", "href=\"http", "src=\"//", "href=\"//", "url(", "@import", "<link rel=\"stylesheet"]
        {
            assert!(!html.contains(asset), "{asset} in the report");
        }
        for href in html.split("href=\"").skip(1) {
            assert!(href.starts_with('#') || href.starts_with("data:"), "a link out: {}", &href[..40.min(href.len())]);
        }
        assert!(html.contains("default-src 'none'"));
    }

    #[test]
    fn a_flaky_step_is_marked_with_its_failed_attempts() {
        let html = render(&sample());
        assert!(html.contains("class=\"step flaky\""), "{html}");
        assert!(html.contains("<span class=\"badge flaky\">flaky</span>"));
        assert!(html.contains("attempt 1/4: expected status 200, got 503"));
        // The header counts it too.
        assert!(html.contains("data-count=\"flaky\">1<"), "{html}");
    }

    #[test]
    fn failed_cases_are_open_and_passed_ones_folded() {
        let html = render(&sample());
        let bad = html.find("data-case=\"bad\"").unwrap();
        let warm = html.find("data-case=\"warm\"").unwrap();
        let open_before = |at: usize| html[..at].rfind("<details").map(|d| html[d..at].contains(" open"));
        assert_eq!(open_before(bad), Some(true));
        assert_eq!(open_before(warm), Some(false));
        assert!(html.contains("suites/x.toml:7:3"));
    }

    #[test]
    fn each_step_holds_its_own_lines_and_the_full_log_all_of_them() {
        let html = render(&sample());
        let (cases, log) = html.split_once("id=\"log\"").unwrap();
        // The flaky step's retry line is under the step, the run's first line is not under any case.
        assert!(cases.contains("attempt 1/4 did not succeed"));
        assert!(!cases.contains("suite `s` started"));
        assert_eq!(log.matches("class=\"line ").count(), 9);
        assert!(log.contains("[WARNING]: flaky: passed on attempt 2/4"));
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(7), "7 ms");
        assert_eq!(duration(1_234), "1.23 s");
        assert_eq!(duration(125_000), "2 min 05 s");
    }
}
