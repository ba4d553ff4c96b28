//! What follows a run's log, local or remote: failure pointers, the
//! summary and the report files with the exit code; then, per run, its
//! comparison and its notification.

use super::finished_run::FinishedRun;
use super::report_file::write_atomically;
use super::run_args::RunArgs;
use super::terminal::{exit_code, jsonl_line, print_summary};
use crate::model::{Comparison, RunInfo, RunResult};
use crate::runs::compare_runs::Base;
use crate::runs::notification::{self, Notification};
use std::path::PathBuf;

/// After the log: failure pointers, the summary, the report files; the exit code.
pub fn report(args: &RunArgs, runs: &[FinishedRun], terminal: bool) -> i32 {
    let results: Vec<RunResult> = runs.iter().map(|r| r.result.clone()).collect();
    super::step_failure::print(&results);
    print_summary(&results, terminal);
    let mut files: Vec<(&PathBuf, Result<String, String>)> = Vec::new();
    if let Some(path) = &args.jsonl {
        let lines = runs.iter().flat_map(|r| r.lines.iter().map(move |l| jsonl_line(r.id, &r.file, l)));
        files.push((path, Ok(lines.collect())));
    }
    if let Some(path) = &args.junit {
        files.push((path, super::junit_report::render(&results)));
    }
    if let Some(path) = &args.html {
        files.push((path, Ok(super::html_report::render(runs))));
    }
    for (path, text) in files {
        if let Err(e) = text.and_then(|t| write_atomically(path, t.as_bytes()).map_err(|e| e.to_string())) {
            eprintln!("livesmoke: cannot write {}: {e}", path.display());
            return 1;
        }
    }
    exit_code(&results)
}

/// What each run is compared with: `--compare-with`, else the previous run
/// when a notification will carry the comparison.
pub fn compare_base(args: &RunArgs) -> Option<Base> {
    args.compare_with.or((!args.notify.is_empty()).then_some(Base::Previous))
}

/// `--notify` needs the shared secret, or the receiver could not tell our
/// POST from anyone's.
pub fn notify_secret(hooks: &[String]) -> Result<Option<String>, String> {
    if hooks.is_empty() {
        return Ok(None);
    }
    for h in hooks {
        url::Url::parse(h).map_err(|e| format!("--notify {h}: {e}"))?;
    }
    match std::env::var("LIVESMOKE_NOTIFY_SECRET") {
        Ok(s) if !s.is_empty() => Ok(Some(s)),
        _ => Err("--notify signs each POST: set LIVESMOKE_NOTIFY_SECRET to the secret its receiver checks".into()),
    }
}

/// What follows each ended run: its comparison printed (`--compare-with`,
/// or why there is none), then its notification (with the comparison) sent
/// to every hook; a failing hook is a warning.
pub async fn after_run(
    args: &RunArgs,
    secret: Option<&str>,
    (info, result): (&RunInfo, &RunResult),
    url: Option<String>,
    cmp: Option<Result<Comparison, String>>,
    terminal: bool,
) {
    let cmp = match cmp {
        Some(Ok(c)) => Some(c),
        Some(Err(e)) => {
            if args.compare_with.is_some() {
                eprintln!("livesmoke: compare: {e}");
            }
            None
        }
        None => None,
    };
    if let (Some(c), Some(_)) = (&cmp, args.compare_with) {
        super::compare_text::print(c, terminal);
    }
    let Some(secret) = secret.filter(|_| !args.notify.is_empty()) else { return };
    let note = Notification::new(info, Some(result), url, cmp.as_ref());
    for failed in notification::send(&args.notify, secret, &note).await {
        eprintln!("livesmoke: warning: notifying {failed}; the run's outcome stands");
    }
}
