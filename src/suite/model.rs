//! A suite as the loader hands it on: checked, typed, every part that a
//! message may point at carrying its [`Span`]. Nothing here is TOML: the
//! serde shape stays in `raw.rs`, private to the loader.

use super::position::Span;
use super::step::{SetupStep, Step};
use super::vars::SecretSource;
use super::SuiteError;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// A loaded suite file: its path, its text (positions point into it) and
/// the suite it holds.
#[derive(Debug, Clone)]
pub struct LoadedSuite {
    pub file: PathBuf,
    pub text: Arc<str>,
    pub suite: Suite,
}

impl LoadedSuite {
    /// The suite's display name (`suite = …`, else the file stem).
    pub fn name(&self) -> String {
        self.suite.name.clone()
    }

    /// The folder relative paths in the file (secret files) are taken from.
    pub fn dir(&self) -> &Path {
        self.file.parent().unwrap_or(Path::new("."))
    }

    /// An error at a byte offset of the file (the top of the file is 0).
    pub fn error_at(&self, offset: usize, message: impl Into<String>) -> SuiteError {
        SuiteError::at(&self.file, &self.text, offset, message)
    }
}

/// One file = one suite.
#[derive(Debug, Clone)]
pub struct Suite {
    /// `suite = …`, else the file stem.
    pub name: String,
    pub description: Option<String>,
    /// `parallel = N`: up to N cases at once, each with its own connection
    /// per target (1, the default: one after another).
    pub parallel: u32,
    pub vars: BTreeMap<String, VarDef>,
    pub db: BTreeMap<String, DbTarget>,
    pub env: BTreeMap<String, EnvOverride>,
    /// `[[setup]]`: once before the first case; its captures are every case's.
    pub setup: Vec<SetupStep>,
    pub cases: Vec<Case>,
    /// `[[teardown]]`: once after the last case.
    pub teardown: Vec<Step>,
}

impl Suite {
    /// The steps of the suite's own setup and teardown, with the undos.
    pub fn hook_steps(&self) -> impl Iterator<Item = &Step> {
        let main = self.setup.iter().map(|s| &s.step).chain(&self.teardown);
        main.chain(self.setup.iter().filter_map(|s| s.undo.as_ref()))
    }

    /// The names of the environments this suite declares.
    pub fn env_names(&self) -> Vec<String> {
        self.env.keys().cloned().collect()
    }
}

/// A `[vars]` entry.
#[derive(Debug, Clone)]
pub struct VarDef {
    pub span: Span,
    pub value: VarValue,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VarValue {
    /// A string, number, boolean or date, as text (may use `{{…}}`).
    Text(String),
    /// `{ env = … }` / `{ file = … }`, read when a run is prepared.
    Source { source: SecretSource, secret: bool },
}

/// `[env.<name>]`: what `--env <name>` replaces.
#[derive(Debug, Clone, Default)]
pub struct EnvOverride {
    pub vars: BTreeMap<String, VarDef>,
    pub db: BTreeMap<String, DbTarget>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DbKind {
    Sqlite,
    Mysql,
    Mariadb,
    Postgres,
}

impl DbKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DbKind::Sqlite => "sqlite",
            DbKind::Mysql => "mysql",
            DbKind::Mariadb => "mariadb",
            DbKind::Postgres => "postgres",
        }
    }
}

/// `[db.<name>]`: a logical database target, as declared. Its secrets are
/// read, and its URL built, when a run is prepared (`targets.rs`).
#[derive(Debug, Clone)]
pub struct DbTarget {
    pub span: Span,
    /// Defaults to `sqlite`.
    pub kind: DbKind,
    pub url: Option<Written>,
    /// SQLite file, relative to the data directory (`:memory:` for a private one).
    pub path: Option<String>,
    pub host: Option<String>,
    pub port: Option<u16>,
    pub user: Option<String>,
    pub password: Option<Written>,
    pub database: Option<String>,
    /// Pool size (default 4; SQLite always 1).
    pub max_connections: Option<u32>,
}

/// A value that may come from a secret source (`url`, `password`), as written.
#[derive(Debug, Clone)]
pub struct Written {
    pub span: Span,
    pub value: WrittenValue,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WrittenValue {
    /// An inline string.
    Inline(String),
    /// Anything inline that is not a string.
    NotText,
    /// `{ env = … }` / `{ file = … }`.
    Source(SecretSource),
    /// A table that is not a valid source, and why.
    BadSource(String),
}

/// `[[case]]`: three ordered phases of steps.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    /// Where the case's name is written.
    pub span: Span,
    pub tags: Vec<String>,
    pub timeout: Option<CaseTimeout>,
    pub setup: Vec<SetupStep>,
    pub steps: Vec<Step>,
    pub teardown: Vec<Step>,
    /// A data-driven instance's variables (`matrix`, `rows`), set before its
    /// first step; empty for a plain case.
    pub data: Vec<(String, String)>,
}

/// `timeout = "15s"` of a case: setup and steps together.
#[derive(Debug, Clone)]
pub struct CaseTimeout {
    pub span: Span,
    pub duration: Duration,
    /// As written, for messages ("timed out after 15s").
    pub text: String,
}

impl Case {
    /// Every step of the case: setup, steps, teardown, then the undos.
    pub fn all_steps(&self) -> impl Iterator<Item = &Step> {
        let main = self.setup.iter().map(|s| &s.step).chain(&self.steps).chain(&self.teardown);
        main.chain(self.setup.iter().filter_map(|s| s.undo.as_ref()))
    }
}
