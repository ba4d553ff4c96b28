//! Why a step or a case did not pass, typed and positioned: a run error
//! knows the span of the step (or expectation, or case timeout) it comes
//! from, so the CLI and JUnit point into the suite file the way load errors
//! do. Whether a case `failed` or is in `error` follows from the variant,
//! never from the text.

use crate::logging::Redactor;
use crate::model::{CaseOutcome, Phase};
use crate::suite::Span;
use std::fmt;
use std::time::Duration;

/// A step that did not succeed, and where it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct StepError {
    /// The step's table, or the JSON check that did not hold.
    pub span: Span,
    pub kind: StepErrorKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StepErrorKind {
    /// An HTTP request or a SQL statement got no answer within the step's timeout.
    Timeout { after: Duration },
    /// An HTTP request could not be sent or its answer read.
    Http(String),
    /// The database refused the statement (in its own words).
    Sql(String),
    /// The connection failed under the statement (cut, reset, closed): the
    /// connection is not used again; the next step takes a fresh one.
    Connection(String),
    /// The step's database target gave no connection.
    Target { target: String, why: TargetTrouble },
    /// A variable the step needs was never captured (an earlier step failed).
    Unresolved { name: String },
    /// An expectation did not hold (`expect`, or an expected DB error).
    Expectation(String),
    /// A retried step's `until` did not hold by its last attempt.
    NotYet(String),
    /// A capture found nothing to take.
    Capture { name: String, why: String },
    /// `insert_id` was captured but the driver reports none (PostgreSQL).
    NoInsertId { name: String },
    /// The response body is larger than the step's `max_body`: reading
    /// stopped there (`declared`: the size the server announced, if any).
    BodyTooLarge { max: u64, declared: Option<u64> },
}

#[derive(Debug, Clone, PartialEq)]
pub enum TargetTrouble {
    /// It failed preflight.
    Unavailable,
    /// Its pool gave no connection (the driver's words).
    NoConnection(String),
}

impl StepError {
    pub fn new(span: &Span, kind: StepErrorKind) -> Self {
        StepError { span: span.clone(), kind }
    }

    /// `Failed` when the step ran and something did not hold; `Error` when it could not run.
    pub fn is_failure(&self) -> bool {
        matches!(self.kind, StepErrorKind::Expectation(_) | StepErrorKind::NotYet(_) | StepErrorKind::Capture { .. })
    }

    /// The error with every secret masked (reports leave the run).
    pub fn redacted(self, r: &Redactor) -> Self {
        use StepErrorKind::*;
        let kind = match self.kind {
            Http(m) => Http(r.redact(m)),
            Sql(m) => Sql(r.redact(m)),
            Connection(m) => Connection(r.redact(m)),
            Target { target, why: TargetTrouble::NoConnection(m) } => {
                Target { target, why: TargetTrouble::NoConnection(r.redact(m)) }
            }
            Expectation(m) => Expectation(r.redact(m)),
            NotYet(m) => NotYet(r.redact(m)),
            Capture { name, why } => Capture { name, why: r.redact(why) },
            other => other,
        };
        StepError { span: self.span, kind }
    }
}

/// The reason alone, as the log shows it (the position is [`StepError::span`]).
impl fmt::Display for StepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            StepErrorKind::Timeout { after } => write!(f, "timed out after {} ms", after.as_millis()),
            StepErrorKind::Http(m) | StepErrorKind::Sql(m) | StepErrorKind::Expectation(m) => f.write_str(m),
            StepErrorKind::Connection(m) => write!(f, "the connection failed: {m}"),
            StepErrorKind::NotYet(m) => write!(f, "until: {m}"),
            StepErrorKind::Target { target, why: TargetTrouble::Unavailable } => {
                write!(f, "target `{target}` is unavailable")
            }
            StepErrorKind::Target { target, why: TargetTrouble::NoConnection(m) } => {
                write!(f, "target `{target}`: no connection: {m}")
            }
            StepErrorKind::Unresolved { name } => write!(f, "variable `{name}` was never captured"),
            StepErrorKind::Capture { name, why } => write!(f, "capture `{name}`: {why}"),
            StepErrorKind::BodyTooLarge { max, declared: Some(d) } => {
                write!(f, "the response body is {d} bytes, more than max_body ({max} bytes): not read")
            }
            StepErrorKind::BodyTooLarge { max, declared: None } => {
                write!(f, "the response body goes on past max_body ({max} bytes): reading stopped there")
            }
            StepErrorKind::NoInsertId { name } => write!(
                f,
                "capture `{name}`: the driver reported no insert id (on PostgreSQL use RETURNING id and row:id)"
            ),
        }
    }
}

