//! How the reader chose to see the log: levels hidden, wrapping, time format.
//! These outlive a change of run.

use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Display {
    /// Per level (in `Level::ALL` order): its lines are hidden.
    pub hidden_levels: RwSignal<[bool; 5]>,
    pub wrap: RwSignal<bool>,
    /// Relative times (`+1.234s`) instead of the clock.
    pub relative: RwSignal<bool>,
}

impl Display {
    /// The line classes of the hidden levels (`lv-DEBUG`…): what a copy leaves out.
    pub fn hidden_classes(&self) -> Vec<String> {
        let hidden = self.hidden_levels.get_untracked();
        crate::model::Level::ALL.iter().zip(hidden).filter(|(_, h)| *h).map(|(l, _)| format!("lv-{l}")).collect()
    }
}

impl Default for Display {
    fn default() -> Self {
        Display { hidden_levels: RwSignal::new([false; 5]), wrap: RwSignal::new(true), relative: RwSignal::new(false) }
    }
}
