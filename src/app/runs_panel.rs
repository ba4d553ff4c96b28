//! Run history with live status, newest first, refreshed every second:
//! when each run started, how long it took, its env; filtered by suite,
//! status, env, label and kind, 200 at a time with paging to older runs.
// `GET /api/runs` has one parameter per query field; the server macro's
// client stub (the wasm build) copies them one for one, where an `#[allow]`
// on the function does not reach.
#![allow(clippy::too_many_arguments)]

use super::browser;
use crate::model::{ApiError, RunInfo, RunKind, RunStatus};
use futures::StreamExt;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// The most runs one `GET /api/runs` returns (and its default).
pub const PAGE: u32 = 200;

/// `GET /api/runs[?suite=&status=&env=&label=k=v&kind=&before=&limit=&id=]`: runs,
/// newest first, `limit` (default and most 200) at a time; `before=<id>` the
/// page after the one ending at that id. Bench runs only with `kind=bench`
/// (or `kind=all`).
#[server(prefix = "/api", endpoint = "runs", input = GetUrl)]
pub async fn list_runs(
    suite: Option<String>,
    status: Option<String>,
    env: Option<String>,
    kind: Option<String>,
    before: Option<String>,
    limit: Option<String>,
    id: Option<String>,
    label: Option<String>,
) -> Result<Vec<RunInfo>, ApiError> {
    use crate::model::log_query::optional_number;
    use crate::model::RunKind;
    let state = crate::server::state::app_state()?;
    let before = optional_number("before", before.as_deref())?;
    let id = optional_number("id", id.as_deref())?;
    let limit = optional_number("limit", limit.as_deref())?;
    let given = |v: Option<String>| v.filter(|v| !v.is_empty());
    let status = match given(status) {
        Some(s) => Some(RunStatus::parse(&s).ok_or_else(|| {
            let all: Vec<&str> = RunStatus::ALL.iter().map(|s| s.as_str()).collect();
            ApiError::bad_request(format!("bad query: status: expected one of {}, got `{s}`", all.join(", ")))
        })?),
        None => None,
    };
    let kind = match given(kind).as_deref() {
        None => Some(RunKind::Suite),
        Some("all") => None,
        Some(k) => Some(RunKind::parse(k).ok_or_else(|| {
            ApiError::bad_request(format!("bad query: kind: expected suite, bench or all, got `{k}`"))
        })?),
    };
    // Ids are SQL integers: a larger number names no run, and a filter by it is a mistake.
    if let Some(n) = [before, id].into_iter().flatten().find(|&n| n > i64::MAX as u64) {
        return Err(ApiError::bad_request(format!("bad query: {n} is larger than any run id")));
    }
    // Asked for by id (a run's page), a run is listed whatever its kind.
    let kind = if id.is_some() { None } else { kind };
    let filter = crate::runs::run_registry::RunFilter {
        id,
        suite: given(suite),
        status,
        env: given(env),
        label: given(label)
            .map(|l| crate::model::parse_label(&l).map_err(|e| ApiError::bad_request(format!("bad query: {e}"))))
            .transpose()?,
        kind,
        before,
        limit: match limit {
            None => PAGE,
            Some(n) if (1..=PAGE.into()).contains(&n) => n as u32,
            Some(n) => return Err(ApiError::bad_request(format!("limit must be between 1 and {PAGE}, got {n}"))),
        },
    };
    state.registry.list(&filter).await.map_err(|e| ApiError::internal(e.to_string()))
}

/// What the history shows: the filters and the page (`before`).
#[derive(Debug, Clone, Default, PartialEq)]
struct Shown {
    suite: String,
    status: String,
    env: String,
    /// `key=value`, or anything else (then no label filter).
    label: String,
    /// `""` (suite runs, the default), `bench` or `all`.
    kind: String,
    before: Option<u64>,
}

#[component]
pub fn RunsPanel(selected: Memo<Option<u64>>, runs: RwSignal<Vec<RunInfo>>) -> impl IntoView {
    let shown = RwSignal::new(Shown::default());
    let list = RwSignal::new(Vec::<RunInfo>::new());
    let fetch = move || refresh(shown, list, selected, runs);
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            browser::next_task().await;
            fetch().await;
            let mut ticks = browser::ticks(1000);
            while ticks.next().await.is_some() {
                fetch().await;
            }
        });
    });
    // A new filter or page is fetched at once, not at the next tick.
    Effect::new(move |first: Option<()>| {
        shown.track();
        selected.track();
        if first.is_some() {
            leptos::task::spawn_local(fetch());
        }
    });
    let set = move |f: fn(&mut Shown, String)| {
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            shown.update(|s| {
                f(s, v);
                s.before = None;
            });
        }
    };
    view! {
        <section class="panel runs">
            <h2>"Runs"</h2>
            <div class="run-filters" role="search" aria-label="filter runs">
                <input id="runs-suite" type="search" placeholder="suite" aria-label="suite"
                    on:input=set(|s, v| s.suite = v)/>
                <select id="runs-status" aria-label="status" on:change=set(|s, v| s.status = v)>
                    <option value="">"any status"</option>
                    {RunStatus::ALL.map(|st| view! { <option value=st.as_str()>{st.as_str()}</option> })}
                </select>
                <input id="runs-env" type="search" placeholder="env" aria-label="env"
                    on:input=set(|s, v| s.env = v)/>
                <input id="runs-label" type="search" placeholder="label k=v" aria-label="label"
                    on:input=set(|s, v| s.label = v)/>
                <select id="runs-kind" aria-label="kind" on:change=set(|s, v| s.kind = v)>
                    <option value="">"suite runs"</option>
                    <option value="bench">"bench runs"</option>
                    <option value="all">"all runs"</option>
                </select>
            </div>
            <ul class="run-list">
                <For each=move || list.get() key=|r| (r.id, r.status, r.counts.done()) let:r>
                    <RunRow run=r selected/>
                </For>
            </ul>
            {move || list.with(Vec::is_empty).then(|| {
                let text = if shown.with(|s| *s == Shown::default()) { "No runs yet." } else { "No runs match." };
                view! { <p class="empty">{text}</p> }
            })}
            <nav class="run-pages" aria-label="run pages">
                {move || shown.with(|s| s.before.is_some()).then(|| view! {
                    <button id="runs-newest" on:click=move |_| shown.update(|s| s.before = None)>"← newest"</button>
                })}
                {move || (list.with(Vec::len) >= PAGE as usize).then(|| view! {
                    <button id="runs-older" on:click=move |_| {
                        let last = list.with_untracked(|l| l.last().map(|r| r.id));
                        shown.update(|s| s.before = last);
                    }>"older →"</button>
                })}
            </nav>
        </section>
    }
}

