use super::report_file::write_atomically;
use crate::engine::{self, runner::Plan, Lang, RunOptions, RunReport};
use crate::logging::log_store::DEFAULT_RING_CAP;
use crate::model::{CaseCounts, Level, LogLine};
use crate::runs::{Launcher, Pipeline};
use crate::suite::{loader, LoadedSuite, SuiteErrors};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

/// The suites to load and how to resolve them (shared by `run` and `check`).
#[derive(clap::Args, Debug)]
pub struct SuiteArgs {
    /// Suite files (.toml).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Environment whose [env.<name>] overrides apply.
    #[arg(long)]
    pub env: Option<String>,
    /// Set a variable (highest precedence); repeatable.
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    pub vars: Vec<(String, String)>,
    /// Data directory: run history and logs (shared with `serve`); relative SQLite paths point here.
    #[arg(long, env = "LIVESMOKE_DATA", default_value = "data")]
    pub data: PathBuf,
}

#[derive(clap::Args, Debug)]
pub struct RunArgs {
    #[command(flatten)]
    pub suites: SuiteArgs,
    /// Run only cases with one of these tags (comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub tags: Vec<String>,
    /// Stop after the first case that does not pass (cleanup still runs).
    #[arg(long)]
    pub fail_fast: bool,
    /// Write a JUnit XML report here.
    #[arg(long, value_name = "PATH")]
    pub junit: Option<PathBuf>,
    /// Write the log as JSON Lines here (the same events as the live view).
    #[arg(long, value_name = "PATH")]
    pub jsonl: Option<PathBuf>,
    /// Language of the log messages.
    #[arg(long, default_value = "zh", value_parser = ["zh", "en"])]
    pub lang: String,
}

pub fn parse_var(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(k, v)| (k.trim().to_string(), v.to_string()))
        .filter(|(k, _)| !k.is_empty())
        .ok_or_else(|| format!("expected NAME=VALUE, got `{s}`"))
}

/// Loads and validates every file, then resolves each for `opts`; all
/// problems of all files are reported together.
pub async fn load_all(
    files: &[PathBuf],
    opts: &RunOptions,
    data_dir: &std::path::Path,
) -> Result<Vec<(LoadedSuite, Plan)>, SuiteErrors> {
    let files = files.to_vec();
    let opts = opts.clone();
    let data_dir = data_dir.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let mut errors = SuiteErrors::default();
        let mut out = Vec::new();
        let var_names: Vec<String> = opts.vars.iter().map(|(k, _)| k.clone()).collect();
        for f in &files {
            match loader::load_with(f, &var_names)
                .and_then(|s| engine::runner::prepare(&s, &opts, &data_dir).map(|p| (s, p)))
            {
                Ok(x) => out.push(x),
                Err(e) => errors.0.extend(e.0),
            }
        }
        errors.into_result(out)
    })
    .await
    .expect("suite loading panicked")
}

pub async fn run(args: RunArgs) -> i32 {
    super::serve_cmd::init_tracing();
    let sel = &args.suites;
    let opts = RunOptions {
        env: sel.env.clone(),
        lang: args.lang.parse().unwrap_or(Lang::Zh),
        fail_fast: args.fail_fast,
        tags: args.tags.clone(),
        vars: sel.vars.clone(),
    };
    let suites = match load_all(&sel.files, &opts, &sel.data).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            eprintln!("{} problem(s); nothing was run", e.0.len());
            return 2;
        }
    };
    let pipeline = match Pipeline::open(&sel.data, DEFAULT_RING_CAP).await {
        Ok(p) => p,
        Err(e) => {
            eprintln!("livesmoke: {e}");
            return 1;
        }
    };
    let launcher = Launcher::new(&pipeline, &sel.data);
    let terminal = std::io::stdout().is_terminal();
    let mut jsonl = String::new();
    let mut reports = Vec::new();
    for (suite, plan) in suites {
        let file = suite.file.display().to_string();
        let bar = terminal.then(|| progress_bar(&suite.name(), suite.suite.cases.len() as u32));
        let task_bar = bar.clone();
        let on_progress = move |c: CaseCounts| {
            if let Some(b) = &task_bar {
                b.set_position(c.done() as u64);
            }
        };
        let started = match launcher.start_suite(&file, suite, plan, opts.clone(), on_progress).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("livesmoke: {e}");
                return 1;
            }
        };
        let run = started.info.id;
        // Print the run's log as it is written: the same cursor reads the page makes.
        let mut cursor = 0;
        loop {
            match pipeline.logs.read(run, cursor, 5_000, false).await {
                Ok(page) => {
                    print_lines(&page.lines, bar.as_ref());
                    if args.jsonl.is_some() {
                        for l in &page.lines {
                            jsonl.push_str(&jsonl_line(run, &file, l));
                        }
                    }
                    cursor = page.next;
                    if page.done {
                        break;
                    }
                    if page.lines.is_empty() {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                }
                Err(e) => {
                    eprintln!("livesmoke: reading the log: {e}");
                    break;
                }
            }
        }
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        match started.report.await {
            Ok(report) => reports.push(report),
            Err(e) => {
                eprintln!("livesmoke: the run failed: {e}");
                return 3;
            }
        }
    }
    super::step_failure::print(&reports);
    print_summary(&reports, terminal);
    if let Some(path) = &args.jsonl {
        if let Err(e) = write_atomically(path, jsonl.as_bytes()) {
            eprintln!("livesmoke: cannot write {}: {e}", path.display());
            return 1;
        }
    }
    if let Some(path) = &args.junit {
        let written = super::junit_report::render(&reports)
            .and_then(|xml| write_atomically(path, xml.as_bytes()).map_err(|e| e.to_string()));
        if let Err(e) = written {
            eprintln!("livesmoke: cannot write {}: {e}", path.display());
            return 1;
        }
    }
    exit_code(&reports)
}

/// One line of the JSONL report: the live view's event plus its run and suite file.
fn jsonl_line(run: u64, suite: &str, line: &LogLine) -> String {
    let mut v = serde_json::to_value(line).unwrap_or_default();
    if let Some(obj) = v.as_object_mut() {
        obj.insert("run".into(), run.into());
        obj.insert("suite".into(), suite.into());
    }
    format!("{v}\n")
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

/// Prints lines (coloured above the progress bar on a terminal, plain otherwise).
/// A closed stdout (`| head`) is not an error worth a panic.
fn print_lines(lines: &[LogLine], bar: Option<&indicatif::ProgressBar>) {
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

fn print_summary(reports: &[RunReport], color: bool) {
    for r in reports {
        let c = r.counts();
        let line = format!(
            "{}: {} passed, {} failed, {} error, {} skipped{} ({:.2} s)",
            r.suite,
            c.passed,
            c.failed,
            c.error,
            c.skipped,
            if c.cleanup_failed > 0 { format!(", {} cleanup failed", c.cleanup_failed) } else { String::new() },
            r.duration_ms as f64 / 1000.0
        );
        let paint = if !color {
            ""
        } else if c.error + c.failed > 0 {
            "\x1b[1;31m"
        } else {
            "\x1b[1;32m"
        };
        let _ = writeln!(std::io::stdout(), "{paint}{line}{}", if color { "\x1b[0m" } else { "" });
    }
}

/// The most severe outcome over all suites (3 > 4 > 5 > 0).
pub fn exit_code(reports: &[RunReport]) -> i32 {
    let codes: Vec<i32> = reports.iter().map(|r| r.exit_code()).collect();
    [3, 4, 5].into_iter().find(|c| codes.contains(c)).unwrap_or(0)
}
