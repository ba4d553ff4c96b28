//! Data-driven cases: `matrix = { user = ["alice", "bob"], plan = ["free", "pro"] }`
//! runs a case once per combination, `rows = { csv = "users.csv" }` once per
//! row of a CSV file (relative to the suite file, its header row naming the
//! variables). Each instance is its own case, named with its values
//! (`login [plan=pro, user=alice]`), so the history, JUnit, a comparison
//! and a re-run of failed cases all tell them apart.

use super::load_context::LoadCx;
use super::raw;
use crate::model::is_plain_name;
use toml::Spanned;

/// One instance's variables, in order.
pub type Instance = Vec<(String, String)>;

/// The instances a case runs as: one with no variables for a plain case.
/// `None` when its data has a problem (reported at its position).
pub fn instances(cx: &mut LoadCx, case: &raw::Case) -> Option<Vec<Instance>> {
    match (&case.matrix, &case.rows) {
        (None, None) => Some(vec![vec![]]),
        (Some(m), Some(_)) => {
            let e = cx.error_at(m.span().start, "a case takes `matrix` or `rows`, not both");
            cx.push(e);
            None
        }
        (Some(m), None) => matrix(cx, m),
        (None, Some(r)) => csv_rows(cx, &r.get_ref().csv),
    }
}

/// The name an instance is reported under.
pub fn instance_name(case: &str, instance: &Instance) -> String {
    if instance.is_empty() {
        return case.to_string();
    }
    let values: Vec<String> = instance.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("{case} [{}]", values.join(", "))
}

/// Every combination of the matrix's values, keys in order.
fn matrix(cx: &mut LoadCx, m: &Spanned<toml::value::Table>) -> Option<Vec<Instance>> {
    let at = m.span().start;
    let mut columns: Vec<(String, Vec<String>)> = Vec::new();
    for (key, values) in m.get_ref() {
        if !is_plain_name(key) {
            let e = cx.error_at(at, format!("`matrix.{key}`: a variable name is letters, digits, `_`, `-` or `.`"));
            cx.push(e);
            return None;
        }
        let Some(list) = values.as_array().filter(|l| !l.is_empty()) else {
            let e = cx.error_at(at, format!("`matrix.{key}` must be a non-empty array of values"));
            cx.push(e.with_hint(format!("{key} = [\"a\", \"b\"]")));
            return None;
        };
        let mut texts = Vec::new();
        for v in list {
            match v {
                toml::Value::String(s) => texts.push(s.clone()),
                toml::Value::Integer(_) | toml::Value::Float(_) | toml::Value::Boolean(_) => texts.push(v.to_string()),
                _ => {
                    let e = cx.error_at(at, format!("`matrix.{key}`: values are strings, numbers or booleans"));
                    cx.push(e);
                    return None;
                }
            }
        }
        columns.push((key.clone(), texts));
    }
    if columns.is_empty() {
        let e = cx.error_at(at, "`matrix` is empty");
        cx.push(e.with_hint("matrix = { user = [\"alice\", \"bob\"] }"));
        return None;
    }
    let mut out: Vec<Instance> = vec![vec![]];
    for (key, values) in &columns {
        out = out
            .into_iter()
            .flat_map(|prefix| {
                values.iter().map(move |v| {
                    let mut i = prefix.clone();
                    i.push((key.clone(), v.clone()));
                    i
                })
            })
            .collect();
    }
    Some(out)
}

/// One instance per row of the CSV file, its header row the variable names.
fn csv_rows(cx: &mut LoadCx, csv: &Spanned<String>) -> Option<Vec<Instance>> {
    let at = csv.span().start;
    let path = cx.src.file.parent().unwrap_or(std::path::Path::new(".")).join(csv.get_ref());
    let text = match super::text_file::read(&path) {
        Ok(t) => t,
        Err(e) => {
            let e = cx.error_at(at, format!("cannot read {}: {e}", path.display()));
            cx.push(e.with_hint("the path is relative to the suite file"));
            return None;
        }
    };
    let mut records = match parse_csv(&text) {
        Ok(r) => r.into_iter(),
        Err((line, why)) => {
            let e = cx.error_at(at, format!("{}:{line}: {why}", path.display()));
            cx.push(e);
            return None;
        }
    };
    let Some((_, header)) = records.next() else {
        let e = cx.error_at(at, format!("{} is empty: it needs a header row naming the variables", path.display()));
        cx.push(e);
        return None;
    };
    if let Some(bad) = header.iter().find(|h| !is_plain_name(h.trim())) {
        let e = cx.error_at(at, format!("{}:1: header `{bad}` is not a variable name", path.display()));
        cx.push(e.with_hint("the first row names the variables: user,plan"));
        return None;
    }
    let mut out = Vec::new();
    for (line, row) in records {
        if row.len() != header.len() {
            let e = cx.error_at(
                at,
                format!("{}:{line}: {} values, but the header has {}", path.display(), row.len(), header.len()),
            );
            cx.push(e);
            return None;
        }
        out.push(header.iter().map(|h| h.trim().to_string()).zip(row).collect());
    }
    if out.is_empty() {
        let e = cx.error_at(at, format!("{} has a header but no rows", path.display()));
        cx.push(e);
        return None;
    }
    Some(out)
}

/// A CSV record: the line it starts on, and its values.
type CsvRecord = (usize, Vec<String>);

/// RFC 4180 CSV: `"…"` quotes (with `""` for a quote) may hold commas and
/// line breaks; blank lines are skipped. Each record with its first line.
fn parse_csv(text: &str) -> Result<Vec<CsvRecord>, (usize, String)> {
    let mut records = Vec::new();
    let (mut field, mut row) = (String::new(), Vec::new());
    let (mut line, mut row_line, mut quoted, mut was_quoted) = (1, 1, false, false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => {
                line += usize::from(c == '\n');
                field.push(c);
            }
            (false, '"') if field.is_empty() && !was_quoted => (quoted, was_quoted) = (true, true),
            (false, ',') => {
                row.push(std::mem::take(&mut field));
                was_quoted = false;
            }
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                if !(row.is_empty() && field.is_empty() && !was_quoted) {
                    row.push(std::mem::take(&mut field));
                    records.push((row_line, std::mem::take(&mut row)));
                }
                was_quoted = false;
                line += 1;
                row_line = line;
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err((row_line, "a quoted value is never closed".into()));
    }
    if !(row.is_empty() && field.is_empty() && !was_quoted) {
        row.push(field);
        records.push((row_line, row));
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_takes_quotes_commas_and_line_breaks() {
        let text = "user,note\r\nalice,\"hi, there\"\n\nbob,\"two\nlines \"\"q\"\"\"\n";
        let r = parse_csv(text).unwrap();
        assert_eq!(r[0], (1, vec!["user".to_string(), "note".to_string()]));
        assert_eq!(r[1], (2, vec!["alice".to_string(), "hi, there".to_string()]));
        assert_eq!(r[2], (4, vec!["bob".to_string(), "two\nlines \"q\"".to_string()]));
        assert!(parse_csv("a\n\"open").is_err());
    }

    #[test]
    fn an_instance_is_named_with_its_values() {
        let i = vec![("plan".to_string(), "pro".to_string()), ("user".to_string(), "alice".to_string())];
        assert_eq!(instance_name("login", &i), "login [plan=pro, user=alice]");
        assert_eq!(instance_name("login", &vec![]), "login");
    }
}
