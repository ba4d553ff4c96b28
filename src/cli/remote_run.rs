//! `livesmoke run --server URL SUITE…`: the pipeline's side of a run on the
//! team's server. Each suite is started there (queued for a worker in the
//! team setup), its page printed, and its log followed from a cursor and
//! printed as a local run prints it; a dropped connection is retried from
//! the same cursor, so no line is missed or printed twice. The reports and
//! the exit code come from what the server kept when the run ended, the
//! same value a local run makes them from.
//!
//! SUITE names a suite of the server's suites directory (a local path by
//! its file name): the server runs its own copy, with the secrets its
//! workers hold. The pipeline never sends SQL, so a `run` token cannot run
//! arbitrary statements with those secrets. `--var` is refused for the same
//! reason (a variable may override a secret).

use super::remote::{Remote, RemoteError, StartRun};
use super::run_args::RunArgs;
use super::run_end::{after_run, compare_base, report};
use super::terminal::{jsonl_line, print_lines, progress_bar};
use crate::model::{LogPage, RunInfo, RunResult};
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// How long the server may be unreachable before a followed run is given up.
const GIVE_UP_AFTER: Duration = Duration::from_secs(300);

/// `secret`: `--notify`'s, checked by the caller (`cli::run`).
pub async fn run(args: RunArgs, secret: Option<String>) -> i32 {
    let server = args.server.clone().unwrap_or_default();
    let remote = match Remote::new(&server, args.token.clone()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("livesmoke: {e}");
            return 1;
        }
    };
    if !args.suites.vars.is_empty() {
        eprintln!(
            "livesmoke: --var is not sent to a server (a variable may override a secret): \
             set it in the suite's [env.<name>.vars] on the server"
        );
        return 1;
    }
    let terminal = std::io::stdout().is_terminal();
    let mut jsonl = String::new();
    let mut results = Vec::new();
    let mut finished = Vec::new();
    // A local path counts by its file name: the server runs its own copy.
    let suites: Vec<String> = args
        .suites
        .files
        .iter()
        .map(|file| match file.exists() {
            true => file.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default(),
            false => file.display().to_string(),
        })
        .collect();
    let starts: Vec<Option<&str>> = match args.rerun_failed {
        Some(_) => vec![None],
        None if suites.is_empty() => {
            eprintln!("livesmoke: no suites given (livesmoke run --server URL SUITE…)");
            return 1;
        }
        None => suites.iter().map(|s| Some(s.as_str())).collect(),
    };
    for asked in starts {
        let started = match (asked, args.rerun_failed) {
            (Some(suite), _) => {
                let start = StartRun {
                    suite,
                    env: args.suites.env.as_deref(),
                    lang: &args.lang,
                    pool: args.pool.as_deref(),
                    labels: &args.labels,
                    tags: &args.tags,
                    fail_fast: args.fail_fast,
                };
                remote.start(&start).await
            }
            (None, of) => remote.rerun(of.unwrap_or_default()).await,
        };
        let suite = asked.map_or_else(|| format!("re-run of {}", args.rerun_failed.unwrap_or_default()), String::from);
        let info = match started {
            Ok(i) => i,
            Err(e) => {
                eprintln!("livesmoke: {suite}: {e}");
                // A re-run the server refuses is no invalid suite: usage.
                return if asked.is_some() { start_failure_code(&e) } else { 1 };
            }
        };
        eprintln!("livesmoke: run #{} of {}: {}", info.id, info.suite, remote.page_url(info.id));
        let followed = follow(&remote, &info, terminal, |lines| {
            if args.jsonl.is_some() {
                for l in lines {
                    jsonl.push_str(&jsonl_line(info.id, info.file.as_deref().unwrap_or(&info.suite), l));
                }
            }
        })
        .await;
        match followed {
            Followed::Ended(ended) => {
                let (done, result) = *ended;
                results.push(result);
                finished.push(done);
            }
            Followed::Detached => {
                eprintln!("livesmoke: run #{} goes on without us: {}", info.id, remote.page_url(info.id));
                return 130;
            }
            Followed::Lost => return 3,
        }
    }
    let code = report(&args, &results, &jsonl, terminal);
    for (info, result) in finished.iter().zip(&results) {
        let cmp = match compare_base(&args) {
            Some(base) => {
                let base = match base {
                    crate::runs::compare_runs::Base::Previous => "previous".to_string(),
                    crate::runs::compare_runs::Base::Run(id) => id.to_string(),
                };
                Some(remote.compare(&base, info.id, args.thresholds.thresholds()).await.map_err(|e| e.to_string()))
            }
            None => None,
        };
        let url = Some(remote.page_url(info.id));
        after_run(&args, secret.as_deref(), (info, result), url, cmp, terminal).await;
    }
    code
}

/// A suite the server would not start: as a local run would exit.
fn start_failure_code(e: &RemoteError) -> i32 {
    match e {
        // Invalid suite file (file:line:col): nothing ran, like a local load error.
        RemoteError::Api(api) if api.status() == 422 => 2,
        _ => 1,
    }
}

