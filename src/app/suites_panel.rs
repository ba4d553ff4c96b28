//! The suites of the server's suites directory, each with a Run button.
//! The browser names a file; it never sends SQL or suite text.

use super::browser;
use crate::model::{ApiError, RunInfo, SuiteInfo};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// `GET /api/suites`: the suite files the server can run.
#[server(prefix = "/api", endpoint = "suites", input = GetUrl)]
pub async fn list_suites() -> Result<Vec<SuiteInfo>, ApiError> {
    let state = crate::server::state::app_state()?;
    let dir = state.suites.clone();
    tokio::task::spawn_blocking(move || dir.list()).await.map_err(|e| ApiError::internal(e.to_string()))
}

/// `POST /api/run` with `suite=<file or name>` (and optional `env`, `lang`,
/// `labels` (`k=v` lines), `tags` (comma-separated), `fail_fast`, and in the
/// team setup `pool`): starts a run (team setup: queues it for a worker of
/// the pool) and returns it; the log follows at `/api/log?run=<id>`. The
/// name is the one the page shows (here and in the history).
#[server(prefix = "/api", endpoint = "run")]
#[allow(clippy::too_many_arguments)]
pub async fn start_run(
    suite: String,
    env: Option<String>,
    lang: Option<String>,
    pool: Option<String>,
    labels: Option<String>,
    tags: Option<String>,
    fail_fast: Option<bool>,
) -> Result<RunInfo, ApiError> {
    let state = crate::server::state::app_state()?;
    let lang = match lang.as_deref().filter(|l| !l.is_empty()) {
        Some(l) => l.parse().map_err(ApiError::bad_request)?,
        None => Default::default(),
    };
    let labels = labels
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim_matches([' ', '\t', '\r']).is_empty())
        .map(|l| crate::model::parse_label(l).map_err(|e| ApiError::bad_request(format!("bad query: {e}"))))
        .collect::<Result<_, _>>()?;
    let tags = tags.unwrap_or_default().split(',').map(str::trim).filter(|t| !t.is_empty()).map(String::from).collect();
    let opts = crate::engine::RunOptions {
        env: env.filter(|e| !e.is_empty()),
        lang,
        labels,
        tags,
        fail_fast: fail_fast.unwrap_or(false),
        ..Default::default()
    };
    let pool = pool.filter(|p| !p.is_empty());
    let info = state.launcher.start_file(&state.suites, &suite, opts, pool.as_deref()).await?;
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(axum::http::StatusCode::CREATED);
    }
    Ok(info)
}

/// Where the browser keeps the log language picked last.
const LANG_KEY: &str = "livesmoke.lang";

#[component]
pub fn SuitesPanel(hydrated: RwSignal<bool>) -> impl IntoView {
    let suites = RwSignal::new(None::<Result<Vec<SuiteInfo>, ApiError>>);
    // The server renders the default; the browser then restores the last
    // choice, so it survives going to a run, a reload and the next visit.
    let lang = RwSignal::new("zh".to_string());
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            browser::next_task().await;
            if let Some(l) = browser::remembered(LANG_KEY).filter(|l| l == "zh" || l == "en") {
                lang.set(l);
            }
        })
    });
    let problem = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            browser::next_task().await;
            suites.set(Some(list_suites().await))
        });
    });
    let navigate = leptos_router::hooks::use_navigate();
    let run = move |file: String, env: String| {
        let navigate = navigate.clone();
        let lang = lang.get_untracked();
        leptos::task::spawn_local(async move {
            match start_run(file, Some(env), Some(lang), None, None, None, None).await {
                Ok(info) => {
                    problem.set(None);
                    navigate(&format!("/runs/{}", info.id), Default::default());
                }
                Err(e) => problem.set(Some(e.message().to_string())),
            }
        });
    };
    view! {
        <section class="panel suites">
            <div class="panel-head">
                <h2>"Suites"</h2>
                <label class="lang">"log language "
                    <select id="lang" on:change=move |ev| {
                        let l = event_target_value(&ev);
                        browser::remember(LANG_KEY, &l);
                        lang.set(l);
                    } prop:value=move || lang.get()>
                        <option value="zh">"中文 (zh)"</option>
                        <option value="en">"English"</option>
                    </select>
                </label>
            </div>
            {move || problem.get().map(|p| view! { <p class="problem" role="alert">{p}</p> })}
            {move || match suites.get() {
                None => view! { <p class="empty">"Loading suites…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="problem">{e.message().to_string()}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p class="empty">"No suite files in the suites directory."</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <ul class="suite-list">
                        {list.into_iter().map(|s| view! { <SuiteRow suite=s hydrated run=run.clone()/> }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn SuiteRow(
    suite: SuiteInfo,
    hydrated: RwSignal<bool>,
    run: impl Fn(String, String) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let env = RwSignal::new(String::new());
    let file = suite.file.clone();
    let runnable = suite.problem.is_none();
    let envs = suite.envs.clone();
    view! {
        <li class="suite" data-file=suite.file.clone()>
            <div class="suite-title">
                <strong>{suite.name.clone()}</strong>
                <span class="file">{suite.file.clone()}</span>
            </div>
            {suite.description.clone().map(|d| view! { <p class="desc">{d}</p> })}
            {suite.problem.clone().map(|p| view! { <pre class="problem">{p}</pre> })}
            <div class="suite-actions">
                <span class="cases">{format!("{} cases", suite.cases)}</span>
                {(!envs.is_empty()).then(|| view! {
                    <select class="env" on:change=move |ev| env.set(event_target_value(&ev))>
                        <option value="">"default env"</option>
                        {envs.iter().map(|e| view! { <option value=e.clone()>{e.clone()}</option> }).collect_view()}
                    </select>
                })}
                <button class="run" disabled=move || !hydrated.get() || !runnable on:click=move |_| run(file.clone(), env.get_untracked())>"Run"</button>
            </div>
        </li>
    }
}
