use super::run_args::SuiteArgs;
use super::run_cmd::load_all;
use crate::engine::RunOptions;
use crate::suite::step::{one_line, SetupStep, SqlParamTemplate, Step, StepKind};
use std::io::Write;

/// `println!` that ignores a closed stdout (`livesmoke check … | head`).
macro_rules! outln {
    ($($t:tt)*) => {{ let _ = writeln!(std::io::stdout(), $($t)*); }};
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub suites: SuiteArgs,
}

/// Validates, then prints the plan: each step's SQL with its params and each
/// HTTP line, secrets masked. Exit 0 when valid, 2 otherwise.
pub async fn check(args: CheckArgs) -> i32 {
    if let Err(e) = args.suites.require_files() {
        eprintln!("livesmoke: {e}");
        return 1;
    }
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
        let print = |indent: &str, setup: &[SetupStep], steps: &[(&str, &[Step])]| {
            for (i, s) in setup.iter().enumerate() {
                outln!("{indent}setup#{} {}", i + 1, plan.redactor.redact(describe(&s.step)));
                if let Some(u) = &s.undo {
                    outln!("{indent}  undo {}", plan.redactor.redact(describe(u)));
                }
            }
            for (phase, steps) in steps {
                for (i, s) in steps.iter().enumerate() {
                    outln!("{indent}{phase}#{} {}", i + 1, plan.redactor.redact(describe(s)));
                }
            }
        };
        if !suite.suite.setup.is_empty() {
            outln!("  suite setup (once, before the first case)");
            print("    ", &suite.suite.setup, &[]);
        }
        for case in &suite.suite.cases {
            outln!("  case {}", case.name);
            print("    ", &case.setup, &[("step", &case.steps), ("teardown", &case.teardown)]);
        }
        if !suite.suite.teardown.is_empty() {
            outln!("  suite teardown (once, after the last case)");
            print("    ", &[], &[("teardown", &suite.suite.teardown)]);
        }
    }
    outln!("{} suite(s) valid", suites.len());
    0
}

fn describe(s: &Step) -> String {
    match &s.kind {
        StepKind::Sql(sql) => {
            let params: Vec<String> = sql.params.iter().map(param_text).collect();
            let params = if params.is_empty() { String::new() } else { format!(" params [{}]", params.join(", ")) };
            format!("[{}] {}{params}", sql.target, one_line(&sql.sql))
        }
        StepKind::Http(http) => http.line(),
    }
}

/// A param as TOML writes it (what `check` always printed).
fn param_text(p: &SqlParamTemplate) -> String {
    match p {
        SqlParamTemplate::Text(t) => format!("{t:?}"),
        SqlParamTemplate::Int(i) => i.to_string(),
        SqlParamTemplate::Float(f) => f.to_string(),
        SqlParamTemplate::Bool(b) => b.to_string(),
        SqlParamTemplate::Null => "null".into(),
    }
}
