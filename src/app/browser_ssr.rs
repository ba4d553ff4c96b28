//! The server build's `browser`: the functions of `browser.rs` with the same
//! signatures, doing nothing. The server renders the page but never runs its
//! effects or event handlers, the only callers of these; they exist so that
//! the page's code compiles for both builds without a `#[cfg]` of its own.

use futures::Stream;
use leptos::ev::{ClipboardEvent, KeyboardEvent, MouseEvent};
use leptos::prelude::*;
use std::sync::Arc;

type Pre = NodeRef<leptos::html::Pre>;

pub fn location_hash() -> Option<String> {
    None
}

pub fn location_search() -> Option<String> {
    None
}

pub fn page_address() -> String {
    String::new()
}

pub fn remembered(_key: &str) -> Option<String> {
    None
}

pub fn remember(_key: &str, _value: &str) {}

pub async fn next_task() {}

pub fn ticks(_ms: u32) -> impl Stream<Item = ()> + Unpin {
    futures::stream::pending()
}

pub fn after_ms(_ms: u32, _f: impl FnOnce() + 'static) {}

pub fn tab_hidden() -> bool {
    false
}

pub fn now_ms() -> f64 {
    0.0
}

pub fn hold_view(_pre: Pre) -> impl FnOnce() {
    || ()
}

pub fn fill_placeholder(_id: u64, _html: impl FnOnce() -> Option<Arc<str>>) {}

pub fn placeholders_near(_pre: Pre) -> Option<Vec<u64>> {
    None
}

pub fn newest_placeholder() -> Option<u64> {
    None
}

pub fn mark_line(_pre: Pre, _seq: u64, _class: &'static str) -> Option<impl Fn() + 'static> {
    None::<fn()>
}

pub fn unmark_lines(_class: &str) {}

pub fn line_offset(_pre: Pre, _seq: u64) -> Option<f64> {
    None
}

pub fn scroll_pane_by(_pre: Pre, _dy: f64) {}

pub fn pick_gutter_line(_ev: &MouseEvent) -> Option<String> {
    None
}

pub fn line_text(_seq: u64) -> Option<String> {
    None
}

pub fn set_line_html(_seq: u64, _html: &str) {}

pub fn copy_to_clipboard(_text: String, _done: impl FnOnce(bool) + 'static) {}

pub async fn fetch_text(_url: &str) -> Option<String> {
    None
}

pub fn focus_element(_id: &str) {}

pub fn select_all_in(_pre: Pre, _ev: &KeyboardEvent) -> bool {
    false
}

pub fn copy_log_selection(_pre: Pre, _ev: &ClipboardEvent, _hidden: &[String]) {}
