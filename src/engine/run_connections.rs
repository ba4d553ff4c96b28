//! The database connections of one run: taken from the run's pools the first
//! time a step needs a target, then held until the run ends, so a case's
//! setup, steps, undo and teardown share one session (a temporary table or a
//! `SET` made in setup is still there for the steps) and no statement or case
//! pays a pool acquire and release. That is the sequential path, where
//! holding a connection for the run never starves a case; a case run in
//! parallel (`case_lanes`) has a set of its own, given back when it ends.
//!
//! Held across cases, not given back to the pool after each one: sqlx pings a
//! connection when it goes back to its pool, in a task of its own, and the
//! next case's acquire found it still busy and opened another connection (a
//! commit-per-statement setup of 100 cases opened 3 connections and paid 100
//! pings). For the same reason preflight's connection is the first one held.
//! The pool gave the next case the same session anyway: nothing is reset
//! between cases, here or there.

use super::db_pool::{DbConn, DbPool};
use std::collections::BTreeMap;
use std::sync::Mutex;

pub struct RunConnections<'a> {
    pools: &'a BTreeMap<String, DbPool>,
    held: Mutex<BTreeMap<String, DbConn>>,
}

/// Why a target gave no connection.
pub enum TakeError {
    /// Not among the run's pools (it failed preflight).
    Unavailable,
    Acquire(sqlx::Error),
}

impl<'a> RunConnections<'a> {
    /// `first`: connections already open (preflight's), held from the start.
    pub fn new(pools: &'a BTreeMap<String, DbPool>, first: BTreeMap<String, DbConn>) -> Self {
        RunConnections { pools, held: Mutex::new(first) }
    }

    /// The run's connection to `target`, opened on first use; give it back
    /// with [`RunConnections::put_back`] when the step is done. (A step
    /// dropped mid-statement, by a case timeout, drops its connection
    /// instead: the pool takes it back and the next step takes a new one.)
    pub async fn take(&self, target: &str) -> Result<DbConn, TakeError> {
        let held = self.held.lock().unwrap_or_else(|p| p.into_inner()).remove(target);
        match held {
            Some(conn) => Ok(conn),
            None => self.pools.get(target).ok_or(TakeError::Unavailable)?.acquire().await.map_err(TakeError::Acquire),
        }
    }

    /// The connections held now, to be held on by another set (the suite's
    /// setup hands its own to the cases, the cases theirs to its teardown).
    pub fn into_held(self) -> BTreeMap<String, DbConn> {
        self.held.into_inner().unwrap_or_else(|p| p.into_inner())
    }

    pub fn put_back(&self, target: &str, conn: DbConn) {
        self.held.lock().unwrap_or_else(|p| p.into_inner()).insert(target.to_string(), conn);
    }
}
