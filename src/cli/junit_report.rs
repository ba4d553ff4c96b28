//! The JUnit XML report (quick-junit): one `<testsuite>` per suite file, one
//! `<testcase>` per case. failed → `<failure>`, error → `<error>`, skipped →
//! `<skipped>`; cleanup problems as a `cleanup` property plus `<system-err>`.
//! A failure's message starts with where it is in the suite file
//! (`suites/orders.toml:14:3: step #1: …`), as the CLI prints it.

use crate::engine::{CaseOutcome, CaseReason, RunReport};
use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};
use std::time::Duration;

pub fn render(reports: &[RunReport]) -> Result<String, String> {
    let mut report = Report::new("livesmoke");
    let mut total = Duration::ZERO;
    for r in reports {
        let mut suite = TestSuite::new(r.suite.as_str());
        suite.set_time(Duration::from_millis(r.duration_ms as u64));
        total += Duration::from_millis(r.duration_ms as u64);
        for c in &r.cases {
            let reason = match &c.reason {
                Some(r) => r.span().map_or(r.to_string(), |at| format!("{at}: {r}")),
                None => String::new(),
            };
            let status = match c.outcome {
                CaseOutcome::Passed => TestCaseStatus::success(),
                CaseOutcome::Failed | CaseOutcome::Error => {
                    let kind =
                        if c.outcome == CaseOutcome::Failed { NonSuccessKind::Failure } else { NonSuccessKind::Error };
                    let mut s = TestCaseStatus::non_success(kind);
                    s.set_message(reason.as_str());
                    let preflight = matches!(c.reason, Some(CaseReason::TargetDown { .. }));
                    s.set_type(if preflight { "preflight" } else { c.outcome.as_str() });
                    s
                }
                CaseOutcome::Skipped => {
                    let mut s = TestCaseStatus::skipped();
                    s.set_message(reason.as_str());
                    s
                }
            };
            let mut case = TestCase::new(c.name.as_str(), status);
            case.set_classname(r.suite.as_str());
            case.set_time(Duration::from_millis(c.duration_ms as u64));
            case.add_property(Property::new("cleanup", if c.cleanup_ok { "ok" } else { "failed" }));
            if !c.cleanup_ok {
                let errors: Vec<String> = c.cleanup_errors.iter().map(|e| e.to_string()).collect();
                case.set_system_err(format!("cleanup failed:\n{}", errors.join("\n")));
            }
            suite.add_test_case(case);
        }
        report.add_test_suite(suite);
    }
    report.set_time(total);
    report.to_string().map_err(|e| e.to_string())
}
