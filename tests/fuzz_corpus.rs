#![cfg(feature = "ssr")]
//! The fuzz corpus, replayed on stable: every file of `fuzz/corpus/<target>/`
//! (what fuzzing reached, minimised) and of `fuzz/regressions/<target>/`
//! (inputs that once crashed a target) goes through the same harness the
//! fuzz targets use. Fuzzing needs nightly and minutes; this keeps what it
//! found checked on every `cargo test`, in a second.
//!
//! An empty or missing corpus directory fails: a replay of nothing would
//! pass for the wrong reason.

#[path = "common/fuzz_harness.rs"]
mod harness;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

/// Where the minimised corpus is (one directory per target); it must not be empty.
const CORPUS: &str = "fuzz/corpus";
/// Inputs that crashed a target once (one directory per target, optional).
const REGRESSIONS: &str = "fuzz/regressions";

/// The files of `dir`, sorted; `None` when it does not exist.
fn files(dir: &Path) -> Option<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir).ok()?;
    let mut files: Vec<PathBuf> =
        entries.map(|e| e.expect("a directory entry").path()).filter(|p| p.is_file()).collect();
    files.sort();
    Some(files)
}

/// The panic's message, whatever its payload.
fn message(payload: &(dyn std::any::Any + Send)) -> String {
    match (payload.downcast_ref::<&str>(), payload.downcast_ref::<String>()) {
        (Some(s), _) => s.to_string(),
        (_, Some(s)) => s.clone(),
        _ => "(a panic without a message)".to_string(),
    }
}

/// Runs every file through `run`; each one that panics, with its message.
fn replay(run: fn(&[u8]), files: &[PathBuf]) -> Vec<String> {
    let mut panicked = Vec::new();
    for file in files {
        let data = std::fs::read(file).unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
        if let Err(payload) = catch_unwind(AssertUnwindSafe(|| run(&data))) {
            panicked.push(format!("{}: {}", file.display(), message(payload.as_ref())));
        }
    }
    panicked
}

#[test]
fn no_corpus_or_regression_input_panics() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut problems = Vec::new();
    for (target, run) in harness::TARGETS {
        let corpus = root.join(CORPUS).join(target);
        let corpus_files = match files(&corpus) {
            Some(f) if !f.is_empty() => f,
            Some(_) => {
                problems.push(format!("{} is empty", corpus.display()));
                continue;
            }
            None => {
                problems.push(format!("{} is missing", corpus.display()));
                continue;
            }
        };
        let regressions = files(&root.join(REGRESSIONS).join(target)).unwrap_or_default();
        problems.extend(replay(run, &corpus_files));
        problems.extend(replay(run, &regressions));
        println!("{target}: replayed {} corpus and {} regression inputs", corpus_files.len(), regressions.len());
    }
    assert!(problems.is_empty(), "{} problem(s):\n{}", problems.len(), problems.join("\n"));
}

/// The fixtures the `suite_loader` target loads beside are real: a suite that
/// includes the fragment, uses its lists and reads the CSV loads, so the
/// fuzzer reaches those paths rather than stopping at a missing file.
#[test]
fn the_suite_loader_fixtures_are_reached() {
    let text = r#"
include = ["common/login.toml"]
[[case]]
name = "per user"
rows = { csv = "users.csv" }
  [[case.setup]]
  use = "seed"
  [[case.step]]
  use = "login"
  [[case.step]]
  http = "GET {{base}}/users/{{user}}?plan={{plan}}&key={{api_key}}"
  headers = { Authorization = "Bearer {{token}}" }
"#;
    let loaded = harness::load_beside_fixtures(text).unwrap_or_else(|e| panic!("the fixture suite is refused: {e:?}"));
    let names: Vec<&str> = loaded.suite.cases.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["per user [user=alice, plan=pro]", "per user [user=bob, jr, plan=free]"]);
    assert_eq!(loaded.suite.cases[0].steps.len(), 2, "the login list and the step");
}
