//! The background task of every team process: renews the leases this
//! process holds, and reaps runs whose lease ran out. Reaping is done by
//! every process, the server's instances and the workers alike: whichever
//! looks first marks a run whose deadline passed `interrupted` and appends
//! its last line; the others find nothing to do.

use super::leases::Leases;
use super::pg_registry::PgRegistry;
use crate::runs::cancels::Cancels;
use std::sync::Arc;
use std::time::Duration;

/// Renews this process's leases and reaps expired ones, until the process
/// ends; a renewal that finds the run's cancel asked for sets its flag.
pub fn spawn_keeper(
    registry: Arc<PgRegistry>,
    leases: Arc<Leases>,
    cancels: Arc<Cancels>,
    lease: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval((lease / 3).max(Duration::from_millis(100)));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            for (run, token) in leases.all() {
                match registry.renew(run, &token).await {
                    Ok(Some(cancel)) => {
                        if cancel && cancels.cancel(run) {
                            tracing::info!(run, "cancel asked for: stopping after the step under way");
                        }
                    }
                    Ok(None) => {
                        // Only drop it if it is still the same lease (the run may have ended meanwhile).
                        if leases.token(run).is_some_and(|t| t == token) {
                            tracing::error!(run, "lost the run's lease: its next lines will not be stored");
                            leases.release(run);
                        }
                    }
                    Err(e) => tracing::warn!(run, error = %e, "renewing the run's lease failed; retrying"),
                }
            }
            match registry.reap().await {
                Ok(reaped) => {
                    for run in reaped {
                        tracing::warn!(run, "the run's worker stopped renewing its lease: marked interrupted");
                    }
                }
                Err(e) => tracing::warn!(error = %e, "looking for runs with expired leases failed"),
            }
        }
    })
}
