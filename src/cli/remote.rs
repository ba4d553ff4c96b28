//! The HTTP API as the CLI uses it against a server (`--server URL`): one
//! client, the token on every request, and the server's JSON errors turned
//! back into what they said.

use crate::model::{ApiError, Comparison, LogPage, RunInfo, Thresholds};
use crate::server::result_endpoint::RunOutcome;
use std::time::Duration;

#[derive(Clone)]
pub struct Remote {
    base: String,
    token: Option<String>,
    http: reqwest::Client,
}

/// Why a call failed: the server's own error (it answered), or no answer.
#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    #[error("{0}")]
    Api(ApiError),
    #[error("cannot reach {url}: {why}")]
    Unreachable { url: String, why: String },
}

impl RemoteError {
    /// Worth trying again (the server was away, or said it was unwell).
    pub fn passing(&self) -> bool {
        match self {
            RemoteError::Unreachable { .. } => true,
            RemoteError::Api(e) => matches!(e.status(), 0 | 500..),
        }
    }
}

/// What the requests send: a run to start.
pub struct StartRun<'a> {
    pub suite: &'a str,
    pub env: Option<&'a str>,
    pub lang: &'a str,
    pub pool: Option<&'a str>,
    pub labels: &'a [(String, String)],
    pub tags: &'a [String],
    pub fail_fast: bool,
}

impl Remote {
    pub fn new(base: &str, token: Option<String>) -> Result<Self, String> {
        let base = base.trim_end_matches('/').to_string();
        let parsed = url::Url::parse(&base).map_err(|e| format!("--server {base}: {e}"))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(format!("--server {base}: expected an http:// or https:// address"));
        }
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .user_agent(concat!("livesmoke/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(Remote { base, token: token.filter(|t| !t.is_empty()), http })
    }

    /// The page of run `id` on the server.
    pub fn page_url(&self, id: u64) -> String {
        format!("{}/runs/{id}", self.base)
    }

    async fn send<T: serde::de::DeserializeOwned>(&self, req: reqwest::RequestBuilder) -> Result<T, RemoteError> {
        let req = match &self.token {
            Some(t) => req.bearer_auth(t),
            None => req,
        };
        let unreachable = |e: reqwest::Error| RemoteError::Unreachable { url: self.base.clone(), why: e.to_string() };
        let res = req.send().await.map_err(unreachable)?;
        let status = res.status();
        let body = res.bytes().await.map_err(unreachable)?;
        if status.is_success() {
            return serde_json::from_slice(&body).map_err(|e| {
                RemoteError::Api(ApiError::internal(format!("the server's reply is not what livesmoke expects: {e}")))
            });
        }
        let err = serde_json::from_slice::<ApiError>(&body).unwrap_or_else(|_| {
            let text = String::from_utf8_lossy(&body);
            let mut e = ApiError::internal(format!("{status}: {}", text.chars().take(200).collect::<String>()));
            if status.as_u16() == 401 {
                e = ApiError::unauthorized(e.message().to_string());
            } else if status.as_u16() == 403 {
                e = ApiError::forbidden(e.message().to_string());
            }
            e
        });
        Err(RemoteError::Api(err))
    }

    pub async fn start(&self, run: &StartRun<'_>) -> Result<RunInfo, RemoteError> {
        let labels: String = run.labels.iter().map(|(k, v)| format!("{k}={v}\n")).collect();
        let mut form = vec![
            ("suite", run.suite.to_string()),
            ("lang", run.lang.to_string()),
            ("labels", labels),
            ("tags", run.tags.join(",")),
            ("fail_fast", run.fail_fast.to_string()),
        ];
        if let Some(e) = run.env {
            form.push(("env", e.to_string()));
        }
        if let Some(p) = run.pool {
            form.push(("pool", p.to_string()));
        }
        self.send(self.http.post(format!("{}/api/run", self.base)).form(&form)).await
    }

    pub async fn log(&self, run: u64, after: u64) -> Result<LogPage, RemoteError> {
        let url = format!("{}/api/log?run={run}&after={after}&limit=5000", self.base);
        self.send(self.http.get(url)).await
    }

    pub async fn outcome(&self, run: u64) -> Result<RunOutcome, RemoteError> {
        self.send(self.http.get(format!("{}/api/result?run={run}", self.base))).await
    }

    pub async fn rerun(&self, run: u64) -> Result<RunInfo, RemoteError> {
        self.send(self.http.post(format!("{}/api/rerun", self.base)).form(&[("run", run.to_string())])).await
    }

    pub async fn cancel(&self, run: u64) -> Result<RunInfo, RemoteError> {
        self.send(self.http.post(format!("{}/api/cancel", self.base)).form(&[("run", run.to_string())])).await
    }

    pub async fn compare(&self, base: &str, head: u64, t: Thresholds) -> Result<Comparison, RemoteError> {
        let url = format!("{}/api/compare?base={base}&head={head}&pct={}&ms={}", self.base, t.pct, t.ms);
        self.send(self.http.get(url)).await
    }
}
