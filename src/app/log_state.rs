//! The log view's state: the run's lines grouped into case sections of
//! chunks, level counts, follow mode, search hits. `append` is the one place
//! a page of lines from the server enters the page.

use super::log_render::{chunk_html, line_inner_html, Stamps};
use crate::model::{CaseEnd, Level, LogLine, LogOutline, RunInfo};
use leptos::prelude::*;
use std::sync::Arc;

/// Lines per rendered chunk.
const CHUNK_LINES: usize = 100;
/// An append of up to this many lines is drawn whole. A larger one, while
/// following, draws only its newest `DRAWN_TAIL` lines (what the reader
/// sees at the bottom) and leaves the rest as placeholders of their height,
/// drawn when they come near the view (`dom::draw_near`) or once the stream
/// slows down (`dom::draw_deferred`). At 5,000 lines/s most lines leave the
/// page's line budget before anyone could scroll to them, and drawing them
/// (parsing, style, the collector tracing their nodes) was most of the
/// page's work.
pub const DRAW_ALL_UPTO: usize = 500;
/// One chunk: a screen of up to 100 lines, a tall one included. Chunks are
/// cut from the end of each append, so the drawn tail is exactly one chunk,
/// and each poll's style, layout and paint cover these lines only.
///
/// The page's first lines (a run's opening reply, a long run's tail) draw
/// only this tail too, if they are more than it: that task also runs the
/// page's drawing code for the first time (the browser compiles wasm
/// functions on first use), and the placeholders above it are drawn one
/// chunk per task right after.
const DRAWN_TAIL: usize = CHUNK_LINES;

/// Up to `CHUNK_LINES` consecutive lines of one section, as rendered HTML,
/// with the lines themselves (to render them again in the other time view,
/// or one of them with its search match marked).
#[derive(Clone)]
pub struct Chunk {
    pub id: u64,
    /// `None`: a placeholder, drawn later (see `DRAW_ALL_UPTO`).
    pub html: Option<Arc<str>>,
    /// Rendered in the relative-time view.
    pub relative: bool,
    pub rows: Arc<[LogLine]>,
}

impl Chunk {
    /// Its last seq (for trimming).
    fn last(&self) -> u64 {
        self.rows.last().map_or(self.id, |l| l.seq)
    }

    /// How many log lines it holds, gap markers not counted (the line budget's unit).
    fn lines(&self) -> usize {
        count_lines(&self.rows)
    }
}

fn count_lines(rows: &[LogLine]) -> usize {
    rows.iter().filter(|l| !l.is_gap()).count()
}

/// Lines kept in the page while following; older chunks leave the DOM
/// (search, jumps and permalinks bring them back), so a long run costs the
/// tab a bounded amount of memory and work.
pub const DEFAULT_MAX_DOM_LINES: usize = 10_000;

/// Consecutive lines of one case (or of the run itself, `case: None`).
#[derive(Clone)]
pub struct Section {
    /// The seq of its first line.
    pub id: u64,
    pub case: Option<String>,
    pub end: RwSignal<Option<CaseEnd>>,
    pub chunks: RwSignal<Vec<Chunk>>,
    pub open: RwSignal<bool>,
    /// Opened by the reader or to show a line in it: its end does not fold it.
    pub keep_open: StoredValue<bool>,
}

/// Where the poller stands, as the header shows it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Feed {
    Idle,
    Live,
    Reconnecting,
    Hidden,
    Done,
}

impl Feed {
    pub fn as_str(self) -> &'static str {
        match self {
            Feed::Idle => "idle",
            Feed::Live => "live",
            Feed::Reconnecting => "reconnecting",
            Feed::Hidden => "paused (tab hidden)",
            Feed::Done => "done",
        }
    }
}

