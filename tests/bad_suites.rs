#![cfg(feature = "ssr")]
//! The bad-input corpus: every `tests/bad_suites/*.toml` holds one mistake a user could make,
//! and its first line says where the first error must point and what it must say:
//! `# expect: LINE:COL <substring of the message>` (or `# expect: FILE:LINE:COL …` when the
//! mistake is in a file it includes, FILE relative to the suite's folder). The real binary must
//! refuse each file with exit code 2, that position and message, and no panic.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const CORPUS: &str = "tests/bad_suites";
/// The env var the corpus uses for "a secret whose variable is unset".
const UNSET_VAR: &str = "LIVESMOKE_SURELY_UNSET_VAR";

/// The corpus files, sorted, as paths relative to the crate root (how they are passed to the binary).
fn corpus() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(CORPUS);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "toml"))
        .map(|p| Path::new(CORPUS).join(p.file_name().expect("a file name")))
        .collect();
    files.sort();
    files
}

/// `(file the error is in, line, col, substring)` from the file's first line.
fn expectation(file: &Path) -> Result<(PathBuf, usize, usize, String), String> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file))
        .map_err(|e| format!("cannot read it: {e}"))?;
    let first = text.lines().next().unwrap_or_default();
    let rest = first.strip_prefix("# expect: ").ok_or_else(|| format!("first line is not `# expect: …`: {first:?}"))?;
    let (pos, substring) = rest.split_once(' ').ok_or_else(|| format!("no message after the position: {first:?}"))?;
    let (in_file, pos) = match pos.matches(':').count() {
        2 => {
            let (f, rest) = pos.split_once(':').unwrap_or_default();
            (file.parent().unwrap_or(Path::new("")).join(f), rest)
        }
        _ => (file.to_path_buf(), pos),
    };
    let (line, col) = pos.split_once(':').ok_or_else(|| format!("position is not LINE:COL: {pos:?}"))?;
    let number = |s: &str| s.parse::<usize>().map_err(|e| format!("bad number {s:?} in {first:?}: {e}"));
    let substring = substring.trim();
    if substring.is_empty() {
        return Err(format!("empty message substring: {first:?}"));
    }
    Ok((in_file, number(line)?, number(col)?, substring.to_string()))
}

/// Runs the real binary in the crate root with the unset-secret variable removed.
fn livesmoke(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_livesmoke"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove(UNSET_VAR)
        .env_remove("LIVESMOKE_DATA")
        .output()
        .expect("the livesmoke binary starts")
}

/// Everything wrong with how `check` treated one file (empty when it is as expected).
fn problems(file: &Path, data: &Path) -> Vec<String> {
    let (in_file, line, col, substring) = match expectation(file) {
        Ok(e) => e,
        Err(e) => return vec![e],
    };
    let out = livesmoke(&["check".as_ref(), file.as_os_str(), "--data".as_ref(), data.as_os_str()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut found = Vec::new();
    if out.status.code() != Some(2) {
        found.push(format!("exit code {:?}, expected 2", out.status.code()));
    }
    if stderr.contains("panicked") {
        found.push("it panicked".to_string());
    }
    if stdout.contains("suite(s) valid") {
        found.push(format!("stdout says the suite is valid: {:?}", stdout.trim()));
    }
    let prefix = format!("{}:", in_file.display());
    let want = format!("{}:{line}:{col}: ", in_file.display());
    match stderr.lines().find(|l| l.starts_with(&prefix)) {
        None => found.push("no `FILE:LINE:COL: message` line on stderr".to_string()),
        Some(first) => {
            if !first.starts_with(&want) {
                found.push(format!("first error is `{first}`, expected it at `{want}`"));
            }
            if !first.contains(&substring) {
                found.push(format!("first error is `{first}`, expected it to contain `{substring}`"));
            }
        }
    }
    if !found.is_empty() {
        found.push(format!("stderr was:\n{}", stderr.trim_end()));
    }
    found
}

#[test]
fn every_bad_suite_is_refused_at_the_right_spot() {
    let files = corpus();
    assert!(files.len() >= 30, "the corpus has only {} files in {CORPUS}", files.len());
    let data = tempfile::tempdir().expect("a temporary data directory");
    let mut report = Vec::new();
    for file in &files {
        let found = problems(file, data.path());
        if !found.is_empty() {
            report.push(format!(
                "{}:\n  {}",
                file.display(),
                found.iter().map(|f| f.replace('\n', "\n    ")).collect::<Vec<_>>().join("\n  ")
            ));
        }
    }
    assert!(report.is_empty(), "{} of {} bad suites misbehaved:\n\n{}", report.len(), files.len(), report.join("\n\n"));
}

#[test]
fn run_refuses_bad_suites_before_anything_runs() {
    let picks = ["toml_unclosed_string.toml", "unknown_target_on_step.toml", "password_env_unset.toml"];
    for name in picks {
        let file = Path::new(CORPUS).join(name);
        assert!(Path::new(env!("CARGO_MANIFEST_DIR")).join(&file).is_file(), "{} is missing", file.display());
        let data = tempfile::tempdir().expect("a temporary data directory");
        let out = livesmoke(&["run".as_ref(), file.as_os_str(), "--data".as_ref(), data.path().as_os_str()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{}: stderr:\n{stderr}", file.display());
        assert!(!stderr.contains("panicked"), "{}: stderr:\n{stderr}", file.display());
        assert!(stderr.contains("nothing was run"), "{}: stderr:\n{stderr}", file.display());
        let logs: Vec<String> = std::fs::read_dir(data.path().join("logs"))
            .map(|dir| {
                dir.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.starts_with("run-") && n.ends_with(".jsonl"))
                    .collect()
            })
            .unwrap_or_default();
        assert!(logs.is_empty(), "{}: a run log was created: {logs:?}", file.display());
    }
}
