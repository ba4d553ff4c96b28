//! Log lines as the report shows them, in the seed's format
//! (`YYYY-MM-DD HH:MM:SS[LEVEL]: message`, the runner's local time, as the
//! terminal printed them), and the full log with its toolbar: a level filter
//! and a search that `report.js` applies.
//!
//! A line is `<span class="line LEVEL" data-level="LEVEL"><a class="n">seq</a>
//! <span class="t">text\n</span></span>`, its text written by the page's
//! own `line_inner_html`. Its number links to the line in the
//! full log (its permalink there, the way back to its context from a step);
//! CSS keeps the number out of a selection, so copying gives clean log
//! lines. The script searches `.t` only, never the number.

use crate::app::log_view::render::{escape, line_inner_html, Stamps};
use crate::cli::finished_run::FinishedRun;
use crate::model::{Level, LogLine};
use std::fmt::Write;

/// The anchor of line `seq` of the `run`-th run in the full log.
fn anchor(out: &mut String, run: usize, seq: u64) {
    let _ = write!(out, "r{run}-L{seq}");
}

/// One line. `in_full_log`: the copy in the full log, which carries the
/// anchor; the copies under the steps link to it.
pub fn write_line(out: &mut String, stamps: &mut Stamps, run: usize, line: &LogLine, in_full_log: bool) {
    let level = line.level.as_str();
    let gap = if line.is_gap() { " gap" } else { "" };
    let _ = write!(out, "<span class=\"line {level}{gap}\" data-level=\"{level}\"");
    if in_full_log {
        out.push_str(" id=\"");
        anchor(out, run, line.seq);
        out.push('"');
    }
    out.push_str("><a class=\"n\" tabindex=\"-1\" href=\"#");
    anchor(out, run, line.seq);
    let _ = write!(out, "\">{}</a><span class=\"t\">", line.seq);
    // The page's own line text (the seed's format, escaped, its newline last).
    line_inner_html(line, line.ts, false, None, stamps, out);
    out.push_str("</span></span>");
}

/// Lines in a `<pre>` of their own (under a step, or a case's own lines).
pub fn write_block(out: &mut String, run: usize, lines: &[&LogLine]) {
    let mut stamps = Stamps::default();
    out.push_str("<pre class=\"lines\">");
    for line in lines {
        write_line(out, &mut stamps, run, line, false);
    }
    out.push_str("</pre>\n");
}

/// The full log of every run, after the cases, with its toolbar.
pub fn write_full_log(out: &mut String, runs: &[FinishedRun]) {
    let mut counts = [0usize; Level::ALL.len()];
    for line in runs.iter().flat_map(|r| &r.lines) {
        counts[line.level.index()] += 1;
    }
    let total: usize = counts.iter().sum();
    out.push_str("<section id=\"log\" class=\"full-log\">\n<h2>Full log</h2>\n");
    // Sticky above the lines; without a script it does nothing, so it is not shown.
    out.push_str(
        "<div class=\"toolbar needs-js\" role=\"search\">\n<label class=\"search\">Search \
         <input type=\"search\" id=\"q\" placeholder=\"text in a line (press /)\" autocomplete=\"off\" \
         spellcheck=\"false\"></label>\n",
    );
    let _ = writeln!(out, "<output id=\"match-count\" for=\"q\" aria-live=\"polite\">{}</output>", lines_word(total));
    out.push_str("<fieldset class=\"levels\"><legend>Levels</legend>\n");
    for level in Level::ALL {
        let name = level.as_str();
        let _ = writeln!(
            out,
            "<label class=\"lv {name}\"><input type=\"checkbox\" data-level=\"{name}\" checked> {name} \
             <span class=\"c\">{}</span></label>",
            counts[level.index()]
        );
    }
    out.push_str("</fieldset>\n</div>\n");
    if total == 0 {
        out.push_str("<p class=\"empty\">No log lines were kept.</p>\n");
    }
    for (i, run) in runs.iter().enumerate() {
        if runs.len() > 1 {
            out.push_str("<h3>");
            escape(&run.result.suite, out);
            let _ = writeln!(out, " <span class=\"runid\">run #{}</span></h3>", run.id);
        }
        let mut stamps = Stamps::default();
        let _ = write!(out, "<pre class=\"log\" data-run=\"{i}\">");
        for line in &run.lines {
            write_line(out, &mut stamps, i, line, true);
        }
        out.push_str("</pre>\n");
    }
    out.push_str("<p id=\"no-match\" class=\"empty\" hidden>No line matches.</p>\n</section>\n");
}

/// `1 line`, `340 lines`: the counter's text with no search (the script keeps it so).
fn lines_word(n: usize) -> String {
    format!("{n} {}", if n == 1 { "line" } else { "lines" })
}
