//! Everything the page asks of the browser itself: the address, storage, the
//! clipboard, timers, and the log pane's elements by id. This file is the wasm
//! build's; `browser_ssr.rs` has the same functions for the server build,
//! doing nothing: their callers are effects and event handlers, which never
//! run on the server, so no other file of the page needs a `#[cfg]`.
//!
//! Nothing here knows the log view's state: a caller hands over what to draw
//! (or a closure that makes it) and gets plain values back.

use futures::Stream;
use leptos::ev::{ClipboardEvent, KeyboardEvent, MouseEvent};
use leptos::prelude::*;
use std::sync::Arc;
use wasm_bindgen::JsCast;

type Pre = NodeRef<leptos::html::Pre>;

/// The address's `#…` part (`#L123` names a line).
pub fn location_hash() -> Option<String> {
    window().location().hash().ok()
}

/// The address's `?…` part.
pub fn location_search() -> Option<String> {
    window().location().search().ok()
}

/// The page's address without its query and hash: what a permalink adds `#L<seq>` to.
pub fn page_address() -> String {
    let loc = window().location();
    format!("{}{}", loc.origin().unwrap_or_default(), loc.pathname().unwrap_or_default())
}

/// A choice the user made that outlives the page (localStorage), if any.
pub fn remembered(key: &str) -> Option<String> {
    window().local_storage().ok()??.get_item(key).ok()?
}

/// Keeps a choice for the next page and the next visit (best effort: a
/// browser that refuses storage just forgets it).
pub fn remember(key: &str, value: &str) {
    if let Ok(Some(store)) = window().local_storage() {
        let _ = store.set_item(key, value);
    }
}

/// Waits for a later browser task. The page's first reads and storage
/// lookups start this way, not in the task that hydrates the page, which
/// otherwise also ran everything the page does at start (building each
/// request, the first use of localStorage) and froze the page that long; and
/// long work yields this way between slices, so no task grows with it.
pub async fn next_task() {
    gloo_timers::future::TimeoutFuture::new(0).await;
}

/// A tick every `ms` milliseconds, for as long as the stream is kept.
pub fn ticks(ms: u32) -> impl Stream<Item = ()> + Unpin {
    gloo_timers::future::IntervalStream::new(ms)
}

/// Runs `f` once, `ms` milliseconds from now.
pub fn after_ms(ms: u32, f: impl FnOnce() + 'static) {
    gloo_timers::callback::Timeout::new(ms, f).forget();
}

pub fn tab_hidden() -> bool {
    document().hidden()
}

/// Milliseconds since the epoch.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// The place `hold_view` noted: an element of the log pane and its top.
struct Held {
    el: web_sys::Element,
    was: f64,
    /// A holder asked for it to be put back (a following view is pinned to
    /// the bottom instead).
    put_back: bool,
}

thread_local! {
    /// What `hold_view` holds, from the first hold after a frame until that frame.
    static HELD: std::cell::RefCell<Option<Held>> = const { std::cell::RefCell::new(None) };
}

/// Notes what is at the top of the log pane; the closure it returns puts it
/// back there (before the next paint) once lines were drawn above it. The
/// browser's own scroll anchoring does not hold against a wheel scroll still
/// under way, which is when a reader scrolling up meets older lines.
/// Several holds before one frame (a chunk drawn per task) keep the place
/// noted by the first: each later one would note a place the lines drawn
/// before it had already moved, and putting that back would undo them.
pub fn hold_view(pre: Pre) -> impl FnOnce() {
    if HELD.with_borrow(Option::is_none) {
        let held = pre.get_untracked().and_then(|p| {
            let r = p.get_bounding_client_rect();
            // The first log line below the pane's top: scrolled to the very
            // top (a reader pushing up there), the top pixels are the
            // `<pre>`'s padding and case headers, which stay put while older
            // lines come in below them.
            let x = (r.left() + r.width() / 2.0) as f32;
            let el = (0..40)
                .filter_map(|i| document().element_from_point(x, (r.top() + 2.0 + 6.0 * i as f64) as f32))
                .find_map(|el| el.closest(".line").ok().flatten())?;
            p.contains(Some(&el)).then(|| {
                let was = el.get_bounding_client_rect().top();
                Held { el, was, put_back: false }
            })
        });
        if held.is_some() {
            HELD.set(held);
            request_animation_frame(move || {
                let Some(Held { el, was, put_back: true }) = HELD.take() else { return };
                // `try_`: the log view may be gone (another route) by the frame.
                if let Some(p) = pre.try_get_untracked().flatten() {
                    let moved = el.get_bounding_client_rect().top() - was;
                    if moved.abs() >= 1.0 {
                        p.set_scroll_top(p.scroll_top() + moved.round() as i32);
                    }
                }
            });
        }
    }
    || {
        HELD.with_borrow_mut(|h| {
            if let Some(h) = h {
                h.put_back = true;
            }
        })
    }
}