/// All signals of the view; `Copy`, so closures take it by value.
#[derive(Clone, Copy)]
pub struct LogState {
    pub run: RwSignal<Option<u64>>,
    pub sections: RwSignal<Vec<Section>>,
    pub counts: RwSignal<[u64; 5]>,
    /// Seqs of ERROR and CRITICAL lines, in order.
    pub problems: RwSignal<Vec<u64>>,
    pub feed: RwSignal<Feed>,
    pub shown: RwSignal<u64>,
    pub total: RwSignal<u64>,
    pub follow: RwSignal<bool>,
    /// Lines that arrived while follow was off.
    pub unseen: RwSignal<u64>,
    pub hidden_levels: RwSignal<[bool; 5]>,
    pub wrap: RwSignal<bool>,
    pub relative: RwSignal<bool>,
    pub query: RwSignal<String>,
    pub hits: RwSignal<Vec<u64>>,
    pub hits_more: RwSignal<bool>,
    pub hit: RwSignal<Option<usize>>,
    pub searched: StoredValue<u64>,
    /// The log pane's scrollTop and scrollHeight at the last scroll event.
    pub last_scroll: StoredValue<(i32, i32)>,
    /// When the reader last touched the log (ms since the epoch).
    pub intent_at: StoredValue<f64>,
    /// A scroll-to-bottom is already scheduled for the next frame.
    pub pin_pending: StoredValue<bool>,
    /// Counts the appends that left placeholders and the calls of
    /// `dom::draw_deferred`: drawing them stops when the count moves on.
    pub deferring: StoredValue<u64>,
    /// The line picked in the gutter (copy line / copy link).
    pub selected: RwSignal<Option<u64>>,
    /// A `#L<seq>` to show once that line has arrived.
    pub pending_target: StoredValue<Option<u64>>,
    t0: StoredValue<Option<i64>>,
    /// Lines currently rendered, and the highest seq trimmed out of the page.
    pub dom_lines: StoredValue<usize>,
    pub trimmed: RwSignal<u64>,
    /// A read of lines older than the drawn ones is under way.
    pub loading_older: StoredValue<bool>,
    /// Render every line (the user asked for it, or jumped to a trimmed one).
    pub keep_all: RwSignal<bool>,
    pub max_dom_lines: StoredValue<usize>,
    /// Bumped to restart the view from line 1.
    pub reload: RwSignal<u32>,
    /// The run list, shared with the runs panel (status, counts).
    pub runs: RwSignal<Vec<RunInfo>>,
}

impl LogState {
    pub fn new(runs: RwSignal<Vec<RunInfo>>) -> Self {
        LogState {
            run: RwSignal::new(None),
            sections: RwSignal::new(Vec::new()),
            counts: RwSignal::new([0; 5]),
            problems: RwSignal::new(Vec::new()),
            feed: RwSignal::new(Feed::Idle),
            shown: RwSignal::new(0),
            total: RwSignal::new(0),
            follow: RwSignal::new(true),
            unseen: RwSignal::new(0),
            hidden_levels: RwSignal::new([false; 5]),
            wrap: RwSignal::new(true),
            relative: RwSignal::new(false),
            query: RwSignal::new(String::new()),
            hits: RwSignal::new(Vec::new()),
            hits_more: RwSignal::new(false),
            hit: RwSignal::new(None),
            searched: StoredValue::new(0),
            selected: RwSignal::new(None),
            last_scroll: StoredValue::new((0, 0)),
            intent_at: StoredValue::new(f64::NEG_INFINITY),
            pin_pending: StoredValue::new(false),
            deferring: StoredValue::new(0),
            dom_lines: StoredValue::new(0),
            trimmed: RwSignal::new(0),
            loading_older: StoredValue::new(false),
            keep_all: RwSignal::new(false),
            max_dom_lines: StoredValue::new(DEFAULT_MAX_DOM_LINES),
            reload: RwSignal::new(0),
            pending_target: StoredValue::new(None),
            t0: StoredValue::new(None),
            runs,
        }
    }

    /// Forgets everything shown: a new run was selected.
    pub fn reset(&self, run: Option<u64>) {
        self.run.set(run);
        self.sections.set(Vec::new());
        self.counts.set([0; 5]);
        self.problems.set(Vec::new());
        self.feed.set(Feed::Idle);
        self.shown.set(0);
        self.total.set(0);
        self.follow.set(true);
        self.unseen.set(0);
        self.hits.set(Vec::new());
        self.hits_more.set(false);
        self.hit.set(None);
        self.searched.set_value(0);
        self.selected.set(None);
        self.last_scroll.set_value((0, 0));
        self.dom_lines.set_value(0);
        self.trimmed.set(0);
        self.loading_older.set_value(false);
        self.t0.set_value(None);
    }

    pub fn raw_url(&self) -> String {
        format!("/api/log.txt?run={}", self.run.get_untracked().unwrap_or(0))
    }

