//! Shared fragments: `include = ["common/login.toml"]` brings in another
//! file's vars, targets and named step lists (`[[steps.login]]`), and a step
//! `use = "login"` takes a list in, in its place. A suite may name lists of
//! its own too.
//!
//! A list's steps are checked where they are used — which variables a step
//! may refer to depends on the captures before it — but against the file
//! they are written in, so a mistake inside an included file points into
//! that file. Includes do not nest: where a step comes from stays one look
//! away.

use super::load_context::LoadCx;
use super::raw;
use super::{SuiteError, SuiteErrors};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use toml::Spanned;

/// Which file a step is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Suite,
    /// The n-th included file.
    Included(usize),
}

/// An included file, read and parsed.
pub struct Included {
    pub cx: LoadCx,
    pub raw: raw::Fragment,
}

struct List {
    from: Source,
    steps: Vec<Spanned<raw::Step>>,
}

/// The named step lists of a suite and of the files it includes.
pub struct StepLists {
    lists: BTreeMap<String, List>,
    pub included: Vec<Included>,
}

impl StepLists {
    /// Reads the suite's includes (relative to its file) and gathers every
    /// list. A file that cannot be read or parsed is a problem (at the
    /// include, or inside the file) and brings in nothing.
    pub fn load(cx: &mut LoadCx, suite: &raw::Suite) -> StepLists {
        let dir = cx.src.file.parent().unwrap_or(Path::new("")).to_path_buf();
        let mut included = Vec::new();
        let mut seen = BTreeSet::new();
        for name in &suite.include {
            let path = dir.join(name.get_ref());
            if !seen.insert(path.clone()) {
                let e = cx.error_at(name.span().start, format!("`{}` is included twice", name.get_ref()));
                cx.push(e);
                continue;
            }
            let text = match super::text_file::read(&path) {
                Ok(t) => t,
                Err(e) => {
                    let e =
                        cx.error_at(name.span().start, format!("cannot read included file `{}`: {e}", name.get_ref()));
                    cx.push(e.with_hint("include paths are relative to the suite file"));
                    continue;
                }
            };
            match toml::from_str::<raw::Fragment>(&text) {
                Ok(mut raw) => {
                    raw.steps.values_mut().for_each(|steps| inherit_undo_db(steps));
                    included.push(Included { cx: LoadCx::new(&path, &text), raw });
                }
                Err(e) => {
                    let offset = e.span().map_or(0, |s| s.start);
                    let err = SuiteError::at(&path, &text, offset, e.message().trim().to_string()).with_hint(
                        "an included file holds [vars], [db.<name>] and [[steps.<name>]] only (no cases, no include)",
                    );
                    cx.push(err);
                }
            }
        }
        let mut lists: BTreeMap<String, List> = BTreeMap::new();
        let mut add = |cx: &mut LoadCx, from: Source, name: &String, steps: &Vec<Spanned<raw::Step>>| {
            for step in steps.iter().filter(|s| s.get_ref().use_list.is_some()) {
                let e = cx.error_at(step.span().start, format!("step list `{name}` uses another list"));
                cx.push(e.with_hint("a list holds SQL and HTTP steps; `use` goes in a case or the suite's setup"));
            }
            if lists.contains_key(name) {
                let at = steps.first().map_or(0, |s| s.span().start);
                let e = cx.error_at(at, format!("step list `{name}` is defined twice"));
                cx.push(e.with_hint("give one of them another name"));
                return;
            }
            lists.insert(name.clone(), List { from, steps: steps.clone() });
        };
        for (name, steps) in &suite.steps {
            add(cx, Source::Suite, name, steps);
        }
        for (i, inc) in included.iter_mut().enumerate() {
            for (name, steps) in &inc.raw.steps {
                add(&mut inc.cx, Source::Included(i), name, steps);
            }
        }
        StepLists { lists, included }
    }

    /// The file a step of `from` is checked against.
    pub fn cx<'c>(&'c mut self, from: Source, suite: &'c mut LoadCx) -> &'c mut LoadCx {
        match from {
            Source::Suite => suite,
            Source::Included(i) => &mut self.included[i].cx,
        }
    }

    /// A phase's steps, each `use` replaced by its list's steps, each with
    /// the file it is written in. A `use` that names no list, or sets
    /// anything beside it, is a problem at the step (in the suite file).
    pub fn expand(&self, cx: &mut LoadCx, steps: &[Spanned<raw::Step>]) -> Vec<(Source, Spanned<raw::Step>)> {
        let mut out = Vec::with_capacity(steps.len());
        for step in steps {
            let Some(name) = &step.get_ref().use_list else {
                out.push((Source::Suite, step.clone()));
                continue;
            };
            if let Some(key) = beside_use(step.get_ref()) {
                let e = cx.error_at(step.span().start, format!("`{key}` cannot be set beside `use`"));
                cx.push(e.with_hint("`use` takes in a whole step list; write other steps as steps of their own"));
            }
            match self.lists.get(name.get_ref()) {
                Some(list) => out.extend(list.steps.iter().map(|s| (list.from, s.clone()))),
                None => {
                    let e = cx.error_at(name.span().start, format!("unknown step list `{}`", name.get_ref()));
                    cx.push(e.with_hint(super::error::known("step lists", self.lists.keys())));
                }
            }
        }
        out
    }

    /// Every problem found in the included files. The same list used by
    /// several cases is checked at each use: a problem is reported once.
    pub fn take_errors(&mut self, into: &mut SuiteErrors) {
        for inc in &mut self.included {
            for e in std::mem::take(&mut inc.cx.errors.0) {
                if !into.0.contains(&e) {
                    into.push(e);
                }
            }
        }
    }
}

/// An undo talks to its setup step's database unless it names another.
pub fn inherit_undo_db(steps: &mut [Spanned<raw::Step>]) {
    for step in steps {
        let step = step.get_mut();
        if let (Some(undo), Some(db)) = (step.undo.as_deref_mut(), &step.db) {
            undo.db.get_or_insert_with(|| db.clone());
        }
    }
}

/// The first key set on a `use` step beside `use` itself.
fn beside_use(st: &raw::Step) -> Option<&'static str> {
    [
        ("name", st.name.is_some()),
        ("db", st.db.is_some()),
        ("sql", st.sql.is_some()),
        ("params", !st.params.is_empty()),
        ("http", st.http.is_some()),
        ("headers", !st.headers.is_empty()),
        ("json", st.json.is_some()),
        ("body", st.body.is_some()),
        ("timeout", st.timeout.is_some()),
        ("max_body", st.max_body.is_some()),
        ("expect", st.expect.is_some()),
        ("capture", !st.capture.is_empty()),
        ("undo", st.undo.is_some()),
        ("on_fail", st.on_fail.is_some()),
        ("retry", st.retry.is_some()),
        ("until", st.until.is_some()),
    ]
    .into_iter()
    .find_map(|(key, set)| set.then_some(key))
}
