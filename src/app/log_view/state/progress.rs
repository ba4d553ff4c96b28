//! Where the poller stands, as the header shows it.

use leptos::prelude::*;

/// The state of the poller.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Feed {
    #[default]
    Idle,
    /// Reading lines the run had already written (a full reply: the page is
    /// behind). A finished run is loading until it is done, never live.
    Loading,
    /// Caught up with a run that is still writing.
    Live,
    Reconnecting,
    Hidden,
    Done,
}

impl Feed {
    pub fn as_str(self) -> &'static str {
        match self {
            Feed::Idle => "idle",
            Feed::Loading => "loading",
            Feed::Live => "live",
            Feed::Reconnecting => "reconnecting",
            Feed::Hidden => "paused (tab hidden)",
            Feed::Done => "done",
        }
    }
}

#[derive(Clone, Copy, Default)]
pub struct Progress {
    pub feed: RwSignal<Feed>,
    /// The newest seq on the page (or summarized in its outline).
    pub shown: RwSignal<u64>,
    /// The run's line count as the server last told it.
    pub total: RwSignal<u64>,
    /// The run's line count when the page opened it: lines up to it were
    /// there already (loading them is no news); only later ones are "new
    /// lines" to a reader who paused.
    pub at_open: StoredValue<u64>,
}

impl Progress {
    pub fn reset(&self) {
        self.feed.set(Feed::Idle);
        self.shown.set(0);
        self.total.set(0);
        self.at_open.set_value(0);
    }
}
