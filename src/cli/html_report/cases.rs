//! A run's cases as the report shows them: each a `<details>` (open when it
//! failed or errored, folded when it passed or was skipped) with its outcome,
//! time, why and where it failed, its cleanup and captures, then its story in
//! order: the case's own lines, and every step with its header (phase, number,
//! label, time, attempts, flaky) over the lines it logged, where the engine
//! wrote its SQL, its request and response and each retry.
//!
//! A step's lines are found by the tags every line carries (case, phase,
//! step), not by parsing messages, so a message in either language, or one a
//! later version adds, lands under its step.

use super::{duration, log_lines};
use crate::app::log_view::render::escape;
use crate::cli::finished_run::FinishedRun;
use crate::model::{CaseOutcome, CaseResult, LogLine, Phase, StepResult};
use std::collections::HashMap;
use std::fmt::Write;

/// The outcome filter above the cases (the script applies it), with counts,
/// and expand / collapse all.
pub fn write_filters(out: &mut String, runs: &[FinishedRun]) {
    let cases = || runs.iter().flat_map(|r| &r.result.cases);
    let count = |f: &dyn Fn(&CaseResult) -> bool| cases().filter(|c| f(c)).count();
    let all = cases().count();
    let problems = count(&|c| !c.outcome.is_quiet());
    let flaky = count(&|c| c.is_flaky());
    let passed = count(&|c| c.outcome == CaseOutcome::Passed);
    let skipped = count(&|c| c.outcome == CaseOutcome::Skipped);
    out.push_str("<h2 id=\"cases\">Cases</h2>\n<nav class=\"filters needs-js\" aria-label=\"Show cases\">\n");
    for (key, word, n) in [
        ("all", "All", all),
        ("problems", "Failed or error", problems),
        ("flaky", "Flaky", flaky),
        ("passed", "Passed", passed),
        ("skipped", "Skipped", skipped),
    ] {
        let pressed = key == "all";
        let _ = writeln!(
            out,
            "<button type=\"button\" data-filter=\"{key}\" aria-pressed=\"{pressed}\">{word} <span class=\"c\">{n}</span></button>"
        );
    }
    out.push_str(
        "<span class=\"spacer\"></span><button type=\"button\" data-fold=\"open\">Expand all</button>\
         <button type=\"button\" data-fold=\"close\">Collapse all</button>\n</nav>\n",
    );
}

/// One run: a heading (its suite, file, id, time), a note if it was
/// cancelled, its cases.
pub fn write_run(out: &mut String, run_i: usize, run: &FinishedRun) {
    let r = &run.result;
    let _ = write!(out, "<section class=\"run\" id=\"run-{run_i}\">\n<h3>");
    escape(&r.suite, out);
    out.push_str(" <span class=\"file\">");
    escape(&run.file, out);
    let _ = writeln!(
        out,
        "</span> <span class=\"runid\">run #{}</span> <span class=\"dur\">{}</span></h3>",
        run.id,
        duration(r.duration_ms)
    );
    if r.cancelled {
        out.push_str(
            "<p class=\"note cancelled\">This run was cancelled: the cases after the one under way did not run; \
             its cleanup still ran.</p>\n",
        );
    }
    if r.cases.is_empty() {
        out.push_str("<p class=\"empty\">No case ran.</p>\n");
    }
    // Each case's lines, in one pass over the log (a long run has many of both).
    let mut by_case: HashMap<&str, Vec<&LogLine>> = HashMap::new();
    for line in &run.lines {
        if let Some(case) = &line.case {
            by_case.entry(case.as_str()).or_default().push(line);
        }
    }
    for (case_i, case) in r.cases.iter().enumerate() {
        let lines = by_case.get(case.name.as_str()).map_or(&[][..], Vec::as_slice);
        write_case(out, run_i, case_i, case, lines);
    }
    out.push_str("</section>\n");
}

fn write_case(out: &mut String, run_i: usize, case_i: usize, case: &CaseResult, lines: &[&LogLine]) {
    let outcome = case.outcome.as_str();
    // `open` first: a reader (and a test) sees it before the case's name.
    let open = if case.outcome.is_quiet() { "" } else { " open" };
    let _ = write!(
        out,
        "<details class=\"case {outcome}\"{open} id=\"run-{run_i}-case-{case_i}\" data-outcome=\"{outcome}\" data-flaky=\"{}\" data-case=\"",
        u8::from(case.is_flaky())
    );
    escape(&case.name, out);
    let _ = write!(out, "\">\n<summary><span class=\"badge {outcome}\">{outcome}</span> <span class=\"name\">");
    escape(&case.name, out);
    out.push_str("</span>");
    if case.is_flaky() {
        out.push_str(" <span class=\"badge flaky\">flaky</span>");
    }
    if !case.cleanup_ok {
        out.push_str(" <span class=\"badge cleanup\">cleanup failed</span>");
    }
    if case.preflight {
        out.push_str(" <span class=\"badge preflight\">target down at preflight</span>");
    }
    let _ = writeln!(out, " <span class=\"dur\">{}</span></summary>", duration(case.duration_ms));
    out.push_str("<div class=\"body\">\n");
    write_why(out, case);
    write_captures(out, case);
    out.push_str("<div class=\"timeline\">\n");
    for part in story(case, lines) {
        match part {
            Part::Lines(lines) => log_lines::write_block(out, run_i, &lines),
            Part::Step { key, result, lines } => write_step(out, run_i, key, result, &lines),
        }
    }
    out.push_str("</div>\n</div>\n</details>\n");
}

