//! One connection pool per database target, opened once per run; the run
//! takes one connection per target ([`DbConn`]) and keeps it for all its
//! cases and steps (see `run_connections`), so sqlx's prepared-statement
//! cache and the session (temporary tables, `SET`) carry from step to step. Pools skip
//! sqlx's ping on every acquire: preflight already proved the target, and the
//! ping doubled the round trips of a commit-per-statement setup.
//!
//! A statement with `params` is prepared and bound by the driver; one without
//! goes as plain text (so DDL and multi-statement scripts work everywhere).
//! PostgreSQL gets `?` rewritten to `$1…$n` (`pg_placeholders.rs`).

use crate::suite::model::DbKind;
use crate::suite::targets::{Connect, ResolvedTarget};
use futures::TryStreamExt;
use serde_json::{Map, Value};
use sqlx::{Column, Either, Row};
use std::time::Duration;

/// A bound value. Strings were rendered from `{{vars}}` before binding.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlParam {
    Null,
    Int(i64),
    Float(f64),
    Text(String),
    Bool(bool),
}

impl std::fmt::Display for SqlParam {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SqlParam::Null => f.write_str("NULL"),
            SqlParam::Int(i) => write!(f, "{i}"),
            SqlParam::Float(x) => write!(f, "{x}"),
            SqlParam::Text(s) => write!(f, "{s:?}"),
            SqlParam::Bool(b) => write!(f, "{b}"),
        }
    }
}

/// What a statement did: rows affected, rows returned (as JSON objects), and
/// the id of an inserted row where the driver reports one.
#[derive(Debug, Clone, Default)]
pub struct SqlResult {
    pub affected: u64,
    pub rows: Vec<Map<String, Value>>,
    pub insert_id: Option<i64>,
}

/// One connection taken from a [`DbPool`]; it goes back to the pool when dropped.
#[derive(Debug)]
pub enum DbConn {
    Sqlite(sqlx::pool::PoolConnection<sqlx::Sqlite>),
    MySql(sqlx::pool::PoolConnection<sqlx::MySql>),
    Postgres(sqlx::pool::PoolConnection<sqlx::Postgres>),
}

#[derive(Debug, Clone)]
pub enum DbPool {
    Sqlite(sqlx::SqlitePool),
    MySql(sqlx::MySqlPool),
    Postgres(sqlx::PgPool),
}

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

impl DbPool {
    /// A pool for `target` with room for `lanes` cases at once, each with a
    /// connection of its own (a private `:memory:` database is one
    /// connection, whatever the lanes: its cases take turns).
    pub async fn connect(target: &ResolvedTarget, lanes: u32) -> Result<DbPool, sqlx::Error> {
        let max = target.max_connections.max(lanes);
        Ok(match (&target.connect, target.kind) {
            (Connect::SqliteFile(path), _) => {
                if let Some(dir) = path.parent() {
                    tokio::fs::create_dir_all(dir).await.map_err(sqlx::Error::Io)?;
                }
                let opts = sqlx::sqlite::SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true)
                    .busy_timeout(Duration::from_secs(5));
                DbPool::Sqlite(
                    sqlx::sqlite::SqlitePoolOptions::new()
                        .max_connections(lanes.max(1))
                        .acquire_timeout(CONNECT_TIMEOUT)
                        .connect_with(opts)
                        .await?,
                )
            }
            (Connect::SqliteMemory, _) => {
                let opts = sqlx::sqlite::SqliteConnectOptions::new().in_memory(true);
                DbPool::Sqlite(
                    sqlx::sqlite::SqlitePoolOptions::new()
                        .max_connections(1)
                        .idle_timeout(None)
                        .max_lifetime(None)
                        // A parallel case waits here while another holds the
                        // database; its case's timeout bounds the wait.
                        .acquire_timeout(Duration::from_secs(24 * 3600))
                        .connect_with(opts)
                        .await?,
                )
            }
            (Connect::Url(url), DbKind::Postgres) => DbPool::Postgres(server_pool(max).connect(url.as_str()).await?),
            (Connect::Url(url), _) => DbPool::MySql(server_pool(max).connect(url.as_str()).await?),
        })
    }

    /// The preflight query: one round trip proving the target answers. The
    /// connection it used is handed on to the run's first step, not given
    /// back (see `run_connections`).
    pub async fn preflight(&self) -> Result<DbConn, sqlx::Error> {
        let mut conn = self.acquire().await?;
        conn.execute("SELECT 1", &[]).await?;
        Ok(conn)
    }

    pub async fn acquire(&self) -> Result<DbConn, sqlx::Error> {
        Ok(match self {
            DbPool::Sqlite(pool) => DbConn::Sqlite(pool.acquire().await?),
            DbPool::MySql(pool) => DbConn::MySql(pool.acquire().await?),
            DbPool::Postgres(pool) => DbConn::Postgres(pool.acquire().await?),
        })
    }

    pub async fn close(&self) {
        match self {
            DbPool::Sqlite(p) => p.close().await,
            DbPool::MySql(p) => p.close().await,
            DbPool::Postgres(p) => p.close().await,
        }
    }
}

/// Pool options of a database server (MariaDB/MySQL, PostgreSQL).
fn server_pool<DB: sqlx::Database>(max: u32) -> sqlx::pool::PoolOptions<DB> {
    sqlx::pool::PoolOptions::new().max_connections(max).acquire_timeout(CONNECT_TIMEOUT).test_before_acquire(false)
}

