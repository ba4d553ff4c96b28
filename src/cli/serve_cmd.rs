use super::ServeArgs;
use crate::runs::team::worker;
use crate::runs::RunRegistry;
use crate::server::config::{leptos_options, ServerConfig};
use crate::server::router::router;
use crate::server::state::AppState;

pub async fn serve(args: ServeArgs) -> i32 {
    init_tracing();
    let args_bench = args.bench;
    let mut options = leptos_options();
    if let Some(addr) = args.addr {
        options.site_addr = addr;
    }
    if !args.auth && !options.site_addr.ip().is_loopback() {
        eprintln!(
            "livesmoke: refusing to listen on {} without auth: anyone who can reach it could start runs against \
             your databases. Start with --auth (LIVESMOKE_AUTH=1) and make a token: livesmoke token create NAME \
             --scope admin",
            options.site_addr
        );
        return 1;
    }
    let hooks = match args.notify.hooks(Some(format!("http://{}", options.site_addr))) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("livesmoke: {e}");
            return 1;
        }
    };
    let team = args.db.as_deref().map(|url| args.team.config(url));
    let config = ServerConfig {
        hooks,
        data_dir: args.data,
        suites_dir: args.suites,
        team: team.clone(),
        auth: args.auth,
        public_badges: args.public_badges,
        ..Default::default()
    };
    let state = match AppState::new(&config, options.clone()).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("livesmoke: {e}");
            return 1;
        }
    };
    if let (Some(team), RunRegistry::Team(registry), false) = (&team, &*state.registry, args.no_worker) {
        let cfg = args.team.worker(team, &config.suites_dir, &config.data_dir);
        tokio::spawn(worker::work(registry.clone(), state.launcher.clone(), cfg, std::future::pending()));
    }
    let listener = match tokio::net::TcpListener::bind(options.site_addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("livesmoke: cannot listen on {}: {e}", options.site_addr);
            return 1;
        }
    };
    let stored = match &config.team {
        Some(team) => format!("team database: {}", crate::runs::team::pg_schema::redacted(&team.url)),
        None => format!("data: {}", config.data_dir.display()),
    };
    let auth = if config.auth { ", tokens required" } else { "" };
    tracing::info!(
        "listening on http://{} (suites: {}, {stored}{auth})",
        options.site_addr,
        config.suites_dir.display()
    );
    let shutdown = shutdown_signal();
    match axum::serve(listener, router(state, args_bench).into_make_service()).with_graceful_shutdown(shutdown).await {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("livesmoke: server error: {e}");
            1
        }
    }
}

pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "livesmoke=info,sqlx=error,warn".into());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .try_init();
}

/// Ctrl-C, or SIGTERM (how a container or service manager asks a process to stop).
pub async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("cannot listen for SIGTERM");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}