/// Why a case did not pass.
#[derive(Debug, Clone, PartialEq)]
pub enum CaseReason {
    /// `--tags` left it out.
    NotSelected,
    /// `--fail-fast` stopped the run before it.
    FailFast,
    /// The run was cancelled before it, or while it ran (then its cleanup ran).
    Cancelled,
    /// A target it needs failed preflight.
    TargetDown { target: String, why: String },
    /// Setup and steps took longer than the case's `timeout`.
    TimedOut { span: Span, after: String },
    /// Setup step or step number `n` (1-based within its phase) did not succeed.
    Step { phase: Phase, n: u32, error: StepError },
    /// The suite's own setup step number `n` did not succeed: no case ran.
    SuiteSetup { n: u32, error: StepError },
    /// The task running it in parallel ended without a report (a bug: the
    /// run goes on, and the case says so instead of vanishing).
    Crashed(String),
}

impl CaseReason {
    /// The outcome the reason gives its case: a failed setup step is always
    /// an error (the case could not be set up); a failed step is `failed`
    /// when an expectation did not hold.
    pub fn outcome(&self) -> CaseOutcome {
        match self {
            CaseReason::NotSelected | CaseReason::FailFast | CaseReason::Cancelled => CaseOutcome::Skipped,
            CaseReason::Step { phase: Phase::Step, error, .. } if error.is_failure() => CaseOutcome::Failed,
            _ => CaseOutcome::Error,
        }
    }

    /// Where in the suite file the reason points, when it points anywhere.
    pub fn span(&self) -> Option<&Span> {
        match self {
            CaseReason::TimedOut { span, .. } => Some(span),
            CaseReason::Step { error, .. } | CaseReason::SuiteSetup { error, .. } => Some(&error.span),
            _ => None,
        }
    }

    /// The reason with every secret masked (reports leave the run).
    pub fn redacted(self, r: &Redactor) -> Self {
        match self {
            CaseReason::TargetDown { target, why } => CaseReason::TargetDown { target, why: r.redact(why) },
            CaseReason::Step { phase, n, error } => CaseReason::Step { phase, n, error: error.redacted(r) },
            CaseReason::SuiteSetup { n, error } => CaseReason::SuiteSetup { n, error: error.redacted(r) },
            other => other,
        }
    }

    /// Keeps the worse of two reasons (error > failed), the first on a tie.
    pub fn worse(self, other: CaseReason) -> CaseReason {
        if self.outcome().worst(other.outcome()) == self.outcome() {
            self
        } else {
            other
        }
    }
}

/// The text of a reason, as reports showed it before reasons had positions:
/// `step #1: expected status 204, got 200`.
impl fmt::Display for CaseReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CaseReason::NotSelected => f.write_str("not selected by --tags"),
            CaseReason::FailFast => f.write_str("--fail-fast: an earlier case did not pass"),
            CaseReason::Cancelled => f.write_str("the run was cancelled"),
            CaseReason::TargetDown { target, why } => write!(f, "preflight: target `{target}`: {why}"),
            CaseReason::TimedOut { after, .. } => write!(f, "timed out after {after}"),
            CaseReason::Step { phase, n, error } => write!(f, "{} #{n}: {error}", phase.as_str()),
            CaseReason::SuiteSetup { n, error } => write!(f, "suite setup #{n}: {error}"),
            CaseReason::Crashed(why) => write!(f, "the case's task ended without a report: {why}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suite::position::SourceFile;
    use std::path::Path;

    fn span() -> Span {
        SourceFile::new(Path::new("s.toml"), "[[case]]\nname = \"c\"\n  [[case.step]]\n").span(22)
    }

    #[test]
    fn the_outcome_follows_the_variant() {
        let failed = StepError::new(&span(), StepErrorKind::Expectation("expected 1 rows, got 2".into()));
        let step = CaseReason::Step { phase: Phase::Step, n: 1, error: failed.clone() };
        assert_eq!(step.outcome(), CaseOutcome::Failed);
        assert_eq!(CaseReason::Step { phase: Phase::Setup, n: 1, error: failed }.outcome(), CaseOutcome::Error);
        let timeout = StepError::new(&span(), StepErrorKind::Timeout { after: Duration::from_millis(300) });
        let step = CaseReason::Step { phase: Phase::Step, n: 2, error: timeout };
        assert_eq!(
            (step.outcome(), step.to_string().as_str()),
            (CaseOutcome::Error, "step #2: timed out after 300 ms")
        );
        assert_eq!(step.span().map(|s| s.to_string()).as_deref(), Some("s.toml:3:3"));
    }
}
