//! Reading a suite file and checking everything that can be checked before
//! anything runs: TOML syntax, unknown keys, wrong types, steps that are
//! neither SQL nor HTTP, `{{…}}` inside SQL, unknown database targets,
//! unknown variables. Every problem is reported, each with file:line:col.

use super::model::{Case, Step, Suite};
use super::vars::{references, SecretSource};
use super::{SuiteError, SuiteErrors};
use std::collections::BTreeSet;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use toml::Spanned;

/// A parsed, validated suite and the text its positions refer to.
#[derive(Debug, Clone)]
pub struct LoadedSuite {
    pub file: PathBuf,
    pub text: Arc<str>,
    pub suite: Suite,
}

impl LoadedSuite {
    pub fn error_at(&self, offset: usize, message: impl Into<String>) -> SuiteError {
        SuiteError::at(&self.file, &self.text, offset, message)
    }

    /// The suite's display name (`suite = …`, else the file stem).
    pub fn name(&self) -> String {
        self.suite
            .suite
            .clone()
            .unwrap_or_else(|| self.file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default())
    }

    /// The folder relative paths in the file (secret files) are taken from.
    pub fn dir(&self) -> &Path {
        self.file.parent().unwrap_or(Path::new("."))
    }

    /// The target a SQL step uses: the step's `db`, else the case's, else
    /// `default_db`, else the suite's only target.
    pub fn target_of<'a>(&'a self, case: &'a Case, step: &'a Step) -> Option<&'a str> {
        step.db
            .as_ref()
            .or(case.db.as_ref())
            .or(self.suite.default_db.as_ref())
            .map(|s| s.get_ref().as_str())
            .or_else(|| (self.suite.db.len() == 1).then(|| self.suite.db.keys().next().unwrap().as_str()))
    }
}

/// Reads and validates a suite file (blocking; call it off the async runtime).
pub fn load(path: &Path) -> Result<LoadedSuite, SuiteErrors> {
    load_with(path, &[])
}

/// [`load`], with variables that will come from `--var` (so `{{name}}` may use them).
pub fn load_with(path: &Path, extra_vars: &[String]) -> Result<LoadedSuite, SuiteErrors> {
    let text = std::fs::read_to_string(path).map_err(|e| SuiteError {
        file: path.to_path_buf(),
        line: 0,
        col: 0,
        message: format!("cannot read the file: {e}"),
        hint: None,
    })?;
    parse_with(path, &text, extra_vars)
}

/// Parses and validates suite text; `file` is only used in messages.
pub fn parse(file: &Path, text: &str) -> Result<LoadedSuite, SuiteErrors> {
    parse_with(file, text, &[])
}

pub fn parse_with(file: &Path, text: &str, extra_vars: &[String]) -> Result<LoadedSuite, SuiteErrors> {
    let mut suite: Suite = toml::from_str(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        SuiteError::at(file, text, offset, e.message().trim().to_string())
            .with_hint("see the suite format in README.md")
    })?;
    // An undo talks to its setup step's database unless it names another.
    for case in &mut suite.cases {
        for step in &mut case.setup {
            let step = step.get_mut();
            if let (Some(undo), Some(db)) = (step.undo.as_deref_mut(), &step.db) {
                undo.db.get_or_insert_with(|| db.clone());
            }
        }
    }
    let loaded = LoadedSuite { file: file.to_path_buf(), text: Arc::from(text), suite };
    let mut errors = SuiteErrors::default();
    validate(&loaded, extra_vars, &mut errors);
    errors.into_result(loaded)
}

const BUILTINS: [&str; 4] = ["run.id", "case.name", "now", "uuid"];

