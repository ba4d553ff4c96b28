//! One SQL step: render its params, log it the seed's way, run it, check its
//! `expect`, and return its captures.

use super::db_pool::{DbConn, SqlParam, SqlResult};
use super::messages::{Msg, StepLog};
use super::run_error::{StepError, StepErrorKind};
use crate::suite::step::{one_line, SqlCapture, SqlExpect, SqlParamTemplate, SqlStep};
use crate::suite::vars::{Unresolved, Vars};
use crate::suite::Span;
use serde_json::Value;
use std::time::Instant;

/// Variables a step captured, to add for the steps after it.
pub type Captures = Vec<(String, String)>;

/// What running one step gives: its captures, or why it did not succeed.
pub type StepResult = Result<Captures, StepError>;

pub async fn run_sql(step: &SqlStep, span: &Span, conn: &mut DbConn, vars: &Vars, out: &StepLog<'_>) -> StepResult {
    let fail = |kind| StepError::new(span, kind);
    let expectation = |m: String| fail(StepErrorKind::Expectation(m));
    let params = render_params(&step.params, vars).map_err(|u| fail(unresolved(u)))?;
    out.info(Msg::SqlStart { phase: out.phase, sql: &one_line(&step.sql) }).await;
    if !params.is_empty() {
        let shown: Vec<String> = params.iter().map(|p| p.to_string()).collect();
        out.debug(Msg::SqlParams { params: &format!("[{}]", shown.join(", ")) }).await;
    }
    let started = Instant::now();
    let result = conn.execute(&step.sql, &params).await;
    let ms = started.elapsed().as_millis();
    let result = match (result, &step.expect.error) {
        (Err(e), _) if connection_lost(&e) => return Err(fail(StepErrorKind::Connection(driver_message(&e)))),
        (Err(e), Some(wanted)) => {
            let msg = driver_message(&e);
            return if msg.contains(wanted.as_str()) {
                out.log.info(format!("expected error: {msg} ({ms} ms)")).await;
                Ok(vec![])
            } else {
                Err(expectation(format!("expected an error containing {wanted:?}, got: {msg}")))
            };
        }
        (Err(e), None) => return Err(fail(StepErrorKind::Sql(driver_message(&e)))),
        (Ok(_), Some(wanted)) => {
            return Err(expectation(format!("expected an error containing {wanted:?}, but the statement succeeded")))
        }
        (Ok(r), None) => r,
    };
    out.debug(Msg::SqlOk { affected: result.affected, rows: result.rows.len(), ms }).await;
    if let Some(until) = &step.until {
        check(until, &result, vars).map_err(|k| fail(not_yet(k)))?;
    }
    check(&step.expect, &result, vars).map_err(fail)?;
    capture(&step.captures, &result).map_err(fail)
}

/// An `until` that did not hold is not a failed expectation: the step is
/// tried again while attempts remain.
pub fn not_yet(k: StepErrorKind) -> StepErrorKind {
    match k {
        StepErrorKind::Expectation(m) => StepErrorKind::NotYet(m),
        other => other,
    }
}

pub fn unresolved(u: Unresolved) -> StepErrorKind {
    StepErrorKind::Unresolved { name: u.name }
}

fn render_params(params: &[SqlParamTemplate], vars: &Vars) -> Result<Vec<SqlParam>, Unresolved> {
    params
        .iter()
        .map(|p| {
            Ok(match p {
                SqlParamTemplate::Text(s) => typed(s, vars.render(s)?),
                SqlParamTemplate::Int(i) => SqlParam::Int(*i),
                SqlParamTemplate::Float(f) => SqlParam::Float(*f),
                SqlParamTemplate::Bool(b) => SqlParam::Bool(*b),
                SqlParamTemplate::Null => SqlParam::Null,
            })
        })
        .collect()
}

