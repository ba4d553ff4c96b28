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

impl Default for Display {
    fn default() -> Self {
        Display { hidden_levels: RwSignal::new([false; 5]), wrap: RwSignal::new(true), relative: RwSignal::new(false) }
    }
}
