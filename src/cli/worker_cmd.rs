use super::serve_cmd::{init_tracing, shutdown_signal};
use super::team_args::TeamArgs;
use crate::runs::team::worker;
use crate::runs::{Launcher, Pipeline, RunRegistry};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct WorkerArgs {
    /// The team database (`postgres://…`), the one `serve --db` uses.
    #[arg(long, env = "LIVESMOKE_DB")]
    pub db: String,
    /// Where a suite's own files (secret files) are, as the server's suites directory holds them.
    #[arg(long, env = "LIVESMOKE_SUITES", default_value = "suites")]
    pub suites: PathBuf,
    /// Where relative SQLite targets are.
    #[arg(long, env = "LIVESMOKE_DATA", default_value = "data")]
    pub data: PathBuf,
    #[command(flatten)]
    pub team: TeamArgs,
    #[command(flatten)]
    pub notify: super::notify_args::NotifyArgs,
}

pub async fn worker(args: WorkerArgs) -> i32 {
    init_tracing();
    let team = args.team.config(&args.db);
    let pipeline = match Pipeline::open_team(&team).await {
        Ok(p) => p,
        Err(e) => {
            eprintln!("livesmoke: {e}");
            return 1;
        }
    };
    let RunRegistry::Team(registry) = &*pipeline.registry else { unreachable!("open_team opens the team registry") };
    let hooks = match args.notify.hooks(None) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("livesmoke: {e}");
            return 1;
        }
    };
    let launcher = Launcher::new(&pipeline, &args.data).with_hooks(hooks);
    let cfg = args.team.worker(&team, &args.suites, &args.data);
    // The first Ctrl-C or SIGTERM stops taking runs and lets those under way
    // end; a second one stops at once (their runs end `interrupted` when
    // their lease runs out).
    let (stopping, stop) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        shutdown_signal().await;
        eprintln!("livesmoke: stopping once the runs under way end (again to stop now)");
        let _ = stopping.send(());
        shutdown_signal().await;
        eprintln!("livesmoke: stopped; runs under way end interrupted");
        std::process::exit(130);
    });
    worker::work(registry.clone(), launcher, cfg, async {
        let _ = stop.await;
    })
    .await;
    drop(pipeline.queue);
    let _ = tokio::task::spawn_blocking(move || pipeline.writer.join()).await;
    eprintln!("livesmoke: worker stopped");
    0
}
