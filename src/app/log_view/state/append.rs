//! How lines enter the page and leave it. `append` is the one place a reply's
//! lines from the server enter; `apply_outline` takes the summary of lines
//! the page will not draw; `insert_older` draws lines the reader scrolled up
//! to; `trim` keeps a followed run within the line budget. Here the lines
//! meet the budget, follow mode and a pending permalink, so these are
//! `LogState`'s.

use super::budget::{DRAWN_TAIL, DRAW_ALL_UPTO};
use super::LogState;
use crate::model::{LogLine, LogOutline};
use leptos::prelude::*;

impl LogState {
    /// Adds a page of lines: one chunk per case section they belong to.
    pub fn append(&self, lines: &[LogLine]) {
        let Some(first) = lines.first() else { return };
        self.lines.start_clock(Some(first.ts));
        let raw = self.raw_url();
        self.lines.tally(lines);
        let skip = self.unrendered_upto();
        let opening = self.budget.dom_lines.get_value() == 0;
        let drawn_from =
            if self.budget_applies() && (lines.len() > DRAW_ALL_UPTO || (opening && lines.len() > DRAWN_TAIL)) {
                self.budget.deferring.update_value(|n| *n += 1);
                lines[lines.len() - DRAWN_TAIL].seq
            } else {
                0
            };
        let mut start = 0;
        while start < lines.len() {
            let case = &lines[start].case;
            let len = lines[start..].iter().take_while(|l| &l.case == case).count();
            self.append_group(&lines[start..start + len], &raw, skip, drawn_from);
            start += len;
        }
        if !self.follow.on.get_untracked() {
            // Lines the run had written before the page opened it are no
            // news: loading them (a long or finished run read after a
            // permalink) must not say "N new lines".
            let at_open = self.progress.at_open.get_value();
            let new = lines.len() - lines.partition_point(|l| l.seq <= at_open);
            if new > 0 {
                self.follow.unseen.update(|n| *n += new as u64);
            }
        }
    }

    /// Lines up to this seq would leave the page as soon as they entered it
    /// (following, and at least the line budget newer than them exists):
    /// they are counted but never rendered. Opening a long finished run, or
    /// coming back to a hidden tab, renders only the tail the page keeps.
    fn unrendered_upto(&self) -> u64 {
        if !self.budget_applies() || self.target.pending.get_value().is_some() {
            return 0;
        }
        self.progress.total.get_untracked().saturating_sub(self.budget.max_dom_lines.get_value() as u64)
    }

    fn append_group(&self, group: &[LogLine], raw: &str, skip: u64, drawn_from: u64) {
        // A gap marker is always drawn (where lines are missing is what the
        // reader must see), and it does not count against the line budget.
        let skipped = group.iter().take_while(|l| l.seq <= skip && !l.is_gap()).count();
        if skipped > 0 {
            let last = group[skipped - 1].seq;
            self.budget.trimmed.update(|t| *t = (*t).max(last));
        }
        let section = self.lines.section_for(group[0].seq, &group[0].case);
        self.push_chunks(&section, &group[skipped..], raw, drawn_from);
        if let Some(end) = group.iter().rev().find_map(|l| l.end.as_ref()) {
            // Cases run in parallel interleave: each stretch of a case's lines
            // is a section of its own, and all of them end with the case.
            self.lines.end_case(&group[0].case, end);
        }
    }

    /// Renders `rows` into `section` and counts them against the budget.
    fn push_chunks(&self, section: &super::lines::Section, rows: &[LogLine], raw: &str, drawn_from: u64) {
        let relative = self.display.relative.get_untracked();
        let added = self.lines.push_chunks(section, rows, relative, raw, drawn_from);
        self.budget.dom_lines.update_value(|n| *n += added);
    }

    /// Takes in the summary of lines the page will not draw (older than its
    /// line budget, asked for with `keep`): their counts, error seqs, case
    /// headers and gap markers, as if they had come and left the page.
    pub fn apply_outline(&self, o: &LogOutline) {
        self.lines.start_clock(o.first_ts);
        self.lines.counts.update(|c| c.iter_mut().zip(o.counts).for_each(|(c, n)| *c += n));
        if !o.problems.is_empty() {
            self.lines.problems.update(|p| p.extend_from_slice(&o.problems));
        }
        if o.last_line > 0 {
            self.budget.trimmed.update(|t| *t = (*t).max(o.last_line));
        }
        let raw = self.raw_url();
        let mut gaps = o.gaps.as_slice();
        for (i, mark) in o.sections.iter().enumerate() {
            let section = self.lines.section_for(mark.first, &mark.case);
            let next = o.sections.get(i + 1).map_or(u64::MAX, |m| m.first);
            let mine = gaps.iter().take_while(|g| g.seq < next).count();
            self.push_chunks(&section, &gaps[..mine], &raw, 0);
            gaps = &gaps[mine..];
            if let Some(end) = &mark.end {
                self.lines.end_case(&mark.case, end);
            }
        }
    }

    /// Draws `lines`, the ones in `(after, trimmed]`, above the drawn ones
    /// (the reader scrolled up to them, see `backfill`).
    /// They were counted with the outline, so they are only drawn (their gap
    /// markers already are), each into the section the outline made for it.
    pub fn insert_older(&self, lines: &[LogLine], after: u64) {
        let raw = self.raw_url();
        let mut rest = lines;
        while let Some(first) = rest.iter().position(|l| !l.is_gap()) {
            rest = &rest[first..];
            let seq = rest[0].seq;
            let next = self.lines.next_section_after(seq);
            let len = rest.iter().take_while(|l| !l.is_gap() && l.seq < next).count();
            if let Some(section) = self.lines.section_of(seq) {
                self.push_chunks(&section, &rest[..len], &raw, 0);
            }
            rest = &rest[len..];
        }
        // Lines a drawn gap marker stands for are missing, not left the page.
        let mut after = after;
        while let Some(first) = self.lines.drawn_gap_at(after) {
            after = first - 1;
        }
        self.budget.trimmed.set(after);
    }

    /// While following, drops the oldest chunks beyond the page's line budget.
    pub fn trim(&self) {
        if !self.budget_applies() {
            return;
        }
        let max = self.budget.max_dom_lines.get_value();
        let mut excess = self.budget.dom_lines.get_value().saturating_sub(max);
        if excess == 0 {
            return;
        }
        let mut trimmed = self.budget.trimmed.get_untracked();
        for section in self.lines.sections.get_untracked() {
            if excess == 0 {
                break;
            }
            section.chunks.update(|chunks| {
                let mut k = 0;
                while k < chunks.len() && excess > 0 {
                    let lines = chunks[k].lines();
                    excess = excess.saturating_sub(lines);
                    self.budget.dom_lines.update_value(|n| *n -= lines);
                    trimmed = trimmed.max(chunks[k].last());
                    k += 1;
                }
                chunks.drain(..k);
            });
        }
        self.budget.trimmed.set(trimmed);
    }
}
