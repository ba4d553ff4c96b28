use super::run_cmd::{load_all, SuiteArgs};
use crate::engine::RunOptions;
use std::io::Write;

/// `println!` that ignores a closed stdout (`livesmoke check … | head`).
macro_rules! outln {
    ($($t:tt)*) => {{ let _ = writeln!(std::io::stdout(), $($t)*); }};
}
use crate::suite::model::{one_line, Step};

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub suites: SuiteArgs,
}

/// Validates, then prints the plan: each step's SQL with its params and each
/// HTTP line, secrets masked. Exit 0 when valid, 2 otherwise.
pub async fn check(args: CheckArgs) -> i32 {
    let opts = RunOptions { env: args.suites.env.clone(), vars: args.suites.vars.clone(), ..Default::default() };
    let suites = match load_all(&args.suites.files, &opts, &args.suites.data).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            eprintln!("{} problem(s)", e.0.len());
            return 2;
        }
    };
    for (suite, plan) in &suites {
        outln!("suite {} ({})", suite.name(), suite.file.display());
        for t in plan.targets.values() {
            outln!("  db {}: {}", t.name, plan.redactor.redact(t.display()));
        }
        for case in &suite.suite.cases {
            outln!("  case {}", case.name.get_ref());
            for (phase, steps) in [("setup", &case.setup), ("step", &case.step), ("teardown", &case.teardown)] {
                for (i, s) in steps.iter().enumerate() {
                    let s = s.get_ref();
                    outln!("    {phase}#{} {}", i + 1, plan.redactor.redact(describe(suite.target_of(case, s), s)));
                    if let Some(u) = &s.undo {
                        outln!("      undo {}", plan.redactor.redact(describe(suite.target_of(case, u), u)));
                    }
                }
            }
        }
    }
    outln!("{} suite(s) valid", suites.len());
    0
}

fn describe(target: Option<&str>, s: &Step) -> String {
    if let Some(sql) = &s.sql {
        let params: Vec<String> = s.params.iter().map(|p| p.get_ref().to_string()).collect();
        let params = if params.is_empty() { String::new() } else { format!(" params [{}]", params.join(", ")) };
        format!("[{}] {}{params}", target.unwrap_or("?"), one_line(sql.get_ref()))
    } else {
        s.http.as_ref().map(|h| h.get_ref().clone()).unwrap_or_default()
    }
}
