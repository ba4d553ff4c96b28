//! Reading a suite file and checking everything that can be checked before
//! anything runs: TOML syntax, unknown keys, wrong types, steps that are
//! neither SQL nor HTTP, `{{…}}` inside SQL, unknown database targets,
//! unknown variables. Every problem is reported, each with file:line:col;
//! a file without any becomes the typed model (`model.rs`, `step.rs`).

use super::case_data;
use super::load_context::LoadCx;
use super::model::{
    Case, CaseTimeout, DbKind, DbTarget, EnvOverride, LoadedSuite, Suite, VarDef, VarValue, Written, WrittenValue,
};
use super::raw;
use super::step::SetupStep;
use super::step_lists::{inherit_undo_db, Included, StepLists};
use super::step_loader::{lower_step, StepScope, Written as Phase};
use super::vars::{scalar_text, SecretSource};
use super::{SuiteError, SuiteErrors};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use toml::Spanned;

/// Reads and validates a suite file (blocking; call it off the async runtime).
pub fn load(path: &Path) -> Result<LoadedSuite, SuiteErrors> {
    load_with(path, &[])
}

/// [`load`], with variables that will come from `--var` (so `{{name}}` may use them).
pub fn load_with(path: &Path, extra_vars: &[String]) -> Result<LoadedSuite, SuiteErrors> {
    let text = super::text_file::read(path).map_err(|e| SuiteError {
        file: path.to_path_buf(),
        line: 0,
        col: 0,
        message: format!("cannot read the file: {e}"),
        hint: None,
    })?;
    parse_with(path, &text, extra_vars)
}

/// Parses and validates suite text; `file` is only used in messages.
pub fn parse(file: &Path, text: &str) -> Result<LoadedSuite, SuiteErrors> {
    parse_with(file, text, &[])
}

pub fn parse_with(file: &Path, text: &str, extra_vars: &[String]) -> Result<LoadedSuite, SuiteErrors> {
    let mut raw: raw::Suite = toml::from_str(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        SuiteError::at(file, text, offset, e.message().trim().to_string())
            .with_hint("see the suite format in README.md")
    })?;
    raw.cases.iter_mut().for_each(|case| inherit_undo_db(&mut case.setup));
    inherit_undo_db(&mut raw.setup);
    raw.steps.values_mut().for_each(|steps| inherit_undo_db(steps));
    let mut cx = LoadCx::new(file, text);
    let mut lists = StepLists::load(&mut cx, &raw);
    cx.targets = raw.db.keys().chain(lists.included.iter().flat_map(|i| i.raw.db.keys())).cloned().collect();
    cx.default_db = raw.default_db.as_ref().map(|d| d.get_ref().clone());
    for inc in &mut lists.included {
        inc.cx.targets = cx.targets.clone();
        inc.cx.default_db = cx.default_db.clone();
    }
    let suite = lower_suite(&mut cx, &mut lists, &raw, extra_vars);
    lists.take_errors(&mut cx.errors);
    let loaded = LoadedSuite { file: file.to_path_buf(), text: cx.src.text.clone(), suite };
    cx.errors.into_result(loaded)
}

const BUILTINS: [&str; 4] = ["run.id", "case.name", "now", "uuid"];

/// More cases at once than this is a typo, not a smoke suite.
const MAX_PARALLEL: u32 = 64;
const PARALLEL_HINT: &str = "how many cases may run at once, each with its own connections (1: one after another)";

