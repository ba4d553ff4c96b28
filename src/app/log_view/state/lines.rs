//! The run's lines as the page holds them: case sections of rendered chunks,
//! the level counts and the seqs of the ERROR/CRITICAL lines.

use crate::app::log_view::render::{chunk_html, line_inner_html, Stamps};
use crate::model::{CaseEnd, Level, LogLine};
use leptos::prelude::*;
use std::sync::Arc;

/// Lines per rendered chunk. Small chunks: each is its own
/// `content-visibility` box, so only the few on screen are laid out, however
/// many lines a poll brings.
pub const CHUNK_LINES: usize = 100;

/// Up to `CHUNK_LINES` consecutive lines of one section, as rendered HTML,
/// with the lines themselves (to render them again in the other time view,
/// or one of them with its search match marked).
#[derive(Clone)]
pub struct Chunk {
    pub id: u64,
    /// `None`: a placeholder, drawn later (see `budget::DRAW_ALL_UPTO`).
    pub html: Option<Arc<str>>,
    /// Rendered in the relative-time view.
    pub relative: bool,
    pub rows: Arc<[LogLine]>,
}

impl Chunk {
    /// Its last seq (for trimming).
    pub fn last(&self) -> u64 {
        self.rows.last().map_or(self.id, |l| l.seq)
    }

    /// How many log lines it holds, gap markers not counted (the line budget's unit).
    pub fn lines(&self) -> usize {
        count_lines(&self.rows)
    }
}

pub fn count_lines(rows: &[LogLine]) -> usize {
    rows.iter().filter(|l| !l.is_gap()).count()
}

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

/// The lines of the run in the page, in seq order.
#[derive(Clone, Copy, Default)]
pub struct Lines {
    pub sections: RwSignal<Vec<Section>>,
    pub counts: RwSignal<[u64; 5]>,
    /// Seqs of ERROR and CRITICAL lines, in order.
    pub problems: RwSignal<Vec<u64>>,
    /// The run's first timestamp (relative times count from it).
    t0: StoredValue<Option<i64>>,
}

impl Lines {
    pub fn reset(&self) {
        self.sections.set(Vec::new());
        self.counts.set([0; 5]);
        self.problems.set(Vec::new());
        self.t0.set_value(None);
    }

    /// The run's first timestamp, once known.
    pub fn t0(&self) -> i64 {
        self.t0.get_value().unwrap_or(0)
    }

    /// The run's first timestamp, set by the first lines (or outline) to come.
    pub fn start_clock(&self, ts: Option<i64>) -> i64 {
        match self.t0.get_value() {
            Some(t) => t,
            None => {
                self.t0.set_value(ts);
                ts.unwrap_or(0)
            }
        }
    }

    /// Counts the levels of `lines` and notes their ERROR/CRITICAL seqs.
    pub fn tally(&self, lines: &[LogLine]) {
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
    }

