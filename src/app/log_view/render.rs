//! Turns log lines into the HTML of one chunk of the `<pre>`. Text is escaped
//! here, once, so a line holding `<script>` shows as text.
//!
//! The `<pre>`'s text content is exactly the log in the seed's format: line
//! numbers (`data-seq`) and relative times (`data-rt`) are shown by CSS
//! pseudo-elements, which are not part of the text, so select-all, copy and
//! find-in-page see only the log.
//!
//! A line is one element holding one text node: every node costs the
//! browser's garbage collector on each major collection, and a long run keeps
//! thousands of lines in the page, so the clock-time view (the default) uses
//! no inner elements. The relative-time view wraps the clock time in a
//! `.ts` element that CSS shrinks away and replaces with `data-rt`.

use crate::model::visible_text::{acting, write_escape};
use crate::model::LogLine;
use std::fmt::Write;

/// [`escape`] into a new string (the server's own small pages: badges, sign-in).
pub fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape(text, &mut out);
    out
}

/// Markup as text, and controls and bidi overrides made visible (see
/// `model::visible_text`): a line from a target can neither add elements
/// nor forge, hide or reorder what the reader sees.
pub fn escape(text: &str, out: &mut String) {
    // Runs of plain text are copied whole; only the five special bytes, the
    // control bytes and the bidi controls (0xE2-led) are looked at further.
    let mut from = 0;
    for (i, b) in text.bytes().enumerate() {
        let entity = match b {
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'&' => "&amp;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            b'\t' => continue,
            0..=0x1f | 0x7f | 0xc2 | 0xe2 => {
                let c = text[i..].chars().next().unwrap_or_default();
                if !acting(c) {
                    continue;
                }
                out.push_str(&text[from..i]);
                write_escape(c, out);
                from = i + c.len_utf8();
                continue;
            }
            _ => continue,
        };
        out.push_str(&text[from..i]);
        out.push_str(entity);
        from = i + 1;
    }
    out.push_str(&text[from..]);
}

/// `+1.234s` since the run's first line (`t0`).
fn write_relative(ts: i64, t0: i64, out: &mut String) {
    let ms = (ts - t0).max(0);
    let _ = if ms < 60_000 {
        write!(out, "+{}.{:03}s", ms / 1000, ms % 1000)
    } else {
        write!(out, "+{}m{:02}.{:03}s", ms / 60_000, (ms / 1000) % 60, ms % 1000)
    };
}

/// The seed's `YYYY-MM-DD HH:MM:SS` of each line, in local time. Lines come
/// hundreds per second, so the text is reused while the second is the same:
/// the time zone (a JS `Date` in the browser) is asked once per second of
/// log instead of once per line.
#[derive(Default)]
pub struct Stamps {
    sec: Option<i64>,
    text: String,
}

impl Stamps {
    pub fn of(&mut self, ts: i64) -> &str {
        let sec = ts.div_euclid(1000);
        if self.sec != Some(sec) {
            self.sec = Some(sec);
            self.text = LogLine::seed_stamp_in(ts, &chrono::Local);
        }
        &self.text
    }
}

/// One `<span>` per line, each ending with a newline. `t0` is the run's
/// first timestamp; `relative` picks the relative-time view.
pub fn chunk_html(lines: &[LogLine], t0: i64, relative: bool, raw_url: &str) -> String {
    let mut out = String::with_capacity(lines.len() * 160);
    let mut stamps = Stamps::default();
    for line in lines {
        if line.is_gap() {
            let _ = write!(
                out,
                "<span class=\"gap\" id=\"L{}\" data-seq=\"{}\" data-dropped=\"{}\">⚠ ",
                line.seq, line.seq, line.dropped
            );
            escape(&line.msg, &mut out);
            let _ = write!(out, " — <a href=\"{raw_url}\" download>download the raw log</a>\n</span>");
            continue;
        }
        let _ = write!(out, "<span class=\"line lv-{}\" id=\"L{}\" data-seq=\"{}\">", line.level, line.seq, line.seq);
        line_inner_html(line, t0, relative, None, &mut stamps, &mut out);
        out.push_str("</span>");
    }
    out
}

/// The inside of a line's span: its text in the seed's format,
/// `YYYY-MM-DD HH:MM:SS[LEVEL]: message` and a newline (inside the block, so
/// it separates lines in the text without a blank line on screen); with
/// `mark`, every case-insensitive occurrence of it in the message is wrapped
/// in `<mark>`.
pub fn line_inner_html(
    line: &LogLine,
    t0: i64,
    relative: bool,
    mark: Option<&str>,
    stamps: &mut Stamps,
    out: &mut String,
) {
    if relative {
        out.push_str("<span class=\"ts\" data-rt=\"");
        write_relative(line.ts, t0, out);
        out.push_str("\">");
        escape(stamps.of(line.ts), out);
        out.push_str("</span>");
    } else {
        escape(stamps.of(line.ts), out);
    }
    match mark {
        // The search matches `[LEVEL]: message` (`logging::log_store`), so
        // that is what is marked: `[ERROR]` and `]: select` are marked too.
        Some(q) if !q.is_empty() => marked(&format!("[{}]: {}", line.level, line.msg), q, out),
        _ => {
            let _ = write!(out, "[{}]: ", line.level);
            escape(&line.msg, out)
        }
    }
    out.push('\n');
}

