//! Drawing the placeholder chunks a fast stream leaves (see
//! `state::budget::DRAW_ALL_UPTO`): those near the view as the reader
//! scrolls, one line's chunk when it is to be shown, and all of them, one per
//! task, once the stream is quiet. Drawing never moves what the reader sees.

use super::follow::scroll_to_bottom;
use super::state::LogState;
use crate::app::browser;
use leptos::prelude::*;

type Pre = NodeRef<leptos::html::Pre>;

/// Draws placeholder chunk `id` if it still is one.
pub fn draw_chunk(state: LogState, id: u64) {
    browser::fill_placeholder(id, || state.draw_placeholder(id));
}

/// Draws the chunk of line `seq`: a line about to be shown or marked.
pub fn draw_line(state: LogState, seq: u64) {
    if let Some(id) = state.lines.chunk_of(seq) {
        draw_chunk(state, id);
    }
}

/// Draws placeholder chunks without moving what the reader sees: a drawn
/// chunk's height need not be its placeholder's (wrapped lines; off screen,
/// `contain-intrinsic-size` stands in for it), so a following view is pinned
/// to the bottom again, and any other view keeps the line at its top in place.
fn draw_keeping_view(state: LogState, pre: Pre, ids: impl IntoIterator<Item = u64>) {
    let restore = browser::hold_view(pre);
    for id in ids {
        draw_chunk(state, id);
    }
    if state.follow.on.get_untracked() {
        scroll_to_bottom(state, pre);
    } else {
        restore();
    }
}

/// Draws the placeholders within a screen of the view: the reader scrolled
/// to them, or the page was laid out anew.
pub fn draw_near(state: LogState, pre: Pre) {
    // On every scroll: the page's own state answers before the DOM is asked.
    if !state.lines.has_placeholders() {
        return;
    }
    let Some(near) = browser::placeholders_near(pre) else { return };
    draw_keeping_view(state, pre, near);
}

/// Draws every placeholder, newest first, one chunk per browser task, so
/// that the page holds every line again (find in page, select all) once the
/// stream is quiet. It stops when the view moves to another run, when a fast
/// append leaves new placeholders, or when a newer call takes over.
pub async fn draw_deferred(state: LogState, pre: Pre, still_mine: impl Fn() -> bool) {
    let Some(mine) = state.budget.deferring.try_update_value(|n| {
        *n += 1;
        *n
    }) else {
        return;
    };
    // From the next task on: the chunks just appended are in the page
    // once their render effects have run.
    loop {
        browser::next_task().await;
        if !still_mine() || state.budget.deferring.try_get_value() != Some(mine) {
            return;
        }
        let Some(id) = browser::newest_placeholder() else { return };
        draw_keeping_view(state, pre, [id]);
    }
}
