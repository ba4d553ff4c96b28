//! Bringing one line into view: a permalink, an error jump and a search hit
//! all end here.

use super::placeholders::draw_line;
use super::state::LogState;
use crate::app::browser;
use leptos::prelude::*;

type Pre = NodeRef<leptos::html::Pre>;

/// Opens the line's case, scrolls it into the upper third, marks it with `class`.
/// A line that left the page brings the whole log back first; one the page
/// has not read yet is shown (as `target`) once it arrives.
pub fn show_line(state: LogState, pre: Pre, seq: u64, class: &'static str) {
    if seq <= state.budget.trimmed.get_untracked() {
        state.show_everything(Some(seq));
        return;
    }
    if seq > state.progress.shown.get_untracked() {
        // Not on the page yet (a long run still loading): shown as it comes.
        state.target.pending.set_value(Some(seq));
        return;
    }
    state.follow.on.set(false);
    if let Some(section) = state.lines.section_of(seq) {
        section.keep_open.set_value(true);
        section.open.set(true);
    }
    request_animation_frame(move || {
        draw_line(state, seq);
        let Some(place) = browser::mark_line(pre, seq, class) else { return };
        place();
        // Cases above it may still fold as the page settles: place it
        // again then, unless the reader has moved since.
        let asked = browser::now_ms();
        browser::after_ms(300, move || {
            if state.follow.intent_at.get_value() < asked {
                place();
            }
        });
    });
}

/// The next index in a cyclic list (of error lines, of search hits),
/// starting at the first (or last) one.
pub fn step(at: Option<usize>, len: usize, forward: bool) -> usize {
    match (at, forward) {
        (None, true) => 0,
        (None, false) => len - 1,
        (Some(i), true) => (i + 1) % len,
        (Some(i), false) => (i + len - 1) % len,
    }
}
