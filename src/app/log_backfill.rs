//! Opening a long run shows its tail first: the first read asks for only the
//! newest [`TAIL_LINES`] (the older lines come as an outline: counts, error
//! seqs, case headers), so the reader sees the end of the log after one small
//! reply. Older lines are drawn when the reader scrolls up toward the oldest
//! drawn one, a read at a time, above it and without moving what is on screen
//! (`dom::hold_view`), until the page's line budget is full; past it the
//! notice's "show every line" and the jumps reach them. A page nobody scrolls
//! up in draws only its tail: drawing the whole budget in the background was
//! measured at 2.4–2.8 s of main-thread work for a finished 100,000-line run,
//! against 0.4 s for the tail alone (each slice costs the browser a frame).

use super::log_state::LogState;
use leptos::prelude::*;

/// Lines the first read of a run asks for when older ones may be summarized.
pub const TAIL_LINES: u64 = 500;
/// Lines per read of older lines.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const READ_LINES: usize = 1_000;
/// Lines drawn per browser task.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const SLICE_LINES: usize = 500;

/// The reader scrolled to within this many screens of the oldest drawn line.
pub const NEAR_TOP_SCREENS: i32 = 2;

/// Starts drawing the lines older than the drawn ones, if any are left within
/// the line budget and no such read is under way.
pub fn load_older(state: LogState, pre: NodeRef<leptos::html::Pre>) {
    let (Some(run), Some((after, n))) = (state.run.get_untracked(), state.backfill_range(READ_LINES)) else { return };
    if state.loading_older.get_value() {
        return;
    }
    state.loading_older.set_value(true);
    leptos::task::spawn_local(async move {
        read_older(run, after, n, state, pre).await;
        state.loading_older.set_value(false);
    });
}

/// Reads `(after, after + n]` and draws it above the drawn lines, newest
/// slice first. It stops, leaving the rest summarized, when the read fails or
/// the view changed meanwhile (another run, a reload, newer lines pushing the
/// oldest out): then the lines above no longer end at `after + n`.
#[allow(unused_variables)]
async fn read_older(run: u64, after: u64, n: usize, state: LogState, pre: NodeRef<leptos::html::Pre>) {
    #[cfg(feature = "hydrate")]
    {
        let top = after + n as u64;
        let epoch = state.reload.get_untracked();
        let still = move |hi: u64| {
            state.run.get_untracked() == Some(run)
                && state.reload.get_untracked() == epoch
                && state.trimmed.get_untracked() == hi
        };
        let Ok(page) = super::log_view::read_log(run, Some(after), Some(n as u32), None).await else { return };
        // Where seqs skip (a gap marker stands for dropped lines), the read
        // runs on into lines already drawn: those are not drawn again.
        let lines = &page.lines[..page.lines.partition_point(|l| l.seq <= top)];
        let mut hi = top;
        let mut slices = lines.rchunks(SLICE_LINES).peekable();
        loop {
            if !still(hi) {
                return;
            }
            let slice = slices.next().unwrap_or(&[]);
            let lo = if slices.peek().is_some() { slice[0].seq - 1 } else { after };
            if state.follow.get_untracked() {
                state.insert_older(slice, lo);
                super::dom::after_append(state, pre);
            } else {
                let put_back = super::dom::hold_view(pre);
                state.insert_older(slice, lo);
                put_back();
            }
            hi = lo;
            if lo == after {
                return;
            }
            gloo_timers::future::TimeoutFuture::new(0).await;
        }
    }
}