fn validate(s: &LoadedSuite, extra_vars: &[String], errors: &mut SuiteErrors) {
    let suite = &s.suite;

    if let Some(d) = &suite.default_db {
        check_target_name(s, d, errors);
    }
    if suite.cases.is_empty() {
        errors.push(
            s.error_at(0, "the suite has no [[case]]").with_hint("add a [[case]] with a name and at least one step"),
        );
    }
    let mut declared: BTreeSet<String> = suite.vars.keys().cloned().collect();
    declared.extend(suite.env.values().flat_map(|e| e.vars.keys().cloned()));
    declared.extend(BUILTINS.iter().map(|b| b.to_string()));
    declared.extend(extra_vars.iter().cloned());
    for (name, value) in suite.vars.iter().chain(suite.env.values().flat_map(|e| e.vars.iter())) {
        check_var_value(s, name, value, errors);
        if let toml::Value::String(text) = value.get_ref() {
            check_refs(s, text, value.span(), &declared, errors);
        }
    }
    let mut case_names = BTreeSet::new();
    for case in &suite.cases {
        if !case_names.insert(case.name.get_ref().clone()) {
            errors.push(s.error_at(case.name.span().start, format!("two cases are named `{}`", case.name.get_ref())));
        }
        if let Some(d) = &case.db {
            check_target_name(s, d, errors);
        }
        if let Some(t) = &case.timeout {
            check_duration(s, t, errors);
        }
        if case.setup.is_empty() && case.step.is_empty() && case.teardown.is_empty() {
            errors.push(
                s.error_at(case.name.span().start, format!("case `{}` has no steps", case.name.get_ref()))
                    .with_hint("add [[case.setup]], [[case.step]] or [[case.teardown]] entries"),
            );
        }
        // Captures become visible to the steps after the one that takes them.
        let mut known = declared.clone();
        let phases = [("setup", &case.setup), ("step", &case.step), ("teardown", &case.teardown)];
        for (phase, steps) in phases {
            for step in steps.iter() {
                check_step(s, case, step.get_ref(), step.span().start, phase, &known, errors);
                if let Some(undo) = &step.get_ref().undo {
                    let mut with_own = known.clone();
                    with_own.extend(step.get_ref().capture.keys().cloned());
                    check_step(s, case, undo, step.span().start, "undo", &with_own, errors);
                }
                known.extend(step.get_ref().capture.keys().cloned());
            }
        }
    }
}

fn check_var_value(s: &LoadedSuite, name: &str, value: &Spanned<toml::Value>, errors: &mut SuiteErrors) {
    if let Some(r) = SecretSource::from_table(value.get_ref()) {
        if let Err(msg) = r {
            errors.push(s.error_at(value.span().start, format!("variable `{name}`: {msg}")));
        }
    } else if super::vars::scalar_text(value.get_ref()).is_none() {
        errors.push(s.error_at(
            value.span().start,
            format!("variable `{name}` must be a string, number, boolean or {{ env = … }}"),
        ));
    }
}

fn check_target_name(s: &LoadedSuite, name: &Spanned<String>, errors: &mut SuiteErrors) {
    if !s.suite.db.contains_key(name.get_ref()) {
        errors.push(
            s.error_at(name.span().start, format!("unknown database target `{}`", name.get_ref()))
                .with_hint(super::targets::known("targets", s.suite.db.keys())),
        );
    }
}

fn check_duration(s: &LoadedSuite, d: &Spanned<String>, errors: &mut SuiteErrors) {
    if parse_duration(d.get_ref()).is_none() {
        errors.push(
            s.error_at(d.span().start, format!("invalid duration `{}`", d.get_ref()))
                .with_hint("write e.g. \"500ms\", \"15s\" or \"2m\""),
        );
    }
}

/// `"500ms"`, `"15s"`, `"2m"`.
pub fn parse_duration(text: &str) -> Option<std::time::Duration> {
    let t = text.trim();
    let (num, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit() && c != '.')?);
    let n: f64 = num.parse().ok()?;
    let secs = match unit.trim() {
        "ms" => n / 1000.0,
        "s" => n,
        "m" => n * 60.0,
        _ => return None,
    };
    std::time::Duration::try_from_secs_f64(secs).ok().filter(|d| d.as_secs() < 366 * 24 * 3600)
}

/// How messages name a step of a phase.
fn what(phase: &str) -> &'static str {
    match phase {
        "setup" => "a setup step",
        "teardown" => "a teardown step",
        "undo" => "an undo",
        _ => "a step",
    }
}

