//! Types shared by the server and the wasm client: what travels over the wire.
//!
//! Everything here compiles for both targets, so the client decodes exactly what
//! the server encodes. Server-only logic lives under `ssr`-gated modules.

/// The one error of the HTTP API, and the HTTP status of each kind.
pub mod api_error;
/// How a case ended (passed, failed, error, skipped), shared by the engine and the page.
pub mod case_outcome;
/// Two runs of a suite compared: what got worse, better, new, gone, slower.
pub mod comparison;
/// The language a run logs in (zh, the seed's, or en), and outcomes in it.
pub mod lang;
/// Severity of a log line (the seed's five levels).
pub mod level;
/// One numbered log line, and the page of lines a cursor read returns.
pub mod log_line;
/// The summary of log lines a reader skips (the log view's line budget).
pub mod log_outline;
/// `GET /api/log`'s question (run, cursor, limit, keep): its defaults, limits and parsing.
pub mod log_query;
/// A line too long to show whole: its head and how long it was (the raw log keeps it).
pub mod long_line;
/// A run's identity, status and outcome counts, as listed on the page.
pub mod run_info;
/// What a finished run reports, case by case (JUnit, compare, notify).
pub mod run_result;
/// A suite file as the page lists it.
pub mod suite_info;
/// Controls and bidi overrides from a target, made visible wherever text is read.
pub mod visible_text;

pub use api_error::ApiError;
pub use case_outcome::CaseOutcome;
pub use comparison::{CaseDiff, Change, Comparison, Thresholds};
pub use lang::Lang;
pub use level::Level;
pub use log_line::{CaseEnd, LogLine, LogPage, Phase, SearchPage};
pub use log_outline::{LogOutline, SectionMark};
pub use log_query::LogQuery;
pub use run_info::{is_plain_name, parse_label, CaseCounts, Labels, RunInfo, RunKind, RunStatus};
pub use run_result::{CaseResult, RunResult, StepResult};
pub use suite_info::SuiteInfo;
pub use visible_text::visible;
