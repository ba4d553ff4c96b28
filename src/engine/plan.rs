//! What a run needs resolved before its first line is logged: the database
//! targets of the chosen environment, the variables by precedence, and the
//! secrets to mask. A problem here is a suite problem (exit 2), reported at
//! its position like a load error.

use super::messages::Lang;
use crate::logging::Redactor;
use crate::suite::model::{VarDef, VarValue};
use crate::suite::targets::{self, ResolvedTarget};
use crate::suite::vars::Vars;
use crate::suite::{LoadedSuite, SuiteError, SuiteErrors};
use std::collections::BTreeMap;
use std::path::Path;

/// How to run a suite (the CLI flags and the page's choices).
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    pub env: Option<String>,
    pub lang: Lang,
    pub fail_fast: bool,
    /// Run only cases with one of these tags (all cases when empty).
    pub tags: Vec<String>,
    /// `--var k=v`, highest precedence.
    pub vars: Vec<(String, String)>,
    /// The run's labels: variables `label.<k>`.
    pub labels: crate::model::Labels,
    /// Set when someone cancels the run.
    pub cancel: super::Cancel,
    /// Re-running the failed cases of an earlier run: only these cases run;
    /// the others are left out of the run altogether.
    pub only_cases: Option<Vec<String>>,
    /// The run whose failed cases these are (recorded with the new run).
    pub rerun_of: Option<u64>,
}

/// Everything resolved before the first line is logged: targets for the
/// chosen env, variables by precedence, and the secrets to mask.
#[derive(Debug, Clone)]
pub struct Plan {
    pub targets: BTreeMap<String, ResolvedTarget>,
    pub vars: Vars,
    pub redactor: Redactor,
}

impl Plan {
    /// The plan's variables and the built-ins of a run (`run.id`, `now`,
    /// `uuid`; a case adds `case.name`), before `{{…}}` between them is expanded.
    pub fn run_vars(&self, run_id: u64) -> Vars {
        let mut vars = self.vars.clone();
        vars.set("run.id", run_id.to_string(), false);
        vars.set("now", chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string(), false);
        vars.set("uuid", uuid::Uuid::new_v4().to_string(), false);
        vars
    }
}

/// Resolves targets and variables; any problem is a suite error (exit 2).
pub fn prepare(suite: &LoadedSuite, opts: &RunOptions, data_dir: &Path) -> Result<Plan, SuiteErrors> {
    let mut errors = SuiteErrors::default();
    let targets = targets::resolve(suite, opts.env.as_deref(), data_dir).unwrap_or_else(|e| {
        errors.0.extend(e.0);
        BTreeMap::new()
    });
    let mut vars = Vars::default();
    let env_vars = opts.env.as_deref().and_then(|e| suite.suite.env.get(e)).map(|e| &e.vars);
    for table in [Some(&suite.suite.vars), env_vars].into_iter().flatten() {
        for (name, def) in table {
            match var_value(suite, def) {
                Ok((text, secret)) => vars.set(name, text, secret),
                Err(e) => errors.push(SuiteError::at_span(&def.span, format!("variable `{name}`: {e}"))),
            }
        }
    }
    for (k, v) in &opts.labels {
        vars.set(format!("{}{k}", crate::suite::vars::LABEL_PREFIX), v, false);
    }
    for (k, v) in &opts.vars {
        let secret = vars.get(k).is_some_and(|old| old.secret);
        vars.set(k, v, secret);
    }
    let mut secrets: Vec<String> = vars.secrets().map(str::to_string).collect();
    secrets.extend(targets.values().filter_map(|t| t.password.clone()));
    errors.into_result(Plan { targets, vars, redactor: Redactor::new(secrets) })
}

fn var_value(suite: &LoadedSuite, def: &VarDef) -> Result<(String, bool), String> {
    match &def.value {
        VarValue::Text(text) => Ok((text.clone(), false)),
        VarValue::Source { source, secret } => {
            source.read(suite.dir()).map(|v| (v, *secret)).map_err(|e| e.to_string())
        }
    }
}
