//! The report's header: the verdict (the exit code `run` ended with, in the
//! colour of its outcome), the totals over every run, and one row per run
//! linking to its cases.

use super::duration;
use crate::app::log_view::render::escape;
use crate::cli::{finished_run::FinishedRun, terminal};
use crate::model::{CaseCounts, RunResult};
use std::fmt::Write;

/// What the whole report comes to: the CLI's exit code over all its runs.
pub struct Verdict {
    pub code: i32,
}

impl Verdict {
    pub fn of(runs: &[FinishedRun]) -> Verdict {
        // The terminal's rule (3 > 4 > 5 > 0), not a copy of it: the header
        // must say what the process exited with.
        let results: Vec<RunResult> = runs.iter().map(|r| r.result.clone()).collect();
        Verdict { code: terminal::exit_code(&results) }
    }

    /// The word a reader sees first; a cancelled run is an error too (exit 3),
    /// but says so.
    pub fn word(&self) -> &'static str {
        match self.code {
            0 => "passed",
            4 => "failed",
            5 => "cleanup failed",
            _ => "error",
        }
    }

    /// The CSS class of its colour.
    fn class(&self) -> &'static str {
        match self.code {
            0 => "v-passed",
            4 => "v-failed",
            5 => "v-cleanup",
            _ => "v-error",
        }
    }
}

/// The `<header>`: verdict, totals, the runs table.
pub fn write(out: &mut String, runs: &[FinishedRun], verdict: &Verdict) {
    let total = runs.iter().fold(CaseCounts::default(), |t, r| add(t, r.result.counts()));
    let cancelled = runs.iter().filter(|r| r.result.cancelled).count();
    let ms: u64 = runs.iter().map(|r| r.result.duration_ms).sum();
    let _ = write!(
        out,
        "<header class=\"top {}\">\n<p class=\"verdict\"><span class=\"word\">{}</span> \
         <span class=\"exit\">exit code {}</span></p>\n<h1>livesmoke report</h1>\n",
        verdict.class(),
        verdict.word(),
        verdict.code
    );
    let now = chrono::Local::now();
    let _ = writeln!(
        out,
        "<p class=\"meta\">{} · {} · {} · generated {} (times are the runner's local time, UTC{}) · livesmoke {}</p>",
        plural(runs.len() as u32, "run", "runs"),
        plural(total.total, "case", "cases"),
        duration(ms),
        now.format("%Y-%m-%d %H:%M:%S"),
        now.format("%:z"),
        env!("CARGO_PKG_VERSION"),
    );
    out.push_str("<ul class=\"totals\">\n");
    let mut item = |class: &str, n: u32, word: &str, always: bool| {
        if always || n > 0 {
            let _ = writeln!(out, "<li class=\"{class}\"><b data-count=\"{class}\">{n}</b> {word}</li>");
        }
    };
    item("passed", total.passed, "passed", true);
    item("failed", total.failed, "failed", true);
    item("error", total.error, "error", true);
    item("skipped", total.skipped, "skipped", true);
    item("flaky", total.flaky, "flaky", true);
    item("cleanup", total.cleanup_failed, "cleanup failed", false);
    item("cancelled", cancelled as u32, "cancelled", false);
    out.push_str("</ul>\n");
    write_runs_table(out, runs);
    out.push_str("</header>\n");
}

/// One row per run: where it came from, its counts, its time, its outcome.
fn write_runs_table(out: &mut String, runs: &[FinishedRun]) {
    if runs.is_empty() {
        out.push_str("<p class=\"empty\">No suite ran.</p>\n");
        return;
    }
    out.push_str(
        "<table class=\"runs\">\n<thead><tr><th>suite</th><th>file</th><th>run</th><th>passed</th><th>failed</th>\
         <th>error</th><th>skipped</th><th>flaky</th><th>cleanup failed</th><th>time</th><th>outcome</th></tr></thead>\n<tbody>\n",
    );
    for (i, run) in runs.iter().enumerate() {
        let c = run.result.counts();
        let v = Verdict { code: run.result.exit_code() };
        out.push_str("<tr><td><a href=\"#run-");
        let _ = write!(out, "{i}\">");
        escape(&run.result.suite, out);
        out.push_str("</a></td><td class=\"file\">");
        escape(&run.file, out);
        let _ = writeln!(
            out,
            "</td><td>#{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td><span class=\"badge {}\">{}{}</span></td></tr>",
            run.id,
            c.passed,
            c.failed,
            c.error,
            c.skipped,
            c.flaky,
            c.cleanup_failed,
            duration(run.result.duration_ms),
            v.class(),
            v.word(),
            if run.result.cancelled { ", cancelled" } else { "" },
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

fn add(a: CaseCounts, b: CaseCounts) -> CaseCounts {
    CaseCounts {
        total: a.total + b.total,
        passed: a.passed + b.passed,
        failed: a.failed + b.failed,
        error: a.error + b.error,
        skipped: a.skipped + b.skipped,
        cleanup_failed: a.cleanup_failed + b.cleanup_failed,
        flaky: a.flaky + b.flaky,
    }
}

fn plural(n: u32, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