/// Why it did not pass, where (`file:line:col`), pointed at in its file, and
/// what its cleanup could not do.
fn write_why(out: &mut String, case: &CaseResult) {
    if let Some(reason) = &case.reason {
        out.push_str("<p class=\"reason\">");
        if let Some(at) = &case.at {
            out.push_str("<code class=\"at\">");
            escape(at, out);
            out.push_str("</code> ");
        }
        escape(reason, out);
        out.push_str("</p>\n");
    }
    if let Some(pointed) = &case.pointed {
        out.push_str("<pre class=\"pointed\">");
        escape(pointed, out);
        out.push_str("</pre>\n");
    }
    if !case.cleanup_errors.is_empty() {
        out.push_str("<div class=\"cleanup-errors\"><p>Cleanup failed:</p><ul>\n");
        for e in &case.cleanup_errors {
            out.push_str("<li>");
            escape(e, out);
            out.push_str("</li>\n");
        }
        out.push_str("</ul></div>\n");
    }
}

/// The values it captured, as they were at its end (secrets masked).
fn write_captures(out: &mut String, case: &CaseResult) {
    if case.captures.is_empty() {
        return;
    }
    let _ = write!(
        out,
        "<details class=\"captures\"><summary>Captured values ({})</summary>\n<table>\n",
        case.captures.len()
    );
    for (name, value) in &case.captures {
        out.push_str("<tr><th>");
        escape(name, out);
        out.push_str("</th><td><code>");
        escape(value, out);
        out.push_str("</code></td></tr>\n");
    }
    out.push_str("</table></details>\n");
}

/// A step: open when it failed or was flaky. Its header comes from the run's
/// result; a step that logged lines but has no result (it cannot happen
/// today) is still shown, headed by its phase and number.
fn write_step(out: &mut String, run_i: usize, (phase, n): (Phase, u32), step: Option<&StepResult>, lines: &[&LogLine]) {
    let (state, open) = match step {
        Some(s) if s.is_flaky() => ("flaky", " open"),
        Some(s) if !s.ok => ("failed", " open"),
        Some(_) => ("ok", ""),
        None => ("unknown", ""),
    };
    let _ = write!(out, "<details class=\"step {state}\"{open}>\n<summary>");
    let mark = match state {
        "failed" => "✗",
        "unknown" => "·",
        _ => "✓",
    };
    let _ = write!(
        out,
        "<span class=\"mark\" aria-label=\"{state}\">{mark}</span> <span class=\"phase\">{} #{n}</span>",
        phase.as_str()
    );
    if let Some(s) = step {
        out.push_str(" <code class=\"label\">");
        escape(&s.label, out);
        let _ = write!(out, "</code> <span class=\"dur\">{}</span>", duration(s.ms));
        if s.attempts > 1 {
            let _ = write!(out, " <span class=\"attempts\">{} attempts</span>", s.attempts);
        }
        if s.is_flaky() {
            out.push_str(" <span class=\"badge flaky\">flaky</span>");
        }
    }
    out.push_str("</summary>\n");
    if let Some(s) = step.filter(|s| !s.failed_attempts.is_empty()) {
        out.push_str("<div class=\"failed-attempts\"><p>Attempts that did not succeed:</p><ol>\n");
        for a in &s.failed_attempts {
            out.push_str("<li>");
            escape(a, out);
            out.push_str("</li>\n");
        }
        out.push_str("</ol></div>\n");
    }
    if lines.is_empty() {
        out.push_str("<p class=\"empty\">No log lines.</p>\n");
    } else {
        log_lines::write_block(out, run_i, lines);
    }
    out.push_str("</details>\n");
}

/// A piece of a case's story: lines of the case outside any step, or a step.
enum Part<'a> {
    Lines(Vec<&'a LogLine>),
    Step { key: (Phase, u32), result: Option<&'a StepResult>, lines: Vec<&'a LogLine> },
}

/// The case's lines in order, those of each step gathered under it (a step's
/// lines are consecutive; should one ever come later, it still joins its
/// step), then any step that logged nothing, so every step is shown.
fn story<'a>(case: &'a CaseResult, lines: &[&'a LogLine]) -> Vec<Part<'a>> {
    let mut parts: Vec<Part<'a>> = Vec::new();
    for &line in lines {
        let key = line.phase.zip(line.step);
        let at = key.and_then(|k| parts.iter().position(|p| matches!(p, Part::Step { key, .. } if *key == k)));
        match (key, at, parts.last_mut()) {
            (Some(_), Some(i), _) => {
                if let Part::Step { lines, .. } = &mut parts[i] {
                    lines.push(line);
                }
            }
            (Some(key), None, _) => {
                let result = case.steps.iter().find(|s| (s.phase, s.n) == key);
                parts.push(Part::Step { key, result, lines: vec![line] });
            }
            (None, _, Some(Part::Lines(lines))) => lines.push(line),
            (None, _, _) => parts.push(Part::Lines(vec![line])),
        }
    }
    for s in &case.steps {
        let key = (s.phase, s.n);
        if !parts.iter().any(|p| matches!(p, Part::Step { key: k, .. } if *k == key)) {
            parts.push(Part::Step { key, result: Some(s), lines: Vec::new() });
        }
    }
    parts
}
