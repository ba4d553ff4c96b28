//! What the reader's hand does to the log pane, in one place: a wheel turn,
//! touch, key or pointer press marks the scrolls that follow as theirs; a
//! scroll draws the placeholders near the view and may pause or resume
//! follow; and scrolling (or pushing) up toward the oldest drawn line asks
//! `backfill` for the lines before it.

use super::backfill::load_older;
use super::follow::{after_scroll, user_intent};
use super::placeholders::draw_near;
use super::state::LogState;
use leptos::ev::{KeyboardEvent, PointerEvent, WheelEvent};
use leptos::prelude::*;

type Pre = NodeRef<leptos::html::Pre>;

/// The reader scrolled to within this many screens of the oldest drawn line.
const NEAR_TOP_SCREENS: i32 = 2;

pub fn on_scroll(state: LogState, pre: Pre) {
    draw_near(state, pre);
    if after_scroll(state, pre) {
        older_if_near_top(state, pre);
    }
}

/// At the top of the pane no scroll event comes: pushing up with the wheel
/// asks for older lines too.
pub fn on_wheel(state: LogState, pre: Pre, ev: &WheelEvent) {
    user_intent(state);
    if ev.delta_y() < 0.0 {
        older_if_near_top(state, pre)
    }
}

/// Home, PageUp and ↑ push up like the wheel.
pub fn on_key(state: LogState, pre: Pre, ev: &KeyboardEvent) {
    user_intent(state);
    if matches!(ev.key().as_str(), "Home" | "PageUp" | "ArrowUp") {
        older_if_near_top(state, pre)
    }
}

/// A touch moving the log, or a pointer pressed on it (the scrollbar).
pub fn on_press(state: LogState) {
    user_intent(state);
}

/// Dragging the scrollbar (a pointer moving with a button held).
pub fn on_pointer_move(state: LogState, ev: &PointerEvent) {
    if ev.buttons() != 0 {
        user_intent(state)
    }
}

/// The reader is nearing the oldest drawn line (scrolling, or pushing up at
/// the top, where no scroll event comes): draw older ones above it.
fn older_if_near_top(state: LogState, pre: Pre) {
    if let Some(el) = pre.get_untracked() {
        if el.scroll_top() < NEAR_TOP_SCREENS * el.client_height() {
            load_older(state, pre);
        }
    }
}
