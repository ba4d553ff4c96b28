//! The selected run at a glance: suite, env, labels, status, a progress bar
//! while it runs (and a cancel button), and for a finished run the outcome
//! counts, a chart of case durations and the way to compare it with the run
//! before.

use super::state::LogState;
use crate::app::browser;
use crate::model::{ApiError, RunInfo, RunKind, RunStatus};
use leptos::prelude::*;

/// `POST /api/rerun` with `run=<id>`: runs the cases of that run that
/// failed or errored again, with its env, language and labels → `201` with
/// the new run, which names the old one (`rerun_of`).
#[server(prefix = "/api", endpoint = "rerun")]
pub async fn rerun_failed(run: u64) -> Result<RunInfo, ApiError> {
    let state = crate::server::state::app_state()?;
    let info = state.launcher.rerun_failed(&state.suites, run).await?;
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(axum::http::StatusCode::CREATED);
    }
    Ok(info)
}

/// `POST /api/cancel` with `run=<id>`: a queued run ends `cancelled` at
/// once; a running one stops after the step under way, runs its case's undo
/// and teardown and ends `cancelled` (on a worker: within a third of its
/// lease). Answers the run as it stands.
#[server(prefix = "/api", endpoint = "cancel")]
pub async fn cancel_run(run: u64) -> Result<RunInfo, ApiError> {
    let state = crate::server::state::app_state()?;
    state.known_run(run).await?;
    state.launcher.cancel(run).await?;
    state.known_run(run).await
}

/// One case's row in the duration chart, in pixels (its label is 12 px).
const ROW: usize = 18;

/// `runs` is the run list the runs panel keeps fresh (status, counts).
#[component]
pub fn RunSummary(runs: RwSignal<Vec<RunInfo>>) -> impl IntoView {
    let state = expect_context::<LogState>();
    // A memo: the run list changes every second while anything runs; the
    // header is redrawn only when this run changes (its "copied" stays).
    let info = Memo::new(move |_| {
        let id = state.run.get()?;
        runs.with(|r| r.iter().find(|r| r.id == id).cloned())
    });
    view! {
        <div class="run-summary" id="run-summary">
            {move || info.get().map(|r| {
                let c = r.counts;
                let secs = r.finished_at.map(|f| (f - r.started_at) as f64 / 1000.0);
                view! {
                    <span class="suite-name">{r.suite.clone()}</span>
                    {r.env.clone().map(|e| view! { <span class="run-env">{format!("env {e}")}</span> })}
                    {(!r.labels.is_empty()).then(|| view! {
                        <span class="run-labels" id="run-labels">
                            {r.labels.iter().map(|(k, v)| view! { <span class="label">{format!("{k}={v}")}</span> }).collect_view()}
                        </span>
                    })}
                    <span class=format!("status status-{}", r.status.as_str()) id="run-status">{r.status.as_str()}</span>
                    {crate::app::runs_panel::where_text(&r).map(|w| view! { <span class="run-where" id="run-where">{w}</span> })}
                    {r.rerun_of.map(|of| view! { <a class="rerun-of" id="rerun-of" href=format!("/runs/{of}")>{format!("re-run of #{of}")}</a> })}
                    {if r.status == RunStatus::Queued {
                        view! { <span class="progress-text">{format!("{} cases, waiting for a worker", c.total)}</span> }.into_any()
                    } else if r.status == RunStatus::Running {
                        view! {
                            <progress id="run-progress" max=c.total.max(1) value=c.done() aria-label="cases done"></progress>
                            <span class="progress-text">{format!("{} / {} cases", c.done(), c.total)}</span>
                        }.into_any()
                    } else {
                        view! {
                            <span id="outcome-counts" class="outcome-counts">
                                {format!("{} passed · {} failed · {} error · {} skipped", c.passed, c.failed, c.error, c.skipped)}
                                {(c.cleanup_failed > 0).then(|| format!(" · {} cleanup failed", c.cleanup_failed))}
                                {(c.flaky > 0).then(|| view! { <span class="flaky" title="passed only after a retry">{format!(" · {} flaky", c.flaky)}</span> })}
                            </span>
                            {secs.map(|s| view! { <span class="duration">{format!("{s:.2} s")}</span> })}
                        }.into_any()
                    }}
                    <RunActions run=r.clone()/>
                }
            })}
            <DurationChart/>
        </div>
    }
}

