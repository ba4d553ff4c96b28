//! Tokens and the page's sessions, kept where the run history is (the
//! embedded SQLite file, or the team's PostgreSQL, so every instance knows
//! every token and a revoke reaches all of them at once). A token is
//! `lsk_` and 64 hex digits of randomness, printed once; the store keeps its
//! SHA-256 only, so a copy of the database lets no one in. Nothing is
//! cached: a revoked token fails on its very next request.

use super::Scope;
use crate::runs::RunRegistry;
use sha2::{Digest, Sha256};
use sqlx::postgres::PgPool;
use sqlx::sqlite::SqlitePool;

/// Where the tokens are (cheap to clone).
#[derive(Clone)]
pub enum TokenStore {
    Sqlite(SqlitePool),
    Pg(PgPool),
}

/// Who a valid token or session is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub token_id: i64,
    pub name: String,
    pub scope: Scope,
}

/// A token as `token list` and `GET /api/tokens` show it (never the token).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TokenInfo {
    pub name: String,
    pub scope: Scope,
    pub created_at: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<i64>,
}

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("a token named `{0}` exists already (revoke it, or pick another name)")]
    NameTaken(String),
    #[error("token name `{0}`: use letters, digits, `_`, `-` and `.` (at most 64)")]
    BadName(String),
    #[error("the token store: {0}")]
    Db(#[from] sqlx::Error),
}

/// How long a page's session lasts after its login.
pub const SESSION_SECS: i64 = 12 * 3600;

const SQLITE_SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS tokens (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, \
     scope TEXT NOT NULL, hash TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL, revoked_at INTEGER)",
    "CREATE TABLE IF NOT EXISTS sessions (hash TEXT PRIMARY KEY, token_id INTEGER NOT NULL, \
     expires_at INTEGER NOT NULL)",
];

/// The same statement for both databases: written with `$1…$n` (each
/// once, in order), which SQLite takes as `?`.
fn sqlite_sql(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
            while chars.peek().is_some_and(char::is_ascii_digit) {
                chars.next();
            }
            out.push('?');
        } else {
            out.push(c);
        }
    }
    out
}

macro_rules! fetch {
    ($store:expr, $sql:expr, $out:ty, [$($arg:expr),*], $method:ident) => {
        match $store {
            TokenStore::Sqlite(db) => sqlx::query_as::<_, $out>(&sqlite_sql($sql))$(.bind($arg))*.$method(db).await,
            TokenStore::Pg(db) => sqlx::query_as::<_, $out>($sql)$(.bind($arg))*.$method(db).await,
        }
    };
}

macro_rules! execute {
    ($store:expr, $sql:expr, [$($arg:expr),*]) => {
        match $store {
            TokenStore::Sqlite(db) => {
                sqlx::query(&sqlite_sql($sql))$(.bind($arg))*.execute(db).await.map(|r| r.rows_affected())
            }
            TokenStore::Pg(db) => sqlx::query($sql)$(.bind($arg))*.execute(db).await.map(|r| r.rows_affected()),
        }
    };
}

impl TokenStore {
    /// The store beside `registry`'s runs (its tables made if missing).
    pub async fn of(registry: &RunRegistry) -> Result<Self, sqlx::Error> {
        let store = match registry {
            RunRegistry::Embedded(r) => TokenStore::Sqlite(r.db().clone()),
            RunRegistry::Team(r) => TokenStore::Pg(r.pool().clone()),
        };
        if let TokenStore::Sqlite(db) = &store {
            for sql in SQLITE_SCHEMA {
                sqlx::query(sql).execute(db).await?;
            }
        }
        Ok(store)
    }

