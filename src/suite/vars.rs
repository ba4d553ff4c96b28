//! Variables and `{{name}}` templates.
//!
//! Precedence, highest first: `--var k=v` > the selected `[env.<name>.vars]` >
//! `[vars]`; built-ins `run.id`, `case.name`, `now`, `uuid`; captures are added
//! as the case runs. Values from `{ env = … }` / `{ file = … }` sources and
//! vars marked `secret = true` are secrets: the logger masks them.

use std::collections::BTreeMap;
use std::path::Path;

/// Variables `{{label.<k>}}` hold a run's labels (`--label k=v`, stored
/// with the run), so a suite can name the deploy it checks.
pub const LABEL_PREFIX: &str = "label.";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Var {
    pub value: String,
    pub secret: bool,
}

/// A set of variables a template is rendered against.
#[derive(Debug, Clone, Default)]
pub struct Vars {
    map: BTreeMap<String, Var>,
}

/// A `{{name}}` that names no variable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown variable `{name}`")]
pub struct Unresolved {
    pub name: String,
    /// Byte offset of `{{` in the template.
    pub offset: usize,
}

impl Vars {
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<String>, secret: bool) {
        self.map.insert(name.into(), Var { value: value.into(), secret });
    }

    pub fn get(&self, name: &str) -> Option<&Var> {
        self.map.get(name)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.map.contains_key(name)
    }

    /// Every secret value, for the redactor.
    pub fn secrets(&self) -> impl Iterator<Item = &str> {
        self.map.values().filter(|v| v.secret).map(|v| v.value.as_str())
    }

    /// Lets variable values use other variables and the built-ins
    /// (`tag = "smoke-{{run.id}}"`): one pass, in name order.
    pub fn expand(&mut self) {
        let names: Vec<String> =
            self.map.iter().filter(|(_, v)| v.value.contains("{{")).map(|(k, _)| k.clone()).collect();
        for name in names {
            let rendered = self.map.get(&name).and_then(|var| self.render(&var.value).ok());
            if let (Some(value), Some(var)) = (rendered, self.map.get_mut(&name)) {
                var.value = value;
            }
        }
    }

    /// Replaces every `{{name}}`; the first unknown name is an error.
    pub fn render(&self, template: &str) -> Result<String, Unresolved> {
        let mut out = String::with_capacity(template.len());
        let mut rest = template;
        let mut consumed = 0;
        while let Some(start) = rest.find("{{") {
            let Some(len) = rest[start + 2..].find("}}") else {
                break;
            };
            let name = rest[start + 2..start + 2 + len].trim();
            let var =
                self.map.get(name).ok_or_else(|| Unresolved { name: name.to_string(), offset: consumed + start })?;
            out.push_str(&rest[..start]);
            out.push_str(&var.value);
            let end = start + 2 + len + 2;
            consumed += end;
            rest = &rest[end..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// An expected value: a string is a template, anything else is itself.
    pub fn render_value(&self, v: &serde_json::Value) -> Result<serde_json::Value, Unresolved> {
        Ok(match v {
            serde_json::Value::String(s) => serde_json::Value::String(self.render(s)?),
            other => other.clone(),
        })
    }

    /// A request body: every string inside it is a template.
    pub fn render_json(&self, v: &serde_json::Value) -> Result<serde_json::Value, Unresolved> {
        use serde_json::Value;
        Ok(match v {
            Value::String(s) => Value::String(self.render(s)?),
            Value::Array(a) => Value::Array(a.iter().map(|x| self.render_json(x)).collect::<Result<_, _>>()?),
            Value::Object(o) => Value::Object(
                o.iter().map(|(k, x)| Ok((k.clone(), self.render_json(x)?))).collect::<Result<_, Unresolved>>()?,
            ),
            other => other.clone(),
        })
    }
}

/// The names a template refers to, with the byte offset of each `{{`.
pub fn references(template: &str) -> Vec<(String, usize)> {
    let mut refs = Vec::new();
    let mut from = 0;
    while let Some(start) = template[from..].find("{{") {
        let start = from + start;
        let Some(len) = template[start + 2..].find("}}") else {
            break;
        };
        refs.push((template[start + 2..start + 2 + len].trim().to_string(), start));
        from = start + 2 + len + 2;
    }
    refs
}

/// Where a secret comes from: `{ env = "VAR" }` or `{ file = "path" }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    Env(String),
    File(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    #[error("environment variable `{0}` is not set")]
    MissingEnv(String),
    #[error("cannot read secret file `{path}`: {reason}")]
    File { path: String, reason: String },
}

impl SecretSource {
    /// Reads a `{ env | file, secret? }` table; `None` when `value` is not such a table.
    pub fn from_table(value: &toml::Value) -> Option<Result<(SecretSource, bool), String>> {
        let table = value.as_table()?;
        let mut source = None;
        let mut secret = true;
        for (k, v) in table {
            match (k.as_str(), v) {
                ("env", toml::Value::String(s)) => source = Some(SecretSource::Env(s.clone())),
                ("file", toml::Value::String(s)) => source = Some(SecretSource::File(s.clone())),
                ("secret", toml::Value::Boolean(b)) => secret = *b,
                (other, _) => {
                    return Some(Err(format!("unexpected key `{other}`: expected `env`, `file` or `secret`")))
                }
            }
        }
        Some(source.map(|s| (s, secret)).ok_or_else(|| "expected `env = \"VAR\"` or `file = \"path\"`".to_string()))
    }

    /// The value, trimmed of a trailing newline (files usually end with one).
    pub fn read(&self, base_dir: &Path) -> Result<String, SourceError> {
        match self {
            SecretSource::Env(name) => std::env::var(name).map_err(|_| SourceError::MissingEnv(name.clone())),
            SecretSource::File(path) => super::text_file::read(&base_dir.join(path))
                .map(|s| s.trim_end_matches(['\n', '\r']).to_string())
                .map_err(|e| SourceError::File { path: path.clone(), reason: e.to_string() }),
        }
    }
}

/// A plain TOML value as a variable's text (`None` for tables and arrays).
pub fn scalar_text(value: &toml::Value) -> Option<String> {
    Some(match value {
        toml::Value::String(s) => s.clone(),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => f.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        toml::Value::Datetime(d) => d.to_string(),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_and_reports_the_unknown_name_with_its_offset() {
        let mut v = Vars::default();
        v.set("a", "1", false);
        assert_eq!(v.render("x={{a}}, y={{ a }}").unwrap(), "x=1, y=1");
        let err = v.render("ok {{a}} then {{b}}").unwrap_err();
        assert_eq!(err.name, "b");
        assert_eq!(err.offset, 14);
    }

    #[test]
    fn lists_references() {
        assert_eq!(references("{{a}} and {{ run.id }}"), vec![("a".into(), 0), ("run.id".into(), 10)]);
    }
}
