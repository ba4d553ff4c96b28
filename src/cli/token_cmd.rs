//! `livesmoke token create NAME --scope read|run|admin`, `token list`,
//! `token revoke NAME`: on the run history's database directly (`--data`
//! or `--db`, as `serve` is started), which is how the first admin token of
//! a server is made. The token is printed once; only its hash is stored.

use super::store_args::StoreArgs;
use crate::auth::{Scope, TokenStore};

#[derive(clap::Subcommand, Debug)]
pub enum TokenCmd {
    /// Make a token and print it (once).
    Create {
        name: String,
        #[arg(long, default_value = "read")]
        scope: Scope,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// List tokens (names, scopes, when made and revoked; never the tokens).
    List {
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Revoke a token: it and its sessions stop working at once.
    Revoke {
        name: String,
        #[command(flatten)]
        store: StoreArgs,
    },
}

pub async fn token(cmd: TokenCmd) -> i32 {
    let store = match &cmd {
        TokenCmd::Create { store, .. } | TokenCmd::List { store } | TokenCmd::Revoke { store, .. } => store,
    };
    let tokens = match store.registry().await {
        Ok(r) => match TokenStore::of(&r).await {
            Ok(t) => t,
            Err(e) => {
                eprintln!("livesmoke: the token store: {e}");
                return 1;
            }
        },
        Err(e) => {
            eprintln!("livesmoke: {e}");
            return 1;
        }
    };
    match cmd {
        TokenCmd::Create { name, scope, .. } => match tokens.create(&name, scope).await {
            Ok(token) => {
                println!("{token}");
                eprintln!("livesmoke: token `{name}` (scope {scope}) made; it is shown only now");
                0
            }
            Err(e) => {
                eprintln!("livesmoke: {e}");
                1
            }
        },
        TokenCmd::List { .. } => match tokens.list().await {
            Ok(list) => {
                for t in list {
                    let when = |ms: i64| {
                        chrono::DateTime::from_timestamp_millis(ms).map(|d| d.format("%Y-%m-%d %H:%M").to_string())
                    };
                    let revoked = t.revoked_at.and_then(when).map(|r| format!("  revoked {r}")).unwrap_or_default();
                    println!("{:<24} {:<6} made {}{revoked}", t.name, t.scope, when(t.created_at).unwrap_or_default());
                }
                0
            }
            Err(e) => {
                eprintln!("livesmoke: {e}");
                1
            }
        },
        TokenCmd::Revoke { name, .. } => match tokens.revoke(&name).await {
            Ok(true) => {
                eprintln!("livesmoke: token `{name}` revoked");
                0
            }
            Ok(false) => {
                eprintln!("livesmoke: no valid token named `{name}`");
                1
            }
            Err(e) => {
                eprintln!("livesmoke: {e}");
                1
            }
        },
    }
}
