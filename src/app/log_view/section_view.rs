//! One case section in the `<pre>`: a header that folds it, and its chunks of
//! rendered lines (a placeholder chunk holds its lines' height until drawn).

use super::state::lines::Section;
use crate::model::Lang;
use leptos::prelude::*;

/// `pre.log`'s line height (style/main.css): a placeholder chunk of n lines is
/// n times as tall as this, as its lines are when none wraps.
const LINE_EM: f64 = 1.45;

/// A case's lines under a header that folds them (the run's own lines have no header).
#[component]
pub fn SectionView(section: Section) -> impl IntoView {
    let Section { id, case, end, chunks, open, keep_open } = section;
    let head = case.clone().map(|name| {
        let label = move || match end.get() {
            // The outcome in the run's own words (通过 in a zh run), as its lines say it.
            Some(e) => format!("{} {name} — {} · {} ms{}", if open.get() { "▾" } else { "▸" }, e.outcome.word(e.lang.unwrap_or(Lang::En)), e.ms, if e.cleanup_ok { "" } else { " · cleanup failed" }),
            None => format!("{} {name} — running", if open.get() { "▾" } else { "▸" }),
        };
        let toggle = move || {
            keep_open.set_value(true);
            open.update(|o| *o = !*o)
        };
        view! {
            <span class="case-head" role="button" tabindex="0" aria-expanded=move || open.get().to_string() data-label=label.clone() aria-label=label
                on:click=move |_| toggle()
                on:keydown=move |ev| if ev.key() == "Enter" || ev.key() == " " { ev.prevent_default(); toggle() }>
            </span>
        }
    });
    view! {
        <span class="case" data-section=id data-case=case.clone() data-outcome=move || end.get().map(|e| e.outcome.as_str())>
            {head}
            <span class="case-body" class:collapsed=move || !open.get()>
                <For each=move || chunks.get() key=|c| (c.id, c.relative) let:c>
                    // A placeholder holds its lines' height until drawn (`placeholders::draw_chunk`).
                    <span class=if c.html.is_some() { "chunk" } else { "chunk deferred" } id=format!("C{}", c.id)
                        style=c.html.is_none().then(|| format!("height:{:.2}em", c.rows.len() as f64 * LINE_EM))
                        inner_html=c.html.as_deref().unwrap_or_default().to_string()></span>
                </For>
            </span>
        </span>
    }
}
