//! Before and after, side by side: `/compare?base=<id|previous>&head=<id>`.
//! The differences come first (worse, new, removed, better, changed), the
//! cases that stayed the same folded under them; each row says what changed
//! — the outcome, the steps that got slower, the captured values.

use crate::model::{ApiError, CaseDiff, Change, Comparison, RunInfo};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_router::hooks::use_query_map;

/// `GET /api/compare?base=<id|previous>&head=<id>[&pct=50&ms=100]`: head
/// compared with base (`previous`: the newest earlier finished run of its
/// suite and env). A step is slower when it took both `pct` percent and
/// `ms` milliseconds more.
#[server(prefix = "/api", endpoint = "compare", input = GetUrl)]
pub async fn compare_runs(
    base: String,
    head: u64,
    pct: Option<String>,
    ms: Option<String>,
) -> Result<Comparison, ApiError> {
    use crate::model::log_query::optional_number;
    use crate::runs::compare_runs::{compare_runs, Base};
    let state = crate::server::state::app_state()?;
    let pct = match optional_number("pct", pct.as_deref())? {
        // At most i32::MAX, as the OpenAPI document says (an int32).
        Some(p) if p <= i32::MAX as u64 => Some(p as u32),
        Some(p) => return Err(ApiError::bad_request(format!("bad query: pct: {p} is too large"))),
        None => None,
    };
    let ms = optional_number("ms", ms.as_deref())?;
    let base: Base = base.parse().map_err(|e| ApiError::bad_request(format!("bad query: base: {e}")))?;
    let d = crate::model::Thresholds::default();
    let t = crate::model::Thresholds { pct: pct.unwrap_or(d.pct), ms: ms.unwrap_or(d.ms) };
    Ok(compare_runs(&state.registry, base, head, t).await?)
}

#[component]
pub fn ComparePage() -> impl IntoView {
    let query = use_query_map();
    let asked = move || {
        let q = query.read();
        (q.get("base").unwrap_or_else(|| "previous".into()), q.get("head").and_then(|h| h.parse::<u64>().ok()))
    };
    let found = Resource::new(asked, |(base, head)| async move {
        match head {
            Some(head) => compare_runs(base, head, None, None).await,
            None => Err(ApiError::bad_request("missing argument: head (the run to compare)")),
        }
    });
    view! {
        <main class="compare-page" id="compare">
            <a class="back" href=move || asked().1.map(|h| format!("/runs/{h}")).unwrap_or_else(|| "/".into())>"← back to the run"</a>
            <Suspense fallback=|| view! { <p class="empty">"Comparing…"</p> }>
                {move || found.get().map(|r| match r {
                    Ok(c) => view! { <ComparisonView c/> }.into_any(),
                    Err(e) => view! { <p class="problem" role="alert" id="compare-problem">{e.message().to_string()}</p> }.into_any(),
                })}
            </Suspense>
        </main>
    }
}

fn run_title(r: &RunInfo) -> String {
    let labels: Vec<String> = r.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let labels = if labels.is_empty() { String::new() } else { format!(" · {}", labels.join(" ")) };
    format!("#{} {}{labels}", r.id, r.status.as_str())
}

#[component]
fn ComparisonView(c: Comparison) -> impl IntoView {
    let (differ, same): (Vec<CaseDiff>, Vec<CaseDiff>) =
        c.cases.iter().cloned().partition(|d| d.change != Change::Same);
    let tally: Vec<String> = c.tally().iter().map(|(ch, n)| format!("{n} {}", ch.as_str())).collect();
    let env = c.head.env.clone().map(|e| format!(" · env {e}")).unwrap_or_default();
    view! {
        <header class="compare-head">
            <h1>{format!("{}{env}", c.head.suite)}</h1>
            <p class="compare-runs">
                <a href=format!("/runs/{}", c.base.id) id="compare-base">{format!("before {}", run_title(&c.base))}</a>
                " → "
                <a href=format!("/runs/{}", c.head.id) id="compare-head">{format!("after {}", run_title(&c.head))}</a>
            </p>
            <p class=if c.worse { "verdict verdict-worse" } else { "verdict verdict-ok" } id="compare-verdict">
                {if c.worse { "something got worse" } else { "nothing got worse" }}
            </p>
            <p class="compare-tally" id="compare-tally">{tally.join(" · ")}</p>
            <p class="compare-thresholds">{format!("slower: more than {} % and {} ms over before", c.thresholds.pct, c.thresholds.ms)}</p>
        </header>
        <table class="compare-table" id="compare-table">
            <thead><tr><th>"change"</th><th>"case"</th><th>"before"</th><th>"after"</th><th>"what changed"</th></tr></thead>
            <tbody>
                {differ.into_iter().map(|d| view! { <DiffRow d/> }).collect_view()}
            </tbody>
        </table>
        {(!same.is_empty()).then(|| view! {
            <details class="compare-same" id="compare-same">
                <summary>{format!("{} cases the same", same.len())}</summary>
                <table class="compare-table">
                    <tbody>{same.into_iter().map(|d| view! { <DiffRow d/> }).collect_view()}</tbody>
                </table>
            </details>
        })}
    }
}

#[component]
fn DiffRow(d: CaseDiff) -> impl IntoView {
    let side = |s: &Option<crate::model::comparison::CaseSide>| {
        s.as_ref().map(|s| format!("{} · {} ms", s.outcome.as_str(), s.ms)).unwrap_or_else(|| "—".into())
    };
    let mut what: Vec<String> =
        d.slower.iter().map(|s| format!("{}: {} ms → {} ms", s.step, s.base_ms, s.head_ms)).collect();
    what.extend(d.captures.iter().map(|c| {
        let v = |x: &Option<String>| x.clone().unwrap_or_else(|| "—".into());
        format!("{}: {} → {}", c.name, v(&c.base), v(&c.head))
    }));
    view! {
        <tr class=format!("diff diff-{}", d.change.as_str()) data-case=d.name.clone()>
            <td class="change">{d.change.as_str()}</td>
            <td class="case">{d.name.clone()}</td>
            <td>{side(&d.base)}</td>
            <td>{side(&d.head)}</td>
            <td class="what">{what.into_iter().map(|w| view! { <div>{w}</div> }).collect_view()}</td>
        </tr>
    }
}