    /// Adds a page of lines: one chunk per case section they belong to.
    pub fn append(&self, lines: &[LogLine]) {
        let Some(first) = lines.first() else { return };
        let t0 = match self.t0.get_value() {
            Some(t) => t,
            None => {
                self.t0.set_value(Some(first.ts));
                first.ts
            }
        };
        let raw = self.raw_url();
        let mut counts = self.counts.get_untracked();
        let mut problems = Vec::new();
        for l in lines.iter().filter(|l| !l.is_gap()) {
            counts[l.level.index()] += 1;
            if l.level >= Level::Error {
                problems.push(l.seq);
            }
        }
        self.counts.set(counts);
        if !problems.is_empty() {
            self.problems.update(|p| p.extend(problems));
        }
        let skip = self.unrendered_upto();
        let opening = self.dom_lines.get_value() == 0;
        let drawn_from =
            if self.budget_applies() && (lines.len() > DRAW_ALL_UPTO || (opening && lines.len() > DRAWN_TAIL)) {
                self.deferring.update_value(|n| *n += 1);
                lines[lines.len() - DRAWN_TAIL].seq
            } else {
                0
            };
        let mut start = 0;
        while start < lines.len() {
            let case = &lines[start].case;
            let len = lines[start..].iter().take_while(|l| &l.case == case).count();
            self.append_group(&lines[start..start + len], t0, &raw, skip, drawn_from);
            start += len;
        }
        if !self.follow.get_untracked() {
            self.unseen.update(|n| *n += lines.len() as u64);
        }
    }

    /// The line budget holds while following, unless every line was asked for.
    pub fn budget_applies(&self) -> bool {
        self.follow.get_untracked() && !self.keep_all.get_untracked()
    }

    /// Lines up to this seq would leave the page as soon as they entered it
    /// (following, and at least the line budget newer than them exists):
    /// they are counted but never rendered. Opening a long finished run, or
    /// coming back to a hidden tab, renders only the tail the page keeps.
    fn unrendered_upto(&self) -> u64 {
        if !self.budget_applies() || self.pending_target.get_value().is_some() {
            return 0;
        }
        self.total.get_untracked().saturating_sub(self.max_dom_lines.get_value() as u64)
    }

    fn append_group(&self, group: &[LogLine], t0: i64, raw: &str, skip: u64, drawn_from: u64) {
        // A gap marker is always drawn (where lines are missing is what the
        // reader must see), and it does not count against the line budget.
        let skipped = group.iter().take_while(|l| l.seq <= skip && !l.is_gap()).count();
        if skipped > 0 {
            let last = group[skipped - 1].seq;
            self.trimmed.update(|t| *t = (*t).max(last));
        }
        let section = self.section_for(group[0].seq, &group[0].case);
        self.push_chunks(&section, &group[skipped..], t0, raw, drawn_from);
        if let Some(end) = group.iter().rev().find_map(|l| l.end.as_ref()) {
            end_section(&section, end);
        }
    }

    /// Takes in the summary of lines the page will not draw (older than its
    /// line budget, asked for with `keep`): their counts, error seqs, case
    /// headers and gap markers, as if they had come and left the page.
    pub fn apply_outline(&self, o: &LogOutline) {
        if self.t0.get_value().is_none() {
            self.t0.set_value(o.first_ts);
        }
        self.counts.update(|c| c.iter_mut().zip(o.counts).for_each(|(c, n)| *c += n));
        if !o.problems.is_empty() {
            self.problems.update(|p| p.extend_from_slice(&o.problems));
        }
        if o.last_line > 0 {
            self.trimmed.update(|t| *t = (*t).max(o.last_line));
        }
        let (t0, raw) = (self.t0.get_value().unwrap_or(0), self.raw_url());
        let mut gaps = o.gaps.as_slice();
        for (i, mark) in o.sections.iter().enumerate() {
            let section = self.section_for(mark.first, &mark.case);
            let next = o.sections.get(i + 1).map_or(u64::MAX, |m| m.first);
            let mine = gaps.iter().take_while(|g| g.seq < next).count();
            self.push_chunks(&section, &gaps[..mine], t0, &raw, 0);
            gaps = &gaps[mine..];
            if let Some(end) = &mark.end {
                end_section(&section, end);
            }
        }
    }

    /// The section a group of lines of `case` starting at `first` goes to:
    /// the last one if it is the same case and still running, else a new one.
    fn section_for(&self, first: u64, case: &Option<String>) -> Section {
        let last = self
            .sections
            .with_untracked(|s| s.last().filter(|s| &s.case == case && s.end.get_untracked().is_none()).cloned());
        last.unwrap_or_else(|| {
            let s = Section {
                id: first,
                case: case.clone(),
                end: RwSignal::new(None),
                chunks: RwSignal::new(Vec::new()),
                open: RwSignal::new(true),
                keep_open: StoredValue::new(false),
            };
            self.sections.update(|v| v.push(s.clone()));
            s
        })
    }

