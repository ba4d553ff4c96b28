//! What the loader has at hand while it turns the TOML into the typed
//! model: the file (to give every problem its position), the targets and
//! default target the suite declares, and the problems found so far. Every
//! problem is collected, not just the first, so one `check` shows them all.

use super::position::{SourceFile, Span};
use super::vars::{references, LABEL_PREFIX};
use super::{SuiteError, SuiteErrors};
use std::collections::BTreeSet;
use std::ops::{Range, RangeInclusive};
use std::path::Path;
use toml::Spanned;

pub struct LoadCx {
    pub src: SourceFile,
    /// The names of `[db.<name>]`.
    pub targets: BTreeSet<String>,
    pub default_db: Option<String>,
    pub errors: SuiteErrors,
}

impl LoadCx {
    pub fn new(file: &Path, text: &str) -> Self {
        LoadCx {
            src: SourceFile::new(file, text),
            targets: BTreeSet::new(),
            default_db: None,
            errors: SuiteErrors::default(),
        }
    }

    pub fn error_at(&self, offset: usize, message: impl Into<String>) -> SuiteError {
        SuiteError::at(&self.src.file, &self.src.text, offset, message)
    }

    pub fn push(&mut self, e: SuiteError) {
        self.errors.push(e);
    }

    pub fn span(&self, offset: usize) -> Span {
        self.src.span(offset)
    }

    /// A position inside a value, found in the file's raw text (so quotes,
    /// `"""` strings and escapes do not shift it); the value's start otherwise.
    pub fn locate(&self, span: &Range<usize>, find: impl Fn(&str) -> Option<usize>) -> usize {
        self.src.text.get(span.clone()).and_then(find).map_or(span.start, |i| span.start + i)
    }

    pub fn check_target_name(&mut self, name: &Spanned<String>) {
        if !self.targets.contains(name.get_ref()) {
            let hint = super::error::known("targets", self.targets.iter());
            let e = self.error_at(name.span().start, format!("unknown database target `{}`", name.get_ref()));
            self.push(e.with_hint(hint));
        }
    }

    /// A whole number `key` must hold within `range`; out of it is a problem
    /// at its position (and the range's start stands in for it).
    pub fn count(&mut self, n: &Spanned<i64>, key: &str, range: RangeInclusive<u32>, hint: &str) -> u32 {
        let (lo, hi) = (*range.start(), *range.end());
        match u32::try_from(*n.get_ref()).ok().filter(|v| range.contains(v)) {
            Some(v) => v,
            None => {
                let e = self.error_at(n.span().start, format!("`{key}` must be {lo} to {hi}, got {}", n.get_ref()));
                self.push(e.with_hint(hint));
                lo
            }
        }
    }

    /// `"500ms"`, `"15s"`, `"2m"`; an invalid one is a problem at its position.
    pub fn duration(&mut self, d: &Spanned<String>) -> Option<std::time::Duration> {
        let parsed = parse_duration(d.get_ref());
        if parsed.is_none() {
            let e = self.error_at(d.span().start, format!("invalid duration `{}`", d.get_ref()));
            self.push(e.with_hint("write e.g. \"500ms\", \"15s\" or \"2m\""));
        }
        parsed
    }

    /// `"512KB"`, `"10MB"`, `"1GB"` (units of 1024); an invalid one is a problem at its position.
    pub fn size(&mut self, s: &Spanned<String>) -> Option<u64> {
        let parsed = parse_size(s.get_ref());
        if parsed.is_none() {
            let e = self.error_at(s.span().start, format!("invalid size `{}`", s.get_ref()));
            self.push(e.with_hint("write e.g. \"512KB\", \"10MB\" or \"1GB\" (at least 1KB)"));
        }
        parsed
    }

    /// Every `{{name}}` of a template must name a known variable; a `{{` with no
    /// `}}` is an error too (it would be sent as literal text).
    pub fn check_refs(&mut self, text: &str, span: Range<usize>, known: &BTreeSet<String>) {
        for (name, _) in references(text) {
            // `label.*` come with the run (`--label k=v`), not the file: a
            // run without that label stops at the step that needs it.
            if !known.contains(&name) && !name.starts_with(LABEL_PREFIX) {
                let at = self.locate(&span, |raw| {
                    raw.match_indices("{{").map(|(i, _)| i).find(|&i| template_name(&raw[i..]) == Some(name.as_str()))
                });
                let e = self.error_at(at, format!("unknown variable `{name}`"));
                self.push(e.with_hint("define it in [vars], capture it in an earlier step, or pass --var name=value"));
            }
        }
        if let Some(open) = unclosed_template(text) {
            let at = self.locate(&span, |raw| unclosed_template(raw).or(Some(open)));
            let e = self.error_at(at, "`{{` without a closing `}}`");
            self.push(e.with_hint("write {{name}}"));
        }
    }

    /// [`LoadCx::check_refs`] over every string inside a TOML value.
    pub fn check_value_refs(&mut self, v: &toml::Value, span: Range<usize>, known: &BTreeSet<String>) {
        match v {
            toml::Value::String(t) => self.check_refs(t, span, known),
            toml::Value::Array(a) => a.iter().for_each(|x| self.check_value_refs(x, span.clone(), known)),
            toml::Value::Table(t) => t.values().for_each(|x| self.check_value_refs(x, span.clone(), known)),
            _ => {}
        }
    }
}

/// `"512KB"`, `"10MB"`, `"1GB"` in bytes (units of 1024), from 1 KB to 64 GB.
pub fn parse_size(text: &str) -> Option<u64> {
    let t = text.trim();
    let (num, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit())?);
    let n: u64 = num.parse().ok()?;
    let shift = match unit.trim().to_ascii_uppercase().as_str() {
        "KB" | "KIB" => 10,
        "MB" | "MIB" => 20,
        "GB" | "GIB" => 30,
        _ => return None,
    };
    n.checked_mul(1 << shift).filter(|b| (1 << 10..=64 << 30).contains(b))
}

/// `"500ms"`, `"15s"`, `"2m"`.
pub fn parse_duration(text: &str) -> Option<std::time::Duration> {
    let t = text.trim();
    let (num, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit() && c != '.')?);
    let n: f64 = num.parse().ok()?;
    let secs = match unit.trim() {
        "ms" => n / 1000.0,
        "s" => n,
        "m" => n * 60.0,
        _ => return None,
    };
    std::time::Duration::try_from_secs_f64(secs).ok().filter(|d| d.as_secs() < 366 * 24 * 3600)
}

/// The name of the template at the start of `raw` (`{{ name }}…`).
fn template_name(raw: &str) -> Option<&str> {
    raw.strip_prefix("{{").and_then(|r| r.split_once("}}")).map(|(n, _)| n.trim())
}

/// The offset of the first `{{` that has no `}}` after it.
fn unclosed_template(text: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text[from..].find("{{") {
        let start = from + i;
        match text[start + 2..].find("}}") {
            Some(len) => from = start + 2 + len + 2,
            None => return Some(start),
        }
    }
    None
}

/// A TOML value as JSON (expectations and bodies are compared and sent as JSON).
pub fn toml_to_json(v: &toml::Value) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}
