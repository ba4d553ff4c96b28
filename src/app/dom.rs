//! What the log view does to the page itself: scrolling, follow mode,
//! permalinks, highlighting. Browser-only; on the server these are no-ops
//! (effects and event handlers never run there).

use super::log_state::LogState;
use leptos::ev::MouseEvent;
use leptos::prelude::*;

type Pre = NodeRef<leptos::html::Pre>;

/// `#L123` in the address → 123.
pub fn hash_target() -> Option<u64> {
    #[cfg(feature = "hydrate")]
    {
        let hash = window().location().hash().ok()?;
        return hash.strip_prefix("#L")?.parse().ok();
    }
    #[allow(unreachable_code)]
    None
}

/// A choice the user made that outlives the page (localStorage), if any.
pub fn remembered(key: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        return window().local_storage().ok()??.get_item(key).ok()?;
    }
    #[allow(unreachable_code)]
    {
        let _ = key;
        None
    }
}

/// Keeps a choice for the next page and the next visit (best effort: a
/// browser that refuses storage just forgets it).
pub fn remember(key: &str, value: &str) {
    #[cfg(feature = "hydrate")]
    if let Ok(Some(store)) = window().local_storage() {
        let _ = store.set_item(key, value);
    }
    let _ = (key, value);
}

/// Waits for a later browser task. The page's first reads and storage
/// lookups start this way, not in the task that hydrates the page, which
/// otherwise also ran everything the page does at start (building each
/// request, the first use of localStorage) and froze the page that long.
pub async fn next_task() {
    #[cfg(feature = "hydrate")]
    gloo_timers::future::TimeoutFuture::new(0).await;
}

pub fn tab_hidden() -> bool {
    #[cfg(feature = "hydrate")]
    {
        return document().hidden();
    }
    #[allow(unreachable_code)]
    false
}

/// How long after a wheel turn, touch, key or pointer press on the log a
/// scroll counts as the reader's.
const INTENT_MS: f64 = 1_000.0;

fn now_ms() -> f64 {
    #[cfg(feature = "hydrate")]
    {
        return js_sys::Date::now();
    }
    #[allow(unreachable_code)]
    0.0
}

/// The reader touched the log (wheel, touch, key, pointer on the scrollbar):
/// the scrolls that follow are theirs.
pub fn user_intent(state: LogState) {
    state.intent_at.set_value(now_ms());
}

/// Scrolling up pauses follow; scrolling back to the bottom resumes it. Only
/// a move *up* that the reader made counts: layout settling, lines leaving
/// the top of the page or our own scroll-to-bottom never turn follow off
/// (the flaw users report in Jenkins and GitLab, where tailing fights the
/// reader, and the one a fast log would hit here without the intent check).
pub fn on_scroll(state: LogState, pre: Pre) {
    draw_near(state, pre);
    if let Some(el) = pre.get_untracked() {
        let (top, height) = (el.scroll_top(), el.scroll_height());
        let (last, last_height) = state.last_scroll.get_value();
        state.last_scroll.set_value((top, height));
        let shrunk = height < last_height;
        let at_bottom = height - top - el.client_height() < 24;
        let theirs = now_ms() - state.intent_at.get_value() < INTENT_MS;
        if at_bottom && (theirs || state.follow.get_untracked()) {
            // Only the reader's own scroll to the bottom resumes follow: a
            // short log reaching its bottom because cases above folded, or
            // the browser clamping the scroll, leaves a shown line in place.
            if !state.follow.get_untracked() {
                state.follow.set(true);
            }
            state.unseen.set(0);
        } else if theirs && top < last - 4 && !shrunk && state.follow.get_untracked() {
            state.follow.set(false);
        }
        if theirs {
            older_if_near_top(state, pre);
        }
    }
}

/// The reader is nearing the oldest drawn line (scrolling, or pushing up at
/// the top, where no scroll event comes): draw older ones above it.
pub fn older_if_near_top(state: LogState, pre: Pre) {
    if let Some(el) = pre.get_untracked() {
        if el.scroll_top() < super::log_backfill::NEAR_TOP_SCREENS * el.client_height() {
            super::log_backfill::load_older(state, pre);
        }
    }
}

pub fn resume_follow(state: LogState, pre: Pre) {
    state.follow.set(true);
    state.unseen.set(0);
    scroll_to_bottom(state, pre);
}

