use super::finished_run::FinishedRun;
use super::run_args::RunArgs;
use super::run_end::{after_run, compare_base, report};
use super::terminal::Screen;
use crate::engine::{self, runner::Plan, Lang, RunOptions};
use crate::logging::log_store::DEFAULT_RING_CAP;
use crate::model::CaseCounts;
use crate::runs::compare_runs::compare_runs;
use crate::runs::launcher::rerun_plan;
use crate::runs::sqlite_registry::SqliteRegistry;
use crate::runs::RunRegistry;
use crate::runs::{Launcher, Pipeline};
use crate::suite::{loader, LoadedSuite, SuiteErrors};
use futures::StreamExt;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What `--rerun-failed` re-runs from this data directory's history: the
/// run's suite file (as it was given, else by its name in `suites/`), and
/// into `opts` its env (unless `--env`), language, labels (with `--label`
/// added) and failed cases.
async fn rerun_here(data: &Path, of: u64, opts: &mut RunOptions) -> Result<PathBuf, String> {
    let registry = SqliteRegistry::open(&data.join("livesmoke.db"))
        .await
        .map_err(|e| format!("cannot open the run history in {}: {e}", data.display()))?;
    let registry = RunRegistry::Embedded(registry);
    let (info, plan) = rerun_plan(&registry, of).await.map_err(|e| e.to_string())?;
    let file = info.file.clone().ok_or_else(|| format!("run {of} names no suite file"))?;
    let suites = std::env::var("LIVESMOKE_SUITES").unwrap_or_else(|_| "suites".into());
    let path = [PathBuf::from(&file), Path::new(&suites).join(&file)]
        .into_iter()
        .find(|p| p.is_file())
        .ok_or_else(|| format!("its suite file `{file}` is not here (nor in {suites}/)"))?;
    let labels = std::mem::take(&mut opts.labels);
    *opts = RunOptions {
        env: opts.env.take().or(plan.env),
        labels: plan.labels.into_iter().chain(labels).collect(),
        vars: std::mem::take(&mut opts.vars),
        fail_fast: opts.fail_fast,
        tags: std::mem::take(&mut opts.tags),
        ..plan
    };
    Ok(path)
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

/// `secret`: `--notify`'s, checked by the caller (`cli::run`).
pub async fn run(args: RunArgs, secret: Option<String>) -> i32 {
    let sel = &args.suites;
    let mut opts = RunOptions {
        env: sel.env.clone(),
        lang: args.lang.parse().unwrap_or(Lang::Zh),
        fail_fast: args.fail_fast,
        tags: args.tags.clone(),
        vars: sel.vars.clone(),
        labels: args.labels.iter().cloned().collect(),
        ..Default::default()
    };
    let mut files = sel.files.clone();
    if let Some(of) = args.rerun_failed {
        match rerun_here(&sel.data, of, &mut opts).await {
            Ok(file) => files = vec![file],
            Err(e) => {
                eprintln!("livesmoke: --rerun-failed {of}: {e}");
                return 1;
            }
        }
    } else if let Err(e) = sel.require_files() {
        eprintln!("livesmoke: {e}");
        return 1;
    }
    let suites = match load_all(&files, &opts, &sel.data).await {
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
    let jobs = args.jobs as usize;
    let screen = Screen::new(terminal, jobs > 1 && suites.len() > 1);
    let keep_lines = args.jsonl.is_some() || args.html.is_some();
    let ended: Vec<Result<FinishedRun, i32>> = futures::stream::iter(suites)
        .map(|(suite, plan)| run_one(&launcher, &pipeline, &screen, (suite, plan), &opts, keep_lines))
        .buffered(jobs)
        .collect()
        .await;
    let mut runs = Vec::new();
    for run in ended {
        match run {
            Ok(r) => runs.push(r),
            Err(code) => return code,
        }
    }
    let code = report(&args, &runs, terminal);
    for run in &runs {
        let Ok(Some(info)) = pipeline.registry.get(run.id).await else { continue };
        let cmp = match compare_base(&args) {
            Some(base) => Some(
                compare_runs(&pipeline.registry, base, run.id, args.thresholds.thresholds())
                    .await
                    .map_err(|e| e.to_string()),
            ),
            None => None,
        };
        after_run(&args, secret.as_deref(), (&info, &run.result), None, cmp, terminal).await;
    }
    code
}

/// Starts one suite and prints its log as it is written (the same cursor
/// reads the page makes) until it ends; `Err` is the exit code of a run
/// that could not start or whose producer failed.
async fn run_one(
    launcher: &Launcher,
    pipeline: &Pipeline,
    screen: &Screen,
    (suite, plan): (LoadedSuite, Plan),
    opts: &RunOptions,
    keep_lines: bool,
) -> Result<FinishedRun, i32> {
    let file = suite.file.display().to_string();
    let cases = engine::runner::in_run(&suite, opts).count() as u32;
    let mut out = screen.run(&suite.name(), cases, suite.suite.parallel > 1);
    let done = out.progress();
    let on_progress = move |c: CaseCounts| done(c.done() as u64);
    let started = launcher.start_suite(&file, suite, plan, opts.clone(), on_progress).await.map_err(|e| {
        eprintln!("livesmoke: {e}");
        1
    })?;
    let run = started.info.id;
    let mut lines = Vec::new();
    let mut cursor = 0;
    loop {
        match pipeline.logs.read(run, cursor, 5_000, false).await {
            Ok(page) => {
                out.print(&page.lines);
                cursor = page.next;
                let empty = page.lines.is_empty();
                if keep_lines {
                    lines.extend(page.lines);
                }
                if page.done {
                    break;
                }
                if empty {
                    pipeline.logs.wait_past(run, cursor, Duration::from_millis(50)).await;
                }
            }
            Err(e) => {
                eprintln!("livesmoke: reading the log: {e}");
                break;
            }
        }
    }
    out.finish();
    match started.report.await {
        Ok(report) => Ok(FinishedRun { id: run, file, result: report.result(), lines }),
        Err(e) => {
            eprintln!("livesmoke: the run failed: {e}");
            Err(3)
        }
    }
}
