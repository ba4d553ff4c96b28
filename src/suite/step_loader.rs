//! Turning one `[[case.setup|step|teardown]]` table (or an `undo`) into a
//! typed [`Step`]: it must be SQL or HTTP, carry only the fields of its kind,
//! and its HTTP line, durations, expectations, captures and templates must
//! parse. Each problem is reported at its position; a step with any problem
//! is not built (the suite then does not load).

use super::load_context::{toml_to_json, LoadCx};
use super::raw;
use super::step::{
    Body, HttpCapture, HttpExpect, HttpStep, JsonCheck, JsonPath, JsonType, Method, Predicate, Retry, SqlCapture,
    SqlExpect, SqlParamTemplate, SqlStep, Step, StepKind, DEFAULT_HTTP_TIMEOUT, DEFAULT_MAX_BODY, DEFAULT_SQL_TIMEOUT,
};
use std::collections::BTreeSet;
use toml::Spanned;

/// Which phase a step is written in, for messages and for what it may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    Setup,
    Step,
    Teardown,
    Undo,
}

impl Written {
    fn name(self) -> &'static str {
        match self {
            Written::Setup => "setup",
            Written::Step => "step",
            Written::Teardown => "teardown",
            Written::Undo => "undo",
        }
    }

    /// How messages name a step of the phase.
    fn what(self) -> &'static str {
        match self {
            Written::Setup => "a setup step",
            Written::Teardown => "a teardown step",
            Written::Undo => "an undo",
            Written::Step => "a step",
        }
    }
}

/// The case's `db`, which a SQL step without its own uses.
pub struct StepScope<'a> {
    pub case_db: Option<&'a str>,
    /// Variables defined before this step (declared, built in, captured earlier).
    pub known: &'a BTreeSet<String>,
}

