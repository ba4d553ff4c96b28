//! `expect.json = [{ path = "$.qty", eq = 2 }, …]`: JSONPath (RFC 9535, via
//! serde_json_path) plus one predicate per check.

use super::sql_step::{same_value, toml_to_json};
use crate::suite::model::JsonCheck;
use crate::suite::vars::{Unresolved, Vars};
use serde_json::Value;
use serde_json_path::JsonPath;

/// Checks one expectation against a response body; `Err` says what did not hold.
pub fn check(c: &JsonCheck, body: &Value, vars: &Vars) -> Result<Result<(), String>, Unresolved> {
    let path_text = c.path.get_ref();
    let path = match JsonPath::parse(path_text) {
        Ok(p) => p,
        Err(e) => return Ok(Err(format!("invalid JSONPath {path_text}: {e}"))),
    };
    let nodes = path.query(body).all();
    let first = nodes.first().copied();
    let render = |v: &toml::Value| -> Result<toml::Value, Unresolved> {
        Ok(match v {
            toml::Value::String(s) => toml::Value::String(vars.render(s)?),
            other => other.clone(),
        })
    };
    let fail = |what: String| Ok(Err(format!("{path_text}: {what}")));
    if let Some(want) = c.exists {
        if want != first.is_some() {
            return fail(if want {
                "expected to exist, not found".into()
            } else {
                format!("expected not to exist, found {}", first.unwrap())
            });
        }
        if first.is_none() {
            return Ok(Ok(()));
        }
    }
    let Some(got) = first else { return fail("not found".into()) };
    if let Some(want) = &c.eq {
        let want = render(want)?;
        if !same_value(&want, got) {
            return fail(format!("expected {}, got {got}", toml_to_json(&want)));
        }
    }
    if let Some(want) = &c.ne {
        let want = render(want)?;
        if same_value(&want, got) {
            return fail(format!("expected anything but {}, got it", toml_to_json(&want)));
        }
    }
    for (bound, is_gt) in [(&c.gt, true), (&c.lt, false)] {
        if let Some(b) = bound {
            let (Some(x), Some(y)) =
                (got.as_f64(), toml_to_json(&render(b)?).as_f64().or_else(|| b.as_str().and_then(|s| s.parse().ok())))
            else {
                return fail(format!("expected a number to compare with {}, got {got}", toml_to_json(b)));
            };
            if (is_gt && x <= y) || (!is_gt && x >= y) {
                return fail(format!("expected {} {y}, got {x}", if is_gt { ">" } else { "<" }));
            }
        }
    }
    if let Some(needle) = &c.contains {
        let needle = toml_to_json(&render(needle)?);
        let ok = match (got, &needle) {
            (Value::String(h), Value::String(n)) => h.contains(n.as_str()),
            (Value::Array(items), n) => {
                items.iter().any(|i| i == n || (i.as_f64().is_some() && i.as_f64() == n.as_f64()))
            }
            (Value::Object(m), Value::String(k)) => m.contains_key(k),
            _ => false,
        };
        if !ok {
            return fail(format!("expected to contain {needle}, got {got}"));
        }
    }
    if let Some(pattern) = &c.matches {
        let re = match regex::Regex::new(pattern) {
            Ok(r) => r,
            Err(e) => return fail(format!("invalid regex {pattern:?}: {e}")),
        };
        let text = got.as_str().map(str::to_string).unwrap_or_else(|| got.to_string());
        if !re.is_match(&text) {
            return fail(format!("expected to match /{pattern}/, got {got}"));
        }
    }
    if let Some(ty) = &c.type_ {
        let actual = type_name(got);
        let ok = actual == ty || (ty == "number" && actual == "integer");
        if !ok {
            return fail(format!("expected a {ty}, got a {actual} ({got})"));
        }
    }
    Ok(Ok(()))
}

pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The first node a JSONPath selects, for captures.
pub fn first<'a>(path: &str, body: &'a Value) -> Result<Option<&'a Value>, String> {
    let p = JsonPath::parse(path).map_err(|e| format!("invalid JSONPath {path}: {e}"))?;
    Ok(p.query(body).all().first().copied())
}
