use std::fmt;
use std::path::Path;
use std::sync::Arc;

/// A suite file's name and text: what every position points into. Cheap to
/// clone (two `Arc`s), so each step of the typed model keeps its own [`Span`].
#[derive(Clone)]
pub struct SourceFile {
    pub file: Arc<Path>,
    pub text: Arc<str>,
    /// Where each line starts: a span is found by a binary search, not by
    /// counting lines from the top each time (a suite with thousands of steps
    /// makes a span for each of them).
    line_starts: Arc<[usize]>,
}

impl SourceFile {
    pub fn new(file: &Path, text: &str) -> Self {
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        SourceFile { file: Arc::from(file), text: Arc::from(text), line_starts }
    }

    /// The position of a byte offset of the text.
    pub fn span(&self, offset: usize) -> Span {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let start = self.line_starts[line - 1];
        let col = self.text[start..offset].chars().count() + 1;
        Span { file: self.file.clone(), line, col, text: self.text.clone() }
    }
}

/// Where something starts in a suite file (1-based line and column, in
/// characters), with the file's text so a message can show that line. Run
/// errors carry one, so the CLI points at the step that failed the way the
/// loader points at a mistake.
#[derive(Clone)]
pub struct Span {
    pub file: Arc<Path>,
    pub line: usize,
    pub col: usize,
    text: Arc<str>,
}

impl Span {
    /// The line of the file the span starts on, without its line break.
    pub fn source_line(&self) -> &str {
        self.text.lines().nth(self.line.saturating_sub(1)).unwrap_or_default()
    }
}

/// `file:line:col`.
impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.col)
    }
}

/// `file:line:col`, not the file's text.
impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Span({self})")
    }
}

/// Two spans are equal when they point at the same place of the same file.
impl PartialEq for Span {
    fn eq(&self, other: &Self) -> bool {
        (&self.file, self.line, self.col) == (&other.file, other.line, other.col)
    }
}

/// 1-based line and column (in characters) of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_char_is_1_1() {
        assert_eq!(line_col("abc", 0), (1, 1));
    }

    #[test]
    fn counts_lines_and_chars_not_bytes() {
        let t = "a = 1\n名前 = x";
        assert_eq!(line_col(t, t.find('x').unwrap()), (2, 6));
    }

    #[test]
    fn a_span_shows_its_line() {
        let src = SourceFile::new(Path::new("s.toml"), "a = 1\n  b = 2\n");
        let span = src.span(8);
        assert_eq!((span.to_string().as_str(), span.source_line()), ("s.toml:2:3", "  b = 2"));
    }

    #[test]
    fn a_span_agrees_with_counting_from_the_top_at_every_byte() {
        let t = "a = 1\n\n名前 = \"x\"\r\n  b = 2\nlast";
        let src = SourceFile::new(Path::new("s.toml"), t);
        for offset in 0..=t.len() + 3 {
            let span = src.span(offset);
            assert_eq!((span.line, span.col), line_col(t, offset), "offset {offset}");
        }
    }
}
