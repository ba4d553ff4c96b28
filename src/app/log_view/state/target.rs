//! The lines a reader points at: the one picked in the gutter, and a
//! permalinked one still to come.

use leptos::prelude::*;

#[derive(Clone, Copy, Default)]
pub struct Target {
    /// The line picked in the gutter (copy line / copy link).
    pub selected: RwSignal<Option<u64>>,
    /// A `#L<seq>` to show once that line has arrived.
    pub pending: StoredValue<Option<u64>>,
}

impl Target {
    /// A new run has no line picked; a pending permalink is the caller's to set.
    pub fn reset(&self) {
        self.selected.set(None);
    }
}
