//! Where `compare` and `token` find the run history: the embedded data
//! directory (`--data`, the default) or the team's PostgreSQL (`--db`).
//! They only read and write rows; no log pipeline is opened.

use crate::runs::sqlite_registry::SqliteRegistry;
use crate::runs::team::{default_name, pg_registry::PgRegistry, pg_schema};
use crate::runs::RunRegistry;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

#[derive(clap::Args, Debug, Clone)]
pub struct StoreArgs {
    /// The data directory `serve` uses.
    #[arg(long, env = "LIVESMOKE_DATA", default_value = "data")]
    pub data: PathBuf,
    /// The team database `serve --db` uses (instead of --data).
    #[arg(long, env = "LIVESMOKE_DB")]
    pub db: Option<String>,
}

impl StoreArgs {
    pub async fn registry(&self) -> Result<RunRegistry, String> {
        match &self.db {
            Some(url) => {
                let db = pg_schema::open(url, 2).await?;
                let registry = PgRegistry::new(db, Arc::default(), default_name(), Duration::from_secs(10));
                Ok(RunRegistry::Team(Arc::new(registry)))
            }
            None => SqliteRegistry::open(&self.data.join("livesmoke.db"))
                .await
                .map(RunRegistry::Embedded)
                .map_err(|e| format!("cannot open the run history in {}: {e}", self.data.display())),
        }
    }
}