    /// Renders `rows` into the section as chunks; those ending before seq
    /// `drawn_from` are placeholders.
    fn push_chunks(&self, section: &Section, rows: &[LogLine], t0: i64, raw: &str, drawn_from: u64) {
        if rows.is_empty() {
            return;
        }
        let relative = self.relative.get_untracked();
        // Small chunks: each is its own `content-visibility` box, so only the
        // few on screen are laid out, however many lines a poll brings. Cut
        // from the end, so a drawn tail (`DRAWN_TAIL`) fills whole chunks.
        let chunks: Vec<Chunk> = rows
            .rchunks(CHUNK_LINES)
            .rev()
            .map(|c| Chunk {
                id: c[0].seq,
                html: (c[c.len() - 1].seq >= drawn_from).then(|| Arc::from(chunk_html(c, t0, relative, raw))),
                relative,
                rows: Arc::from(c),
            })
            .collect();
        self.dom_lines.update_value(|n| *n += count_lines(rows));
        // In seq order: new lines go last, older ones (scrolled up to) before the drawn ones.
        section.chunks.update(|c| {
            let at = c.partition_point(|x| x.id < rows[0].seq);
            c.splice(at..at, chunks);
        });
    }

    /// The next read of older lines (newest first): `(after, limit)` for the lines
    /// just older than the oldest drawn one, as many as the line budget still
    /// has room for (at most `max`), or `None` when the budget is full or
    /// every line is drawn.
    pub fn backfill_range(&self, max: usize) -> Option<(u64, usize)> {
        let room = self.max_dom_lines.get_value().saturating_sub(self.dom_lines.get_value());
        let top = self.trimmed.get_untracked();
        let n = room.min(max).min(top as usize);
        (n > 0).then(|| (top - n as u64, n))
    }

    /// Draws `lines`, the ones in `(after, trimmed]`, above the drawn ones
    /// (the reader scrolled up to them, see `log_backfill`).
    /// They were counted with the outline, so they are only drawn (their gap
    /// markers already are), each into the section the outline made for it.
    pub fn insert_older(&self, lines: &[LogLine], after: u64) {
        let (t0, raw) = (self.t0.get_value().unwrap_or(0), self.raw_url());
        let mut rest = lines;
        while let Some(first) = rest.iter().position(|l| !l.is_gap()) {
            rest = &rest[first..];
            let seq = rest[0].seq;
            let next = self.sections.with_untracked(|s| s.iter().find(|x| x.id > seq).map_or(u64::MAX, |x| x.id));
            let len = rest.iter().take_while(|l| !l.is_gap() && l.seq < next).count();
            if let Some(section) = self.section_of(seq) {
                self.push_chunks(&section, &rest[..len], t0, &raw, 0);
            }
            rest = &rest[len..];
        }
        // Lines a drawn gap marker stands for are missing, not left the page.
        let mut after = after;
        while let Some(first) = self.drawn_gap_at(after) {
            after = first - 1;
        }
        self.trimmed.set(after);
    }

    /// The first seq of the drawn gap marker ending at `seq`, if there is one.
    fn drawn_gap_at(&self, seq: u64) -> Option<u64> {
        let section = self.section_of(seq)?;
        section.chunks.with_untracked(|c| {
            c.iter().flat_map(|c| c.rows.iter()).find(|l| l.seq == seq && l.is_gap()).map(LogLine::first_seq)
        })
    }

    /// While following, drops the oldest chunks beyond the page's line budget.
    pub fn trim(&self) {
        if !self.budget_applies() {
            return;
        }
        let max = self.max_dom_lines.get_value();
        let mut excess = self.dom_lines.get_value().saturating_sub(max);
        if excess == 0 {
            return;
        }
        let mut trimmed = self.trimmed.get_untracked();
        for section in self.sections.get_untracked() {
            if excess == 0 {
                break;
            }
            section.chunks.update(|chunks| {
                let mut k = 0;
                while k < chunks.len() && excess > 0 {
                    let lines = chunks[k].lines();
                    excess = excess.saturating_sub(lines);
                    self.dom_lines.update_value(|n| *n -= lines);
                    trimmed = trimmed.max(chunks[k].last());
                    k += 1;
                }
                chunks.drain(..k);
            });
        }
        self.trimmed.set(trimmed);
    }

