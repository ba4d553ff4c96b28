//! The database connections of one case: taken from the run's pools the first
//! time a step of the case needs a target, then held until the case ends, so
//! its setup, steps, undo and teardown share one session (a temporary table
//! or a `SET` made in setup is still there for the steps) and no statement
//! pays a pool acquire and release. Cases run one after another, so holding
//! a connection for a case never starves another.

use super::db_pool::{DbConn, DbPool};
use std::collections::BTreeMap;
use std::sync::Mutex;

pub struct CaseConnections<'a> {
    pools: &'a BTreeMap<String, DbPool>,
    held: Mutex<BTreeMap<String, DbConn>>,
}

/// Why a target gave no connection.
pub enum TakeError {
    /// Not among the run's pools (it failed preflight).
    Unavailable,
    Acquire(sqlx::Error),
}

impl<'a> CaseConnections<'a> {
    pub fn new(pools: &'a BTreeMap<String, DbPool>) -> Self {
        CaseConnections { pools, held: Mutex::new(BTreeMap::new()) }
    }

    /// The case's connection to `target`, opened on first use; give it back
    /// with [`CaseConnections::put_back`] when the step is done. (A step
    /// dropped mid-statement, by a case timeout, drops its connection
    /// instead: the pool takes it back and the case's next step takes a new one.)
    pub async fn take(&self, target: &str) -> Result<DbConn, TakeError> {
        let held = self.held.lock().unwrap_or_else(|p| p.into_inner()).remove(target);
        match held {
            Some(conn) => Ok(conn),
            None => self.pools.get(target).ok_or(TakeError::Unavailable)?.acquire().await.map_err(TakeError::Acquire),
        }
    }

    pub fn put_back(&self, target: &str, conn: DbConn) {
        self.held.lock().unwrap_or_else(|p| p.into_inner()).insert(target.to_string(), conn);
    }
}
