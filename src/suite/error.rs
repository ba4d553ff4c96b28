use super::position::Span;
use std::fmt;
use std::path::{Path, PathBuf};

/// How every message that points into a suite file is written, load errors
/// and run failures alike, the way a compiler writes them:
/// `file:line:col: message`, then the line itself with a caret under the
/// column (when given), then the hint.
///
/// Load errors give no source line: a target's line may hold the inline
/// password the error is about, and no redactor exists yet at load time.
pub struct Pointed<'a> {
    pub file: &'a Path,
    pub line: usize,
    pub col: usize,
    pub source_line: Option<&'a str>,
    pub message: &'a str,
    pub hint: Option<&'a str>,
}

impl fmt::Display for Pointed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}", self.file.display(), self.line, self.col, self.message)?;
        if let Some(src) = self.source_line.filter(|s| !s.trim().is_empty()) {
            let gutter = self.line.to_string();
            let pad = " ".repeat(gutter.len());
            write!(f, "\n {gutter} | {src}\n {pad} | {}^", " ".repeat(self.col.saturating_sub(1)))?;
        }
        if let Some(hint) = self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// One problem in a suite file, rendered like a compiler error:
/// `suites/orders.toml:12:9: unknown database target `billing``.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuiteError {
    pub file: PathBuf,
    pub line: usize,
    pub col: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl SuiteError {
    /// An error at a byte offset of the file's text.
    pub fn at(file: &Path, text: &str, offset: usize, message: impl Into<String>) -> Self {
        let (line, col) = super::position::line_col(text, offset);
        SuiteError { file: file.to_path_buf(), line, col, message: message.into(), hint: None }
    }

    /// An error at a position of the typed model.
    pub fn at_span(span: &Span, message: impl Into<String>) -> Self {
        SuiteError {
            file: span.file.to_path_buf(),
            line: span.line,
            col: span.col,
            message: message.into(),
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for SuiteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (file, line, col) = (&self.file, self.line, self.col);
        Pointed { file, line, col, source_line: None, message: &self.message, hint: self.hint.as_deref() }.fmt(f)
    }
}

/// "known environments: a, b" for hints.
pub fn known<'a>(what: &str, names: impl Iterator<Item = &'a String>) -> String {
    let names: Vec<&str> = names.map(|s| s.as_str()).collect();
    if names.is_empty() {
        format!("this suite declares no {what}")
    } else {
        format!("known {what}: {}", names.join(", "))
    }
}

/// Every problem found in one or more files; a suite with any of them does not run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SuiteErrors(pub Vec<SuiteError>);

impl SuiteErrors {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn push(&mut self, e: SuiteError) {
        self.0.push(e);
    }
    pub fn into_result<T>(self, ok: T) -> Result<T, SuiteErrors> {
        if self.0.is_empty() {
            Ok(ok)
        } else {
            Err(self)
        }
    }
}

impl From<SuiteError> for SuiteErrors {
    fn from(e: SuiteError) -> Self {
        SuiteErrors(vec![e])
    }
}

impl fmt::Display for SuiteErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SuiteErrors {}