fn check_step(
    s: &LoadedSuite,
    case: &Case,
    st: &Step,
    at: usize,
    phase: &str,
    known: &BTreeSet<String>,
    errors: &mut SuiteErrors,
) {
    match (&st.sql, &st.http) {
        (Some(_), Some(_)) => errors.push(
            s.error_at(at, format!("{} has both `sql` and `http`", what(phase))).with_hint("split it into two steps"),
        ),
        (None, None) => errors.push(s.error_at(at, format!("{} needs `sql` or `http`", what(phase)))),
        _ => {}
    }
    if st.sql.is_some() {
        let http_only = [("headers", !st.headers.is_empty()), ("json", st.json.is_some()), ("body", st.body.is_some())];
        for (key, _) in http_only.iter().filter(|(_, present)| *present) {
            errors.push(
                s.error_at(at, format!("`{key}` does not apply to a SQL step"))
                    .with_hint("SQL values go in params = […]"),
            );
        }
    }
    if st.http.is_some() {
        if let Some(db) = &st.db {
            errors.push(s.error_at(db.span().start, "`db` does not apply to an HTTP step"));
        }
        if let Some(p) = st.params.first() {
            errors.push(
                s.error_at(p.span().start, "`params` does not apply to an HTTP step")
                    .with_hint("use {{vars}} in the url, headers, json or body"),
            );
        }
    }
    if st.undo.is_some() && phase != "setup" {
        errors.push(
            s.error_at(at, format!("`undo` is only allowed on setup steps, not in {phase}"))
                .with_hint("put the cleanup in [[case.teardown]]"),
        );
    }
    if let Some(sql) = &st.sql {
        if sql.get_ref().contains("{{") {
            let at = locate(s, &sql.span(), |raw| raw.find("{{"));
            errors.push(
                s.error_at(at, "`{{…}}` inside `sql`: SQL text is never templated")
                    .with_hint("write `?` in the SQL and pass the value in params = [\"{{name}}\"]"),
            );
        }
        if let Some(db) = &st.db {
            check_target_name(s, db, errors);
        }
        if s.target_of(case, st).is_none() {
            let hint = if s.suite.db.is_empty() {
                "declare one with [db.app] kind = \"sqlite\" path = \"app.db\""
            } else {
                "name one with db = \"…\" on the step or case, or set default_db"
            };
            errors.push(s.error_at(sql.span().start, "no database target for this SQL step").with_hint(hint));
        }
    }
    if let Some(http) = &st.http {
        let line = http.get_ref();
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or("");
        if !matches!(method, "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS") || parts.next().is_none()
        {
            errors.push(
                s.error_at(http.span().start, format!("invalid http line `{line}`"))
                    .with_hint("write \"METHOD url\", e.g. \"GET {{base_url}}/health\""),
            );
        }
        if st.json.is_some() && st.body.is_some() {
            errors.push(s.error_at(at, "a step has both `json` and `body`"));
        }
    }
    if let Some(t) = &st.timeout {
        check_duration(s, t, errors);
    }
    if let Some(expect) = &st.expect {
        check_expect(s, expect, at, st.sql.is_some(), errors);
    }
    for spec in st.capture.values() {
        if let Err(msg) = check_capture(spec.get_ref(), st.sql.is_some()) {
            errors.push(s.error_at(spec.span().start, msg));
        }
    }
    let templated = st
        .params
        .iter()
        .filter_map(|p| p.get_ref().as_str().map(|t| (t, p.span())))
        .chain(st.http.iter().map(|h| (h.get_ref().as_str(), h.span())))
        .chain(st.headers.values().map(|h| (h.get_ref().as_str(), h.span())))
        .chain(st.body.iter().map(|b| (b.get_ref().as_str(), b.span())));
    for (text, span) in templated {
        check_refs(s, text, span, known, errors);
    }
    if let Some(json) = &st.json {
        check_json_refs(s, json.get_ref(), json.span(), known, errors);
    }
}

fn check_json_refs(
    s: &LoadedSuite,
    v: &toml::Value,
    span: Range<usize>,
    known: &BTreeSet<String>,
    errors: &mut SuiteErrors,
) {
    match v {
        toml::Value::String(t) => check_refs(s, t, span, known, errors),
        toml::Value::Array(a) => a.iter().for_each(|x| check_json_refs(s, x, span.clone(), known, errors)),
        toml::Value::Table(t) => t.values().for_each(|x| check_json_refs(s, x, span.clone(), known, errors)),
        _ => {}
    }
}

/// Every `{{name}}` of a template must name a known variable; a `{{` with no
/// `}}` is an error too (it would be sent as literal text).
fn check_refs(s: &LoadedSuite, text: &str, span: Range<usize>, known: &BTreeSet<String>, errors: &mut SuiteErrors) {
    for (name, _) in references(text) {
        if !known.contains(&name) {
            let at = locate(s, &span, |raw| {
                raw.match_indices("{{").map(|(i, _)| i).find(|&i| template_name(&raw[i..]) == Some(name.as_str()))
            });
            errors.push(
                s.error_at(at, format!("unknown variable `{name}`"))
                    .with_hint("define it in [vars], capture it in an earlier step, or pass --var name=value"),
            );
        }
    }
    if let Some(open) = unclosed_template(text) {
        let at = locate(s, &span, |raw| unclosed_template(raw).or(Some(open)));
        errors.push(s.error_at(at, "`{{` without a closing `}}`").with_hint("write {{name}}"));
    }
}

/// The name of the template at the start of `raw` (`{{ name }}…`).
fn template_name(raw: &str) -> Option<&str> {
    raw.strip_prefix("{{").and_then(|r| r.split_once("}}")).map(|(n, _)| n.trim())
}

