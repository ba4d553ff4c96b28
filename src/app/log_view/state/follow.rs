//! Follow mode and what the reader's scrolling tells it.

use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Follow {
    /// The view stays pinned to the newest line.
    pub on: RwSignal<bool>,
    /// Lines that arrived while follow was off.
    pub unseen: RwSignal<u64>,
    /// The log pane's scrollTop and scrollHeight at the last scroll event.
    pub last_scroll: StoredValue<(i32, i32)>,
    /// When the reader last touched the log (ms since the epoch).
    pub intent_at: StoredValue<f64>,
    /// A scroll-to-bottom is already scheduled for the next frame.
    pub pin_pending: StoredValue<bool>,
}

impl Default for Follow {
    fn default() -> Self {
        let (unseen, last_scroll, pin_pending) = Default::default();
        Follow {
            on: RwSignal::new(true),
            unseen,
            last_scroll,
            intent_at: StoredValue::new(f64::NEG_INFINITY),
            pin_pending,
        }
    }
}

impl Follow {
    /// A new run is followed from its start.
    pub fn reset(&self) {
        self.on.set(true);
        self.unseen.set(0);
        self.last_scroll.set_value((0, 0));
    }
}
