use super::ServeArgs;
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
    let config = ServerConfig { data_dir: args.data, suites_dir: args.suites, ..Default::default() };
    let state = match AppState::new(&config, options.clone()).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("livesmoke: {e}");
            return 1;
        }
    };
    let listener = match tokio::net::TcpListener::bind(options.site_addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("livesmoke: cannot listen on {}: {e}", options.site_addr);
            return 1;
        }
    };
    tracing::info!(
        "listening on http://{} (suites: {}, data: {})",
        options.site_addr,
        config.suites_dir.display(),
        config.data_dir.display()
    );
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
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
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}
