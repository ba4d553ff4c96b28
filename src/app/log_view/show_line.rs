//! Bringing one line into view: a permalink, an error jump and a search hit
//! all end here. The line stays where it was placed while anything loads
//! around it (older lines drawn above, placeholders drawn, cases folding,
//! the rest of a long run arriving), until the reader scrolls.

use super::placeholders::draw_line;
use super::state::progress::Feed;
use super::state::LogState;
use crate::app::browser;
use leptos::prelude::*;

type Pre = NodeRef<leptos::html::Pre>;

/// How long a line is still held after the page last moved it, once the run
/// is done (a fold or a drawn chunk may still land a frame or two late).
const SETTLE_MS: f64 = 1_000.0;

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
    let asked = browser::now_ms();
    state.target.held.set_value(Some((seq, asked)));
    request_animation_frame(move || {
        draw_line(state, seq);
        let Some(place) = browser::mark_line(pre, seq, class) else { return };
        place();
        if let Some(at) = browser::line_offset(pre, seq) {
            hold(state, pre, (seq, asked), at, asked);
        }
    });
}

/// Keeps line `held.0` at `at` pixels below the pane's top, checking once a
/// frame: the log pane does no scroll anchoring of its own (follow and the
/// drawing of older lines place the view themselves), and what moves the line
/// (a chunk drawn above taking its real height, a case folding, lines drawn
/// above it) has no one event to hook. It lets go when the reader scrolls
/// (wheel, key, touch, pointer), follow resumes, another line is shown, or
/// the run is done and nothing moved for `SETTLE_MS`. One layout read a
/// frame, and only while a line is held.
fn hold(state: LogState, pre: Pre, held: (u64, f64), at: f64, moved_at: f64) {
    request_animation_frame(move || {
        let still = state.target.held.try_get_value() == Some(Some(held))
            && state.follow.intent_at.get_value() < held.1
            && !state.follow.on.get_untracked();
        if !still {
            return;
        }
        let now = browser::now_ms();
        let Some(offset) = browser::line_offset(pre, held.0) else { return };
        let moved_at = if (offset - at).abs() >= 1.0 {
            browser::scroll_pane_by(pre, offset - at);
            now
        } else {
            moved_at
        };
        if state.progress.feed.get_untracked() != Feed::Done || now - moved_at < SETTLE_MS {
            hold(state, pre, held, at, moved_at);
        }
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
