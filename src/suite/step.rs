//! A step as the engine runs it: SQL or HTTP by construction, with its
//! target, method, URL template, timeout, expectations and captures already
//! parsed, and the span of its table in the file. Templates (`{{name}}`)
//! stay text: they are rendered per run, against that run's variables.

use super::position::Span;
use serde_json::Value;
use std::time::Duration;

/// Per-request budget of an HTTP step that sets no `timeout`.
pub const DEFAULT_HTTP_TIMEOUT: Duration = Duration::from_secs(30);
/// Per-statement budget of a SQL step that sets no `timeout`: a database
/// that accepts and never answers must not hold a run (or a case without a
/// `timeout` of its own) forever.
pub const DEFAULT_SQL_TIMEOUT: Duration = Duration::from_secs(30);
/// The most of a response body an HTTP step reads unless it sets
/// `max_body`: a smoke check looks at a status and a few fields, and a
/// target that answers gigabytes (or never stops) must not fill the runner.
pub const DEFAULT_MAX_BODY: u64 = 10 << 20;

/// One step of any phase.
#[derive(Debug, Clone)]
pub struct Step {
    pub name: Option<String>,
    /// Where its `sql` or `http` value starts: what a run error points at.
    pub span: Span,
    pub on_fail: OnFail,
    pub kind: StepKind,
    /// Tried again when it does not succeed (or its `until` does not hold).
    pub retry: Option<Retry>,
}

/// `retry`: up to `times` more attempts, `interval` apart, the pause
/// multiplied by `backoff` after each, never longer than `max_interval`.
#[derive(Debug, Clone, PartialEq)]
pub struct Retry {
    pub times: u32,
    pub interval: Duration,
    pub backoff: f64,
    pub max_interval: Duration,
}

impl Retry {
    /// Hurl's default pause between attempts.
    pub const DEFAULT_INTERVAL: Duration = Duration::from_millis(1000);

    /// The pause after failed attempt `n` (1-based).
    pub fn pause(&self, n: u32) -> Duration {
        let factor = self.backoff.powi(n.saturating_sub(1).min(64) as i32);
        self.interval.mul_f64(factor.min(1e6)).min(self.max_interval)
    }
}

#[derive(Debug, Clone)]
pub enum StepKind {
    Sql(SqlStep),
    Http(HttpStep),
}

/// A setup step and the cleanup that undoes it once it succeeded; only
/// setup steps have one, so only they can hold one.
#[derive(Debug, Clone)]
pub struct SetupStep {
    pub step: Step,
    pub undo: Option<Step>,
}

/// What a step does when it fails in the `step` phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OnFail {
    #[default]
    Stop,
    Continue,
}

#[derive(Debug, Clone)]
pub struct SqlStep {
    /// The database target, decided at load: the step's `db`, else the
    /// case's, else `default_db`, else the suite's only target.
    pub target: String,
    pub sql: String,
    /// Bound by the driver, never templated into the SQL text.
    pub params: Vec<SqlParamTemplate>,
    /// The statement's budget (`timeout`).
    pub timeout: Duration,
    pub expect: SqlExpect,
    /// With `retry`: tried again while this does not hold.
    pub until: Option<SqlExpect>,
    pub captures: Vec<(String, SqlCapture)>,
}

/// A param as written; strings are `{{templates}}`.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlParamTemplate {
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// An array or a table: bound as NULL.
    Null,
}

/// `expect` of a SQL step.
#[derive(Debug, Clone, Default)]
pub struct SqlExpect {
    pub rows: Option<u64>,
    /// Columns of the first row; string values are templates.
    pub row: Option<Vec<(String, Value)>>,
    pub affected: Option<u64>,
    /// The statement must fail with a DB error containing this text.
    pub error: Option<String>,
}

/// `capture` of a SQL step.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlCapture {
    /// `row:<col>`: a column of the first row.
    Column(String),
    /// `rows`: every row, as JSON.
    Rows,
    Affected,
    InsertId,
}