enum Followed {
    /// The run ended; what it reported.
    Ended(Box<(RunInfo, RunResult)>),
    /// Ctrl-C, and the run was left going.
    Detached,
    /// The run or the server was lost (exit 3).
    Lost,
}

/// Prints the run's log until it ends, then fetches what it reported.
/// Ctrl-C (or SIGTERM) asks whether to cancel the run (on a terminal; in
/// CI, where no one can answer, it cancels): a cancelled run's cleanup still runs and
/// is followed to its end; a second Ctrl-C stops following.
async fn follow(
    remote: &Remote,
    info: &RunInfo,
    terminal: bool,
    mut keep: impl FnMut(&[crate::model::LogLine]),
) -> Followed {
    let bar = terminal.then(|| progress_bar(&info.suite, info.counts.total));
    let mut cursor = 0u64;
    let mut cancelled = false;
    let mut case_ends = 0u64;
    // `Some(whether the log ended)`, or `None`: the run was left going.
    let ended = loop {
        let step = tokio::select! {
            ended = read_on(remote, info.id, &mut cursor, bar.as_ref(), &mut keep, &mut case_ends) => Some(ended),
            // Ctrl-C, or SIGTERM: how a CI system cancels a job.
            _ = super::serve_cmd::shutdown_signal() => None,
        };
        match step {
            Some(ended) => break Some(ended),
            None if cancelled || !ask_cancel(info.id, bar.as_ref()).await => break None,
            None => {
                cancelled = true;
                match remote.cancel(info.id).await {
                    Ok(_) => eprintln!(
                        "livesmoke: cancelling run #{}: its cleanup runs; following it to the end (Ctrl-C again stops following)",
                        info.id
                    ),
                    Err(e) => eprintln!("livesmoke: cancelling run #{}: {e}", info.id),
                }
            }
        }
    };
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    match ended {
        None => return Followed::Detached,
        Some(false) => return Followed::Lost,
        Some(true) => {}
    }
    // The log ends before the run's outcome is recorded: wait for it.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        match remote.outcome(info.id).await {
            Ok(o) if o.run.status.is_finished() => {
                return match o.result {
                    Some(r) => Followed::Ended(Box::new((o.run, r))),
                    None => {
                        eprintln!("livesmoke: run #{} ended {} without a result", info.id, o.run.status.as_str());
                        Followed::Lost
                    }
                };
            }
            Ok(_) => {}
            Err(e) if !e.passing() => {
                eprintln!("livesmoke: run #{}: {e}", info.id);
                return Followed::Lost;
            }
            Err(_) => {}
        }
        if Instant::now() > deadline {
            eprintln!("livesmoke: run #{}: its log ended but its outcome was not recorded", info.id);
            return Followed::Lost;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Reads and prints pages from `cursor` until the log is done. A failed
/// read is retried from the same cursor (with backoff, for up to
/// [`GIVE_UP_AFTER`]); the cursor moves only past printed lines. `false`
/// when the server stayed away or refused.
async fn read_on(
    remote: &Remote,
    run: u64,
    cursor: &mut u64,
    bar: Option<&indicatif::ProgressBar>,
    keep: &mut impl FnMut(&[crate::model::LogLine]),
    case_ends: &mut u64,
) -> bool {
    let mut away_since: Option<Instant> = None;
    let mut pause = Duration::from_millis(250);
    loop {
        match remote.log(run, *cursor).await {
            Ok(LogPage { lines, next, done, .. }) => {
                if away_since.take().is_some() {
                    eprintln!("livesmoke: reconnected; going on after line {cursor}");
                    pause = Duration::from_millis(250);
                }
                print_lines(&lines, bar);
                keep(&lines);
                *case_ends += lines.iter().filter(|l| l.end.is_some()).count() as u64;
                if let Some(b) = bar {
                    b.set_position(*case_ends);
                }
                *cursor = next;
                if done {
                    return true;
                }
                if lines.is_empty() {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
            Err(e) if e.passing() => {
                let since = *away_since.get_or_insert_with(|| {
                    eprintln!("livesmoke: {e}; retrying from line {cursor}");
                    Instant::now()
                });
                if since.elapsed() > GIVE_UP_AFTER {
                    eprintln!(
                        "livesmoke: gave up on run #{run} after {} s without the server",
                        GIVE_UP_AFTER.as_secs()
                    );
                    return false;
                }
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_secs(5));
            }
            Err(e) => {
                eprintln!("livesmoke: reading run #{run}'s log: {e}");
                return false;
            }
        }
    }
}

/// On a terminal, asks; elsewhere (CI cancelling its job) the answer is yes.
async fn ask_cancel(run: u64, bar: Option<&indicatif::ProgressBar>) -> bool {
    if !std::io::stdin().is_terminal() {
        return true;
    }
    let prompt = || {
        eprint!("\nCancel run #{run} on the server? Its cleanup still runs. [y/N] ");
        let _ = std::io::stderr().flush();
    };
    match bar {
        Some(b) => b.suspend(prompt),
        None => prompt(),
    }
    let answer = tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).map(|_| line)
    })
    .await;
    matches!(answer, Ok(Ok(l)) if l.trim().eq_ignore_ascii_case("y") || l.trim().eq_ignore_ascii_case("yes"))
}
