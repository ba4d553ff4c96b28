//! The command line. `serve` runs the web app; `run` and `check` use the same
//! suite loader, engine and log pipeline, for CI; `worker` takes the team
//! setup's queued runs.
//!
//! Exit codes: 0 all passed; 1 usage; 2 invalid suite files; 3 any error;
//! 4 assertion failures only; 5 all passed but some cleanup failed.

/// `check`: validate suites and print the plan.
pub mod check_cmd;
/// `compare`: two runs side by side; exit 4 when something got worse.
pub mod compare_cmd;
/// A comparison as the terminal shows it.
pub mod compare_text;
/// One ended run: what every report file is written from.
pub mod finished_run;
/// The self-contained HTML report of `run --html`.
pub mod html_report;
/// The JUnit XML report of `run --junit`.
pub mod junit_report;
/// `serve --notify`, `worker --notify`: hooks told when each run ends.
pub mod notify_args;
/// The HTTP API as the CLI calls it (`--server`).
pub mod remote;
/// `run --server`: start runs on a server, follow their logs, exit with their outcome.
pub mod remote_run;
/// Writing report files whole or not at all.
pub mod report_file;
/// What `run`, `check` and `compare` take on the command line.
pub mod run_args;
/// `run`: execute suites, print the log, write reports, exit with the outcome.
pub mod run_cmd;
/// After a run's log: reports, exit code, comparison, notification.
pub mod run_end;
/// `serve`: the web app.
pub mod serve_cmd;
/// A failed step pointed at in its suite file, after `run`'s log.
pub mod step_failure;
/// Where `compare` and `token` find the history (`--data` or `--db`).
pub mod store_args;
/// The team database and lease options `serve --db` and `worker` share.
pub mod team_args;
/// How a run looks on the terminal, local or remote.
pub mod terminal;
/// `token`: create, list and revoke the server's tokens.
pub mod token_cmd;
/// `worker`: take queued runs from the team database and run them here.
pub mod worker_cmd;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "livesmoke",
    version,
    about = "Smoke suites with a live log: seed the DB, call the API, check, clean up"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the web app (the default).
    Serve(ServeArgs),
    /// Run suite files and exit with their outcome.
    Run(run_args::RunArgs),
    /// Validate suite files and print what they would do.
    Check(check_cmd::CheckArgs),
    /// Take queued runs from the team database (`serve --db`) and run them here.
    Worker(worker_cmd::WorkerArgs),
    /// Compare two runs of a suite; exit 4 when something got worse.
    Compare(compare_cmd::CompareArgs),
    /// Manage the server's tokens (for `serve --auth`).
    #[command(subcommand)]
    Token(token_cmd::TokenCmd),
}

#[derive(clap::Args, Debug, Default)]
pub struct ServeArgs {
    /// Data directory: run history, logs, SQLite targets.
    #[arg(long, env = "LIVESMOKE_DATA", default_value = "data")]
    pub data: PathBuf,
    /// Suites directory the page lists.
    #[arg(long, env = "LIVESMOKE_SUITES", default_value = "suites")]
    pub suites: PathBuf,
    /// Listen address (default: Leptos.toml's site-addr, or LEPTOS_SITE_ADDR).
    #[arg(long)]
    pub addr: Option<std::net::SocketAddr>,
    /// Also serve the benchmark-only endpoints (`POST /api/bench/produce?n=N[&rate=R][&msg=TEXT]`).
    #[arg(long, env = "LIVESMOKE_BENCH", action = clap::ArgAction::SetTrue, value_parser = clap::builder::BoolishValueParser::new())]
    pub bench: bool,
    /// Team setup: keep runs and logs in this PostgreSQL (`postgres://…`),
    /// shared by every instance and worker, instead of the data directory.
    #[arg(long, env = "LIVESMOKE_DB")]
    pub db: Option<String>,
    #[command(flatten)]
    pub team: team_args::TeamArgs,
    /// With --db: do not run queued runs in this process (workers elsewhere do).
    #[arg(long, requires = "db")]
    pub no_worker: bool,
    /// Every request needs a token (`livesmoke token create`); a page signs
    /// in once. Required to listen beyond loopback.
    #[arg(long, env = "LIVESMOKE_AUTH", action = clap::ArgAction::SetTrue, value_parser = clap::builder::BoolishValueParser::new())]
    pub auth: bool,
    #[command(flatten)]
    pub notify: notify_args::NotifyArgs,
    /// With --auth: badges (`/badge/<suite>.svg`) need no token.
    #[arg(long, env = "LIVESMOKE_PUBLIC_BADGES", action = clap::ArgAction::SetTrue, value_parser = clap::builder::BoolishValueParser::new())]
    pub public_badges: bool,
}

pub async fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 1 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    match cli.command {
        None => serve_cmd::serve(ServeArgs::parse_defaults()).await,
        Some(Command::Serve(args)) => serve_cmd::serve(args).await,
        Some(Command::Run(args)) => run(args).await,
        Some(Command::Check(args)) => check_cmd::check(args).await,
        Some(Command::Worker(args)) => worker_cmd::worker(args).await,
        Some(Command::Compare(args)) => compare_cmd::compare(args).await,
        Some(Command::Token(cmd)) => token_cmd::token(cmd).await,
    }
}

/// `livesmoke run`'s one entry: what a run here and on a server check
/// first, then the one or the other.
async fn run(args: run_args::RunArgs) -> i32 {
    serve_cmd::init_tracing();
    let secret = match run_end::notify_secret(&args.notify) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("livesmoke: {e}");
            return 1;
        }
    };
    match args.server.is_some() {
        true => remote_run::run(args, secret).await,
        false => run_cmd::run(args, secret).await,
    }
}

impl ServeArgs {
    /// `serve`'s defaults (with its environment variables) when no subcommand is given.
    fn parse_defaults() -> ServeArgs {
        #[derive(Parser)]
        struct Only {
            #[command(flatten)]
            serve: ServeArgs,
        }
        Only::parse_from(["livesmoke"]).serve
    }
}