/// Checks and types one step; `at` is the offset of its table (or, for an
/// undo, of its setup step's table). `None` when it has a problem.
pub fn lower_step(cx: &mut LoadCx, scope: &StepScope, st: &raw::Step, at: usize, phase: Written) -> Option<Step> {
    let errors_before = cx.errors.0.len();
    match (&st.sql, &st.http) {
        (Some(_), Some(_)) => {
            let e = cx.error_at(at, format!("{} has both `sql` and `http`", phase.what()));
            cx.push(e.with_hint("split it into two steps"));
        }
        (None, None) => {
            let e = cx.error_at(at, format!("{} needs `sql` or `http`", phase.what()));
            cx.push(e);
        }
        _ => {}
    }
    if st.sql.is_some() {
        let http_only = [
            ("headers", !st.headers.is_empty()),
            ("json", st.json.is_some()),
            ("body", st.body.is_some()),
            ("max_body", st.max_body.is_some()),
        ];
        for (key, _) in http_only.iter().filter(|(_, present)| *present) {
            let e = cx.error_at(at, format!("`{key}` does not apply to a SQL step"));
            cx.push(e.with_hint("SQL values go in params = […]"));
        }
    }
    if st.http.is_some() {
        if let Some(db) = &st.db {
            let e = cx.error_at(db.span().start, "`db` does not apply to an HTTP step");
            cx.push(e);
        }
        if let Some(p) = st.params.first() {
            let e = cx.error_at(p.span().start, "`params` does not apply to an HTTP step");
            cx.push(e.with_hint("use {{vars}} in the url, headers, json or body"));
        }
    }
    if st.undo.is_some() && phase != Written::Setup {
        let e = cx.error_at(at, format!("`undo` is only allowed on setup steps, not in {}", phase.name()));
        cx.push(e.with_hint("put the cleanup in [[case.teardown]]"));
    }
    let target = st.sql.as_ref().and_then(|sql| sql_target(cx, scope, st, sql));
    let http = st.http.as_ref().and_then(|line| http_line(cx, line));
    if st.json.is_some() && st.body.is_some() && st.http.is_some() {
        let e = cx.error_at(at, "a step has both `json` and `body`");
        cx.push(e);
    }
    let timeout = st.timeout.as_ref().and_then(|t| cx.duration(t));
    let max_body = st.max_body.as_ref().and_then(|m| cx.size(m));
    let is_sql = st.sql.is_some();
    let expect = st.expect.clone().unwrap_or_default();
    check_expect_keys(cx, &expect, at, is_sql, "expect");
    let json_checks: Vec<JsonCheck> = expect.json.iter().filter_map(|c| json_check(cx, c)).collect();
    let retry = st.retry.as_ref().and_then(|r| retry(cx, r));
    if let Some(until) = &st.until {
        check_expect_keys(cx, until, at, is_sql, "until");
        if st.retry.is_none() {
            let e = cx.error_at(at, "`until` needs `retry`: it says when to stop retrying");
            cx.push(e.with_hint("add retry = { times = 10, interval = \"500ms\" }"));
        }
    }
    let until_json: Vec<JsonCheck> =
        st.until.iter().flat_map(|u| u.json.iter()).filter_map(|c| json_check(cx, c)).collect();
    let mut sql_captures = Vec::new();
    let mut http_captures = Vec::new();
    for (name, spec) in &st.capture {
        let parsed = if is_sql {
            sql_capture(spec.get_ref()).map(|c| sql_captures.push((name.clone(), c)))
        } else {
            http_capture(spec.get_ref()).map(|c| http_captures.push((name.clone(), c)))
        };
        if let Err(msg) = parsed {
            let e = cx.error_at(spec.span().start, msg);
            cx.push(e);
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
        cx.check_refs(text, span, scope.known);
    }
    if let Some(json) = &st.json {
        cx.check_value_refs(json.get_ref(), json.span(), scope.known);
    }
    if cx.errors.0.len() > errors_before {
        return None;
    }
    let kind = match (&st.sql, http) {
        (Some(sql), None) => StepKind::Sql(SqlStep {
            target: target?,
            sql: sql.get_ref().clone(),
            params: st.params.iter().map(|p| param(p.get_ref())).collect(),
            timeout: timeout.unwrap_or(DEFAULT_SQL_TIMEOUT),
            expect: sql_expect(expect),
            until: st.until.clone().map(sql_expect),
            captures: sql_captures,
        }),
        (None, Some((method, url))) => StepKind::Http(HttpStep {
            method,
            url,
            headers: st.headers.iter().map(|(k, v)| (k.clone(), v.get_ref().clone())).collect(),
            body: match (&st.json, &st.body) {
                (Some(json), _) => Body::Json(toml_to_json(json.get_ref())),
                (None, Some(body)) => Body::Text(body.get_ref().clone()),
                (None, None) => Body::None,
            },
            timeout: timeout.unwrap_or(DEFAULT_HTTP_TIMEOUT),
            max_body: max_body.unwrap_or(DEFAULT_MAX_BODY),
            expect: http_expect(expect, json_checks),
            until: st.until.clone().map(|u| http_expect(u, until_json)),
            captures: http_captures,
        }),
        _ => return None,
    };
    // A run error points at what ran (the statement or the request line),
    // the line a reader fixes, not at the step's table header.
    let what_ran = st.sql.as_ref().map(|s| s.span().start).or_else(|| st.http.as_ref().map(|h| h.span().start));
    Some(Step {
        name: st.name.clone(),
        span: cx.span(what_ran.unwrap_or(at)),
        on_fail: st.on_fail.unwrap_or_default(),
        kind,
        retry,
    })
}

fn sql_expect(e: raw::Expect) -> SqlExpect {
    SqlExpect {
        rows: e.rows,
        row: e.row.map(|r| r.iter().map(|(k, v)| (k.clone(), toml_to_json(v))).collect()),
        affected: e.affected,
        error: e.error,
    }
}

fn http_expect(e: raw::Expect, json: Vec<JsonCheck>) -> HttpExpect {
    HttpExpect { status: e.status, headers: e.headers.into_iter().collect(), json, max_ms: e.max_ms }
}

/// Most attempts a step may ask for: past this, a wait belongs in the case's `timeout`.
const MAX_RETRIES: u32 = 1000;

/// `retry = { times, interval, backoff, max_interval }`, each checked where it is written.
fn retry(cx: &mut LoadCx, r: &Spanned<raw::Retry>) -> Option<Retry> {
    let r = r.get_ref();
    let errors_before = cx.errors.0.len();
    let times = cx.count(&r.times, "retry.times", 1..=MAX_RETRIES, "the number of attempts after the first");
    let interval = r.interval.as_ref().and_then(|i| cx.duration(i)).unwrap_or(Retry::DEFAULT_INTERVAL);
    let backoff = r.backoff.as_ref().map_or(1.0, |b| *b.get_ref());
    if let Some(b) = &r.backoff {
        if !(1.0..=10.0).contains(b.get_ref()) {
            let e = cx.error_at(b.span().start, format!("`retry.backoff` must be 1.0 to 10.0, got {}", b.get_ref()));
            cx.push(e.with_hint("1.0 keeps the interval; 2.0 doubles it after each attempt"));
        }
    }
    let max_interval = match &r.max_interval {
        Some(m) => cx.duration(m).unwrap_or(interval),
        None => interval.max(std::time::Duration::from_secs(60)),
    };
    if let (Some(m), true) = (&r.max_interval, max_interval < interval) {
        let e = cx.error_at(m.span().start, "`retry.max_interval` is shorter than `retry.interval`");
        cx.push(e);
    }
    (cx.errors.0.len() == errors_before).then_some(Retry { times, interval, backoff, max_interval })
}

/// The target of a SQL step (its `db`, the case's, `default_db`, the only
/// one), and the SQL text must not be templated.
fn sql_target(cx: &mut LoadCx, scope: &StepScope, st: &raw::Step, sql: &Spanned<String>) -> Option<String> {
    if sql.get_ref().contains("{{") {
        let at = cx.locate(&sql.span(), |raw| raw.find("{{"));
        let e = cx.error_at(at, "`{{…}}` inside `sql`: SQL text is never templated");
        cx.push(e.with_hint("write `?` in the SQL and pass the value in params = [\"{{name}}\"]"));
    }
    if let Some(db) = &st.db {
        cx.check_target_name(db);
    }
    let only = (cx.targets.len() == 1).then(|| cx.targets.first().cloned()).flatten();
    let target = st.db.as_ref().map(|d| d.get_ref().clone()).or(scope.case_db.map(str::to_string));
    let target = target.or(cx.default_db.clone()).or(only);
    if target.is_none() {
        let hint = if cx.targets.is_empty() {
            "declare one with [db.app] kind = \"sqlite\" path = \"app.db\""
        } else {
            "name one with db = \"…\" on the step or case, or set default_db"
        };
        let e = cx.error_at(sql.span().start, "no database target for this SQL step");
        cx.push(e.with_hint(hint));
    }
    target
}

/// `"METHOD url"`.
fn http_line(cx: &mut LoadCx, line: &Spanned<String>) -> Option<(Method, String)> {
    let text = line.get_ref();
    let parsed = text
        .trim()
        .split_once(char::is_whitespace)
        .and_then(|(m, url)| Some((Method::parse(m)?, url.trim().to_string())))
        .filter(|(_, url)| !url.is_empty());
    if parsed.is_none() {
        let e = cx.error_at(line.span().start, format!("invalid http line `{text}`"));
        cx.push(e.with_hint("write \"METHOD url\", e.g. \"GET {{base_url}}/health\""));
    }
    parsed
}

fn param(v: &toml::Value) -> SqlParamTemplate {
    match v {
        toml::Value::String(s) => SqlParamTemplate::Text(s.clone()),
        toml::Value::Integer(i) => SqlParamTemplate::Int(*i),
        toml::Value::Float(f) => SqlParamTemplate::Float(*f),
        toml::Value::Boolean(b) => SqlParamTemplate::Bool(*b),
        toml::Value::Datetime(d) => SqlParamTemplate::Text(d.to_string()),
        toml::Value::Array(_) | toml::Value::Table(_) => SqlParamTemplate::Null,
    }
}

/// Expectations must fit the step's kind.
/// The keys of an `expect` (or `until`) block must be of the step's kind.
fn check_expect_keys(cx: &mut LoadCx, e: &raw::Expect, at: usize, is_sql: bool, block: &str) {
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
    let (wrong, kind, hint) = if is_sql {
        (&http_keys, "SQL", "SQL steps expect rows, row, affected or error")
    } else {
        (&sql_keys, "HTTP", "HTTP steps expect status, headers, json or max_ms")
    };
    for (key, _) in wrong.iter().filter(|(_, present)| *present) {
        let e = cx.error_at(at, format!("`{block}.{key}` does not apply to an {kind} step"));
        cx.push(e.with_hint(hint));
    }
}

/// One `expect.json` entry: its JSONPath and regex must compile, its type be known.
fn json_check(cx: &mut LoadCx, check: &Spanned<raw::JsonCheck>) -> Option<JsonCheck> {
    let c = check.get_ref();
    let at = check.span().start;
    let path = match serde_json_path::JsonPath::parse(c.path.get_ref()) {
        Ok(path) => Some(JsonPath { text: c.path.get_ref().clone(), path }),
        Err(err) => {
            let e = cx.error_at(c.path.span().start, format!("invalid JSONPath `{}`: {err}", c.path.get_ref()));
            cx.push(e.with_hint("JSONPath (RFC 9535), e.g. \"$.items[0].id\""));
            None
        }
    };
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
        let e = cx.error_at(at, "a json check needs a predicate");
        cx.push(e.with_hint("add one of eq, ne, gt, lt, contains, matches, exists, type"));
    }
    let matches = c.matches.as_deref().map(|re| {
        regex::Regex::new(re).map_err(|err| {
            let e = cx.error_at(at, format!("invalid regex in `matches`: {err}"));
            cx.push(e);
        })
    });
    let type_ = c.type_.as_deref().map(|t| {
        JsonType::parse(t).ok_or_else(|| {
            let e = cx.error_at(at, format!("unknown type `{t}`"));
            cx.push(e.with_hint("string, number, integer, boolean, array, object or null"));
        })
    });
    let (matches, type_) = (matches.transpose().ok()?, type_.transpose().ok()?);
    let values =
        [(&c.eq, Predicate::Eq as fn(_) -> _), (&c.ne, Predicate::Ne), (&c.gt, Predicate::Gt), (&c.lt, Predicate::Lt)];
    let mut predicates: Vec<Predicate> =
        values.into_iter().filter_map(|(v, make)| v.as_ref().map(|v| make(toml_to_json(v)))).collect();
    predicates.extend(c.contains.as_ref().map(|v| Predicate::Contains(toml_to_json(v))));
    predicates.extend(matches.map(Predicate::Matches));
    predicates.extend(type_.map(Predicate::Type));
    Some(JsonCheck { span: cx.span(at), path: path?, exists: c.exists, predicates })
}

