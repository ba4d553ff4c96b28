//! The JUnit XML report (quick-junit): one `<testsuite>` per suite file, one
//! `<testcase>` per case. failed → `<failure>`, error → `<error>`, skipped →
//! `<skipped>`; cleanup problems as a `cleanup` property plus `<system-err>`;
//! a step that passed only after a retry as a `flaky` property plus every
//! failed attempt in `<system-out>`.
//! A failure's message starts with where it is in the suite file
//! (`suites/orders.toml:14:3: step #1: …`), as the CLI prints it.

use crate::model::{visible, CaseOutcome, RunResult};
use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};
use std::time::Duration;

pub fn render(reports: &[RunResult]) -> Result<String, String> {
    let mut report = Report::new("livesmoke");
    let mut total = Duration::ZERO;
    for r in reports {
        let mut suite = TestSuite::new(visible(&r.suite).as_ref());
        suite.set_time(Duration::from_millis(r.duration_ms));
        if !r.cleanup_errors.is_empty() {
            // The suite's own teardown belongs to no test case.
            suite.set_system_err(format!("suite cleanup failed:\n{}", lines(&r.cleanup_errors)));
        }
        total += Duration::from_millis(r.duration_ms);
        for c in &r.cases {
            let reason = match (&c.reason, &c.at) {
                (Some(r), Some(at)) => format!("{at}: {}", visible(r)),
                (Some(r), None) => visible(r).into_owned(),
                (None, _) => String::new(),
            };
            let status = match c.outcome {
                CaseOutcome::Passed => TestCaseStatus::success(),
                CaseOutcome::Failed | CaseOutcome::Error => {
                    let kind =
                        if c.outcome == CaseOutcome::Failed { NonSuccessKind::Failure } else { NonSuccessKind::Error };
                    let mut s = TestCaseStatus::non_success(kind);
                    s.set_message(reason.as_str());
                    s.set_type(if c.preflight { "preflight" } else { c.outcome.as_str() });
                    s
                }
                CaseOutcome::Skipped => {
                    let mut s = TestCaseStatus::skipped();
                    s.set_message(reason.as_str());
                    s
                }
            };
            let mut case = TestCase::new(visible(&c.name).as_ref(), status);
            case.set_classname(visible(&r.suite).as_ref());
            case.set_time(Duration::from_millis(c.duration_ms));
            case.add_property(Property::new("cleanup", if c.cleanup_ok { "ok" } else { "failed" }));
            // Passed only after a retry: which steps, and why each earlier attempt did not.
            let flaky: Vec<_> = c.steps.iter().filter(|s| s.is_flaky()).collect();
            if !flaky.is_empty() {
                let keys: Vec<String> = flaky.iter().map(|s| s.key()).collect();
                case.add_property(Property::new("flaky", keys.join("; ").as_str()));
                let attempts: Vec<String> = flaky
                    .iter()
                    .flat_map(|s| s.failed_attempts.iter().map(move |a| format!("{}: {}", s.key(), visible(a))))
                    .collect();
                case.set_system_out(format!("flaky:\n{}", attempts.join("\n")));
            }
            if !c.cleanup_ok {
                case.set_system_err(format!("cleanup failed:\n{}", lines(&c.cleanup_errors)));
            }
            suite.add_test_case(case);
        }
        report.add_test_suite(suite);
    }
    report.set_time(total);
    report.to_string().map_err(|e| e.to_string())
}

/// One per line, each with its controls made visible (XML 1.0 has no place
/// for most of them, and a reader should see them, not have them act).
fn lines(texts: &[String]) -> String {
    texts.iter().map(|t| visible(t)).collect::<Vec<_>>().join("\n")
}