    /// Renders every chunk in the page again in the time view now chosen
    /// (the switch is rare; the page's text stays the same).
    pub fn rerender(&self) {
        let relative = self.relative.get_untracked();
        let (t0, raw) = (self.t0.get_value().unwrap_or(0), self.raw_url());
        for section in self.sections.get_untracked() {
            if section.chunks.with_untracked(|c| c.iter().any(|c| c.relative != relative)) {
                section.chunks.update(|chunks| {
                    for c in chunks.iter_mut().filter(|c| c.relative != relative) {
                        c.html = Some(Arc::from(chunk_html(&c.rows, t0, relative, &raw)));
                        c.relative = relative;
                    }
                });
            }
        }
    }

    /// `f` of the chunk holding line `seq`.
    fn with_chunk_of<T>(&self, seq: u64, f: impl FnOnce(&Chunk) -> Option<T>) -> Option<T> {
        let section = self.section_of(seq)?;
        section.chunks.with_untracked(|chunks| f(chunks.iter().rev().find(|c| c.id <= seq)?))
    }

    /// The first seq of the chunk holding `seq` (its element is `#C<first>`).
    pub fn chunk_of(&self, seq: u64) -> Option<u64> {
        self.with_chunk_of(seq, |c| Some(c.id))
    }

    /// Renders placeholder chunk `id` and keeps its HTML (its element is
    /// drawn in place, not rendered again); `None` if it is no placeholder.
    pub fn draw_placeholder(&self, id: u64) -> Option<Arc<str>> {
        let section = self.section_of(id)?;
        let (t0, raw) = (self.t0.get_value().unwrap_or(0), self.raw_url());
        section
            .chunks
            .try_update_untracked(|chunks| {
                let c = chunks.iter_mut().find(|c| c.id == id && c.html.is_none())?;
                let html: Arc<str> = Arc::from(chunk_html(&c.rows, t0, c.relative, &raw));
                c.html = Some(html.clone());
                Some(html)
            })
            .flatten()
    }

    /// Whether a chunk of the page is still a placeholder (see `DRAW_ALL_UPTO`).
    pub fn has_placeholders(&self) -> bool {
        self.sections
            .with_untracked(|s| s.iter().any(|x| x.chunks.with_untracked(|c| c.iter().any(|c| c.html.is_none()))))
    }

    /// The inner HTML of rendered line `seq` with the matches of `q` marked.
    pub fn marked_line(&self, seq: u64, q: &str) -> Option<String> {
        let line = self.with_chunk_of(seq, |c| c.rows.iter().find(|l| l.seq == seq).cloned())?;
        let mut out = String::new();
        let t0 = self.t0.get_value().unwrap_or(0);
        line_inner_html(&line, t0, self.relative.get_untracked(), Some(q), &mut Stamps::default(), &mut out);
        Some(out)
    }

    /// Starts over from line 1 rendering every line, then shows `target`.
    pub fn show_everything(&self, target: Option<u64>) {
        self.keep_all.set(true);
        self.pending_target.set_value(target);
        self.reload.update(|r| *r += 1);
    }

    /// The section holding `seq` (sections are in seq order).
    pub fn section_of(&self, seq: u64) -> Option<Section> {
        self.sections.with_untracked(|s| s.iter().rev().find(|x| x.id <= seq).cloned())
    }

    /// What to send as `keep`: while the line budget holds (and no line is
    /// awaited), lines older than the budget are not drawn, so the server may
    /// summarize them instead of sending them.
    pub fn keep(&self) -> Option<u64> {
        (self.budget_applies() && self.pending_target.get_value().is_none())
            .then(|| self.max_dom_lines.get_value() as u64)
    }

    /// Case durations of the finished cases, for the summary chart.
    pub fn case_durations(&self) -> Vec<(String, CaseEnd)> {
        self.sections.with(|s| s.iter().filter_map(|x| Some((x.case.clone()?, x.end.get()?))).collect())
    }
}

/// A case's last line has come: its header shows the outcome; passed and
/// skipped cases fold away (unless the reader opened them, or a line in them
/// is being shown), failed and errored ones stay open.
fn end_section(section: &Section, end: &CaseEnd) {
    if end.outcome.is_quiet() && !section.keep_open.get_value() {
        section.open.set(false);
    }
    section.end.set(Some(end.clone()));
}
