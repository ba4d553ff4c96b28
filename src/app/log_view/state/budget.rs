//! What the page draws of a long run: the line budget (how many lines stay
//! in the DOM while following), which lines left it, and the placeholders a
//! fast stream leaves to be drawn later.

use super::lines::CHUNK_LINES;
use leptos::prelude::*;

/// Lines kept in the page while following; older chunks leave the DOM
/// (search, jumps and permalinks bring them back), so a long run costs the
/// tab a bounded amount of memory and work.
pub const DEFAULT_MAX_DOM_LINES: usize = 10_000;

/// An append of up to this many lines is drawn whole. A larger one, while
/// following, draws only its newest `DRAWN_TAIL` lines (what the reader
/// sees at the bottom) and leaves the rest as placeholders of their height,
/// drawn when they come near the view (`placeholders::draw_near`) or once the
/// stream slows down (`placeholders::draw_deferred`). In a fast stream most
/// lines leave the page's line budget before anyone could scroll to them, and
/// drawing them (parsing, style, the collector tracing their nodes) would be
/// most of the page's work.
pub const DRAW_ALL_UPTO: usize = 500;

/// One chunk: a screen of up to 100 lines, a tall one included. Chunks are
/// cut from the end of each append, so the drawn tail is exactly one chunk,
/// and each poll's style, layout and paint cover these lines only.
///
/// The page's first lines (a run's opening reply, a long run's tail) draw
/// only this tail too, if they are more than it: that task also runs the
/// page's drawing code for the first time (the browser compiles wasm
/// functions on first use), and the placeholders above it are drawn one
/// chunk per task right after.
pub const DRAWN_TAIL: usize = CHUNK_LINES;

#[derive(Clone, Copy)]
pub struct Budget {
    /// The most lines the page keeps while following (`?max_lines=N`).
    pub max_dom_lines: StoredValue<usize>,
    /// Lines currently rendered.
    pub dom_lines: StoredValue<usize>,
    /// The highest seq not in the page (trimmed out, or only outlined).
    pub trimmed: RwSignal<u64>,
    /// Render every line (the user asked for it, or jumped to a trimmed one).
    pub keep_all: RwSignal<bool>,
    /// A read of lines older than the drawn ones is under way.
    pub loading_older: StoredValue<bool>,
    /// Counts the appends that left placeholders and the calls of
    /// `placeholders::draw_deferred`: drawing them stops when the count moves on.
    pub deferring: StoredValue<u64>,
}

impl Default for Budget {
    fn default() -> Self {
        let (dom_lines, trimmed, keep_all, loading_older, deferring) = Default::default();
        Budget {
            max_dom_lines: StoredValue::new(DEFAULT_MAX_DOM_LINES),
            dom_lines,
            trimmed,
            keep_all,
            loading_older,
            deferring,
        }
    }
}

impl Budget {
    /// A new run: nothing drawn, nothing left out. The budget itself, "show
    /// every line" and the deferral count carry over.
    pub fn reset(&self) {
        self.dom_lines.set_value(0);
        self.trimmed.set(0);
        self.loading_older.set_value(false);
    }

    /// The next read of older lines (newest first): `(after, limit)` for the lines
    /// just older than the oldest drawn one, as many as the line budget still
    /// has room for (at most `max`), or `None` when the budget is full or
    /// every line is drawn.
    pub fn backfill_range(&self, max: usize) -> Option<(u64, usize)> {
        let room = self.max_dom_lines.get_value().saturating_sub(self.dom_lines.get_value());
        let top = self.trimmed.get_untracked();
        let n = room.min(max).min(top as usize);
        (n > 0).then(|| (top - n as u64, n))
    }
}

/// `?max_lines=N` in the address (`?` included): the page's line budget
/// (tests use a small one).
pub fn max_lines_param(search: &str) -> Option<usize> {
    search.trim_start_matches('?').split('&').find_map(|kv| kv.strip_prefix("max_lines=")?.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::max_lines_param;

    #[test]
    fn the_address_sets_the_line_budget() {
        assert_eq!(max_lines_param("?max_lines=300"), Some(300));
        assert_eq!(max_lines_param("?lang=en&max_lines=50"), Some(50));
        assert_eq!(max_lines_param("?max_lines=lots"), None);
        assert_eq!(max_lines_param(""), None);
    }
}
