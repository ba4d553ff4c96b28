//! The whole-log search: what the box holds, the query searched (its hits
//! are what the counter and ‹/› use), and how far the server has searched.

use leptos::prelude::*;

#[derive(Clone, Copy, Default)]
pub struct Search {
    /// What the search box holds (searched once Enter submits it).
    pub query: RwSignal<String>,
    /// The query the hits are of (empty: none).
    pub searched_query: RwSignal<String>,
    /// Seqs of the matching lines, in order.
    pub hits: RwSignal<Vec<u64>>,
    /// The server has more matches than it has sent so far: the count is
    /// not final until the next page of hits comes.
    pub counting: RwSignal<bool>,
    /// The hit shown last (an index into `hits`).
    pub hit: RwSignal<Option<usize>>,
    /// The seq the next page of hits continues after.
    pub searched: StoredValue<u64>,
    /// Bumped by each new query and run: a reply for an older one is dropped.
    pub epoch: StoredValue<u64>,
    /// Show the first hit as soon as it comes (a new query was submitted).
    pub show_first: StoredValue<bool>,
    /// The line whose matches are marked now.
    pub marked: StoredValue<Option<u64>>,
    /// The run the hits are of.
    run: StoredValue<Option<u64>>,
}

impl Search {
    /// Another run has none of these hits: the query stays and searches it
    /// anew. The same run read again (to bring back lines that left the
    /// page) keeps its hits and the one shown.
    pub fn reset(&self, run: Option<u64>) {
        if self.run.get_value() != run {
            self.run.set_value(run);
            self.start(self.searched_query.get_untracked());
        }
        self.marked.set_value(None);
    }

    /// A new query: no hits yet, none shown, searched from the first line.
    pub fn start(&self, query: String) {
        let query_is_empty = query.is_empty();
        self.epoch.update_value(|e| *e += 1);
        self.searched_query.set(query);
        self.hits.set(Vec::new());
        self.counting.set(!query_is_empty);
        self.hit.set(None);
        self.searched.set_value(0);
        self.show_first.set_value(false);
    }

    /// What the counter shows: nothing for an empty box, a hint while what is
    /// typed has not been searched, else `hit/hits` (and whether the server
    /// is still counting).
    pub fn status(&self) -> String {
        let typed = self.query.get();
        let typed = typed.trim();
        if typed.is_empty() {
            return String::new();
        }
        if typed != self.searched_query.get() {
            return "Enter to search".into();
        }
        let (n, counting) = (self.hits.with(Vec::len), self.counting.get());
        let at = self.hit.get().map_or(0, |i| i + 1);
        if counting {
            format!("{at}/{n}, counting…")
        } else {
            format!("{at}/{n}")
        }
    }
}