/// Pins the view to the newest line. Off-screen chunks take their real height
/// only once rendered, so the bottom is re-pinned a few times while the
/// layout settles (as long as follow is still on).
pub fn scroll_to_bottom(state: LogState, pre: Pre) {
    // One pin per frame however many slices were appended in it: reading
    // `scrollHeight` forces a layout.
    if state.pin_pending.get_value() {
        return;
    }
    state.pin_pending.set_value(true);
    let pin = move || {
        if let Some(el) = pre.get_untracked() {
            if state.follow.get_untracked() {
                let height = el.scroll_height();
                let bottom = height - el.client_height();
                state.last_scroll.set_value((bottom, height));
                el.set_scroll_top(bottom);
            }
        }
    };
    request_animation_frame(move || {
        state.pin_pending.set_value(false);
        pin();
    });
    #[cfg(feature = "hydrate")]
    gloo_timers::callback::Timeout::new(250, pin).forget();
}

/// Notes what is at the top of the log pane; the closure it returns puts it
/// back there (before the next paint) once lines were drawn above it. The
/// browser's own scroll anchoring does not hold against a wheel scroll still
/// under way, which is when a reader scrolling up meets older lines.
#[cfg(feature = "hydrate")]
pub fn hold_view(pre: Pre) -> impl FnOnce() {
    let held = pre.get_untracked().and_then(|p| {
        let r = p.get_bounding_client_rect();
        let el = document().element_from_point((r.left() + r.width() / 2.0) as f32, (r.top() + 2.0) as f32)?;
        p.contains(Some(&el)).then(|| {
            let top = el.get_bounding_client_rect().top();
            (el, top)
        })
    });
    move || {
        let Some((el, was)) = held else { return };
        request_animation_frame(move || {
            if let Some(p) = pre.get_untracked() {
                let moved = el.get_bounding_client_rect().top() - was;
                if moved.abs() >= 1.0 {
                    p.set_scroll_top(p.scroll_top() + moved.round() as i32);
                }
            }
        });
    }
}

