//! Run history with live status, newest first, refreshed every second.

use super::browser;
use crate::model::{ApiError, RunInfo, RunStatus};
use futures::StreamExt;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// `GET /api/runs`: the newest runs first (at most 200).
#[server(prefix = "/api", endpoint = "runs", input = GetUrl)]
pub async fn list_runs() -> Result<Vec<RunInfo>, ApiError> {
    let state = crate::server::state::app_state()?;
    state.registry.list(200).await.map_err(|e| ApiError::internal(e.to_string()))
}

#[component]
pub fn RunsPanel(selected: Memo<Option<u64>>, runs: RwSignal<Vec<RunInfo>>) -> impl IntoView {
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            browser::next_task().await;
            refresh(runs).await;
            let mut ticks = browser::ticks(1000);
            while ticks.next().await.is_some() {
                refresh(runs).await;
            }
        });
    });
    view! {
        <section class="panel runs">
            <h2>"Runs"</h2>
            <ul class="run-list">
                <For each=move || runs.get() key=|r| (r.id, r.status, r.counts.done()) let:r>
                    <RunRow run=r selected/>
                </For>
            </ul>
            {move || runs.get().is_empty().then(|| view! { <p class="empty">"No runs yet."</p> })}
        </section>
    }
}

async fn refresh(runs: RwSignal<Vec<RunInfo>>) {
    if let Ok(list) = list_runs().await {
        if runs.try_get_untracked().as_ref() != Some(&list) {
            runs.try_set(list);
        }
    }
}

#[component]
fn RunRow(run: RunInfo, selected: Memo<Option<u64>>) -> impl IntoView {
    let id = run.id;
    let c = run.counts;
    let status = run.status;
    view! {
        <li class="run" class:selected=move || selected.get() == Some(id) data-run=id data-status=status.as_str()>
            <a href=format!("/runs/{id}")>
                <span class="run-id">"#"{id}</span>
                <span class="run-suite">{run.suite.clone()}</span>
                {run.env.clone().map(|e| view! { <span class="run-env">{e}</span> })}
                <span class=format!("status status-{}", status.as_str())>{status.as_str()}</span>
                <span class="run-counts">
                    {if status == RunStatus::Running { format!("{}/{} cases", c.done(), c.total) } else { format!("{} passed · {} failed · {} error", c.passed, c.failed, c.error) }}
                </span>
            </a>
        </li>
    }
}
