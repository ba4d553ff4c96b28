//! A line too long to read where it is read.
//!
//! A target can put megabytes on one line (a JSON value an expectation
//! quotes, a database error echoing its input). Kept whole in every reader's
//! ring and sent whole to every poller, one such line would cost each open
//! page megabytes and the server as much per run kept in memory; nobody reads
//! it in a `<pre>` or a terminal anyway. So what is shown keeps the first
//! [`SHOWN_BYTES`] and says how long the whole line was; the run's file, and
//! so the raw downloads, keep every byte.

use std::borrow::Cow;

/// How much of a line's message is shown.
pub const SHOWN_BYTES: usize = 16 * 1024;

/// Lines up to this long stay whole: a line already cut (its kept part plus
/// the marker) is never cut again, so its byte count stays the original's.
const CUT_ABOVE: usize = SHOWN_BYTES + 128;

/// The marker that ends a cut line; `bytes` is the whole message's length.
pub fn marker(bytes: usize) -> String {
    format!("… [line cut: {bytes} bytes in all; the whole line is in the raw log]")
}

/// Whether a message of this many bytes is cut where it is shown.
pub fn too_long(bytes: usize) -> bool {
    bytes > CUT_ABOVE
}

/// Cuts `msg` in place (see [`shortened`]).
pub fn shorten(msg: &mut String) {
    if too_long(msg.len()) {
        let bytes = msg.len();
        msg.truncate(char_boundary(msg, SHOWN_BYTES));
        msg.push_str(&marker(bytes));
    }
}

/// `text` as it is shown: whole, or its first [`SHOWN_BYTES`] (on a
/// character boundary) and the marker.
pub fn shortened(text: &str) -> Cow<'_, str> {
    if !too_long(text.len()) {
        return Cow::Borrowed(text);
    }
    let head = &text[..char_boundary(text, SHOWN_BYTES)];
    Cow::Owned(format!("{head}{}", marker(text.len())))
}

fn char_boundary(text: &str, at: usize) -> usize {
    (0..=at.min(text.len())).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_line_stays_whole() {
        assert!(matches!(shortened("GET /health 200"), Cow::Borrowed(_)));
        let edge = "x".repeat(CUT_ABOVE);
        assert!(matches!(shortened(&edge), Cow::Borrowed(_)));
    }

    #[test]
    fn a_long_line_keeps_its_head_and_says_how_long_it_was() {
        let long = format!("expected 1, got \"{}\"", "é".repeat(5_000_000));
        let shown = shortened(&long);
        assert!(shown.len() < SHOWN_BYTES + 100);
        assert!(shown.starts_with("expected 1, got \"éé"));
        assert!(shown.ends_with(&marker(long.len())), "{}", &shown[shown.len() - 100..]);
    }

    #[test]
    fn a_cut_line_is_never_cut_again() {
        let mut msg = "y".repeat(10 * 1024 * 1024);
        shorten(&mut msg);
        let once = msg.clone();
        shorten(&mut msg);
        assert_eq!(msg, once);
        assert!(msg.ends_with("[line cut: 10485760 bytes in all; the whole line is in the raw log]"));
    }
}