/// Draws placeholder chunk `id` (see `log_state::DRAW_ALL_UPTO`) if it still is one.
pub fn draw_chunk(state: LogState, id: u64) {
    #[cfg(feature = "hydrate")]
    {
        let Some(el) = document().get_element_by_id(&format!("C{id}")) else { return };
        if let Some(html) = state.draw_placeholder(id) {
            el.set_inner_html(&html);
            let _ = el.class_list().remove_1("deferred");
            let _ = el.remove_attribute("style");
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (state, id);
}

/// Draws placeholder chunks without moving what the reader sees: a drawn
/// chunk's height need not be its placeholder's (wrapped lines; off screen,
/// `contain-intrinsic-size` stands in for it), so a following view is pinned
/// to the bottom again, and any other view keeps the line at its top in place.
#[cfg(feature = "hydrate")]
fn draw_keeping_view(state: LogState, pre: Pre, ids: impl IntoIterator<Item = u64>) {
    let restore = hold_view(pre);
    for id in ids {
        draw_chunk(state, id);
    }
    if state.follow.get_untracked() {
        scroll_to_bottom(state, pre);
    } else {
        restore();
    }
}

/// Draws the chunk of line `seq`: a line about to be shown or marked.
pub fn draw_line(state: LogState, seq: u64) {
    if let Some(id) = state.chunk_of(seq) {
        draw_chunk(state, id);
    }
}

/// The first seqs of the placeholder chunks in the page, in page order.
#[cfg(feature = "hydrate")]
fn placeholders() -> Vec<(u64, web_sys::Element)> {
    use wasm_bindgen::JsCast;
    let Ok(list) = document().query_selector_all("#log .chunk.deferred") else { return Vec::new() };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<web_sys::Element>().ok())
        .filter_map(|el| Some((el.id().strip_prefix('C')?.parse().ok()?, el)))
        .collect()
}

/// Draws the placeholders within a screen of the view: the reader scrolled
/// to them, or the page was laid out anew.
pub fn draw_near(state: LogState, pre: Pre) {
    #[cfg(feature = "hydrate")]
    {
        // On every scroll: the page's own state answers before the DOM is asked.
        if !state.has_placeholders() {
            return;
        }
        let Some(p) = pre.get_untracked() else { return };
        let list = placeholders();
        let view = p.get_bounding_client_rect();
        let margin = view.height();
        let near: Vec<u64> = list
            .iter()
            .filter(|(_, el)| {
                let b = el.get_bounding_client_rect();
                b.height() > 0.0 && b.bottom() > view.top() - margin && b.top() < view.bottom() + margin
            })
            .map(|(id, _)| *id)
            .collect();
        draw_keeping_view(state, pre, near);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (state, pre);
}

/// Draws every placeholder, newest first, one chunk per browser task, so
/// that the page holds every line again (find in page, select all) once the
/// stream is quiet. It stops when the view moves to another run, when a fast
/// append leaves new placeholders, or when a newer call takes over.
#[allow(unused_variables)]
pub async fn draw_deferred(state: LogState, pre: Pre, still_mine: impl Fn() -> bool) {
    #[cfg(feature = "hydrate")]
    {
        let Some(mine) = state.deferring.try_update_value(|n| {
            *n += 1;
            *n
        }) else {
            return;
        };
        // From the next task on: the chunks just appended are in the page
        // once their render effects have run.
        loop {
            gloo_timers::future::TimeoutFuture::new(0).await;
            if !still_mine() || state.deferring.try_get_value() != Some(mine) {
                return;
            }
            let Some((id, _)) = placeholders().pop() else { return };
            draw_keeping_view(state, pre, [id]);
        }
    }
}

/// After new lines: keep following, or show a permalinked line once it has arrived.
pub fn after_append(state: LogState, pre: Pre) {
    if let Some(seq) = state.pending_target.get_value() {
        if seq <= state.shown.get_untracked() {
            state.pending_target.set_value(None);
            show_line(state, pre, seq, "target");
            return;
        }
    }
    if state.follow.get_untracked() {
        scroll_to_bottom(state, pre);
    }
}

/// `?max_lines=N` in the address: the page's line budget (tests use a small one).
pub fn max_lines_param() -> Option<usize> {
    #[cfg(feature = "hydrate")]
    {
        let search = window().location().search().ok()?;
        return search.trim_start_matches('?').split('&').find_map(|kv| kv.strip_prefix("max_lines=")?.parse().ok());
    }
    #[allow(unreachable_code)]
    None
}

/// Opens the line's case, scrolls it into the upper third, marks it with `class`.
/// A line that left the page brings the whole log back first.
pub fn show_line(state: LogState, pre: Pre, seq: u64, class: &'static str) {
    if seq <= state.trimmed.get_untracked() {
        state.show_everything(Some(seq));
        return;
    }
    state.follow.set(false);
    if let Some(section) = state.section_of(seq) {
        section.keep_open.set_value(true);
        section.open.set(true);
    }
    request_animation_frame(move || {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            draw_line(state, seq);
            let Some(el) = document().get_element_by_id(&format!("L{seq}")) else { return };
            if let Ok(old) = document().query_selector_all(&format!("#log .{class}")) {
                for i in 0..old.length() {
                    if let Some(e) = old.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) {
                        let _ = e.class_list().remove_1(class);
                    }
                }
            }
            let _ = el.class_list().add_1(class);
            let place = move || {
                if let Some(p) = pre.get_untracked() {
                    // From the boxes, not `offsetTop`: each chunk is a containment
                    // box, so a line's offset parent is its chunk, not the log.
                    let below = el.get_bounding_client_rect().top() - p.get_bounding_client_rect().top();
                    p.set_scroll_top(p.scroll_top() + below as i32 - p.client_height() / 3);
                }
            };
            place();
            // Cases above it may still fold as the page settles: place it
            // again then, unless the reader has moved since.
            let asked = now_ms();
            gloo_timers::callback::Timeout::new(300, move || {
                if state.intent_at.get_value() < asked {
                    place();
                }
            })
            .forget();
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (pre, seq, class);
    });
}

/// A click in a line's number gutter makes it the permalinked line (`#L<seq>`).
pub fn on_log_click(ev: MouseEvent, state: LogState) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(target) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
        let Ok(Some(line)) = target.closest(".line") else { return };
        if ev.offset_x() > 56 || !target.class_list().contains("line") {
            return;
        }
        let Some(seq) = line.get_attribute("data-seq") else { return };
        let _ = window()
            .history()
            .and_then(|h| h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("#L{seq}"))));
        if let Ok(Some(old)) = document().query_selector("#log .target") {
            let _ = old.class_list().remove_1("target");
        }
        let _ = line.class_list().add_1("target");
        state.follow.set(false);
        state.selected.set(seq.parse().ok());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ev, state);
}

/// The text of a rendered line (what "copy line" copies).
pub fn line_text(seq: u64) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        return document().get_element_by_id(&format!("L{seq}"))?.text_content().map(|t| t.trim_end().to_string());
    }
    #[allow(unreachable_code)]
    {
        let _ = seq;
        None
    }
}

pub fn copy_to_clipboard(text: String) {
    #[cfg(feature = "hydrate")]
    {
        let _ = window().navigator().clipboard().write_text(&text);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = text;
}

/// Re-renders line `seq` with the matches of `q` marked.
pub fn mark_hit(state: LogState, seq: u64, q: &str) {
    #[cfg(feature = "hydrate")]
    {
        draw_line(state, seq);
        let (Some(el), Some(html)) = (document().get_element_by_id(&format!("L{seq}")), state.marked_line(seq, q))
        else {
            return;
        };
        el.set_inner_html(&html);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (state, seq, q);
}
