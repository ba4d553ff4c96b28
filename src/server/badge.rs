//! `GET /badge/<suite>.svg[?env=E]`: the suite's latest outcome as a badge
//! in the usual shields look, for a README or a dashboard. Short-lived in
//! caches (a minute) so a deploy's verdict shows soon; `private` when it
//! needs a token, so no shared cache hands it to someone without one.

use super::extract::ApiQuery;
use super::state::AppState;
use crate::app::log_view::render::escaped;
use crate::model::{RunKind, RunStatus};
use crate::runs::run_registry::RunFilter;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct BadgeQuery {
    env: Option<String>,
}

pub async fn badge(
    State(state): State<AppState>,
    Path(file): Path<String>,
    ApiQuery(q): ApiQuery<BadgeQuery>,
) -> Response {
    let Some(suite) = file.strip_suffix(".svg") else {
        return crate::model::ApiError::not_found("a badge is /badge/<suite>.svg").into_response();
    };
    let env = q.env.filter(|e| !e.is_empty());
    // The newest run that ended: a run under way has no verdict yet.
    let filter = RunFilter {
        suite: Some(suite.to_string()),
        env: env.clone(),
        kind: Some(RunKind::Suite),
        ..RunFilter::newest(200)
    };
    let latest = match state.registry.list(&filter).await {
        Ok(runs) => runs.into_iter().find(|r| r.status.is_finished() && (env.is_some() || r.env.is_none())),
        Err(e) => return crate::model::ApiError::internal(e.to_string()).into_response(),
    };
    let label = match &env {
        Some(e) => format!("{suite} · {e}"),
        None => suite.to_string(),
    };
    let status = latest.map(|r| r.status);
    let svg = render(&label, status.map_or("no runs", RunStatus::as_str), colour(status));
    let cache = if state.auth.as_ref().is_some_and(|a| !a.public_badges) { "private" } else { "public" };
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "image/svg+xml; charset=utf-8".to_string()),
            (header::CACHE_CONTROL, format!("{cache}, max-age=60")),
        ],
        svg,
    )
        .into_response()
}

fn colour(status: Option<RunStatus>) -> &'static str {
    match status {
        Some(RunStatus::Passed) => "#4c1",
        Some(RunStatus::Failed) => "#e05d44",
        Some(RunStatus::Error) => "#b60205",
        Some(RunStatus::Interrupted) | Some(RunStatus::Cancelled) => "#dfb317",
        Some(RunStatus::Queued) | Some(RunStatus::Running) => "#007ec6",
        None => "#9f9f9f",
    }
}

/// Width of `text` in Verdana 11 px, near enough (the shields estimate:
/// about 6.5 px a character, wider for capitals and CJK).
fn text_width(text: &str) -> u32 {
    text.chars()
        .map(|c| match c {
            c if !c.is_ascii() => 11.0,
            'A'..='Z' | 'm' | 'w' => 8.0,
            'i' | 'l' | '.' | ':' | '|' | '\'' | ' ' => 3.5,
            _ => 6.5,
        })
        .sum::<f64>()
        .ceil() as u32
}

/// The badge: `label | message`, grey then the outcome's colour.
pub fn render(label: &str, message: &str, colour: &str) -> String {
    let (lw, mw) = (text_width(label) + 10, text_width(message) + 10);
    let w = lw + mw;
    let (label, message) = (escaped(label), escaped(message));
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="20" role="img" aria-label="{label}: {message}"><title>{label}: {message}</title><linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient><clipPath id="r"><rect width="{w}" height="20" rx="3" fill="#fff"/></clipPath><g clip-path="url(#r)"><rect width="{lw}" height="20" fill="#555"/><rect x="{lw}" width="{mw}" height="20" fill="{colour}"/><rect width="{w}" height="20" fill="url(#s)"/></g><g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11"><text x="{lx}" y="15" fill="#010101" fill-opacity=".3">{label}</text><text x="{lx}" y="14">{label}</text><text x="{mx}" y="15" fill="#010101" fill-opacity=".3">{message}</text><text x="{mx}" y="14">{message}</text></g></svg>"##,
        lx = lw as f64 / 2.0,
        mx = lw as f64 + mw as f64 / 2.0,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_outcome_draws_a_whole_badge_and_escapes_its_label() {
        let mut statuses: Vec<Option<RunStatus>> = RunStatus::ALL.iter().copied().map(Some).collect();
        statuses.push(None);
        for status in statuses {
            let word = status.map_or("no runs", RunStatus::as_str);
            let svg = render("orders <&> \"eu\"", word, colour(status));
            assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\"") && svg.ends_with("</svg>"));
            assert_eq!(svg.matches("<text").count(), 4);
            assert_eq!(svg.matches("<text").count(), svg.matches("</text>").count());
            assert!(svg.contains(&format!(">{word}</text>")) && svg.contains(colour(status)));
            assert!(svg.contains("orders &lt;&amp;&gt; &quot;eu&quot;") && !svg.contains("<&>"));
        }
    }
}
