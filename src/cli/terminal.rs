//! How a run looks on the terminal, the same whether it ran here or on a
//! server: its log lines (coloured by level on a terminal, plain otherwise,
//! tagged with their suite and case when runs or cases interleave), a
//! progress bar of cases, the summary line, and the JSON Lines report.

use crate::model::{visible, Level, LogLine, RunResult};
use std::collections::BTreeSet;
use std::io::Write;
use std::time::Duration;

/// Where runs print: stdout, with a progress bar of cases per run on a
/// terminal (one under the other when `--jobs` runs several at once).
pub struct Screen {
    bars: Option<indicatif::MultiProgress>,
    /// Several suites print at once: each line says whose it is.
    tag_suites: bool,
}

impl Screen {
    pub fn new(terminal: bool, tag_suites: bool) -> Self {
        Screen { bars: terminal.then(indicatif::MultiProgress::new), tag_suites }
    }

    /// The output of one run of `suite`, `cases` long. `parallel`: the run
    /// is known to run cases at once, so every case line says its case from
    /// the first (a run on a server does not say: its tags start when two
    /// cases are seen under way together).
    pub fn run(&self, suite: &str, cases: u32, parallel: bool) -> RunOutput {
        let bar = self.bars.as_ref().map(|m| m.add(progress_bar(suite, cases)));
        let tags = LineTags {
            suite: self.tag_suites.then(|| suite.to_string()),
            interleaved: parallel && cases > 1,
            ..Default::default()
        };
        RunOutput { bars: self.bars.clone(), bar, tags }
    }
}

/// One run's lines and progress bar on the [`Screen`].
pub struct RunOutput {
    bars: Option<indicatif::MultiProgress>,
    bar: Option<indicatif::ProgressBar>,
    tags: LineTags,
}

impl RunOutput {
    /// Prints lines (coloured above the progress bars on a terminal, plain
    /// otherwise). A closed stdout (`| head`) is not an error worth a panic.
    pub fn print(&mut self, lines: &[LogLine]) {
        let color = self.bars.is_some();
        let (bars, tags) = (&self.bars, &mut self.tags);
        let mut write = || {
            let mut out = std::io::stdout().lock();
            for l in lines {
                let tag = tags.of(l);
                let line = l.seed_format();
                // What a target put in a message shows as text; it never drives the terminal.
                let text = visible(&line);
                let _ = if color {
                    writeln!(out, "{}{tag}{text}\x1b[0m", ansi(l.level))
                } else {
                    writeln!(out, "{tag}{text}")
                };
            }
            let _ = out.flush();
        };
        match bars {
            Some(m) => m.suspend(write),
            None => write(),
        }
    }

    /// How many cases have ended.
    pub fn set_done(&self, cases: u64) {
        self.progress()(cases);
    }

    /// [`RunOutput::set_done`] for a task of its own (the producer's progress).
    pub fn progress(&self) -> impl Fn(u64) + Send + Sync + 'static {
        let bar = self.bar.clone();
        move |cases| {
            if let Some(b) = &bar {
                b.set_position(cases);
            }
        }
    }

    /// Runs `f` with the progress bars out of its way (a prompt, lines).
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.bars {
            Some(m) => m.suspend(f),
            None => f(),
        }
    }

    pub fn finish(self) {
        if let (Some(m), Some(b)) = (&self.bars, &self.bar) {
            b.finish_and_clear();
            m.remove(b);
        }
    }
}

fn progress_bar(suite: &str, cases: u32) -> indicatif::ProgressBar {
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

/// What tells a line's run and case apart when lines interleave: the
/// suite's name when several suites print at once, and the case's when the
/// run's cases run at once (`parallel = N`) or have been seen under way
/// together. Otherwise a run reads as it always has: its case headers say
/// whose lines follow.
#[derive(Default)]
struct LineTags {
    suite: Option<String>,
    /// Cases started (a line above debug, or a step's) and not ended yet. A
    /// case left out logs one debug note and no end: it never opens.
    open: BTreeSet<String>,
    interleaved: bool,
}

impl LineTags {
    fn of(&mut self, l: &LogLine) -> String {
        if let Some(case) = &l.case {
            if (l.phase.is_some() || l.level != Level::Debug) && !self.open.contains(case) {
                self.interleaved |= !self.open.is_empty();
                self.open.insert(case.clone());
            }
            if l.end.is_some() {
                self.open.remove(case);
            }
        }
        let suite = self.suite.as_deref().map(|s| format!("[{s}] ")).unwrap_or_default();
        match (&l.case, self.interleaved) {
            (Some(case), true) => format!("{suite}[{case}] "),
            _ => suite,
        }
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
