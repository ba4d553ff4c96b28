//! The lines a reader points at: the one picked in the gutter, a permalinked
//! one still to come, and the one shown last (held in place while the page
//! loads around it).

use leptos::prelude::*;

#[derive(Clone, Copy, Default)]
pub struct Target {
    /// The line picked in the gutter (copy line / copy link).
    pub selected: RwSignal<Option<u64>>,
    /// A `#L<seq>` to show once that line has arrived.
    pub pending: StoredValue<Option<u64>>,
    /// The line shown last (permalink, error jump, search hit) and when it
    /// was asked for: it is held in place until the reader scrolls.
    pub held: StoredValue<Option<(u64, f64)>>,
}

impl Target {
    /// A new run has no line picked or held; a pending permalink is the caller's to set.
    pub fn reset(&self) {
        self.selected.set(None);
        self.held.set_value(None);
    }
}
