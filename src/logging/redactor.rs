use std::sync::Arc;

/// Masks secret values (passwords, vars marked `secret = true`) as `***`.
///
/// It sits in the [`super::Logger`], so no log line, report or reply built from
/// the log can carry a secret, whatever code produced the message.
#[derive(Clone, Debug, Default)]
pub struct Redactor {
    secrets: Arc<Vec<String>>,
}

pub const MASK: &str = "***";

impl Redactor {
    pub fn new(secrets: impl IntoIterator<Item = String>) -> Self {
        let mut secrets: Vec<String> = secrets.into_iter().filter(|s| !s.is_empty()).collect();
        // Longest first, so a secret that contains another is masked whole.
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        Redactor { secrets: Arc::new(secrets) }
    }

    pub fn redact(&self, text: String) -> String {
        if self.secrets.iter().all(|s| !text.contains(s.as_str())) {
            return text;
        }
        let mut out = text;
        for s in self.secrets.iter() {
            out = out.replace(s.as_str(), MASK);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_every_secret_longest_first() {
        let r = Redactor::new(["abc".to_string(), "abcdef".to_string()]);
        assert_eq!(r.redact("x abcdef y abc".into()), "x *** y ***");
    }

    #[test]
    fn leaves_clean_text_alone() {
        let r = Redactor::new(["s3cret".to_string()]);
        assert_eq!(r.redact("nothing here".into()), "nothing here");
    }
}