    /// Makes a token and returns it: the only time it is ever seen.
    pub async fn create(&self, name: &str, scope: Scope) -> Result<String, TokenError> {
        if name.len() > 64 || !crate::model::is_plain_name(name) {
            return Err(TokenError::BadName(name.to_string()));
        }
        let token = format!("lsk_{}", random_hex());
        let res = execute!(
            self,
            "INSERT INTO tokens (name, scope, hash, created_at) VALUES ($1, $2, $3, $4)",
            [name, scope.as_str(), hash(&token), now_ms()]
        );
        match res {
            Ok(_) => Ok(token),
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(TokenError::NameTaken(name.to_string())),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn list(&self) -> Result<Vec<TokenInfo>, TokenError> {
        let rows = fetch!(
            self,
            "SELECT name, scope, created_at, revoked_at FROM tokens ORDER BY id",
            (String, String, i64, Option<i64>),
            [],
            fetch_all
        )?;
        Ok(rows
            .into_iter()
            .map(|(name, scope, created_at, revoked_at)| TokenInfo {
                name,
                scope: scope.parse().unwrap_or(Scope::Read),
                created_at,
                revoked_at,
            })
            .collect())
    }

    /// Revokes the token named `name` and ends its sessions; false when
    /// there is no such token still valid.
    pub async fn revoke(&self, name: &str) -> Result<bool, TokenError> {
        let n = execute!(
            self,
            "UPDATE tokens SET revoked_at = $1 WHERE name = $2 AND revoked_at IS NULL",
            [now_ms(), name]
        )?;
        execute!(self, "DELETE FROM sessions WHERE token_id IN (SELECT id FROM tokens WHERE name = $1)", [name])?;
        Ok(n == 1)
    }

    /// The token's grant, if it is one of ours and not revoked.
    pub async fn verify(&self, token: &str) -> Result<Option<Grant>, TokenError> {
        let row = fetch!(
            self,
            "SELECT id, name, scope FROM tokens WHERE hash = $1 AND revoked_at IS NULL",
            (i64, String, String),
            [hash(token)],
            fetch_optional
        )?;
        Ok(row.map(to_grant))
    }

    /// A new session for a verified token: the cookie's value.
    pub async fn open_session(&self, grant: &Grant) -> Result<String, TokenError> {
        let session = random_hex();
        execute!(
            self,
            "INSERT INTO sessions (hash, token_id, expires_at) VALUES ($1, $2, $3)",
            [hash(&session), grant.token_id, now_ms() + SESSION_SECS * 1000]
        )?;
        Ok(session)
    }

    /// The session's grant while it lasts and its token is not revoked.
    pub async fn session(&self, session: &str) -> Result<Option<Grant>, TokenError> {
        let row = fetch!(
            self,
            "SELECT t.id, t.name, t.scope FROM sessions s JOIN tokens t ON t.id = s.token_id \
             WHERE s.hash = $1 AND s.expires_at > $2 AND t.revoked_at IS NULL",
            (i64, String, String),
            [hash(session), now_ms()],
            fetch_optional
        )?;
        Ok(row.map(to_grant))
    }

    pub async fn close_session(&self, session: &str) -> Result<(), TokenError> {
        execute!(self, "DELETE FROM sessions WHERE hash = $1 OR expires_at < $2", [hash(session), now_ms()])?;
        Ok(())
    }
}

fn to_grant((token_id, name, scope): (i64, String, String)) -> Grant {
    Grant { token_id, name, scope: scope.parse().unwrap_or(Scope::Read) }
}

/// 256 bits from the OS's generator (two v4 UUIDs' random parts and more).
fn random_hex() -> String {
    let bytes: Vec<u8> = (0..3).flat_map(|_| *uuid::Uuid::new_v4().as_bytes()).collect::<Vec<u8>>();
    hex::encode(Sha256::digest(bytes))
}

fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

#[cfg(test)]
mod tests {
    #[test]
    fn sqlite_takes_numbered_placeholders_as_question_marks() {
        assert_eq!(super::sqlite_sql("a = $1 AND b = $12, '$'"), "a = ? AND b = ?, '$'");
    }
}
