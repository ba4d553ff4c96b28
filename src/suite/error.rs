use std::fmt;
use std::path::{Path, PathBuf};

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

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for SuiteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}", self.file.display(), self.line, self.col, self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
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
