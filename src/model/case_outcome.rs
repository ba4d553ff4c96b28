use serde::{Deserialize, Serialize};
use std::fmt;

/// How a case ended. `Failed`: an expectation did not hold. `Error`: setup,
/// runtime, timeout or preflight trouble. `Skipped`: filtered out. On the
/// wire (and in log files) it is `"passed"`, `"failed"`, `"error"` or
/// `"skipped"`; the page compares the enum, never the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum CaseOutcome {
    Passed,
    Failed,
    Error,
    Skipped,
}

impl CaseOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseOutcome::Passed => "passed",
            CaseOutcome::Failed => "failed",
            CaseOutcome::Error => "error",
            CaseOutcome::Skipped => "skipped",
        }
    }

    /// Keeps the worse of two outcomes (error > failed > passed).
    pub fn worst(self, other: CaseOutcome) -> CaseOutcome {
        use CaseOutcome::*;
        match (self, other) {
            (Error, _) | (_, Error) => Error,
            (Failed, _) | (_, Failed) => Failed,
            (Skipped, x) | (x, Skipped) => x,
            _ => Passed,
        }
    }

    /// Passed or skipped: nothing for a reader to look at.
    pub fn is_quiet(self) -> bool {
        matches!(self, CaseOutcome::Passed | CaseOutcome::Skipped)
    }
}

/// `"passed"` → `Passed`, …: the wire text back.
impl std::str::FromStr for CaseOutcome {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [CaseOutcome::Passed, CaseOutcome::Failed, CaseOutcome::Error, CaseOutcome::Skipped]
            .into_iter()
            .find(|o| o.as_str() == s)
            .ok_or_else(|| format!("unknown case outcome `{s}`"))
    }
}

impl fmt::Display for CaseOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::CaseOutcome;

    #[test]
    fn the_wire_text_is_unchanged() {
        for o in [CaseOutcome::Passed, CaseOutcome::Failed, CaseOutcome::Error, CaseOutcome::Skipped] {
            assert_eq!(serde_json::to_string(&o).unwrap(), format!("\"{}\"", o.as_str()));
            assert_eq!(serde_json::from_str::<CaseOutcome>(&format!("\"{o}\"")).unwrap(), o);
            assert_eq!(o.as_str().parse::<CaseOutcome>(), Ok(o));
        }
    }
}