#[derive(Debug, Clone)]
pub struct HttpStep {
    pub method: Method,
    /// The URL after the method, a template.
    pub url: String,
    /// Header values are templates.
    pub headers: Vec<(String, String)>,
    pub body: Body,
    pub timeout: Duration,
    /// Bytes of the response body read at most (`max_body`).
    pub max_body: u64,
    pub expect: HttpExpect,
    /// With `retry`: tried again while this does not hold.
    pub until: Option<HttpExpect>,
    pub captures: Vec<(String, HttpCapture)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
    Head,
    Options,
}

impl Method {
    pub const ALL: [Method; 7] =
        [Method::Get, Method::Post, Method::Put, Method::Patch, Method::Delete, Method::Head, Method::Options];

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Head => "HEAD",
            Method::Options => "OPTIONS",
        }
    }

    pub fn parse(text: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.as_str() == text)
    }
}

/// The request body; string values are templates.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    None,
    Json(Value),
    Text(String),
}

/// `expect` of an HTTP step. Without `status`, any status below 400 passes.
#[derive(Debug, Clone, Default)]
pub struct HttpExpect {
    pub status: Option<u16>,
    /// Exact values, templates.
    pub headers: Vec<(String, String)>,
    pub json: Vec<JsonCheck>,
    pub max_ms: Option<u64>,
}

/// `{ path = "$.id", eq = 2 }` and friends: a JSONPath and its predicates.
#[derive(Debug, Clone)]
pub struct JsonCheck {
    /// Where the check is written (a failure points here, not at the step).
    pub span: Span,
    pub path: JsonPath,
    /// `exists = false` passes when nothing matches, and then no other
    /// predicate is checked; otherwise the path must match a node.
    pub exists: Option<bool>,
    /// The other predicates, in the order they are checked.
    pub predicates: Vec<Predicate>,
}

/// One predicate on the node a JSON check selects; expected string values are templates.
#[derive(Debug, Clone)]
pub enum Predicate {
    Eq(Value),
    Ne(Value),
    Gt(Value),
    Lt(Value),
    Contains(Value),
    Matches(regex::Regex),
    Type(JsonType),
}

/// A compiled JSONPath with the text it was written as (for messages).
#[derive(Debug, Clone)]
pub struct JsonPath {
    pub text: String,
    pub path: serde_json_path::JsonPath,
}

/// `type = "…"` of a JSON check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonType {
    String,
    Number,
    Integer,
    Boolean,
    Array,
    Object,
    Null,
}

impl JsonType {
    pub const ALL: [JsonType; 7] = [
        JsonType::String,
        JsonType::Number,
        JsonType::Integer,
        JsonType::Boolean,
        JsonType::Array,
        JsonType::Object,
        JsonType::Null,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JsonType::String => "string",
            JsonType::Number => "number",
            JsonType::Integer => "integer",
            JsonType::Boolean => "boolean",
            JsonType::Array => "array",
            JsonType::Object => "object",
            JsonType::Null => "null",
        }
    }

    pub fn parse(text: &str) -> Option<JsonType> {
        JsonType::ALL.into_iter().find(|t| t.as_str() == text)
    }
}

/// `capture` of an HTTP step.
#[derive(Debug, Clone)]
pub enum HttpCapture {
    /// `json:$.path`: the first node the path selects.
    Json(JsonPath),
    /// `header:Name`.
    Header(String),
    Status,
    Body,
    /// `regex:<re>`: the first group, else the whole match.
    Regex(regex::Regex),
}

impl Step {
    /// What the step shows in logs when it has no name: its SQL or HTTP line.
    pub fn label(&self) -> String {
        if let Some(name) = &self.name {
            return name.clone();
        }
        match &self.kind {
            StepKind::Sql(s) => one_line(&s.sql),
            StepKind::Http(h) => h.line(),
        }
    }

    /// The database target of a SQL step.
    pub fn target(&self) -> Option<&str> {
        match &self.kind {
            StepKind::Sql(s) => Some(&s.target),
            StepKind::Http(_) => None,
        }
    }
}

impl HttpStep {
    /// `METHOD url`, as written (templates unrendered).
    pub fn line(&self) -> String {
        format!("{} {}", self.method.as_str(), self.url)
    }
}

/// SQL on one line, whitespace collapsed, for log messages.
pub fn one_line(sql: &str) -> String {
    sql.split_whitespace().collect::<Vec<_>>().join(" ")
}
