//! `expect.json = [{ path = "$.qty", eq = 2 }, …]`: a JSONPath (RFC 9535,
//! compiled at load) plus its predicates, checked against a response body.

use super::sql_step::same_value;
use crate::suite::step::{JsonCheck, JsonType, Predicate};
use crate::suite::vars::{Unresolved, Vars};
use serde_json::Value;

/// Checks one expectation against a response body; `Err` says what did not hold.
pub fn check(c: &JsonCheck, body: &Value, vars: &Vars) -> Result<Result<(), String>, Unresolved> {
    let path_text = &c.path.text;
    let first = c.path.path.query(body).first();
    let fail = |what: String| Ok(Err(format!("{path_text}: {what}")));
    if let Some(want) = c.exists {
        match (want, first) {
            (true, None) => return fail("expected to exist, not found".into()),
            (false, Some(found)) => return fail(format!("expected not to exist, found {found}")),
            (_, None) => return Ok(Ok(())),
            (_, Some(_)) => {}
        }
    }
    let Some(got) = first else { return fail("not found".into()) };
    for p in &c.predicates {
        if let Some(what) = unmet(p, got, vars)? {
            return fail(what);
        }
    }
    Ok(Ok(()))
}

/// What is wrong with `got` for one predicate, or `None` when it holds.
fn unmet(p: &Predicate, got: &Value, vars: &Vars) -> Result<Option<String>, Unresolved> {
    Ok(match p {
        Predicate::Eq(want) => {
            let want = vars.render_value(want)?;
            (!same_value(&want, got)).then(|| format!("expected {want}, got {got}"))
        }
        Predicate::Ne(want) => {
            let want = vars.render_value(want)?;
            same_value(&want, got).then(|| format!("expected anything but {want}, got it"))
        }
        Predicate::Gt(bound) | Predicate::Lt(bound) => {
            let is_gt = matches!(p, Predicate::Gt(_));
            let rendered = vars.render_value(bound)?;
            match (got.as_f64(), rendered.as_f64().or_else(|| rendered.as_str()?.parse().ok())) {
                (Some(x), Some(y)) => ((is_gt && x <= y) || (!is_gt && x >= y))
                    .then(|| format!("expected {} {y}, got {x}", if is_gt { ">" } else { "<" })),
                _ => Some(format!("expected a number to compare with {bound}, got {got}")),
            }
        }
        Predicate::Contains(needle) => {
            let needle = vars.render_value(needle)?;
            let ok = match (got, &needle) {
                (Value::String(h), Value::String(n)) => h.contains(n.as_str()),
                (Value::Array(items), n) => {
                    items.iter().any(|i| i == n || (i.as_f64().is_some() && i.as_f64() == n.as_f64()))
                }
                (Value::Object(m), Value::String(k)) => m.contains_key(k),
                _ => false,
            };
            (!ok).then(|| format!("expected to contain {needle}, got {got}"))
        }
        Predicate::Matches(re) => {
            let text = got.as_str().map(str::to_string).unwrap_or_else(|| got.to_string());
            (!re.is_match(&text)).then(|| format!("expected to match /{re}/, got {got}"))
        }
        Predicate::Type(ty) => {
            let actual = type_of(got);
            let ok = actual == *ty || (*ty == JsonType::Number && actual == JsonType::Integer);
            (!ok).then(|| format!("expected a {}, got a {} ({got})", ty.as_str(), actual.as_str()))
        }
    })
}

fn type_of(v: &Value) -> JsonType {
    match v {
        Value::Null => JsonType::Null,
        Value::Bool(_) => JsonType::Boolean,
        Value::Number(n) if n.is_i64() || n.is_u64() => JsonType::Integer,
        Value::Number(_) => JsonType::Number,
        Value::String(_) => JsonType::String,
        Value::Array(_) => JsonType::Array,
        Value::Object(_) => JsonType::Object,
    }
}
