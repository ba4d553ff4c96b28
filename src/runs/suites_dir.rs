use crate::model::SuiteInfo;
use crate::suite::loader;
use std::path::{Path, PathBuf};

/// Why [`SuitesDir::find`] found no one suite.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FindError {
    #[error("no suite file `{0}` in the suites directory, nor a suite of that name")]
    None(String),
    #[error("more than one suite is named `{0}` ({1}): name the file")]
    Ambiguous(String, String),
}

/// The folder the server runs suites from. The browser only ever names a
/// file in it; it never sends SQL or suite text.
#[derive(Debug, Clone)]
pub struct SuitesDir {
    root: PathBuf,
}

impl SuitesDir {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        SuitesDir { root: root.into() }
    }

    /// The path of a suite file named by a client, or `None` when the name is
    /// not a `.toml` file directly in the folder (no `..`, no sub-paths).
    pub fn resolve(&self, name: &str) -> Option<PathBuf> {
        let ok = !name.is_empty() && name.ends_with(".toml") && !name.contains(['/', '\\']) && !name.starts_with('.');
        let path = self.root.join(name);
        (ok && path.is_file()).then_some(path)
    }

    /// The suite a client asked for by its file (`demo.toml`) or by its name
    /// as the page shows it (`demo`, the `suite = …` inside the file), so the
    /// history's name starts a run as well as the file does (blocking: it
    /// reads the folder's files; call off the runtime).
    pub fn find(&self, asked: &str) -> Result<PathBuf, FindError> {
        if let Some(path) = self.resolve(asked) {
            return Ok(path);
        }
        let named: Vec<String> = self.list().into_iter().filter(|s| s.name == asked).map(|s| s.file).collect();
        match named.as_slice() {
            [file] => Ok(self.root.join(file)),
            [] => Err(FindError::None(asked.to_string())),
            _ => Err(FindError::Ambiguous(asked.to_string(), named.join(", "))),
        }
    }

    /// Every suite file, validated, sorted by name (blocking: call off the runtime).
    pub fn list(&self) -> Vec<SuiteInfo> {
        let Ok(entries) = std::fs::read_dir(&self.root) else {
            return vec![];
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        files.iter().map(|p| describe(p)).collect()
    }
}

fn describe(path: &Path) -> SuiteInfo {
    let file = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
    match loader::load(path) {
        Ok(s) => SuiteInfo {
            file,
            name: s.name(),
            description: s.suite.description.clone(),
            cases: s.suite.cases.len(),
            envs: s.suite.env_names(),
            problem: None,
        },
        Err(e) => SuiteInfo {
            name: path.file_stem().unwrap_or_default().to_string_lossy().into_owned(),
            file,
            description: None,
            cases: 0,
            envs: vec![],
            problem: Some(e.to_string()),
        },
    }
}
