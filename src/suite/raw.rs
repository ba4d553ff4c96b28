//! The suite file exactly as TOML spells it, one type per table: what serde
//! reads before the loader checks it. Fields that a validation error may
//! point at are `Spanned`, so errors carry file, line and column. Unknown keys
//! are errors (`deny_unknown_fields`): a typo never runs silently.
//!
//! Private to the loader: everything after it (targets, the engine, `check`)
//! gets the typed model of `model.rs` and `step.rs`, where a step is SQL or
//! HTTP by construction and nothing is left to parse at run time.

use super::model::DbKind;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// One file = one suite.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suite {
    /// Display name; the file stem when absent.
    pub suite: Option<String>,
    pub description: Option<String>,
    /// The target a step uses when it names none (and the suite has several).
    pub default_db: Option<Spanned<String>>,
    /// How many cases may run at once (default 1).
    pub parallel: Option<Spanned<i64>>,
    #[serde(default)]
    pub vars: BTreeMap<String, Spanned<toml::Value>>,
    #[serde(default)]
    pub db: BTreeMap<String, Spanned<DbTarget>>,
    #[serde(default)]
    /// Not `Spanned`: `[env.ci.vars]` creates `env.ci` implicitly, which toml cannot span.
    pub env: BTreeMap<String, EnvOverride>,
    #[serde(default, rename = "case")]
    pub cases: Vec<Case>,
    /// Files (relative to this one) whose vars, targets and step lists it uses.
    #[serde(default)]
    pub include: Vec<Spanned<String>>,
    /// `[[steps.login]]`: named step lists a step takes in with `use = "login"`.
    #[serde(default)]
    pub steps: BTreeMap<String, Vec<Spanned<Step>>>,
    /// `[[setup]]`: once, before the first case; its captures are every case's.
    #[serde(default)]
    pub setup: Vec<Spanned<Step>>,
    /// `[[teardown]]`: once, after the last case.
    #[serde(default)]
    pub teardown: Vec<Spanned<Step>>,
}

/// An included file: what suites share. No cases and no includes of its
/// own (one level keeps where a step comes from easy to see).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fragment {
    #[serde(default)]
    pub vars: BTreeMap<String, Spanned<toml::Value>>,
    #[serde(default)]
    pub db: BTreeMap<String, Spanned<DbTarget>>,
    #[serde(default)]
    pub steps: BTreeMap<String, Vec<Spanned<Step>>>,
}

/// `[db.<name>]`: a logical database target.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DbTarget {
    /// Defaults to `sqlite`.
    pub kind: Option<Spanned<DbKind>>,
    /// `mysql://user@host:port/db`, or `{ env = "VAR" }` / `{ file = "path" }` when it holds a password.
    pub url: Option<Spanned<toml::Value>>,
    /// SQLite file, relative to the data directory (`:memory:` for a private one).
    pub path: Option<String>,
    pub host: Option<String>,
    pub port: Option<u16>,
    pub user: Option<String>,
    /// Never an inline string: `{ env = "VAR" }` or `{ file = "path" }`.
    pub password: Option<Spanned<toml::Value>>,
    pub database: Option<String>,
    /// Pool size (default 4; SQLite always 1).
    pub max_connections: Option<u32>,
}

/// `[env.<name>]`: what `--env <name>` replaces.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvOverride {
    #[serde(default)]
    pub vars: BTreeMap<String, Spanned<toml::Value>>,
    #[serde(default)]
    pub db: BTreeMap<String, Spanned<DbTarget>>,
}

/// `[[case]]`: three ordered phases of steps.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub name: Spanned<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// e.g. `"15s"`, `"500ms"`: the whole case (cleanup has its own budget).
    pub timeout: Option<Spanned<String>>,
    /// Target for this case's SQL steps that name none.
    pub db: Option<Spanned<String>>,
    #[serde(default)]
    pub setup: Vec<Spanned<Step>>,
    #[serde(default)]
    pub step: Vec<Spanned<Step>>,
    #[serde(default)]
    pub teardown: Vec<Spanned<Step>>,
    /// `{ user = ["alice", "bob"] }`: once per combination.
    pub matrix: Option<Spanned<toml::value::Table>>,
    /// `{ csv = "users.csv" }`: once per row.
    pub rows: Option<Spanned<Rows>>,
}

/// `rows`: where a data-driven case's rows are.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rows {
    pub csv: Spanned<String>,
}

/// One step of any phase: exactly one of `sql` or `http`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// `use = "login"`: the named step list in this step's place (nothing else may be set).
    #[serde(rename = "use")]
    pub use_list: Option<Spanned<String>>,
    pub name: Option<String>,
    pub db: Option<Spanned<String>>,
    pub sql: Option<Spanned<String>>,
    /// Bound by the driver, never templated into the SQL text.
    #[serde(default)]
    pub params: Vec<Spanned<toml::Value>>,
    /// `"METHOD url"`.
    pub http: Option<Spanned<String>>,
    #[serde(default)]
    pub headers: BTreeMap<String, Spanned<String>>,
    pub json: Option<Spanned<toml::Value>>,
    pub body: Option<Spanned<String>>,
    pub timeout: Option<Spanned<String>>,
    /// `"10MB"`: the most of an HTTP response body the step reads.
    pub max_body: Option<Spanned<String>>,
    /// Not `Spanned`: toml cannot span a table written with dotted keys
    /// (`expect.status = 200`), which is the natural way to write it.
    pub expect: Option<Expect>,
    /// `name = "json:$.id"`, `"row:id"`, `"insert_id"`, …
    #[serde(default)]
    pub capture: BTreeMap<String, Spanned<String>>,
    /// Cleanup for this setup step: runs only if the step succeeded.
    pub undo: Option<Box<Step>>,
    pub on_fail: Option<super::step::OnFail>,
    /// `retry = { times = 10, interval = "500ms", backoff = 2.0, max_interval = "5s" }`.
    pub retry: Option<Spanned<Retry>>,
    /// Retry while this does not hold (an `expect` block of the step's kind).
    pub until: Option<Expect>,
}

/// `retry`: how often and how far apart a step is tried again.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Retry {
    pub times: Spanned<i64>,
    pub interval: Option<Spanned<String>>,
    pub backoff: Option<Spanned<f64>>,
    pub max_interval: Option<Spanned<String>>,
}

/// `expect`: what must hold after the step.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    pub rows: Option<u64>,
    pub row: Option<BTreeMap<String, toml::Value>>,
    pub affected: Option<u64>,
    /// The step must fail with a DB error containing this text.
    pub error: Option<String>,
    pub status: Option<u16>,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default)]
    pub json: Vec<Spanned<JsonCheck>>,
    pub max_ms: Option<u64>,
}

/// `{ path = "$.id", eq = 2 }` and friends.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonCheck {
    pub path: Spanned<String>,
    pub eq: Option<toml::Value>,
    pub ne: Option<toml::Value>,
    pub gt: Option<toml::Value>,
    pub lt: Option<toml::Value>,
    pub contains: Option<toml::Value>,
    pub matches: Option<String>,
    pub exists: Option<bool>,
    #[serde(rename = "type")]
    pub type_: Option<String>,
}
