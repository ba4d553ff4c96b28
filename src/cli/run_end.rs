//! What follows a run's log, local or remote: failure pointers, the
//! summary and the report files with the exit code; then, per run, its
//! comparison and its notification.

use super::report_file::write_atomically;
use super::run_args::RunArgs;
use super::terminal::{exit_code, print_summary};
use crate::model::{Comparison, RunInfo, RunResult};
use crate::runs::compare_runs::Base;
use crate::runs::notification::{self, Notification};

/// After the log: failure pointers, the summary, the report files; the exit code.
pub fn report(args: &RunArgs, results: &[RunResult], jsonl: &str, terminal: bool) -> i32 {
    super::step_failure::print(results);
    print_summary(results, terminal);
    if let Some(path) = &args.jsonl {
        if let Err(e) = write_atomically(path, jsonl.as_bytes()) {
            eprintln!("livesmoke: cannot write {}: {e}", path.display());
            return 1;
        }
    }
    if let Some(path) = &args.junit {
        let written = super::junit_report::render(results)
            .and_then(|xml| write_atomically(path, xml.as_bytes()).map_err(|e| e.to_string()));
        if let Err(e) = written {
            eprintln!("livesmoke: cannot write {}: {e}", path.display());
            return 1;
        }
    }
    exit_code(results)
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