/// Fills placeholder chunk `#C<id>` with the HTML `html` makes (`None`: it
/// is no placeholder any more), if the element is in the page; `html` is not
/// called when it is not.
pub fn fill_placeholder(id: u64, html: impl FnOnce() -> Option<Arc<str>>) {
    let Some(el) = document().get_element_by_id(&format!("C{id}")) else { return };
    if let Some(html) = html() {
        el.set_inner_html(&html);
        let _ = el.class_list().remove_1("deferred");
        let _ = el.remove_attribute("style");
    }
}

/// The first seqs of the placeholder chunks in the page, in page order.
fn placeholders() -> Vec<(u64, web_sys::Element)> {
    let Ok(list) = document().query_selector_all("#log .chunk.deferred") else { return Vec::new() };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<web_sys::Element>().ok())
        .filter_map(|el| Some((el.id().strip_prefix('C')?.parse().ok()?, el)))
        .collect()
}

/// The placeholder chunks within a screen of the log pane's view (`None`
/// while the pane is not in the page).
pub fn placeholders_near(pre: Pre) -> Option<Vec<u64>> {
    let p = pre.get_untracked()?;
    let list = placeholders();
    let view = p.get_bounding_client_rect();
    let margin = view.height();
    let near = list
        .iter()
        .filter(|(_, el)| {
            let b = el.get_bounding_client_rect();
            b.height() > 0.0 && b.bottom() > view.top() - margin && b.top() < view.bottom() + margin
        })
        .map(|(id, _)| *id)
        .collect();
    Some(near)
}

/// The last placeholder chunk in page order (the newest lines).
pub fn newest_placeholder() -> Option<u64> {
    placeholders().pop().map(|(id, _)| id)
}

/// Marks line `#L<seq>` with `class`, taking it off any other line of the
/// log; `None` if the line is not in the page. The closure it returns scrolls
/// the line into the upper third of the pane.
pub fn mark_line(pre: Pre, seq: u64, class: &'static str) -> Option<impl Fn() + 'static> {
    let el = document().get_element_by_id(&format!("L{seq}"))?;
    unmark_lines(class);
    let _ = el.class_list().add_1(class);
    Some(move || {
        if let Some(p) = pre.get_untracked() {
            // From the boxes, not `offsetTop`: each chunk is a containment
            // box, so a line's offset parent is its chunk, not the log.
            let below = el.get_bounding_client_rect().top() - p.get_bounding_client_rect().top();
            p.set_scroll_top(p.scroll_top() + below as i32 - p.client_height() / 3);
        }
    })
}

/// Takes `class` off every line of the log that has it.
pub fn unmark_lines(class: &str) {
    if let Ok(old) = document().query_selector_all(&format!("#log .{class}")) {
        for i in 0..old.length() {
            if let Some(e) = old.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) {
                let _ = e.class_list().remove_1(class);
            }
        }
    }
}

/// How far below the log pane's top line `#L<seq>` is, in pixels (`None`:
/// not in the page).
pub fn line_offset(pre: Pre, seq: u64) -> Option<f64> {
    let el = document().get_element_by_id(&format!("L{seq}"))?;
    Some(el.get_bounding_client_rect().top() - pre.get_untracked()?.get_bounding_client_rect().top())
}

/// Scrolls the log pane by `dy` pixels (down when positive).
pub fn scroll_pane_by(pre: Pre, dy: f64) {
    if let Some(p) = pre.get_untracked() {
        p.set_scroll_top(p.scroll_top() + dy.round() as i32);
    }
}