/// A param written as exactly one `{{var}}` whose value is an integer (an
/// `insert_id`, a `row:id` capture) binds as an integer, so PostgreSQL can
/// compare it with an integer column; any other text binds as text.
fn typed(template: &str, rendered: String) -> SqlParam {
    let t = template.trim();
    let single_var = t.starts_with("{{") && t.ends_with("}}") && t.matches("{{").count() == 1;
    match rendered.parse::<i64>() {
        Ok(i) if single_var && i.to_string() == rendered => SqlParam::Int(i),
        _ => SqlParam::Text(rendered),
    }
}

/// The database's own words when it has them (what the seed logged), else sqlx's.
/// The error came from under the statement (the wire, not the database):
/// the session is gone or in an unknown state.
fn connection_lost(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::Protocol(_) | sqlx::Error::WorkerCrashed)
}

pub fn driver_message(e: &sqlx::Error) -> String {
    match e.as_database_error() {
        Some(db) => match db.code() {
            Some(code) => format!("({code}) {}", db.message()),
            None => db.message().to_string(),
        },
        None => e.to_string(),
    }
}

fn check(expect: &SqlExpect, r: &SqlResult, vars: &Vars) -> Result<(), StepErrorKind> {
    let failed = |m: String| Err(StepErrorKind::Expectation(m));
    if let Some(n) = expect.affected {
        if r.affected != n {
            return failed(format!("expected {n} rows affected, got {}", r.affected));
        }
    }
    if let Some(n) = expect.rows {
        if r.rows.len() as u64 != n {
            return failed(format!("expected {n} rows, got {}", r.rows.len()));
        }
    }
    if let Some(want) = &expect.row {
        let Some(first) = r.rows.first() else { return failed("expected a first row, got none".into()) };
        for (col, wanted) in want {
            let Some(got) = first.get(col) else { return failed(format!("the first row has no column `{col}`")) };
            let wanted = vars.render_value(wanted).map_err(unresolved)?;
            if !same_value(&wanted, got) {
                return failed(format!("column `{col}`: expected {wanted}, got {got}"));
            }
        }
    }
    Ok(())
}

/// An expected value vs a decoded one: numbers by value, everything else by text.
pub fn same_value(want: &Value, got: &Value) -> bool {
    match (want, got) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (Value::Number(a), Value::String(b)) => b.parse::<f64>().ok() == a.as_f64(),
        (Value::Bool(a), Value::Number(b)) => Some(*a as i64) == b.as_i64(),
        (a, b) => a == b,
    }
}

fn capture(captures: &[(String, SqlCapture)], r: &SqlResult) -> Result<Captures, StepErrorKind> {
    take_captures(captures, |name, spec, missing| {
        Ok(match spec {
            SqlCapture::Column(col) => {
                let row = r.rows.first().ok_or_else(|| missing("the statement returned no row".into()))?;
                match row.get(col) {
                    Some(Value::String(s)) => s.clone(),
                    Some(v) => v.to_string(),
                    None => return Err(missing(format!("no column `{col}`"))),
                }
            }
            SqlCapture::Rows => serde_json::to_string(&r.rows).unwrap_or_default(),
            SqlCapture::Affected => r.affected.to_string(),
            SqlCapture::InsertId => {
                r.insert_id.ok_or_else(|| StepErrorKind::NoInsertId { name: name.to_string() })?.to_string()
            }
        })
    })
}

/// Takes every capture of a step with `take`, which gets the capture's name,
/// its spec, and the error to give when the reply has nothing to take.
pub fn take_captures<C>(
    captures: &[(String, C)],
    take: impl Fn(&str, &C, &dyn Fn(String) -> StepErrorKind) -> Result<String, StepErrorKind>,
) -> Result<Captures, StepErrorKind> {
    captures
        .iter()
        .map(|(name, spec)| {
            let missing = |why: String| StepErrorKind::Capture { name: name.clone(), why };
            Ok((name.clone(), take(name, spec, &missing)?))
        })
        .collect()
}