fn lower_suite(cx: &mut LoadCx, lists: &mut StepLists, raw: &raw::Suite, extra_vars: &[String]) -> Suite {
    if let Some(d) = &raw.default_db {
        cx.check_target_name(d);
    }
    if raw.cases.is_empty() {
        let e = cx.error_at(0, "the suite has no [[case]]");
        cx.push(e.with_hint("add a [[case]] with a name and at least one step"));
    }
    let mut declared: BTreeSet<String> = raw.vars.keys().cloned().collect();
    declared.extend(lists.included.iter().flat_map(|i| i.raw.vars.keys().cloned()));
    declared.extend(raw.env.values().flat_map(|e| e.vars.keys().cloned()));
    declared.extend(BUILTINS.iter().map(|b| b.to_string()));
    declared.extend(extra_vars.iter().cloned());
    // The suite's own vars and targets win over an included file's, and an
    // earlier include over a later one.
    let mut vars = lower_vars(cx, &raw.vars, &declared);
    let mut db = lower_targets(cx, &raw.db);
    for Included { cx: icx, raw: iraw } in &mut lists.included {
        for (name, var) in lower_vars(icx, &iraw.vars, &declared) {
            vars.entry(name).or_insert(var);
        }
        for (name, target) in lower_targets(icx, &iraw.db) {
            db.entry(name).or_insert(target);
        }
    }
    let env = raw
        .env
        .iter()
        .map(|(name, e)| {
            let vars = lower_vars(cx, &e.vars, &declared);
            (name.clone(), EnvOverride { vars, db: lower_targets(cx, &e.db) })
        })
        .collect();
    // The suite's setup captures are every case's variables, and its teardown's.
    let mut known = declared;
    let setup = lower_phase(cx, lists, None, &mut known, &raw.setup, Phase::Setup);
    let declared = known;
    let mut case_names = BTreeSet::new();
    let cases = raw.cases.iter().flat_map(|case| lower_case(cx, lists, case, &declared, &mut case_names)).collect();
    let mut known = declared.clone();
    let teardown = lower_phase(cx, lists, None, &mut known, &raw.teardown, Phase::Teardown);
    let teardown = teardown.into_iter().map(|s| s.step).collect();
    let name = raw
        .suite
        .clone()
        .unwrap_or_else(|| cx.src.file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default());
    let parallel = raw.parallel.as_ref().map_or(1, |p| cx.count(p, "parallel", 1..=MAX_PARALLEL, PARALLEL_HINT));
    Suite { name, description: raw.description.clone(), parallel, vars, db, env, setup, cases, teardown }
}

fn lower_vars(
    cx: &mut LoadCx,
    vars: &BTreeMap<String, Spanned<toml::Value>>,
    declared: &BTreeSet<String>,
) -> BTreeMap<String, VarDef> {
    let mut out = BTreeMap::new();
    for (name, value) in vars {
        let at = value.span().start;
        let lowered = match SecretSource::from_table(value.get_ref()) {
            Some(Ok((source, secret))) => Some(VarValue::Source { source, secret }),
            Some(Err(msg)) => {
                let e = cx.error_at(at, format!("variable `{name}`: {msg}"));
                cx.push(e);
                None
            }
            None => {
                let text = scalar_text(value.get_ref());
                if text.is_none() {
                    let msg = format!("variable `{name}` must be a string, number, boolean or {{ env = … }}");
                    let e = cx.error_at(at, msg);
                    cx.push(e);
                }
                text.map(VarValue::Text)
            }
        };
        if let toml::Value::String(text) = value.get_ref() {
            cx.check_refs(text, value.span(), declared);
        }
        if let Some(value) = lowered {
            out.insert(name.clone(), VarDef { span: cx.span(at), value });
        }
    }
    out
}

fn lower_targets(cx: &LoadCx, targets: &BTreeMap<String, Spanned<raw::DbTarget>>) -> BTreeMap<String, DbTarget> {
    let written = |w: &Spanned<toml::Value>| Written {
        span: cx.span(w.span().start),
        value: match (w.get_ref(), SecretSource::from_table(w.get_ref())) {
            (toml::Value::String(s), _) => WrittenValue::Inline(s.clone()),
            (_, Some(Ok((source, _)))) => WrittenValue::Source(source),
            (_, Some(Err(msg))) => WrittenValue::BadSource(msg),
            (_, None) => WrittenValue::NotText,
        },
    };
    let lower = |t: &Spanned<raw::DbTarget>| {
        let r = t.get_ref();
        DbTarget {
            span: cx.span(t.span().start),
            kind: r.kind.as_ref().map_or(DbKind::Sqlite, |k| *k.get_ref()),
            url: r.url.as_ref().map(written),
            path: r.path.clone(),
            host: r.host.clone(),
            port: r.port,
            user: r.user.clone(),
            password: r.password.as_ref().map(written),
            database: r.database.clone(),
            max_connections: r.max_connections,
        }
    };
    targets.iter().map(|(name, t)| (name.clone(), lower(t))).collect()
}

