use super::state::AppState;
use super::{badge, downloads, log_endpoint, openapi, request_limits, result_endpoint, tokens_endpoint};
use crate::app::{shell, App};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list_with_exclusions, handle_server_fns_with_context, LeptosRoutes};

/// Pages (server-rendered, then hydrated), server functions under `/api`,
/// the log poll and raw log downloads, and the static files of `target/site`.
/// `/api/log` is also the `read_log` server function's URL; its plain route
/// answers it (see `log_endpoint`).
/// `bench` adds the benchmark-only endpoints. With auth on, every request
/// passes `auth::guard` first (the login page is its own); before that, every
/// request passes `request_limits`.
pub fn router(state: AppState, bench: bool) -> Router {
    let options = state.leptos.clone();
    // `/api/log` is answered by its plain route, not by server_fn's handler.
    let routes = generate_route_list_with_exclusions(App, Some(vec!["/api/log".into()]));
    let ctx = state.clone();
    let mut router = Router::new();
    if bench {
        router = router
            .route("/api/bench/produce", axum::routing::post(super::bench_endpoints::produce))
            .route("/api/bench/ping", get(super::bench_endpoints::ping));
    }
    let auth = state.auth.clone();
    let router = router
        .route("/api/log", get(log_endpoint::poll))
        .route("/api/openapi.json", get(openapi::document))
        .route("/api/result", get(result_endpoint::result))
        .route("/api/tokens", get(tokens_endpoint::list).post(tokens_endpoint::create))
        .route("/api/tokens/revoke", post(tokens_endpoint::revoke))
        .route("/badge/{file}", get(badge::badge))
        .route("/api/log.txt", get(downloads::log_txt))
        .route("/api/log.jsonl", get(downloads::log_jsonl))
        .route("/api/{*fn_name}", get(server_fn_handler).post(server_fn_handler))
        .leptos_routes_with_context(&state, routes, move || provide_context(ctx.clone()), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .with_state(state);
    let router = match auth {
        None => router,
        Some(auth) => {
            use crate::auth::guard;
            let login = Router::new()
                .route("/login", get(guard::login_form).post(guard::login))
                .route("/logout", post(guard::logout))
                .with_state(auth.clone());
            router.merge(login).layer(axum::middleware::from_fn_with_state(auth, guard::guard))
        }
    };
    // Outermost: nothing, not even the token check, reads an oversized request.
    router.layer(axum::middleware::from_fn(request_limits::enforce))
}

async fn server_fn_handler(State(state): State<AppState>, req: Request<Body>) -> impl IntoResponse {
    handle_server_fns_with_context(move || provide_context(state.clone()), req).await
}
