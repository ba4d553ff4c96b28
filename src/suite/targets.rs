//! Database targets as a run sees them: `[db.<name>]` with the selected
//! `[env.<name>.db.<name>]` replacing it, passwords read from their source,
//! and a masked form for every message (the password never leaves this type
//! except to open the connection).

use super::error::known;
use super::model::{DbKind, DbTarget, LoadedSuite, Written, WrittenValue};
use super::{SuiteError, SuiteErrors};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// How to connect; `Debug` is masked so a stray `{:?}` cannot leak a password.
#[derive(Clone, PartialEq, Eq)]
pub enum Connect {
    SqliteFile(PathBuf),
    SqliteMemory,
    /// mysql:// or postgres:// URL, password included.
    Url(url::Url),
}

impl fmt::Debug for Connect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Connect::SqliteFile(p) => write!(f, "SqliteFile({})", p.display()),
            Connect::SqliteMemory => f.write_str("SqliteMemory"),
            Connect::Url(u) => write!(f, "Url({})", mask_url(u)),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ResolvedTarget {
    pub name: String,
    pub kind: DbKind,
    pub connect: Connect,
    pub max_connections: u32,
    /// Password, if any: a secret for the redactor.
    pub password: Option<String>,
}

impl ResolvedTarget {
    /// What logs and replies show: the DSN without its password.
    pub fn display(&self) -> String {
        match &self.connect {
            Connect::SqliteFile(p) => format!("sqlite:{}", p.display()),
            Connect::SqliteMemory => "sqlite::memory:".into(),
            Connect::Url(u) => mask_url(u),
        }
    }
}

/// The URL with its password replaced by `***`, parsed rather than searched,
/// so a password that also appears elsewhere in the text cannot slip through.
pub fn mask_url(u: &url::Url) -> String {
    let mut masked = u.clone();
    if masked.password().is_some() {
        let _ = masked.set_password(Some(crate::logging::redactor::MASK));
    }
    masked.to_string()
}

/// All targets of a suite for the selected environment.
pub fn resolve(
    suite: &LoadedSuite,
    env: Option<&str>,
    data_dir: &Path,
) -> Result<BTreeMap<String, ResolvedTarget>, SuiteErrors> {
    let mut errors = SuiteErrors::default();
    let mut chosen: BTreeMap<&str, &DbTarget> = suite.suite.db.iter().map(|(k, v)| (k.as_str(), v)).collect();
    if let Some(env_name) = env {
        match suite.suite.env.get(env_name) {
            Some(over) => {
                for (name, target) in &over.db {
                    if !chosen.contains_key(name.as_str()) {
                        let msg = format!("env `{env_name}` overrides unknown database target `{name}`");
                        errors.push(
                            SuiteError::at_span(&target.span, msg).with_hint("declare it under [db.<name>] first"),
                        );
                    }
                    chosen.insert(name.as_str(), target);
                }
            }
            None => errors.push(
                suite
                    .error_at(0, format!("unknown environment `{env_name}`"))
                    .with_hint(known("environments", suite.suite.env.keys())),
            ),
        }
    }
    let mut out = BTreeMap::new();
    for (name, target) in chosen {
        match resolve_one(suite, name, target, data_dir) {
            Ok(t) => {
                out.insert(name.to_string(), t);
            }
            Err(e) => errors.push(e),
        }
    }
    errors.into_result(out)
}

fn resolve_one(suite: &LoadedSuite, name: &str, t: &DbTarget, data_dir: &Path) -> Result<ResolvedTarget, SuiteError> {
    let at = |span: &super::Span, msg: String| SuiteError::at_span(span, msg);
    let kind = t.kind;
    let password = match &t.password {
        None => None,
        Some(p) => Some(read_source(suite, p, &format!("password of target `{name}`"))?),
    };
    let connect = match kind {
        DbKind::Sqlite => match t.path.as_deref() {
            Some(":memory:") => Connect::SqliteMemory,
            Some(p) => Connect::SqliteFile(data_dir.join(p)),
            None => {
                return Err(at(&t.span, format!("sqlite target `{name}` needs `path`"))
                    .with_hint("path = \"app.db\" (relative to the data directory)"))
            }
        },
        _ => {
            let mut url = match &t.url {
                Some(u) => {
                    let text = match &u.value {
                        WrittenValue::Inline(s) => s.clone(),
                        _ => read_source(suite, u, &format!("url of target `{name}`"))?,
                    };
                    let parsed = url::Url::parse(&text)
                        .map_err(|e| at(&u.span, format!("target `{name}`: invalid url: {e}")))?;
                    if parsed.password().is_some() && matches!(u.value, WrittenValue::Inline(_)) {
                        return Err(at(&u.span, format!("target `{name}`: the url holds a password inline"))
                            .with_hint("remove it from the url and write password = { env = \"VAR\" } (or { file = \"path\" }), or give the whole url as url = { env = \"VAR\" }"));
                    }
                    parsed
                }
                None => {
                    let host = t
                        .host
                        .as_deref()
                        .ok_or_else(|| at(&t.span, format!("target `{name}` needs `url` or `host`")))?;
                    let scheme = if kind == DbKind::Postgres { "postgres" } else { "mysql" };
                    let port = t.port.unwrap_or(if kind == DbKind::Postgres { 5432 } else { 3306 });
                    let mut u = url::Url::parse(&format!("{scheme}://{host}:{port}/"))
                        .map_err(|e| at(&t.span, format!("target `{name}`: {e}")))?;
                    let _ = u.set_username(t.user.as_deref().unwrap_or("root"));
                    u.set_path(t.database.as_deref().unwrap_or(""));
                    u
                }
            };
            let scheme_ok = match kind {
                DbKind::Postgres => matches!(url.scheme(), "postgres" | "postgresql"),
                _ => matches!(url.scheme(), "mysql" | "mariadb"),
            };
            if !scheme_ok {
                return Err(at(
                    t.url.as_ref().map_or(&t.span, |u| &u.span),
                    format!("target `{name}` is kind `{}` but its url scheme is `{}`", kind.as_str(), url.scheme()),
                ));
            }
            if url.scheme() == "mariadb" {
                // A valid url stays valid with its scheme swapped; were it not, the error says which.
                url = url::Url::parse(&url.as_str().replacen("mariadb://", "mysql://", 1))
                    .map_err(|e| at(&t.span, format!("target `{name}`: {e}")))?;
            }
            if let Some(p) = &password {
                let _ = url.set_password(Some(p));
            }
            Connect::Url(url)
        }
    };
    let max_connections = if kind == DbKind::Sqlite { 1 } else { t.max_connections.unwrap_or(4).max(1) };
    let url_password = match &connect {
        Connect::Url(u) => u.password().map(percent_decode),
        _ => None,
    };
    Ok(ResolvedTarget { name: name.to_string(), kind, connect, max_connections, password: password.or(url_password) })
}

fn read_source(suite: &LoadedSuite, value: &Written, what: &str) -> Result<String, SuiteError> {
    let err = |msg: String| SuiteError::at_span(&value.span, msg);
    match &value.value {
        WrittenValue::Inline(_) | WrittenValue::NotText => {
            Err(err(format!("{what} must not be written inline"))
                .with_hint("use { env = \"VAR\" } or { file = \"path\" }"))
        }
        WrittenValue::BadSource(msg) => Err(err(format!("{what}: {msg}"))),
        WrittenValue::Source(source) => source.read(suite.dir()).map_err(|e| err(format!("{what}: {e}"))),
    }
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}