/// The offset of the first `{{` that has no `}}` after it.
fn unclosed_template(text: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text[from..].find("{{") {
        let start = from + i;
        match text[start + 2..].find("}}") {
            Some(len) => from = start + 2 + len + 2,
            None => return Some(start),
        }
    }
    None
}

/// A position inside a value, found in the file's raw text (so quotes,
/// `"""` strings and escapes do not shift it); the value's start otherwise.
fn locate(s: &LoadedSuite, span: &Range<usize>, find: impl Fn(&str) -> Option<usize>) -> usize {
    s.text.get(span.clone()).and_then(find).map_or(span.start, |i| span.start + i)
}

/// Expectations must fit the step's kind, and their JSONPaths and regexes must compile.
fn check_expect(s: &LoadedSuite, e: &super::model::Expect, at: usize, is_sql: bool, errors: &mut SuiteErrors) {
    let sql_keys = [
        ("rows", e.rows.is_some()),
        ("row", e.row.is_some()),
        ("affected", e.affected.is_some()),
        ("error", e.error.is_some()),
    ];
    let http_keys = [
        ("status", e.status.is_some()),
        ("headers", !e.headers.is_empty()),
        ("json", !e.json.is_empty()),
        ("max_ms", e.max_ms.is_some()),
    ];
    let (wrong, kind) = if is_sql { (&http_keys, "SQL") } else { (&sql_keys, "HTTP") };
    for (key, present) in wrong {
        if *present {
            errors.push(s.error_at(at, format!("`expect.{key}` does not apply to an {kind} step")).with_hint(
                if is_sql {
                    "SQL steps expect rows, row, affected or error"
                } else {
                    "HTTP steps expect status, headers, json or max_ms"
                },
            ));
        }
    }
    for check in &e.json {
        let c = check.get_ref();
        if let Err(err) = serde_json_path::JsonPath::parse(c.path.get_ref()) {
            errors.push(
                s.error_at(c.path.span().start, format!("invalid JSONPath `{}`: {err}", c.path.get_ref()))
                    .with_hint("JSONPath (RFC 9535), e.g. \"$.items[0].id\""),
            );
        }
        let predicates = [
            c.eq.is_some(),
            c.ne.is_some(),
            c.gt.is_some(),
            c.lt.is_some(),
            c.contains.is_some(),
            c.matches.is_some(),
            c.exists.is_some(),
            c.type_.is_some(),
        ];
        if !predicates.contains(&true) {
            errors.push(
                s.error_at(check.span().start, "a json check needs a predicate")
                    .with_hint("add one of eq, ne, gt, lt, contains, matches, exists, type"),
            );
        }
        if let Some(re) = &c.matches {
            if let Err(err) = regex::Regex::new(re) {
                errors.push(s.error_at(check.span().start, format!("invalid regex in `matches`: {err}")));
            }
        }
        if let Some(t) = &c.type_ {
            if !["string", "number", "integer", "boolean", "array", "object", "null"].contains(&t.as_str()) {
                errors.push(
                    s.error_at(check.span().start, format!("unknown type `{t}`"))
                        .with_hint("string, number, integer, boolean, array, object or null"),
                );
            }
        }
    }
}

/// The capture mini-language: `json:$.path`, `header:Name`, `status`, `body`,
/// `regex:…` for HTTP; `row:col`, `rows`, `affected`, `insert_id` for SQL.
fn check_capture(spec: &str, is_sql: bool) -> Result<(), String> {
    let (kind, arg) = spec.split_once(':').map_or((spec, None), |(k, a)| (k, Some(a)));
    if let (false, "json", Some(path)) = (is_sql, kind, arg) {
        if let Err(e) = serde_json_path::JsonPath::parse(path) {
            return Err(format!("invalid JSONPath in capture `{spec}`: {e}"));
        }
    }
    if let (false, "regex", Some(re)) = (is_sql, kind, arg) {
        if let Err(e) = regex::Regex::new(re) {
            return Err(format!("invalid regex in capture `{spec}`: {e}"));
        }
    }
    let ok = match (is_sql, kind, arg) {
        (true, "row", Some(a)) | (false, "header", Some(a)) | (false, "json", Some(a)) | (false, "regex", Some(a)) => {
            !a.is_empty()
        }
        (true, "rows" | "affected" | "insert_id", None) | (false, "status" | "body", None) => true,
        _ => false,
    };
    if ok {
        return Ok(());
    }
    Err(if is_sql {
        format!("invalid SQL capture `{spec}`: expected `row:<column>`, `rows`, `affected` or `insert_id`")
    } else {
        format!("invalid HTTP capture `{spec}`: expected `json:$.path`, `header:Name`, `status`, `body` or `regex:<pattern>`")
    })
}
