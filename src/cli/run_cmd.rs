use super::report_file::write_atomically;
use super::terminal::{exit_code, jsonl_line, print_lines, print_summary, progress_bar};
use crate::engine::{self, runner::Plan, Lang, RunOptions};
use crate::logging::log_store::DEFAULT_RING_CAP;
use crate::model::{CaseCounts, RunInfo, RunResult, Thresholds};
use crate::runs::compare_runs::{compare_runs, Base};
use crate::runs::notification::{self, Notification};
use crate::runs::{Launcher, Pipeline};
use crate::suite::{loader, LoadedSuite, SuiteErrors};
use std::io::IsTerminal;
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
    /// Store with the run, show in the history, and pass to the suite as
    /// `{{label.KEY}}` (`deploy=v1.42`, `commit=abc123`); repeatable.
    #[arg(long = "label", value_name = "KEY=VALUE", value_parser = crate::model::parse_label)]
    pub labels: Vec<(String, String)>,
    /// Run on this livesmoke server instead of here: SUITE names a suite of
    /// its suites directory (a local path counts by its file name).
    #[arg(long, env = "LIVESMOKE_SERVER", value_name = "URL")]
    pub server: Option<String>,
    /// The server's token (`livesmoke token create`, scope run).
    #[arg(long, env = "LIVESMOKE_TOKEN", hide_env_values = true, requires = "server")]
    pub token: Option<String>,
    /// With --server: the pool of workers to run it (team setup).
    #[arg(long, requires = "server")]
    pub pool: Option<String>,
    /// After the run, print how it compares with a run (`previous`: the
    /// suite's previous run in the same env, or a run id).
    #[arg(long, value_name = "previous|RUN")]
    pub compare_with: Option<Base>,
    #[command(flatten)]
    pub thresholds: ThresholdArgs,
    /// POST a signed JSON summary here when each run ends (the secret is
    /// `LIVESMOKE_NOTIFY_SECRET`); repeatable. A failing hook never fails the run.
    #[arg(long = "notify", value_name = "URL")]
    pub notify: Vec<String>,
}

/// When a step counts as slower in a comparison.
#[derive(clap::Args, Debug, Clone, Copy)]
pub struct ThresholdArgs {
    /// A step is slower when it took this many percent more…
    #[arg(long, default_value_t = Thresholds::default().pct, value_name = "PERCENT")]
    pub slower_pct: u32,
    /// …and this many milliseconds more.
    #[arg(long, default_value_t = Thresholds::default().ms, value_name = "MS")]
    pub slower_ms: u64,
}

impl ThresholdArgs {
    pub fn thresholds(&self) -> Thresholds {
        Thresholds { pct: self.slower_pct, ms: self.slower_ms }
    }
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
    let secret = match notify_secret(&args.notify) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("livesmoke: {e}");
            return 1;
        }
    };
    if args.server.is_some() {
        return super::remote_run::run(args, secret).await;
    }
    let sel = &args.suites;
    let opts = RunOptions {
        env: sel.env.clone(),
        lang: args.lang.parse().unwrap_or(Lang::Zh),
        fail_fast: args.fail_fast,
        tags: args.tags.clone(),
        vars: sel.vars.clone(),
        labels: args.labels.iter().cloned().collect(),
        cancel: Default::default(),
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
    let mut results = Vec::new();
    let mut runs = Vec::new();
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
            Ok(report) => results.push(report.result()),
            Err(e) => {
                eprintln!("livesmoke: the run failed: {e}");
                return 3;
            }
        }
        runs.push(run);
    }
    let code = report(&args, &results, &jsonl, terminal);
    for (run, result) in runs.iter().zip(&results) {
        let Ok(Some(info)) = pipeline.registry.get(*run).await else { continue };
        let cmp = match compare_base(&args) {
            Some(base) => match compare_runs(&pipeline.registry, base, *run, args.thresholds.thresholds()).await {
                Ok(c) => Some(c),
                Err(e) => {
                    if args.compare_with.is_some() {
                        eprintln!("livesmoke: compare: {e}");
                    }
                    None
                }
            },
            None => None,
        };
        if let (Some(c), Some(_)) = (&cmp, args.compare_with) {
            super::compare_text::print(c, terminal);
        }
        notify(&args.notify, secret.as_deref(), &info, Some(result), None, cmp.as_ref()).await;
    }
    code
}

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
fn notify_secret(hooks: &[String]) -> Result<Option<String>, String> {
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

/// Sends the run's notification to every hook; a failure is a warning.
pub async fn notify(
    hooks: &[String],
    secret: Option<&str>,
    info: &RunInfo,
    result: Option<&RunResult>,
    url: Option<String>,
    cmp: Option<&crate::model::Comparison>,
) {
    let Some(secret) = secret.filter(|_| !hooks.is_empty()) else { return };
    let note = Notification::new(info, result, url, cmp);
    for failed in notification::send(hooks, secret, &note).await {
        eprintln!("livesmoke: warning: notifying {failed}; the run's outcome stands");
    }
}
