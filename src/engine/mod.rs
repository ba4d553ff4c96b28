//! Running a parsed suite: connections, steps, outcomes, and the log lines
//! that narrate them. Everything here is async and non-blocking; SQL goes
//! through sqlx's async drivers (the seed's `_edit` blocked the event loop).

/// Connection pools per database target, and running one statement.
pub mod db_pool;
/// One HTTP step: render, send, check, capture.
pub mod http_step;
/// JSONPath expectations on response bodies.
pub mod json_check;
/// The keyed zh/en message catalog every log line comes from.
pub mod messages;
/// Case and run outcomes, counts and the exit code they imply.
pub mod outcome;
/// The connections one run holds, one per database target.
pub mod run_connections;
/// The producer: runs a suite case by case and logs every step.
pub mod runner;
/// One SQL step: log, bind, execute, check, capture.
pub mod sql_step;

pub use messages::Lang;
pub use outcome::{CaseOutcome, CaseReport, RunReport};
pub use runner::{run_suite, RunOptions};
