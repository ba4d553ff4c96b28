//! `#L<seq>`: a line's address. The one the page was opened with is shown as
//! soon as it has arrived; a click in a line's number gutter makes one.

use super::follow::scroll_to_bottom;
use super::search::mark_if_current;
use super::show_line::show_line;
use super::state::LogState;
use crate::app::browser;
use leptos::ev::MouseEvent;
use leptos::prelude::*;

type Pre = NodeRef<leptos::html::Pre>;

/// The line the page's address names (`#L123` → 123), if any.
pub fn from_address() -> Option<u64> {
    browser::location_hash()?.strip_prefix("#L")?.parse().ok()
}

/// The address of line `seq` (what "copy link" copies).
pub fn link(seq: u64) -> String {
    format!("{}#L{seq}", browser::page_address())
}

/// After new lines: keep following, or show a permalinked line once it has arrived.
pub fn after_append(state: LogState, pre: Pre) {
    if let Some(seq) = state.target.pending.get_value() {
        if seq <= state.progress.shown.get_untracked() {
            state.target.pending.set_value(None);
            show_line(state, pre, seq, "target");
            mark_if_current(state, pre, seq);
            return;
        }
    }
    if state.follow.on.get_untracked() {
        scroll_to_bottom(state, pre);
    }
}

/// A click in a line's number gutter makes it the permalinked line (`#L<seq>`).
pub fn on_log_click(ev: MouseEvent, state: LogState) {
    if let Some(seq) = browser::pick_gutter_line(&ev) {
        state.follow.on.set(false);
        state.target.selected.set(seq.parse().ok());
    }
}
