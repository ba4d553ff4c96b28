//! Follow mode: the view stays pinned to the newest line until the reader
//! scrolls up themselves. Only a move *up* that the reader made counts:
//! layout settling, lines leaving the top of the page or our own
//! scroll-to-bottom never turn follow off (the flaw users report in Jenkins
//! and GitLab, where tailing fights the reader, and the one a fast log would
//! hit here without the intent check).

use super::state::LogState;
use crate::app::browser;
use leptos::prelude::*;

type Pre = NodeRef<leptos::html::Pre>;

/// How long after a wheel turn, touch, key or pointer press on the log a
/// scroll counts as the reader's.
const INTENT_MS: f64 = 1_000.0;

/// The reader touched the log (wheel, touch, key, pointer on the scrollbar):
/// the scrolls that follow are theirs.
pub fn user_intent(state: LogState) {
    state.follow.intent_at.set_value(browser::now_ms());
}

/// Scrolling up pauses follow; scrolling back to the bottom resumes it.
/// Returns whether the log pane is in the page and the scroll was the
/// reader's own.
pub fn after_scroll(state: LogState, pre: Pre) -> bool {
    let Some(el) = pre.get_untracked() else { return false };
    let follow = state.follow;
    let (top, height) = (el.scroll_top(), el.scroll_height());
    let (last, last_height) = follow.last_scroll.get_value();
    follow.last_scroll.set_value((top, height));
    let shrunk = height < last_height;
    let at_bottom = height - top - el.client_height() < 24;
    let theirs = browser::now_ms() - follow.intent_at.get_value() < INTENT_MS;
    if at_bottom && (theirs || follow.on.get_untracked()) {
        // Only the reader's own scroll to the bottom resumes follow: a
        // short log reaching its bottom because cases above folded, or
        // the browser clamping the scroll, leaves a shown line in place.
        if !follow.on.get_untracked() {
            follow.on.set(true);
        }
        follow.unseen.set(0);
    } else if theirs && top < last - 4 && !shrunk && follow.on.get_untracked() {
        follow.on.set(false);
    }
    theirs
}

pub fn resume_follow(state: LogState, pre: Pre) {
    state.follow.on.set(true);
    state.follow.unseen.set(0);
    scroll_to_bottom(state, pre);
}

/// Pins the view to the newest line. Off-screen chunks take their real height
/// only once rendered, so the bottom is pinned again a little later, while
/// the layout settles (as long as follow is still on).
pub fn scroll_to_bottom(state: LogState, pre: Pre) {
    // One pin per frame however many slices were appended in it: reading
    // `scrollHeight` forces a layout.
    if state.follow.pin_pending.get_value() {
        return;
    }
    state.follow.pin_pending.set_value(true);
    // `try_`: the page may have left the log view (another route) before
    // the frame or the timer comes.
    let pin = move || {
        if let Some(el) = pre.try_get_untracked().flatten() {
            if state.follow.on.try_get_untracked() == Some(true) {
                let height = el.scroll_height();
                let bottom = height - el.client_height();
                state.follow.last_scroll.try_set_value((bottom, height));
                el.set_scroll_top(bottom);
            }
        }
    };
    request_animation_frame(move || {
        state.follow.pin_pending.try_set_value(false);
        pin();
    });
    browser::after_ms(250, pin);
}