    /// The section a group of lines of `case` starting at `first` goes to:
    /// the last one if it is the same case and still running, else a new one.
    pub fn section_for(&self, first: u64, case: &Option<String>) -> Section {
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
    /// `drawn_from` are placeholders. Returns the log lines added.
    pub fn push_chunks(
        &self,
        section: &Section,
        rows: &[LogLine],
        relative: bool,
        raw: &str,
        drawn_from: u64,
    ) -> usize {
        if rows.is_empty() {
            return 0;
        }
        let t0 = self.t0();
        // Cut from the end, so a drawn tail (`budget::DRAWN_TAIL`) fills whole chunks.
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
        // In seq order: new lines go last, older ones (scrolled up to) before the drawn ones.
        section.chunks.update(|c| {
            let at = c.partition_point(|x| x.id < rows[0].seq);
            c.splice(at..at, chunks);
        });
        count_lines(rows)
    }

    /// The section holding `seq` (sections are in seq order).
    pub fn section_of(&self, seq: u64) -> Option<Section> {
        self.sections.with_untracked(|s| s.iter().rev().find(|x| x.id <= seq).cloned())
    }

    /// The first seq of the section after the one holding `seq` (`u64::MAX`: none).
    pub fn next_section_after(&self, seq: u64) -> u64 {
        self.sections.with_untracked(|s| s.iter().find(|x| x.id > seq).map_or(u64::MAX, |x| x.id))
    }

    /// The first seq of the drawn gap marker ending at `seq`, if there is one.
    pub fn drawn_gap_at(&self, seq: u64) -> Option<u64> {
        let section = self.section_of(seq)?;
        section.chunks.with_untracked(|c| {
            c.iter().flat_map(|c| c.rows.iter()).find(|l| l.seq == seq && l.is_gap()).map(LogLine::first_seq)
        })
    }

    /// Renders every chunk in the page again in the time view now chosen
    /// (the switch is rare; the page's text stays the same).
    pub fn rerender(&self, relative: bool, raw: &str) {
        let t0 = self.t0();
        for section in self.sections.get_untracked() {
            if section.chunks.with_untracked(|c| c.iter().any(|c| c.relative != relative)) {
                section.chunks.update(|chunks| {
                    for c in chunks.iter_mut().filter(|c| c.relative != relative) {
                        c.html = Some(Arc::from(chunk_html(&c.rows, t0, relative, raw)));
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
    pub fn draw_placeholder(&self, id: u64, raw: &str) -> Option<Arc<str>> {
        let section = self.section_of(id)?;
        let t0 = self.t0();
        section
            .chunks
            .try_update_untracked(|chunks| {
                let c = chunks.iter_mut().find(|c| c.id == id && c.html.is_none())?;
                let html: Arc<str> = Arc::from(chunk_html(&c.rows, t0, c.relative, raw));
                c.html = Some(html.clone());
                Some(html)
            })
            .flatten()
    }

    /// Whether a chunk of the page is still a placeholder (see `budget::DRAW_ALL_UPTO`).
    pub fn has_placeholders(&self) -> bool {
        self.sections
            .with_untracked(|s| s.iter().any(|x| x.chunks.with_untracked(|c| c.iter().any(|c| c.html.is_none()))))
    }

    /// The inner HTML of rendered line `seq` with the matches of `q` marked.
    pub fn marked_line(&self, seq: u64, q: &str, relative: bool) -> Option<String> {
        let line = self.with_chunk_of(seq, |c| c.rows.iter().find(|l| l.seq == seq).cloned())?;
        let mut out = String::new();
        line_inner_html(&line, self.t0(), relative, Some(q), &mut Stamps::default(), &mut out);
        Some(out)
    }

    /// Case durations of the finished cases, for the summary chart.
    /// Each case once (a parallel case's lines may be in several sections).
    pub fn case_durations(&self) -> Vec<(String, CaseEnd)> {
        let mut seen = std::collections::HashSet::new();
        self.sections.with(|s| {
            s.iter()
                .filter_map(|x| Some((x.case.clone()?, x.end.get()?)))
                .filter(|(case, _)| seen.insert(case.clone()))
                .collect()
        })
    }

    /// `case` has ended: every section of its lines still open ends with it.
    pub fn end_case(&self, case: &Option<String>, end: &CaseEnd) {
        let open: Vec<Section> = self.sections.with_untracked(|s| {
            s.iter().filter(|x| &x.case == case && x.end.get_untracked().is_none()).cloned().collect()
        });
        for section in &open {
            end_section(section, end);
        }
    }
}

/// A case's last line has come: its header shows the outcome; passed and
/// skipped cases fold away (unless the reader opened them, or a line in them
/// is being shown), failed and errored ones stay open.
pub fn end_section(section: &Section, end: &CaseEnd) {
    if end.outcome.is_quiet() && !section.keep_open.get_value() {
        section.open.set(false);
    }
    section.end.set(Some(end.clone()));
}