/// "run again" (the same suite, env, labels and log language; the page
/// sends no vars, so none are kept), "cancel" while it is queued or runs,
/// "compare with previous" once it ended, and "copy link" (the run's page,
/// no line).
#[component]
fn RunActions(run: RunInfo) -> impl IntoView {
    let navigate = leptos_router::hooks::use_navigate();
    let problem = RwSignal::new(None::<String>);
    let copied = RwSignal::new(false);
    let again = (run.kind == RunKind::Suite).then(|| {
        let (suite, env, lang, pool) =
            (run.rerun_suite().to_string(), run.env.clone(), run.lang.clone(), run.pool.clone());
        let labels: String = run.labels.iter().map(|(k, v)| format!("{k}={v}\n")).collect();
        let again = move |_| {
            let (navigate, suite, env, lang, pool, labels) =
                (navigate.clone(), suite.clone(), env.clone(), lang.clone(), pool.clone(), labels.clone());
            leptos::task::spawn_local(async move {
                let labels = Some(labels);
                match crate::app::suites_panel::start_run(suite, env, lang, pool, labels, None, None).await {
                    Ok(info) => navigate(&format!("/runs/{}", info.id), Default::default()),
                    Err(e) => problem.set(Some(e.message().to_string())),
                }
            });
        };
        view! { <button id="run-again" class="run-again" on:click=again>"run again"</button> }
    });
    let id = run.id;
    let cancelling = RwSignal::new(false);
    let cancel = (!run.status.is_finished()).then(|| {
        let cancel = move |_| {
            cancelling.set(true);
            leptos::task::spawn_local(async move {
                if let Err(e) = cancel_run(id).await {
                    cancelling.try_set(false);
                    problem.try_set(Some(e.message().to_string()));
                }
            });
        };
        view! {
            <button id="cancel-run" class="cancel-run" disabled=move || cancelling.get() on:click=cancel
                title="stop after the step under way; its cleanup still runs">
                {move || if cancelling.get() { "cancelling…" } else { "cancel" }}
            </button>
        }
    });
    let failed = run.status.is_finished() && run.counts.failed + run.counts.error > 0 && run.kind == RunKind::Suite;
    let navigate_rerun = leptos_router::hooks::use_navigate();
    let rerun = failed.then(|| {
        let rerun = move |_| {
            let navigate = navigate_rerun.clone();
            leptos::task::spawn_local(async move {
                match rerun_failed(id).await {
                    Ok(info) => navigate(&format!("/runs/{}", info.id), Default::default()),
                    Err(e) => problem.set(Some(e.message().to_string())),
                }
            });
        };
        view! {
            <button id="rerun-failed" class="rerun-failed" on:click=rerun
                title="run the cases that failed or errored again, with the same env, labels and language">"re-run failed"</button>
        }
    });
    let compare = (run.status.is_finished() && run.kind == RunKind::Suite).then(|| {
        view! {
            <a id="compare-previous" class="compare-previous" href=format!("/compare?base=previous&head={id}")>
                "compare with previous"
            </a>
        }
    });
    let copy = move |_| {
        browser::copy_to_clipboard(browser::page_address(), move |ok| {
            copied.try_set(ok);
            browser::after_ms(1500, move || {
                copied.try_set(false);
            });
        });
    };
    view! {
        <span class="run-actions">
            {again}
            {rerun}
            {cancel}
            {compare}
            <button id="copy-run-link" class="copy-run-link" title="copy the address of this run" on:click=copy>
                {move || if copied.get() { "copied" } else { "copy link" }}
            </button>
            {move || problem.get().map(|p| view! { <span class="problem" role="alert">{p}</span> })}
        </span>
    }
}

/// One bar per finished case, its length the case's duration, folded into a
/// line of the summary: opened, it lies over the log (its height grows with
/// the cases, and the toolbar and the log stay where they are). Drawn at its
/// own size, never scaled down to a width, so its labels stay readable.
#[component]
fn DurationChart() -> impl IntoView {
    let state = expect_context::<LogState>();
    let cases = Memo::new(move |_| state.lines.case_durations());
    // The `<details>` outlives new cases (a reader's open chart stays open
    // while the run goes on); only its summary and bars are drawn again.
    let chart = move || {
        let cases = cases.get();
        let max = cases.iter().map(|(_, e)| e.ms).max().unwrap_or(1).max(1) as f64;
        let height = cases.len() * ROW;
        view! {
            <svg id="duration-chart" class="duration-chart" role="img" aria-label="case durations" width="480" height=height>
                {cases.into_iter().enumerate().map(|(i, (name, end))| {
                    let w = (end.ms as f64 / max * 300.0).max(1.0);
                    let y = i * ROW;
                    view! {
                        <g>
                            <title>{format!("{name}: {} ms, {}", end.ms, end.outcome)}</title>
                            <rect x="0" y=y + 3 width=w height="12" class=format!("bar bar-{}", end.outcome)></rect>
                            <text x=w + 4.0 y=y + 14 class="bar-label">{format!("{} ms {name}", end.ms)}</text>
                        </g>
                    }
                }).collect_view()}
            </svg>
        }
    };
    view! {
        <Show when=move || cases.with(|c| !c.is_empty())>
            <details id="durations" class="durations">
                <summary>{move || format!("case durations ({})", cases.with(Vec::len))}</summary>
                <div class="duration-pop">{chart}</div>
            </details>
        </Show>
    }
}