/// The SQL capture mini-language: `row:col`, `rows`, `affected`, `insert_id`.
fn sql_capture(spec: &str) -> Result<SqlCapture, String> {
    match spec.split_once(':') {
        Some(("row", col)) if !col.is_empty() => Ok(SqlCapture::Column(col.to_string())),
        None if spec == "rows" => Ok(SqlCapture::Rows),
        None if spec == "affected" => Ok(SqlCapture::Affected),
        None if spec == "insert_id" => Ok(SqlCapture::InsertId),
        _ => Err(format!("invalid SQL capture `{spec}`: expected `row:<column>`, `rows`, `affected` or `insert_id`")),
    }
}

/// The HTTP capture mini-language: `json:$.path`, `header:Name`, `status`, `body`, `regex:…`.
fn http_capture(spec: &str) -> Result<HttpCapture, String> {
    let invalid = || {
        format!("invalid HTTP capture `{spec}`: expected `json:$.path`, `header:Name`, `status`, `body` or `regex:<pattern>`")
    };
    match spec.split_once(':') {
        Some(("json", path)) => {
            let parsed = serde_json_path::JsonPath::parse(path)
                .map_err(|e| format!("invalid JSONPath in capture `{spec}`: {e}"))?;
            if path.is_empty() {
                return Err(invalid());
            }
            Ok(HttpCapture::Json(JsonPath { text: path.to_string(), path: parsed }))
        }
        Some(("regex", re)) => {
            let re = regex::Regex::new(re).map_err(|e| format!("invalid regex in capture `{spec}`: {e}"))?;
            if re.as_str().is_empty() {
                return Err(invalid());
            }
            Ok(HttpCapture::Regex(re))
        }
        Some(("header", name)) if !name.is_empty() => Ok(HttpCapture::Header(name.to_string())),
        None if spec == "status" => Ok(HttpCapture::Status),
        None if spec == "body" => Ok(HttpCapture::Body),
        _ => Err(invalid()),
    }
}
