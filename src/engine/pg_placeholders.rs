//! PostgreSQL numbers its placeholders (`$1`, `$2`, …) where the suite
//! format, like MySQL and SQLite, writes `?`. The rewrite must only touch
//! the `?` that are placeholders: not one inside a string (`'…'`, `E'…'`
//! with backslash escapes, `$$…$$` or `$tag$…$tag$`), a quoted identifier
//! (`"…"`), or a comment (`-- …` to the end of the line, `/* … */`, which
//! PostgreSQL nests). `??` stands for a literal `?` (the JSON operators).
//!
//! A small scanner rather than a SQL parser: placeholders only need the
//! lexical level, and a parser would refuse the statements it does not know
//! that PostgreSQL itself accepts.

/// `?` → `$1`, `$2`, … outside literals and comments; `??` → `?`.
pub fn pg_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut n = 0;
    let mut rest = sql;
    while let Some(c) = rest.chars().next() {
        let skip = match c {
            '\'' => Some(quoted(rest, escape_string_prefix(sql, rest))),
            '"' => Some(closing(rest, 1, "\"")),
            '-' if rest.starts_with("--") => Some(rest.find('\n').unwrap_or(rest.len())),
            '/' if rest.starts_with("/*") => Some(block_comment(rest)),
            '$' => dollar_tag(rest).map(|tag| closing(rest, tag.len(), tag)),
            _ => None,
        };
        let len = match (skip, c) {
            (Some(len), _) => {
                out.push_str(&rest[..len]);
                len
            }
            (None, '?') if rest.starts_with("??") => {
                out.push('?');
                2
            }
            (None, '?') => {
                n += 1;
                out.push('$');
                out.push_str(&n.to_string());
                1
            }
            (None, c) => {
                out.push(c);
                c.len_utf8()
            }
        };
        rest = &rest[len..];
    }
    out
}

/// Whether the quote at the start of `rest` opens an `E'…'` string: an `E`
/// or `e` right before it that is not the end of a longer word.
fn escape_string_prefix(sql: &str, rest: &str) -> bool {
    let before = &sql[..sql.len() - rest.len()];
    let mut back = before.chars().rev();
    matches!(back.next(), Some('E' | 'e')) && !back.next().is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// The length of the `'…'` string at the start of `rest` (`''` inside is a
/// quote; with `backslash`, `\'` is too). An unclosed one runs to the end.
fn quoted(rest: &str, backslash: bool) -> usize {
    let mut chars = rest.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' if backslash => {
                chars.next();
            }
            '\'' => return i + 1,
            _ => {}
        }
    }
    rest.len()
}

/// The length up to and including the first `end` after `open` bytes (`""`
/// and `''` need no special case: the scan resumes after the first quote).
fn closing(rest: &str, open: usize, end: &str) -> usize {
    rest[open..].find(end).map_or(rest.len(), |i| open + i + end.len())
}

/// The length of the (nested) block comment at the start of `rest`.
fn block_comment(rest: &str) -> usize {
    let mut depth = 0;
    let mut i = 0;
    while i < rest.len() {
        if rest[i..].starts_with("/*") {
            depth += 1;
            i += 2;
        } else if rest[i..].starts_with("*/") {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += rest[i..].chars().next().map_or(1, char::len_utf8);
        }
    }
    rest.len()
}

/// The `$tag$` (or `$$`) that opens a dollar-quoted string at the start of
/// `rest`; `None` for anything else (`$1` is a parameter, not a tag).
fn dollar_tag(rest: &str) -> Option<&str> {
    let body = &rest[1..];
    let end = body.find(|c: char| !(c.is_alphanumeric() || c == '_'))?;
    let starts_ok = !body.starts_with(|c: char| c.is_ascii_digit());
    (starts_ok && body[end..].starts_with('$')).then(|| &rest[..end + 2])
}

#[cfg(test)]
mod tests {
    use super::pg_placeholders;

    /// One row per lexical case: what it is, the SQL, and its rewrite.
    const CASES: &[(&str, &str, &str)] = &[
        ("plain placeholders", "SELECT ? WHERE x = ?", "SELECT $1 WHERE x = $2"),
        ("a string and a quoted identifier", "SELECT '?', \"a?\", ?", "SELECT '?', \"a?\", $1"),
        ("?? is a literal ?", "SELECT j ?? 'k' FROM t WHERE id = ?", "SELECT j ? 'k' FROM t WHERE id = $1"),
        ("a doubled quote stays inside its string", "SELECT 'it''s ?', ?", "SELECT 'it''s ?', $1"),
        ("a line comment", "SELECT ? -- why? because\n, ?", "SELECT $1 -- why? because\n, $2"),
        ("a line comment at the end", "SELECT ? -- trailing?", "SELECT $1 -- trailing?"),
        ("a block comment", "SELECT /* a? */ ?", "SELECT /* a? */ $1"),
        ("a nested block comment", "SELECT /* a /* b? */ c? */ ?", "SELECT /* a /* b? */ c? */ $1"),
        ("a $$ body", "SELECT $$ what? $$, ?", "SELECT $$ what? $$, $1"),
        (
            "a $tag$ body",
            "DO $fn$ BEGIN PERFORM '?'; END $fn$; SELECT ?",
            "DO $fn$ BEGIN PERFORM '?'; END $fn$; SELECT $1",
        ),
        ("$$ inside a $tag$ body", "SELECT $a$ $$ ? $$ $a$, ?", "SELECT $a$ $$ ? $$ $a$, $1"),
        ("an E string's backslashed quote", r"SELECT E'it\'s ?', ?", r"SELECT E'it\'s ?', $1"),
        ("an e string ending in a backslash", r"SELECT e'\\', ?", r"SELECT e'\\', $1"),
        ("a backslash in a standard string escapes nothing", r"SELECT 'a\', ?", r"SELECT 'a\', $1"),
        ("an E that ends a word starts no E string", r"SELECT namE'a\', ?", r"SELECT namE'a\', $1"),
        ("$1 is a parameter, not a tag", "SELECT $1, ?", "SELECT $1, $1"),
    ];

    #[test]
    fn every_lexical_case_is_rewritten_right() {
        let wrong: Vec<String> = CASES
            .iter()
            .filter(|(_, sql, want)| pg_placeholders(sql) != *want)
            .map(|(what, sql, want)| format!("{what}: {sql:?} became {:?}, not {want:?}", pg_placeholders(sql)))
            .collect();
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}
