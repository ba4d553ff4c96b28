//! `serve` and `worker` tell hooks when each run they produce ends (runs
//! started from the page or the API too, not only from `livesmoke run`).

use crate::runs::notification::Hooks;

#[derive(clap::Args, Debug, Clone, Default)]
pub struct NotifyArgs {
    /// POST a signed JSON summary here when each run this process produces
    /// ends (the secret is `LIVESMOKE_NOTIFY_SECRET`); repeatable.
    #[arg(long = "notify", env = "LIVESMOKE_NOTIFY", value_delimiter = ',', value_name = "URL")]
    pub notify: Vec<String>,
    /// The address people open the server at (behind a proxy), for the
    /// run's page in notifications (default: `http://` and --addr).
    #[arg(long, env = "LIVESMOKE_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
}

impl NotifyArgs {
    /// The hooks, when any are given; an error when they are but the
    /// secret is not (or an address is not one).
    pub fn hooks(&self, default_public: Option<String>) -> Result<Option<Hooks>, String> {
        let Some(secret) = super::run_end::notify_secret(&self.notify)? else { return Ok(None) };
        let public_url = self.public_url.clone().or(default_public).map(|u| u.trim_end_matches('/').to_string());
        Ok(Some(Hooks { urls: self.notify.clone(), secret, public_url }))
    }
}
