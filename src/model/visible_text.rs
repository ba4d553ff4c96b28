//! Text from a target (a response body in an error, a database's message)
//! shown where a reader reads it — the page, the terminal, JUnit, the HTML
//! report — with the characters that could act instead of being read made
//! visible: C0 and C1 controls (an ANSI escape recolours or rewrites a
//! terminal, a carriage return overwrites the line, a newline forges a log
//! line, NUL is not XML), DEL, and the Unicode bidi controls that reorder
//! what is displayed. Each becomes its escape (`\x1b`, `\u{202e}`); tabs
//! stay. The raw download and JSON keep the text as it was (JSON escapes
//! controls itself).

use std::borrow::Cow;
use std::fmt::Write;

/// The escape a character is shown as, when it is one that acts.
pub fn acting(c: char) -> bool {
    matches!(c, '\0'..='\x08' | '\n'..='\x1f' | '\x7f'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Writes `c` as its visible escape.
pub fn write_escape(c: char, out: &mut String) {
    let _ = if (c as u32) < 0x80 { write!(out, "\\x{:02x}", c as u32) } else { write!(out, "\\u{{{:x}}}", c as u32) };
}

/// `text` with every acting character made visible (borrowed when there is none).
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(acting) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if acting(c) {
            write_escape(c, &mut out);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_and_tabs_stay_as_they_are() {
        assert!(matches!(visible("GET /health\t200 — 通过"), Cow::Borrowed(_)));
    }

    #[test]
    fn controls_and_bidi_overrides_become_their_escapes() {
        let hostile = "\x1b[31mred\x1b[0m\r\nfake line\0\u{7f}\u{85}\u{202e}txt.exe\u{2066}";
        assert_eq!(
            visible(hostile),
            "\\x1b[31mred\\x1b[0m\\x0d\\x0afake line\\x00\\x7f\\u{85}\\u{202e}txt.exe\\u{2066}"
        );
    }
}
