//! How a run looks on the terminal, the same whether it ran here or on a
//! server: its log lines (coloured by level on a terminal, plain otherwise),
//! a progress bar of cases, the summary line, and the JSON Lines report.

use crate::model::{Level, LogLine, RunResult};
use std::io::Write;
use std::time::Duration;

pub fn progress_bar(suite: &str, cases: u32) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(cases as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len} cases {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(suite.to_string());
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// Prints lines (coloured above the progress bar on a terminal, plain otherwise).
/// A closed stdout (`| head`) is not an error worth a panic.
pub fn print_lines(lines: &[LogLine], bar: Option<&indicatif::ProgressBar>) {
    let write = || {
        let mut out = std::io::stdout().lock();
        for l in lines {
            let text = l.seed_format();
            let _ =
                if bar.is_some() { writeln!(out, "{}{text}\x1b[0m", ansi(l.level)) } else { writeln!(out, "{text}") };
        }
        let _ = out.flush();
    };
    match bar {
        Some(b) => b.suspend(write),
        None => write(),
    }
}

fn ansi(level: Level) -> &'static str {
    match level {
        Level::Debug => "\x1b[2m",
        Level::Info => "",
        Level::Warning => "\x1b[33m",
        Level::Error => "\x1b[31m",
        Level::Critical => "\x1b[1;31m",
    }
}

/// One summary line per run: counts, cleanup, time.
pub fn print_summary(results: &[RunResult], color: bool) {
    for r in results {
        let c = r.counts();
        let line = format!(
            "{}: {} passed, {} failed, {} error, {} skipped{}{}{} ({:.2} s)",
            r.suite,
            c.passed,
            c.failed,
            c.error,
            c.skipped,
            if c.cleanup_failed > 0 { format!(", {} cleanup failed", c.cleanup_failed) } else { String::new() },
            if c.flaky > 0 { format!(", {} flaky", c.flaky) } else { String::new() },
            if r.cancelled { ", cancelled" } else { "" },
            r.duration_ms as f64 / 1000.0
        );
        let paint = if !color {
            ""
        } else if c.error + c.failed > 0 || r.cancelled {
            "\x1b[1;31m"
        } else {
            "\x1b[1;32m"
        };
        let _ = writeln!(std::io::stdout(), "{paint}{line}{}", if color { "\x1b[0m" } else { "" });
    }
}

/// One line of the JSONL report: the live view's event plus its run and suite file.
pub fn jsonl_line(run: u64, suite: &str, line: &LogLine) -> String {
    let mut v = serde_json::to_value(line).unwrap_or_default();
    if let Some(obj) = v.as_object_mut() {
        obj.insert("run".into(), run.into());
        obj.insert("suite".into(), suite.into());
    }
    format!("{v}\n")
}

/// The most severe outcome over all runs (3 > 4 > 5 > 0).
pub fn exit_code(results: &[RunResult]) -> i32 {
    let codes: Vec<i32> = results.iter().map(RunResult::exit_code).collect();
    [3, 4, 5].into_iter().find(|c| codes.contains(c)).unwrap_or(0)
}
