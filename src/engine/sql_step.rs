//! One SQL step: render its params, log it the seed's way, run it, check its
//! `expect`, and return its captures.

use super::db_pool::{DbConn, SqlParam, SqlResult};
use super::messages::{Lang, Msg};
use crate::logging::Logger;
use crate::model::Phase;
use crate::suite::model::{one_line, Expect, Step};
use crate::suite::vars::Vars;
use std::time::Instant;

/// Why a step did not succeed.
#[derive(Debug, Clone, PartialEq)]
pub enum StepError {
    /// An expectation did not hold.
    Failed(String),
    /// The step could not run or the database refused it.
    Error(String),
    /// A variable it needs was never captured (an earlier step failed).
    Unresolved(String),
}

impl StepError {
    pub fn message(&self) -> &str {
        match self {
            StepError::Failed(m) | StepError::Error(m) | StepError::Unresolved(m) => m,
        }
    }
}

/// Variables a step captured, to add for the steps after it.
pub type Captures = Vec<(String, String)>;

pub async fn run_sql(
    step: &Step,
    conn: &mut DbConn,
    vars: &Vars,
    log: &Logger,
    phase: Phase,
    lang: Lang,
) -> Result<Captures, StepError> {
    let sql = step.sql.as_ref().expect("run_sql is only called for SQL steps").get_ref();
    let params = render_params(step, vars)?;
    log.info(Msg::SqlStart { phase, sql: &one_line(sql) }.render(lang)).await;
    if !params.is_empty() {
        let shown: Vec<String> = params.iter().map(|p| p.to_string()).collect();
        log.debug(Msg::SqlParams { params: &format!("[{}]", shown.join(", ")) }.render(lang)).await;
    }
    let started = Instant::now();
    let result = conn.execute(sql, &params).await;
    let ms = started.elapsed().as_millis();
    let expect = step.expect.clone().unwrap_or_default();
    let result = match (result, &expect.error) {
        (Err(e), Some(wanted)) => {
            let msg = driver_message(&e);
            return if msg.contains(wanted.as_str()) {
                log.info(format!("expected error: {msg} ({ms} ms)")).await;
                Ok(vec![])
            } else {
                Err(StepError::Failed(format!("expected an error containing {wanted:?}, got: {msg}")))
            };
        }
        (Err(e), None) => return Err(StepError::Error(driver_message(&e))),
        (Ok(_), Some(wanted)) => {
            return Err(StepError::Failed(format!(
                "expected an error containing {wanted:?}, but the statement succeeded"
            )))
        }
        (Ok(r), None) => r,
    };
    log.debug(Msg::SqlOk { affected: result.affected, rows: result.rows.len(), ms }.render(lang)).await;
    check(&expect, &result, vars)?;
    capture(step, &result)
}

fn render_params(step: &Step, vars: &Vars) -> Result<Vec<SqlParam>, StepError> {
    step.params
        .iter()
        .map(|p| {
            Ok(match p.get_ref() {
                toml::Value::String(s) => typed(s, vars.render(s).map_err(|u| StepError::Unresolved(u.name))?),
                toml::Value::Integer(i) => SqlParam::Int(*i),
                toml::Value::Float(f) => SqlParam::Float(*f),
                toml::Value::Boolean(b) => SqlParam::Bool(*b),
                toml::Value::Datetime(d) => SqlParam::Text(d.to_string()),
                toml::Value::Array(_) | toml::Value::Table(_) => SqlParam::Null,
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
pub fn driver_message(e: &sqlx::Error) -> String {
    match e.as_database_error() {
        Some(db) => match db.code() {
            Some(code) => format!("({code}) {}", db.message()),
            None => db.message().to_string(),
        },
        None => e.to_string(),
    }
}

fn check(expect: &Expect, r: &SqlResult, vars: &Vars) -> Result<(), StepError> {
    if let Some(n) = expect.affected {
        if r.affected != n {
            return Err(StepError::Failed(format!("expected {n} rows affected, got {}", r.affected)));
        }
    }
    if let Some(n) = expect.rows {
        if r.rows.len() as u64 != n {
            return Err(StepError::Failed(format!("expected {n} rows, got {}", r.rows.len())));
        }
    }
    if let Some(want) = &expect.row {
        let first = r.rows.first().ok_or_else(|| StepError::Failed("expected a first row, got none".into()))?;
        for (col, wanted) in want {
            let got =
                first.get(col).ok_or_else(|| StepError::Failed(format!("the first row has no column `{col}`")))?;
            let wanted = &match wanted {
                toml::Value::String(t) => {
                    toml::Value::String(vars.render(t).map_err(|u| StepError::Unresolved(u.name))?)
                }
                other => other.clone(),
            };
            if !same_value(wanted, got) {
                return Err(StepError::Failed(format!("column `{col}`: expected {}, got {got}", toml_to_json(wanted))));
            }
        }
    }
    Ok(())
}

/// TOML expectation vs a decoded column: numbers by value, everything else by text.
pub fn same_value(wanted: &toml::Value, got: &serde_json::Value) -> bool {
    let want = toml_to_json(wanted);
    match (&want, got) {
        (serde_json::Value::Number(a), serde_json::Value::Number(b)) => a.as_f64() == b.as_f64(),
        (serde_json::Value::Number(a), serde_json::Value::String(b)) => b.parse::<f64>().ok() == a.as_f64(),
        (serde_json::Value::Bool(a), serde_json::Value::Number(b)) => Some(*a as i64) == b.as_i64(),
        (a, b) => a == b,
    }
}

pub fn toml_to_json(v: &toml::Value) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

fn capture(step: &Step, r: &SqlResult) -> Result<Captures, StepError> {
    let mut out = Vec::new();
    for (name, spec) in &step.capture {
        let spec = spec.get_ref().as_str();
        let value = match spec.split_once(':') {
            Some(("row", col)) => {
                let row = r.rows.first().ok_or_else(|| StepError::Failed(format!("capture `{name}`: the statement returned no row")))?;
                match row.get(col) {
                    Some(serde_json::Value::String(s)) => s.clone(),
                    Some(v) => v.to_string(),
                    None => return Err(StepError::Failed(format!("capture `{name}`: no column `{col}`"))),
                }
            }
            _ => match spec {
                "rows" => serde_json::to_string(&r.rows).unwrap_or_default(),
                "affected" => r.affected.to_string(),
                "insert_id" => r.insert_id.ok_or_else(|| StepError::Error(format!("capture `{name}`: the driver reported no insert id (on PostgreSQL use RETURNING id and row:id)")))?.to_string(),
                other => return Err(StepError::Error(format!("capture `{name}`: unknown capture `{other}`"))),
            },
        };
        out.push((name.clone(), value));
    }
    Ok(out)
}
