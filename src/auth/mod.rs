//! Who may do what. Bound to loopback a server stays open (one person, one
//! machine); anywhere else it refuses to start without auth, and with it on
//! every request carries a token (`Authorization: Bearer …`) or a session
//! cookie made from one on the login page. Tokens have a scope: `read` sees
//! runs and logs, `run` also starts and cancels them, `admin` manages tokens.
//! Only a token's hash is stored; revoking it ends its sessions at once.

/// The request guard: which scope each request needs, and the login page.
pub mod guard;
/// A token's scope (read < run < admin).
pub mod scope;
/// Tokens and sessions, in the run history's database (SQLite or PostgreSQL).
pub mod token_store;

pub use scope::Scope;
pub use token_store::{Grant, TokenStore};

/// What the server's guard needs: where tokens are, and whether badges
/// need one.
#[derive(Clone)]
pub struct Auth {
    pub tokens: TokenStore,
    /// `GET /badge/…` without a token (a README's badge has none).
    pub public_badges: bool,
}