impl DbConn {
    /// Drops the connection without giving it back to its pool: its session
    /// is gone or in an unknown state (cut, or left mid-statement).
    pub fn discard(mut self) {
        match &mut self {
            DbConn::Sqlite(c) => c.close_on_drop(),
            DbConn::MySql(c) => c.close_on_drop(),
            DbConn::Postgres(c) => c.close_on_drop(),
        }
    }

    pub async fn execute(&mut self, sql: &str, params: &[SqlParam]) -> Result<SqlResult, sqlx::Error> {
        match self {
            DbConn::Sqlite(conn) => {
                run!(&mut **conn, sql, params, |r: &sqlx::sqlite::SqliteQueryResult| Some(r.last_insert_rowid()), sqlx::sqlite::SqliteRow, [i64, f64, String, bool, Vec<u8>])
            }
            DbConn::MySql(conn) => run!(
                &mut **conn,
                sql,
                params,
                |r: &sqlx::mysql::MySqlQueryResult| (r.last_insert_id() > 0).then_some(r.last_insert_id() as i64),
                sqlx::mysql::MySqlRow,
                [i64, u64, f64, f32, String, bool, chrono::NaiveDateTime, chrono::NaiveDate, chrono::DateTime<chrono::Utc>, serde_json::Value, Vec<u8>]
            ),
            DbConn::Postgres(conn) => {
                let sql =
                    if params.is_empty() { sql.to_string() } else { super::pg_placeholders::pg_placeholders(sql) };
                run!(
                    &mut **conn,
                    &sql,
                    params,
                    |_: &sqlx::postgres::PgQueryResult| None,
                    sqlx::postgres::PgRow,
                    [i64, i32, i16, f64, f32, String, bool, chrono::NaiveDateTime, chrono::DateTime<chrono::Utc>, chrono::NaiveDate, serde_json::Value, Vec<u8>]
                )
            }
        }
    }
}

/// Runs one statement on a connection of any driver; `$types` are tried in order
/// to turn each column into JSON.
macro_rules! run {
    ($pool:expr, $sql:expr, $params:expr, $insert_id:expr, $row:ty, [$($ty:ty),*]) => {{
        let mut out = SqlResult::default();
        let mut handle = |item: Either<_, $row>| match item {
            Either::Left(r) => {
                out.affected += query_result_rows(&r);
                if let Some(id) = $insert_id(&r) { out.insert_id = Some(id); }
            }
            Either::Right(row) => out.rows.push(row_json!(row, [$($ty),*])),
        };
        if $params.is_empty() {
            #[allow(deprecated)]
            let mut stream = sqlx::raw_sql($sql).fetch_many($pool);
            while let Some(item) = stream.try_next().await? { handle(item); }
        } else {
            let mut q = sqlx::query($sql);
            for p in $params {
                q = match p {
                    SqlParam::Null => q.bind(None::<String>),
                    SqlParam::Int(i) => q.bind(*i),
                    SqlParam::Float(f) => q.bind(*f),
                    SqlParam::Text(s) => q.bind(s.clone()),
                    SqlParam::Bool(b) => q.bind(*b),
                };
            }
            #[allow(deprecated)]
            let mut stream = q.fetch_many($pool);
            while let Some(item) = stream.try_next().await? { handle(item); }
        }
        Ok(out)
    }};
}
use run;

/// One row as a JSON object, each column decoded by the first type that fits.
macro_rules! row_json {
    ($row:expr, [$($ty:ty),*]) => {{
        let row = &$row;
        let mut obj = Map::new();
        for (i, col) in row.columns().iter().enumerate() {
            let mut value = Value::Null;
            'found: {
                $(
                    if let Ok(v) = row.try_get::<Option<$ty>, _>(i) {
                        value = v.map(to_json).unwrap_or(Value::Null);
                        break 'found;
                    }
                )*
            }
            obj.insert(col.name().to_string(), value);
        }
        obj
    }};
}
use row_json;

trait RowsAffected {
    fn rows(&self) -> u64;
}
impl RowsAffected for sqlx::sqlite::SqliteQueryResult {
    fn rows(&self) -> u64 {
        self.rows_affected()
    }
}
impl RowsAffected for sqlx::mysql::MySqlQueryResult {
    fn rows(&self) -> u64 {
        self.rows_affected()
    }
}
impl RowsAffected for sqlx::postgres::PgQueryResult {
    fn rows(&self) -> u64 {
        self.rows_affected()
    }
}
fn query_result_rows(r: &impl RowsAffected) -> u64 {
    r.rows()
}

/// Column values as JSON.
trait ToJson {
    fn json(self) -> Value;
}
fn to_json(v: impl ToJson) -> Value {
    v.json()
}
macro_rules! to_json_via_serde {
    ($($ty:ty),*) => { $(impl ToJson for $ty { fn json(self) -> Value { serde_json::to_value(self).unwrap_or(Value::Null) } })* };
}
to_json_via_serde!(
    i64,
    u64,
    i32,
    i16,
    f64,
    f32,
    String,
    bool,
    chrono::NaiveDateTime,
    chrono::NaiveDate,
    chrono::DateTime<chrono::Utc>
);
impl ToJson for Value {
    fn json(self) -> Value {
        self
    }
}
impl ToJson for Vec<u8> {
    fn json(self) -> Value {
        Value::String(String::from_utf8_lossy(&self).into_owned())
    }
}
