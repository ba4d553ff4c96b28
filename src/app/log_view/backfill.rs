//! Older lines above a long run's tail. Opening a long run shows its tail
//! first (`poll::TAIL_LINES`; the older lines come as an outline: counts,
//! error seqs, case headers). Older lines are drawn when the reader scrolls
//! up toward the oldest drawn one (`scroll.rs` decides when), a read at a
//! time, above it and without moving what is on screen, until the page's
//! line budget is full; past it the notice's "show every line" and the jumps
//! reach them. A page nobody scrolls up in draws only its tail: drawing the
//! whole budget in the background would cost a long run's page seconds of
//! main-thread work (each slice costs the browser a frame) for lines the
//! reader may never look at.

use super::permalink::after_append;
use super::poll::read_log;
use super::state::LogState;
use crate::app::browser;
use leptos::prelude::*;

/// Lines per read of older lines.
const READ_LINES: usize = 1_000;
/// Lines drawn per browser task.
const SLICE_LINES: usize = 500;

/// Starts drawing the lines older than the drawn ones, if any are left within
/// the line budget and no such read is under way.
pub fn load_older(state: LogState, pre: NodeRef<leptos::html::Pre>) {
    let (Some(run), Some((after, n))) = (state.run.get_untracked(), state.budget.backfill_range(READ_LINES)) else {
        return;
    };
    if state.budget.loading_older.get_value() {
        return;
    }
    state.budget.loading_older.set_value(true);
    leptos::task::spawn_local(async move {
        read_older(run, after, n, state, pre).await;
        state.budget.loading_older.set_value(false);
    });
}

/// Reads `(after, after + n]` and draws it above the drawn lines, newest
/// slice first. It stops, leaving the rest summarized, when the read fails or
/// the view changed meanwhile (another run, a reload, newer lines pushing the
/// oldest out): then the lines above no longer end at `after + n`.
async fn read_older(run: u64, after: u64, n: usize, state: LogState, pre: NodeRef<leptos::html::Pre>) {
    let top = after + n as u64;
    let epoch = state.reload.get_untracked();
    let still = move |hi: u64| {
        state.run.get_untracked() == Some(run)
            && state.reload.get_untracked() == epoch
            && state.budget.trimmed.get_untracked() == hi
    };
    let Ok(page) = read_log(run, Some(after), Some(n as u32), None).await else { return };
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
        if state.follow.on.get_untracked() {
            state.insert_older(slice, lo);
            after_append(state, pre);
        } else {
            let put_back = browser::hold_view(pre);
            state.insert_older(slice, lo);
            put_back();
        }
        hi = lo;
        if lo == after {
            return;
        }
        browser::next_task().await;
    }
}