/// Fetches the shown page into `list`, and publishes it to `runs` with the
/// selected run added when the filters or the page leave it out (the log
/// view's summary reads it there).
async fn refresh(
    shown: RwSignal<Shown>,
    list: RwSignal<Vec<RunInfo>>,
    selected: Memo<Option<u64>>,
    runs: RwSignal<Vec<RunInfo>>,
) {
    let Some(asked) = shown.try_get_untracked() else { return };
    let some = |v: &str| (!v.is_empty()).then(|| v.to_string());
    let Ok(page) = list_runs(
        some(&asked.suite),
        some(&asked.status),
        some(&asked.env),
        some(&asked.kind),
        asked.before.map(|b| b.to_string()),
        None,
        None,
        // Half-typed (`deploy`, `deploy=`) is not a filter yet.
        asked.label.split_once('=').filter(|(k, v)| !k.is_empty() && !v.is_empty()).map(|_| asked.label.clone()),
    )
    .await
    else {
        return;
    };
    // A reply to filters changed meanwhile is dropped: the next one is due.
    if shown.try_get_untracked().as_ref() != Some(&asked) {
        return;
    }
    let mut all = page.clone();
    if let Some(id) = selected.try_get_untracked().flatten().filter(|id| !page.iter().any(|r| r.id == *id)) {
        if let Ok(one) = list_runs(None, None, None, None, None, None, Some(id.to_string()), None).await {
            all.extend(one);
        }
    }
    if list.try_get_untracked().as_ref() != Some(&page) {
        list.try_set(page);
    }
    if runs.try_get_untracked().as_ref() != Some(&all) {
        runs.try_set(all);
    }
}

/// `12.34 s`, `4 min 05 s`, `1 h 02 min`.
pub fn duration_text(ms: i64) -> String {
    let s = ms / 1000;
    match s {
        0..60 => format!("{:.2} s", ms as f64 / 1000.0),
        60..3600 => format!("{} min {:02} s", s / 60, s % 60),
        _ => format!("{} h {:02} min", s / 3600, s % 3600 / 60),
    }
}

/// Team setup: `pool staging · on ci-runner:4121`; nothing for an embedded run.
pub fn where_text(run: &RunInfo) -> Option<String> {
    let pool = run.pool.as_deref().map(|p| format!("pool {p}"));
    let worker = run.worker.as_deref().map(|w| format!("on {w}"));
    match (pool, worker) {
        (Some(p), Some(w)) => Some(format!("{p} · {w}")),
        (p, w) => p.or(w),
    }
}

#[component]
fn RunRow(run: RunInfo, selected: Memo<Option<u64>>) -> impl IntoView {
    use chrono::TimeZone;
    let id = run.id;
    let c = run.counts;
    let status = run.status;
    let started = chrono::Local.timestamp_millis_opt(run.started_at).single();
    let counts = match (run.kind, status) {
        (RunKind::Bench, _) => "bench: lines, no cases".to_string(),
        (_, RunStatus::Queued) => format!("{} cases, waiting for a worker", c.total),
        (_, RunStatus::Running) => format!("{}/{} cases", c.done(), c.total),
        _ if c.flaky > 0 => {
            format!("{} passed · {} failed · {} error · {} flaky", c.passed, c.failed, c.error, c.flaky)
        }
        _ => format!("{} passed · {} failed · {} error", c.passed, c.failed, c.error),
    };
    view! {
        <li class="run" class:selected=move || selected.get() == Some(id) data-run=id data-status=status.as_str() data-kind=run.kind.as_str()>
            <a href=format!("/runs/{id}")>
                <span class="run-id">"#"{id}</span>
                <span class="run-suite" title=run.file.clone()>{run.suite.clone()}</span>
                {run.env.clone().map(|e| view! { <span class="run-env">{e}</span> })}
                {run.labels.iter().map(|(k, v)| view! { <span class="label">{format!("{k}={v}")}</span> }).collect_view()}
                {where_text(&run).map(|w| view! { <span class="run-where">{w}</span> })}
                <span class=format!("status status-{}", status.as_str())>{status.as_str()}</span>
                <span class="run-counts">{counts}</span>
                {started.map(|t| view! {
                    <time class="run-started" datetime=t.to_rfc3339()>{t.format("%Y-%m-%d %H:%M:%S").to_string()}</time>
                })}
                <span class="run-duration">{run.duration_ms().map(duration_text).unwrap_or_default()}</span>
            </a>
        </li>
    }
}
