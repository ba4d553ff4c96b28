//! One HTTP step: render the request from `{{vars}}`, send it (reqwest, with
//! a timeout), check `expect` (status, headers, JSONPath, time) and capture.
//! Without `expect.status`, any status below 400 passes.

use super::json_check;
use super::messages::{Lang, Msg};
use super::sql_step::{Captures, StepError};
use crate::logging::Logger;
use crate::model::Phase;
use crate::suite::loader::parse_duration;
use crate::suite::model::Step;
use crate::suite::vars::{Unresolved, Vars};
use std::time::{Duration, Instant};

/// Per-request budget when the step sets no `timeout`.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

fn unresolved(u: Unresolved) -> StepError {
    StepError::Unresolved(u.name)
}

/// Renders `{{vars}}` in every string of a TOML value and converts it to JSON.
fn render_json(v: &toml::Value, vars: &Vars) -> Result<serde_json::Value, Unresolved> {
    Ok(match v {
        toml::Value::String(s) => serde_json::Value::String(vars.render(s)?),
        toml::Value::Array(a) => {
            serde_json::Value::Array(a.iter().map(|x| render_json(x, vars)).collect::<Result<_, _>>()?)
        }
        toml::Value::Table(t) => serde_json::Value::Object(
            t.iter().map(|(k, x)| Ok((k.clone(), render_json(x, vars)?))).collect::<Result<_, Unresolved>>()?,
        ),
        other => serde_json::to_value(other).unwrap_or(serde_json::Value::Null),
    })
}

pub async fn run_http(
    step: &Step,
    client: &reqwest::Client,
    vars: &Vars,
    log: &Logger,
    phase: Phase,
    lang: Lang,
) -> Result<Captures, StepError> {
    let line = vars
        .render(step.http.as_ref().expect("run_http is only called for HTTP steps").get_ref())
        .map_err(unresolved)?;
    let (method, url) =
        line.split_once(char::is_whitespace).map(|(m, u)| (m.trim(), u.trim())).unwrap_or((line.as_str(), ""));
    let method = reqwest::Method::from_bytes(method.as_bytes())
        .map_err(|e| StepError::Error(format!("invalid method {method}: {e}")))?;
    let mut req = client.request(method.clone(), url);
    for (name, value) in &step.headers {
        req = req.header(name.as_str(), vars.render(value.get_ref()).map_err(unresolved)?);
    }
    if let Some(json) = &step.json {
        req = req.json(&render_json(json.get_ref(), vars).map_err(unresolved)?);
    } else if let Some(body) = &step.body {
        req = req.body(vars.render(body.get_ref()).map_err(unresolved)?);
    }
    let timeout = step.timeout.as_ref().and_then(|t| parse_duration(t.get_ref())).unwrap_or(DEFAULT_TIMEOUT);
    req = req.timeout(timeout);
    log.info(Msg::HttpStart { phase, method: method.as_str(), url }.render(lang)).await;
    let started = Instant::now();
    let res = req.send().await.map_err(|e| StepError::Error(transport_error(&e, timeout)))?;
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let text = res.text().await.map_err(|e| StepError::Error(transport_error(&e, timeout)))?;
    let ms = started.elapsed().as_millis();
    log.debug(Msg::HttpDone { status, ms, bytes: text.len() }.render(lang)).await;
    let body_json: Option<serde_json::Value> = serde_json::from_str(&text).ok();

    let expect = step.expect.clone().unwrap_or_default();
    match expect.status {
        Some(want) if want != status => {
            return Err(StepError::Failed(format!("expected status {want}, got {status}: {}", snippet(&text))))
        }
        None if status >= 400 => return Err(StepError::Failed(format!("status {status}: {}", snippet(&text)))),
        _ => {}
    }
    for (name, want) in &expect.headers {
        let want = vars.render(want).map_err(unresolved)?;
        match headers.get(name.as_str()).and_then(|v| v.to_str().ok()) {
            Some(got) if got == want => {}
            Some(got) => return Err(StepError::Failed(format!("header {name}: expected {want:?}, got {got:?}"))),
            None => return Err(StepError::Failed(format!("header {name}: missing"))),
        }
    }
    if !expect.json.is_empty() {
        let Some(body) = &body_json else {
            return Err(StepError::Failed(format!("expected a JSON body, got: {}", snippet(&text))));
        };
        for c in &expect.json {
            if let Err(why) = json_check::check(c.get_ref(), body, vars).map_err(unresolved)? {
                return Err(StepError::Failed(why));
            }
        }
    }
    if let Some(max) = expect.max_ms {
        if ms > max as u128 {
            return Err(StepError::Failed(format!("took {ms} ms, more than max_ms = {max}")));
        }
    }
    let mut out = Vec::new();
    for (name, spec) in &step.capture {
        let spec = spec.get_ref();
        let value = match spec.split_once(':') {
            Some(("json", path)) => {
                let body = body_json
                    .as_ref()
                    .ok_or_else(|| StepError::Failed(format!("capture `{name}`: the body is not JSON")))?;
                match json_check::first(path, body).map_err(StepError::Error)? {
                    Some(serde_json::Value::String(s)) => s.clone(),
                    Some(v) => v.to_string(),
                    None => return Err(StepError::Failed(format!("capture `{name}`: {path} matched nothing"))),
                }
            }
            Some(("header", h)) => headers
                .get(h)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
                .ok_or_else(|| StepError::Failed(format!("capture `{name}`: no header {h}")))?,
            Some(("regex", pattern)) => {
                let re = regex::Regex::new(pattern)
                    .map_err(|e| StepError::Error(format!("capture `{name}`: invalid regex: {e}")))?;
                let caps = re
                    .captures(&text)
                    .ok_or_else(|| StepError::Failed(format!("capture `{name}`: /{pattern}/ matched nothing")))?;
                caps.get(1).or(caps.get(0)).map(|m| m.as_str().to_string()).unwrap_or_default()
            }
            _ if spec == "status" => status.to_string(),
            _ if spec == "body" => text.clone(),
            _ => return Err(StepError::Error(format!("capture `{name}`: unknown capture `{spec}`"))),
        };
        out.push((name.clone(), value));
    }
    Ok(out)
}

fn transport_error(e: &reqwest::Error, timeout: Duration) -> String {
    if e.is_timeout() {
        return format!("timed out after {} ms", timeout.as_millis());
    }
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

fn snippet(text: &str) -> String {
    let t: String = text.chars().take(200).collect();
    if t.len() < text.len() {
        format!("{t}…")
    } else {
        t
    }
}
