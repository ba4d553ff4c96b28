//! Running a loaded suite: connections, steps, outcomes, and the log lines
//! that narrate them. Everything here is async and non-blocking; SQL goes
//! through sqlx's async drivers (the seed's `_edit` blocked the event loop).
//! The engine only evaluates the typed model `suite` hands it; it never
//! parses anything the loader could have parsed.

/// A run's cancel flag, looked at between steps.
pub mod cancel;
/// Which case runs when: in order, up to the suite's `parallel` at once.
pub mod case_lanes;
/// One case: setup, steps under the case's timeout, then cleanup.
pub mod case_run;
/// Connection pools per database target, and running one statement.
pub mod db_pool;
/// One HTTP step: render, send, check, capture.
pub mod http_step;
/// JSONPath expectations on response bodies.
pub mod json_check;
/// The keyed zh/en message catalog every log line comes from.
pub mod messages;
/// Case and run reports, counts and the exit code they imply.
pub mod outcome;
/// `?` placeholders → PostgreSQL's `$1…$n`, outside literals and comments.
pub mod pg_placeholders;
/// Targets, variables and secrets resolved before a run starts.
pub mod plan;
/// The connections one run holds, one per database target.
pub mod run_connections;
/// Why a step or a case did not pass, with its position in the suite file.
pub mod run_error;
/// The producer: runs a suite case by case and logs every step.
pub mod runner;
/// One SQL step: log, bind, execute, check, capture.
pub mod sql_step;
/// The suite's own setup and teardown, once around all of its cases.
pub mod suite_hooks;

pub use crate::model::CaseOutcome;
pub use cancel::Cancel;
pub use messages::Lang;
pub use outcome::{CaseReport, RunReport};
pub use plan::RunOptions;
pub use run_error::{CaseReason, StepError, StepErrorKind};
pub use runner::run_suite;
