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

use super::finished_run::FinishedRun;
use super::remote::{Remote, RemoteError, StartRun};
use super::run_args::RunArgs;
use super::run_end::{after_run, compare_base, report};
use super::terminal::{RunOutput, Screen};
use crate::model::{LogPage, RunInfo, RunResult};
use futures::StreamExt;
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
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
    let starts: Vec<Option<String>> = match args.rerun_failed {
        Some(_) => vec![None],
        // A local path counts by its file name: the server runs its own copy.
        None => args
            .suites
            .files
            .iter()
            .map(|file| match file.exists() {
                true => Some(file.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default()),
                false => Some(file.display().to_string()),
            })
            .collect(),
    };
    if starts.is_empty() {
        eprintln!("livesmoke: no suites given (livesmoke run --server URL SUITE…)");
        return 1;
    }
    let screen = Screen::new(terminal, args.jobs > 1 && starts.len() > 1);
    let ctx = Follower { remote: &remote, args: &args, screen: &screen, stop: AtomicBool::new(false) };
    // Up to `--jobs` runs followed at once, their results in the order given;
    // once one cannot start, the ones not started yet are not started.
    let followed: Vec<Result<(RunInfo, FinishedRun), i32>> =
        futures::stream::iter(starts.iter().map(|asked| ctx.start_and_follow(asked.as_deref())))
            .buffered(args.jobs.max(1) as usize)
            .collect()
            .await;
    let mut runs = Vec::new();
    let mut infos = Vec::new();
    for f in followed {
        match f {
            Ok((info, run)) => {
                infos.push(info);
                runs.push(run);
            }
            Err(code) => return code,
        }
    }
    let code = report(&args, &runs, terminal);
    for (info, FinishedRun { result, .. }) in infos.iter().zip(&runs) {
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

/// What every followed run of one `run --server` shares.
struct Follower<'a> {
    remote: &'a Remote,
    args: &'a RunArgs,
    screen: &'a Screen,
    /// A run could not start or was lost: start no more.
    stop: AtomicBool,
}

impl Follower<'_> {
    /// Starts one suite (`None`: the re-run of `--rerun-failed`) and follows
    /// it to its end; `Err` is the exit code when it could not start, was
    /// left going or was lost.
    async fn start_and_follow(&self, asked: Option<&str>) -> Result<(RunInfo, FinishedRun), i32> {
        let (remote, args) = (self.remote, self.args);
        if self.stop.load(Ordering::SeqCst) {
            return Err(1);
        }
        let started = match asked {
            Some(suite) => {
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
            None => remote.rerun(args.rerun_failed.unwrap_or_default()).await,
        };
        let suite = asked.map_or_else(|| format!("re-run of {}", args.rerun_failed.unwrap_or_default()), String::from);
        let info = started.map_err(|e| {
            self.stop.store(true, Ordering::SeqCst);
            eprintln!("livesmoke: {suite}: {e}");
            // A re-run the server refuses is no invalid suite: usage.
            if asked.is_some() {
                start_failure_code(&e)
            } else {
                1
            }
        })?;
        eprintln!("livesmoke: run #{} of {}: {}", info.id, info.suite, remote.page_url(info.id));
        let keep_lines = args.jsonl.is_some() || args.html.is_some();
        let mut lines = Vec::new();
        let followed = follow(remote, &info, self.screen.run(&info.suite, info.counts.total, false), |page| {
            if keep_lines {
                lines.extend_from_slice(page);
            }
        })
        .await;
        match followed {
            Followed::Ended(ended) => {
                let (done, result) = *ended;
                let file = info.file.clone().unwrap_or_else(|| info.suite.clone());
                Ok((done, FinishedRun { id: info.id, file, result, lines }))
            }
            Followed::Detached => {
                self.stop.store(true, Ordering::SeqCst);
                eprintln!("livesmoke: run #{} goes on without us: {}", info.id, remote.page_url(info.id));
                Err(130)
            }
            Followed::Lost => {
                self.stop.store(true, Ordering::SeqCst);
                Err(3)
            }
        }
    }
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
    mut out: RunOutput,
    mut keep: impl FnMut(&[crate::model::LogLine]),
) -> Followed {
    let mut cursor = 0u64;
    let mut cancelled = false;
    let mut case_ends = 0u64;
    // `Some(whether the log ended)`, or `None`: the run was left going.
    let ended = loop {
        let step = tokio::select! {
            ended = read_on(remote, info.id, &mut cursor, &mut out, &mut keep, &mut case_ends) => Some(ended),
            // Ctrl-C, or SIGTERM: how a CI system cancels a job.
            _ = super::serve_cmd::shutdown_signal() => None,
        };
        match step {
            Some(ended) => break Some(ended),
            None if cancelled || !ask_cancel(info.id, &out).await => break None,
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
    out.finish();
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
    out: &mut RunOutput,
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
                out.print(&lines);
                keep(&lines);
                *case_ends += lines.iter().filter(|l| l.end.is_some()).count() as u64;
                out.set_done(*case_ends);
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
async fn ask_cancel(run: u64, out: &RunOutput) -> bool {
    if !std::io::stdin().is_terminal() {
        return true;
    }
    // With `--jobs`, every followed run asks: one question at a time.
    static ASKING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let _turn = ASKING.lock().await;
    let prompt = || {
        eprint!("\nCancel run #{run} on the server? Its cleanup still runs. [y/N] ");
        let _ = std::io::stderr().flush();
    };
    out.suspend(prompt);
    let answer = tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).map(|_| line)
    })
    .await;
    matches!(answer, Ok(Ok(l)) if l.trim().eq_ignore_ascii_case("y") || l.trim().eq_ignore_ascii_case("yes"))
}
