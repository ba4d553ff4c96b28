//! The whole-log search's query and the seqs of its hits.

use leptos::prelude::*;

#[derive(Clone, Copy, Default)]
pub struct Search {
    pub query: RwSignal<String>,
    /// Seqs of the matching lines, in order.
    pub hits: RwSignal<Vec<u64>>,
    /// The server had more matches than one reply carries.
    pub hits_more: RwSignal<bool>,
    /// The hit shown last (an index into `hits`).
    pub hit: RwSignal<Option<usize>>,
    /// The seq the next search continues after (0: not searched yet).
    pub searched: StoredValue<u64>,
}

impl Search {
    /// A new run has no hits yet; the query stays, for the next search.
    pub fn reset(&self) {
        self.hits.set(Vec::new());
        self.hits_more.set(false);
        self.hit.set(None);
        self.searched.set_value(0);
    }
}
