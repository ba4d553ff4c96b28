//! The language a run logs in. The engine writes every message in it; the
//! page names case outcomes in it, so a zh run's case headers say 通过 like
//! its lines do.

use super::CaseOutcome;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Lang {
    /// The seed's language, and the default.
    #[default]
    Zh,
    En,
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "zh" => Ok(Lang::Zh),
            "en" => Ok(Lang::En),
            other => Err(format!("unknown language `{other}` (zh or en)")),
        }
    }
}

impl CaseOutcome {
    /// The outcome as a log in `lang` says it (English is the wire's word).
    pub fn word(self, lang: Lang) -> &'static str {
        match (lang, self) {
            (Lang::En, o) => o.as_str(),
            (Lang::Zh, CaseOutcome::Passed) => "通过",
            (Lang::Zh, CaseOutcome::Failed) => "失败",
            (Lang::Zh, CaseOutcome::Error) => "错误",
            (Lang::Zh, CaseOutcome::Skipped) => "跳过",
        }
    }
}
