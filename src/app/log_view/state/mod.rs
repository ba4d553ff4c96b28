//! The log view's state, one struct per concern, grouped in one `Copy`
//! context (`LogState`) so closures take it by value. Each concern's signals
//! live in its own file; what crosses concerns (a reply's lines meet the
//! budget, follow mode and a pending permalink) is `LogState`'s, in
//! `append.rs`.

/// How lines enter the page (a reply, an outline, older lines) and leave it (the budget).
mod append;
/// The line budget, trimmed lines, and placeholders left to draw.
pub mod budget;
/// Levels hidden, wrap, time format: the reader's choices.
pub mod display;
/// Follow mode and the reader's scrolling.
pub mod follow;
/// Case sections of rendered chunks, level counts, error seqs.
pub mod lines;
/// The poller's state and the shown/total counts.
pub mod progress;
/// The whole-log search's query and hits.
pub mod search;
/// The picked line and a permalinked line still to come.
pub mod target;

use budget::Budget;
use display::Display;
use follow::Follow;
use leptos::prelude::*;
use lines::Lines;
use progress::Progress;
use search::Search;
use std::sync::Arc;
use target::Target;

/// All signals of the view, by concern; `Copy`, so closures take it by value.
#[derive(Clone, Copy, Default)]
pub struct LogState {
    pub run: RwSignal<Option<u64>>,
    /// Bumped to restart the view from line 1.
    pub reload: RwSignal<u32>,
    pub progress: Progress,
    pub lines: Lines,
    pub display: Display,
    pub follow: Follow,
    pub search: Search,
    pub budget: Budget,
    pub target: Target,
}

impl LogState {
    /// Forgets everything shown: a new run was selected.
    pub fn reset(&self, run: Option<u64>) {
        self.run.set(run);
        self.lines.reset();
        self.progress.reset();
        self.follow.reset();
        self.search.reset(run);
        self.target.reset();
        self.budget.reset();
    }

    pub fn raw_url(&self) -> String {
        format!("/api/log.txt?run={}", self.run.get_untracked().unwrap_or(0))
    }

    /// The line budget holds while following, unless every line was asked for.
    pub fn budget_applies(&self) -> bool {
        self.follow.on.get_untracked() && !self.budget.keep_all.get_untracked()
    }

    /// What to send as `keep`: while the line budget holds (and no line is
    /// awaited), lines older than the budget are not drawn, so the server may
    /// summarize them instead of sending them.
    pub fn keep(&self) -> Option<u64> {
        (self.budget_applies() && self.target.pending.get_value().is_none())
            .then(|| self.budget.max_dom_lines.get_value() as u64)
    }

    /// Starts over from line 1 rendering every line, then shows `target`.
    pub fn show_everything(&self, target: Option<u64>) {
        self.budget.keep_all.set(true);
        self.target.pending.set_value(target);
        self.reload.update(|r| *r += 1);
    }

    /// Renders every chunk again in the time view now chosen.
    pub fn rerender(&self) {
        self.lines.rerender(self.display.relative.get_untracked(), &self.raw_url());
    }

    /// Renders placeholder chunk `id` (see `budget::DRAW_ALL_UPTO`); `None` if it is no placeholder.
    pub fn draw_placeholder(&self, id: u64) -> Option<Arc<str>> {
        self.lines.draw_placeholder(id, &self.raw_url())
    }

    /// The inner HTML of rendered line `seq` with the matches of `q` marked.
    pub fn marked_line(&self, seq: u64, q: &str) -> Option<String> {
        self.lines.marked_line(seq, q, self.display.relative.get_untracked())
    }
}
