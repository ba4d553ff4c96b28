use std::path::PathBuf;

/// Where the server keeps its data and finds its suites.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Run history (`livesmoke.db`), run logs (`logs/`) and SQLite targets.
    pub data_dir: PathBuf,
    /// The `.toml` suites the page lists and runs.
    pub suites_dir: PathBuf,
    /// Lines per run kept in memory for live reads.
    pub ring_cap: usize,
    /// The team database to join instead of the data directory's history and logs.
    pub team: Option<crate::runs::team::TeamConfig>,
    /// Every request needs a token or a session (see `auth`).
    pub auth: bool,
    /// Badges need no token even with auth on.
    pub public_badges: bool,
    /// Told when each run this server produces ends.
    pub hooks: Option<crate::runs::notification::Hooks>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            data_dir: "data".into(),
            suites_dir: "suites".into(),
            ring_cap: crate::logging::log_store::DEFAULT_RING_CAP,
            team: None,
            auth: false,
            public_badges: false,
            hooks: None,
        }
    }
}

/// Leptos's runtime settings, from the embedded `Leptos.toml`; under
/// `cargo leptos`, the `LEPTOS_*` variables it exports take precedence.
pub fn leptos_options() -> leptos::config::LeptosOptions {
    leptos::config::get_config_from_str(include_str!("../../Leptos.toml")).expect("Leptos.toml is invalid")
}
