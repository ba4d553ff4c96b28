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
    use super::line_col;

    #[test]
    fn first_char_is_1_1() {
        assert_eq!(line_col("abc", 0), (1, 1));
    }

    #[test]
    fn counts_lines_and_chars_not_bytes() {
        let t = "a = 1\n名前 = x";
        assert_eq!(line_col(t, t.find('x').unwrap()), (2, 6));
    }
}
