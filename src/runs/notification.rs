//! Telling others a run ended (`--notify URL`): a JSON summary POSTed to
//! each hook, signed so the receiver knows it came from us — the body's
//! HMAC-SHA256 under a shared secret, as `X-Livesmoke-Signature:
//! sha256=<hex>` (GitHub's webhook convention, which receivers already know
//! how to check). A hook that is down is retried with backoff; one that
//! still fails is reported on stderr and never changes the run's outcome:
//! the gate is the run, not the chat message about it.

use super::compare_runs::{compare_runs, Base};
use super::RunRegistry;
use crate::model::{CaseCounts, Change, Comparison, Labels, RunInfo, RunResult, RunStatus, Thresholds};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::time::Duration;

/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "x-livesmoke-signature";

/// What a hook receives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    pub event: String,
    pub run: u64,
    pub suite: String,
    pub env: Option<String>,
    pub labels: Labels,
    pub status: RunStatus,
    pub counts: CaseCounts,
    pub duration_ms: Option<i64>,
    /// The run's page (none for a run made by `livesmoke run` here).
    pub url: Option<String>,
    /// Against the previous run of the suite and env, when there is one.
    pub comparison: Option<ComparisonSummary>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonSummary {
    pub base: u64,
    pub worse: bool,
    /// The cases that changed, worst first: `(name, change)`.
    pub changes: Vec<(String, Change)>,
}

impl Notification {
    pub fn new(info: &RunInfo, result: Option<&RunResult>, url: Option<String>, cmp: Option<&Comparison>) -> Self {
        Notification {
            event: "run.finished".into(),
            run: info.id,
            suite: info.suite.clone(),
            env: info.env.clone(),
            labels: info.labels.clone(),
            status: info.status,
            counts: result.map(RunResult::counts).unwrap_or(info.counts),
            duration_ms: info.duration_ms(),
            url,
            comparison: cmp.map(|c| ComparisonSummary {
                base: c.base.id,
                worse: c.worse,
                changes: c
                    .cases
                    .iter()
                    .filter(|d| d.change != Change::Same)
                    .map(|d| (d.name.clone(), d.change))
                    .collect(),
            }),
        }
    }
}

/// Where a server or worker sends the notification of every run it
/// produces (`serve --notify`, `worker --notify`).
#[derive(Debug, Clone)]
pub struct Hooks {
    pub urls: Vec<String>,
    pub secret: String,
    /// The server's address, for the run's page (`--public-url`).
    pub public_url: Option<String>,
}

/// Notifies `hooks` that `run` ended with `result`, with its comparison
/// with the run before it; what fails is logged, nothing more.
pub async fn run_ended(registry: &RunRegistry, hooks: &Hooks, run: u64, result: &RunResult) {
    let info = match registry.get(run).await {
        Ok(Some(info)) => info,
        Ok(None) => return,
        Err(e) => {
            tracing::warn!(run, error = %e, "notifying: reading the run failed");
            return;
        }
    };
    let cmp = compare_runs(registry, Base::Previous, run, Thresholds::default()).await.ok();
    let url = hooks.public_url.as_ref().map(|u| format!("{u}/runs/{run}"));
    let note = Notification::new(&info, Some(result), url, cmp.as_ref());
    for failed in send(&hooks.urls, &hooks.secret, &note).await {
        tracing::warn!(run, "notifying {failed}; the run's outcome stands");
    }
}

/// `sha256=<hex>` of `body` under `secret`.
pub fn sign(secret: &[u8], body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// How many times a hook is tried, and the first pause (doubled each time).
const ATTEMPTS: u32 = 5;
const FIRST_PAUSE: Duration = Duration::from_millis(500);

/// POSTs `note` to every hook (at once), each retried on a network error,
/// a 5xx or a 429. Returns what failed, for the caller to report.
pub async fn send(hooks: &[String], secret: &str, note: &Notification) -> Vec<String> {
    let body = serde_json::to_vec(note).expect("a notification always serialises");
    let signature = sign(secret.as_bytes(), &body);
    let client = match reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .user_agent(concat!("livesmoke/", env!("CARGO_PKG_VERSION")))
        .build()
    {
        Ok(c) => c,
        Err(e) => return vec![format!("cannot build the HTTP client: {e}")],
    };
    let sends = hooks.iter().map(|url| {
        let (client, body, signature) = (client.clone(), body.clone(), signature.clone());
        async move { deliver(&client, url, body, &signature).await.err().map(|e| format!("{url}: {e}")) }
    });
    futures::future::join_all(sends).await.into_iter().flatten().collect()
}

async fn deliver(client: &reqwest::Client, url: &str, body: Vec<u8>, signature: &str) -> Result<(), String> {
    let mut pause = FIRST_PAUSE;
    let mut last = String::new();
    for attempt in 1..=ATTEMPTS {
        let res = client
            .post(url)
            .header("content-type", "application/json")
            .header(SIGNATURE_HEADER, signature)
            .header("x-livesmoke-event", "run.finished")
            .body(body.clone())
            .send()
            .await;
        match res {
            Ok(r) if r.status().is_success() => return Ok(()),
            Ok(r) if !(r.status().is_server_error() || r.status().as_u16() == 429) => {
                return Err(format!("answered {} (not retried)", r.status()))
            }
            Ok(r) => last = format!("answered {}", r.status()),
            Err(e) => last = e.to_string(),
        }
        if attempt < ATTEMPTS {
            tokio::time::sleep(pause).await;
            pause *= 2;
        }
    }
    Err(format!("{last} after {ATTEMPTS} tries"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_signature_is_githubs_hmac_sha256() {
        // RFC 4231 test case 2.
        assert_eq!(
            super::sign(b"Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
