//! Opening the team database: a pool for requests, and the schema brought up
//! to date by sqlx's migrator before anything reads it. The migrations are
//! embedded with `include_str!` rather than `sqlx::migrate!`: the macro needs
//! sqlx's proc-macro crate, which would build the SQLite driver (and its C
//! library) a second time for one list of files.

use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use std::borrow::Cow;
use std::str::FromStr;
use std::time::Duration;

const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "team", include_str!("../../../migrations/0001_team.sql")),
    (2, "pipeline", include_str!("../../../migrations/0002_pipeline.sql")),
    (3, "rerun", include_str!("../../../migrations/0003_rerun.sql")),
];

fn migrator() -> Migrator {
    let migrations = MIGRATIONS
        .iter()
        .map(|(v, name, sql)| {
            Migration::new(*v, Cow::Borrowed(*name), MigrationType::Simple, Cow::Borrowed(*sql), false)
        })
        .collect::<Vec<_>>();
    Migrator { migrations: Cow::Owned(migrations), ..Migrator::DEFAULT }
}

/// Connects (`max` connections) and migrates. Several processes starting at
/// once are fine: the migrator takes an advisory lock.
pub async fn open(url: &str, max: u32) -> Result<PgPool, String> {
    let opts = PgConnectOptions::from_str(url).map_err(|e| format!("--db: {e}"))?;
    let pool = PgPoolOptions::new()
        .max_connections(max)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(opts)
        .await
        .map_err(|e| format!("cannot connect to {}: {e}", redacted(url)))?;
    migrator().run(&pool).await.map_err(|e| format!("migrating {}: {e}", redacted(url)))?;
    Ok(pool)
}

/// The URL without its password, for messages.
pub fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}