/// A click in a line's number gutter: that line becomes the address's
/// `#L<seq>` and the marked `target`; its `data-seq` is returned. `None` for
/// a click anywhere else.
pub fn pick_gutter_line(ev: &MouseEvent) -> Option<String> {
    let target = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok())?;
    let line = target.closest(".line").ok()??;
    if ev.offset_x() > 56 || !target.class_list().contains("line") {
        return None;
    }
    let seq = line.get_attribute("data-seq")?;
    let _ = window()
        .history()
        .and_then(|h| h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("#L{seq}"))));
    if let Ok(Some(old)) = document().query_selector("#log .target") {
        let _ = old.class_list().remove_1("target");
    }
    let _ = line.class_list().add_1("target");
    Some(seq)
}

/// The text of a rendered line (what "copy line" copies).
pub fn line_text(seq: u64) -> Option<String> {
    document().get_element_by_id(&format!("L{seq}"))?.text_content().map(|t| t.trim_end().to_string())
}

/// Replaces the inside of rendered line `#L<seq>`, if it is in the page.
pub fn set_line_html(seq: u64, html: &str) {
    if let Some(el) = document().get_element_by_id(&format!("L{seq}")) {
        el.set_inner_html(html);
    }
}

/// Puts `text` on the clipboard; `done` hears whether it got there (the
/// page says "copied" only then).
pub fn copy_to_clipboard(text: String, done: impl FnOnce(bool) + 'static) {
    let written = window().navigator().clipboard().write_text(&text);
    leptos::task::spawn_local(async move { done(wasm_bindgen_futures::JsFuture::from(written).await.is_ok()) });
}

/// The body of a GET of `url` on this server, as text; `None` on any failure.
pub async fn fetch_text(url: &str) -> Option<String> {
    let reply = wasm_bindgen_futures::JsFuture::from(window().fetch_with_str(url)).await.ok()?;
    let reply: web_sys::Response = reply.dyn_into().ok()?;
    if !reply.ok() {
        return None;
    }
    wasm_bindgen_futures::JsFuture::from(reply.text().ok()?).await.ok()?.as_string()
}

/// Moves the keyboard focus to the element `#<id>`, if it is in the page.
pub fn focus_element(id: &str) {
    if let Some(el) = document().get_element_by_id(id).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = el.focus();
    }
}

/// Ctrl+A (⌘A) in the log pane selects the log's text, not the whole page;
/// `true` when `ev` was that key (it is then handled).
pub fn select_all_in(pre: Pre, ev: &KeyboardEvent) -> bool {
    let select_all = (ev.ctrl_key() || ev.meta_key()) && !ev.alt_key() && ev.key().eq_ignore_ascii_case("a");
    let (true, Some(p)) = (select_all, pre.get_untracked()) else { return false };
    ev.prevent_default();
    if let Ok(Some(sel)) = window().get_selection() {
        let _ = sel.select_all_children(&p);
    }
    true
}

/// Copying a selection inside the log copies its text as the document holds
/// it: lines in folded cases are in the selection but not drawn, and the
/// browser's own copy leaves out what is not drawn. Lines of a level the
/// reader hid stay out (`hidden`: the levels' class names, `lv-ERROR`…).
/// A selection that reaches beyond the log is left to the browser.
pub fn copy_log_selection(pre: Pre, ev: &ClipboardEvent, hidden: &[String]) {
    let (Some(p), Ok(Some(sel)), Some(data)) = (pre.get_untracked(), window().get_selection(), ev.clipboard_data())
    else {
        return;
    };
    let Ok(range) = sel.get_range_at(0) else { return };
    let inside = range.common_ancestor_container().is_ok_and(|n| p.contains(Some(&n)));
    let Ok(copy) = range.clone_contents() else { return };
    if !inside {
        return;
    }
    for class in hidden {
        if let Ok(list) = copy.query_selector_all(&format!(".{class}")) {
            for i in 0..list.length() {
                if let Some(n) = list.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) {
                    n.remove();
                }
            }
        }
    }
    if data.set_data("text/plain", &copy.text_content().unwrap_or_default()).is_ok() {
        ev.prevent_default();
    }
}