/// Escapes `text`, wrapping case-insensitive matches of `q` in `<mark>`.
pub fn marked(text: &str, q: &str, out: &mut String) {
    let lower = text.to_lowercase();
    let ql = q.to_lowercase();
    if lower.len() != text.len() {
        // Lower-casing changed byte lengths (rare scripts): mark nothing rather than mis-slice.
        escape(text, out);
        return;
    }
    let mut from = 0;
    while let Some(i) = lower[from..].find(&ql) {
        let start = from + i;
        escape(&text[from..start], out);
        out.push_str("<mark>");
        escape(&text[start..start + ql.len()], out);
        out.push_str("</mark>");
        from = start + ql.len();
    }
    escape(&text[from..], out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Level;

    fn line(seq: u64, msg: &str) -> LogLine {
        LogLine {
            seq,
            ts: 1_000,
            level: Level::Error,
            msg: msg.into(),
            case: None,
            phase: None,
            step: None,
            end: None,
            dropped: 0,
        }
    }

    #[test]
    fn escapes_markup_and_keeps_the_seed_text() {
        let html = chunk_html(&[line(7, "<script>alert(1)</script> & co")], 0, false, "/raw");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"));
        assert!(html.starts_with("<span class=\"line lv-ERROR\" id=\"L7\" data-seq=\"7\">"));
        assert!(html.contains("[ERROR]: &lt;script&gt;"));
        assert!(!html.contains("<script>"));
        // one element per line, one text node inside it
        assert_eq!(html.matches('<').count(), 2, "{html}");
    }

    #[test]
    fn marks_matches_case_insensitively_and_escaped() {
        let mut out = String::new();
        marked("Select <b> from SELECT", "select", &mut out);
        assert_eq!(out, "<mark>Select</mark> &lt;b&gt; from <mark>SELECT</mark>");
    }

    #[test]
    fn a_marked_line_marks_the_query_in_level_and_message() {
        let l = line(3, "ERROR select 1");
        let mut out = String::new();
        line_inner_html(&l, 0, false, Some("error"), &mut Stamps::default(), &mut out);
        assert!(out.ends_with("[<mark>ERROR</mark>]: <mark>ERROR</mark> select 1\n"), "{out}");
        out.clear();
        line_inner_html(&l, 0, false, Some("]: error"), &mut Stamps::default(), &mut out);
        assert!(out.ends_with("[ERROR<mark>]: ERROR</mark> select 1\n"), "{out}");
    }

    #[test]
    fn the_relative_view_keeps_the_clock_time_in_the_text() {
        let mut l = line(3, "go");
        l.ts = 2_500;
        let html = chunk_html(&[l.clone()], 1_000, true, "/raw");
        assert!(html.contains("<span class=\"ts\" data-rt=\"+1.500s\">"), "{html}");
        let text = html.split('<').map(|p| p.split_once('>').map_or(p, |(_, t)| t)).collect::<String>();
        assert_eq!(text, format!("{}\n", l.seed_format()));
    }

    #[test]
    fn the_text_is_the_seed_format_and_stamps_follow_the_second() {
        let mut a = line(1, "it's <ok> & \"fine\"");
        a.ts = 1_764_000_000_999;
        let mut b = line(2, "next");
        b.ts = a.ts + 1; // the next second
        let html = chunk_html(&[a.clone(), b.clone()], 0, false, "/raw");
        let text = html
            .split('<')
            .map(|part| part.split_once('>').map_or(part, |(_, t)| t))
            .collect::<String>()
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&");
        assert_eq!(text, format!("{}\n{}\n", a.seed_format(), b.seed_format()));
        assert_ne!(a.seed_format()[..19], b.seed_format()[..19]);
    }

    fn relative(ts: i64, t0: i64) -> String {
        let mut out = String::new();
        write_relative(ts, t0, &mut out);
        out
    }

    #[test]
    fn relative_times() {
        assert_eq!(relative(61_005, 0), "+1m01.005s");
        assert_eq!(relative(5, 10), "+0.000s");
    }

    #[test]
    fn gap_lines_link_to_the_raw_log() {
        let gap = LogLine::gap(900, 899, 0);
        let html = chunk_html(&[gap], 0, false, "/api/log.txt?run=3");
        assert!(html.contains("data-dropped=\"899\""));
        assert!(html.contains("899 lines missing here (lines 2-900)"));
        assert!(html.contains("href=\"/api/log.txt?run=3\""));
    }
}
