//! `livesmoke compare A B [--server URL | --data DIR | --db URL]`: run B
//! compared with run A (`previous` for A: B's suite's run before it), printed
//! worst first. Exit 0 when nothing got worse, 4 when something did, so a
//! pipeline can gate a deploy on it; 1 when the runs cannot be compared.

use super::remote::Remote;
use super::run_args::ThresholdArgs;
use super::store_args::StoreArgs;
use crate::runs::compare_runs::{compare_runs, Base};
use std::io::IsTerminal;

#[derive(clap::Args, Debug)]
pub struct CompareArgs {
    /// The run before (`previous`: the run of B's suite and env before B).
    pub base: Base,
    /// The run after.
    pub head: u64,
    /// Ask this livesmoke server (`LIVESMOKE_SERVER`) instead of a local history.
    #[arg(long, env = "LIVESMOKE_SERVER", value_name = "URL")]
    pub server: Option<String>,
    #[arg(long, env = "LIVESMOKE_TOKEN", hide_env_values = true, requires = "server")]
    pub token: Option<String>,
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(flatten)]
    pub thresholds: ThresholdArgs,
    /// Print the comparison as JSON (`GET /api/compare`'s) instead of text.
    #[arg(long)]
    pub json: bool,
}

pub async fn compare(args: CompareArgs) -> i32 {
    let t = args.thresholds.thresholds();
    let found = match &args.server {
        Some(server) => {
            let base = match args.base {
                Base::Previous => "previous".to_string(),
                Base::Run(id) => id.to_string(),
            };
            match Remote::new(server, args.token.clone()) {
                Ok(remote) => remote.compare(&base, args.head, t).await.map_err(|e| e.to_string()),
                Err(e) => Err(e),
            }
        }
        None => match args.store.registry().await {
            Ok(registry) => compare_runs(&registry, args.base, args.head, t).await.map_err(|e| e.to_string()),
            Err(e) => Err(e),
        },
    };
    let c = match found {
        Ok(c) => c,
        Err(e) => {
            eprintln!("livesmoke: compare: {e}");
            return 1;
        }
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&c).expect("a comparison serialises"));
    } else {
        super::compare_text::print(&c, std::io::stdout().is_terminal());
    }
    if c.worse {
        4
    } else {
        0
    }
}
