//! What a run of log lines comes to when a reader will not draw them: level
//! counts, the ERROR/CRITICAL seqs, where each case section starts and how it
//! ended, and the gap markers. The log view keeps only the newest lines of its
//! line budget while following; opening a long run (or a tab coming back)
//! asks for this summary of the older lines instead of the lines themselves,
//! so it downloads, decodes and counts only what it shows.

use super::{CaseEnd, Level, LogLine};
use serde::{Deserialize, Serialize};

/// The summary of the lines `after < seq <= upto` of one read.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LogOutline {
    /// The last seq it covers; the lines of the reply come after it.
    pub upto: u64,
    /// The last seq of a real line (not a gap marker) it covers, 0 if none.
    pub last_line: u64,
    /// The time of its first line (Unix ms), for the relative-time view.
    pub first_ts: Option<i64>,
    /// Lines per level, in [`Level::ALL`] order; gap markers not counted.
    pub counts: [u64; 5],
    /// Seqs of its ERROR and CRITICAL lines, in order.
    pub problems: Vec<u64>,
    /// Its case sections in order, grouped as the log view groups lines.
    pub sections: Vec<SectionMark>,
    /// Its gap markers (the view always draws them), in order.
    pub gaps: Vec<LogLine>,
}

/// Consecutive lines of one case (or of the run itself, `case: None`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SectionMark {
    /// The seq of its first line in the range.
    pub first: u64,
    pub case: Option<String>,
    /// Set when the case's last line is in the range.
    pub end: Option<CaseEnd>,
}

impl LogOutline {
    /// Adds the next line of the range. A section ends where the case changes
    /// or after a case's last line, the log view's own rule.
    pub fn add(&mut self, line: &LogLine) {
        self.upto = line.seq;
        self.first_ts.get_or_insert(line.ts);
        let continues = self.sections.last().is_some_and(|s| s.case == line.case && s.end.is_none());
        if !continues {
            self.sections.push(SectionMark { first: line.seq, case: line.case.clone(), end: None });
        }
        if let (Some(end), Some(s)) = (&line.end, self.sections.last_mut()) {
            s.end = Some(end.clone());
        }
        if line.is_gap() {
            self.gaps.push(line.clone());
            return;
        }
        self.last_line = line.seq;
        self.counts[line.level.index()] += 1;
        if line.level >= Level::Error {
            self.problems.push(line.seq);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(seq: u64, level: Level, case: Option<&str>, end: Option<&str>) -> LogLine {
        LogLine {
            seq,
            ts: 1_000 + seq as i64,
            level,
            msg: format!("line {seq}"),
            case: case.map(str::to_string),
            phase: None,
            step: None,
            end: end.map(|o| CaseEnd { outcome: o.parse().unwrap(), ms: 5, cleanup_ok: true, lang: None }),
            dropped: 0,
        }
    }

    #[test]
    fn counts_levels_problems_sections_and_gaps_in_order() {
        let mut o = LogOutline::default();
        for l in [
            line(1, Level::Info, None, None),
            line(2, Level::Info, Some("a"), None),
            line(3, Level::Error, Some("a"), Some("failed")),
            // the same case name again after its end is a new section
            line(4, Level::Debug, Some("a"), None),
            LogLine::gap(9, 5, 2_000),
            line(10, Level::Critical, Some("b"), None),
        ] {
            o.add(&l);
        }
        assert_eq!(o.upto, 10);
        assert_eq!(o.last_line, 10);
        assert_eq!(o.first_ts, Some(1_001));
        assert_eq!(o.counts, [1, 2, 0, 1, 1]); // DEBUG INFO WARNING ERROR CRITICAL; the gap is not a line
        assert_eq!(o.problems, vec![3, 10]);
        let marks: Vec<_> = o
            .sections
            .iter()
            .map(|s| (s.first, s.case.as_deref(), s.end.as_ref().map(|e| e.outcome.as_str())))
            .collect();
        assert_eq!(
            marks,
            vec![
                (1, None, None),
                (2, Some("a"), Some("failed")),
                (4, Some("a"), None),
                (9, None, None),
                (10, Some("b"), None)
            ]
        );
        assert_eq!(o.gaps.len(), 1);
        assert_eq!(o.gaps[0].dropped, 5);
    }

    #[test]
    fn a_range_ending_in_a_gap_names_its_last_real_line() {
        let mut o = LogOutline::default();
        o.add(&line(1, Level::Info, None, None));
        o.add(&LogLine::gap(7, 6, 2_000));
        assert_eq!((o.upto, o.last_line), (7, 1));
    }
}