fn lower_case(
    cx: &mut LoadCx,
    lists: &mut StepLists,
    case: &raw::Case,
    declared: &BTreeSet<String>,
    case_names: &mut BTreeSet<String>,
) -> Vec<Case> {
    let name = case.name.get_ref();
    let name_at = case.name.span().start;
    let instances = case_data::instances(cx, case).unwrap_or_default();
    for instance in &instances {
        let named = case_data::instance_name(name, instance);
        if !case_names.insert(named.clone()) {
            let e = cx.error_at(name_at, format!("two cases are named `{named}`"));
            cx.push(e);
        }
    }
    if let Some(d) = &case.db {
        cx.check_target_name(d);
    }
    let timeout = case.timeout.as_ref().and_then(|t| {
        let duration = cx.duration(t)?;
        Some(CaseTimeout { span: cx.span(t.span().start), duration, text: t.get_ref().clone() })
    });
    if case.setup.is_empty() && case.step.is_empty() && case.teardown.is_empty() {
        let e = cx.error_at(name_at, format!("case `{name}` has no steps"));
        cx.push(e.with_hint("add [[case.setup]], [[case.step]] or [[case.teardown]] entries"));
    }
    let case_db = case.db.as_ref().map(|d| d.get_ref().as_str());
    // Captures become visible to the steps after the one that takes them;
    // a data-driven case's variables to all of its steps.
    let mut known = declared.clone();
    known.extend(instances.first().into_iter().flatten().map(|(k, _)| k.clone()));
    let setup = lower_phase(cx, lists, case_db, &mut known, &case.setup, Phase::Setup);
    let steps = lower_phase(cx, lists, case_db, &mut known, &case.step, Phase::Step);
    let teardown = lower_phase(cx, lists, case_db, &mut known, &case.teardown, Phase::Teardown);
    let (steps, teardown) =
        (steps.into_iter().map(|s| s.step).collect(), teardown.into_iter().map(|s| s.step).collect());
    let case = Case {
        name: name.clone(),
        span: cx.span(name_at),
        tags: case.tags.clone(),
        timeout,
        setup,
        steps,
        teardown,
        data: vec![],
    };
    instances
        .into_iter()
        .map(|data| Case { name: case_data::instance_name(name, &data), data, ..case.clone() })
        .collect()
}

/// The steps of one phase in order, each `use` replaced by its list's
/// steps (checked against the file they are written in); `known` grows with
/// each step's captures. An undo is kept with its setup step (elsewhere it
/// is a problem `lower_step` reports).
fn lower_phase(
    cx: &mut LoadCx,
    lists: &mut StepLists,
    case_db: Option<&str>,
    known: &mut BTreeSet<String>,
    steps: &[Spanned<raw::Step>],
    phase: Phase,
) -> Vec<SetupStep> {
    let mut out = Vec::new();
    for (from, step) in lists.expand(cx, steps) {
        let lcx = lists.cx(from, cx);
        let (raw_step, at) = (step.get_ref(), step.span().start);
        let main = lower_step(lcx, &StepScope { case_db, known }, raw_step, at, phase);
        // An undo may use what its own step captures.
        let undo = raw_step.undo.as_deref().map(|u| {
            let mut with_own = known.clone();
            with_own.extend(raw_step.capture.keys().cloned());
            lower_step(lcx, &StepScope { case_db, known: &with_own }, u, at, Phase::Undo)
        });
        known.extend(raw_step.capture.keys().cloned());
        if let (Some(step), Some(undo)) = (main, undo.map_or(Some(None), |u| u.map(Some))) {
            out.push(SetupStep { step, undo });
        }
    }
    out
}
