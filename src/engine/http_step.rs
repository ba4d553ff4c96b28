//! One HTTP step: render the request from `{{vars}}`, send it (reqwest, with
//! the step's timeout), check `expect` (status, headers, JSONPath, time) and
//! capture. Without `expect.status`, any status below 400 passes.

use super::json_check;
use super::messages::{Msg, StepLog};
use super::run_error::{StepError, StepErrorKind};
use super::sql_step::{not_yet, take_captures, unresolved, Captures, StepResult};
use crate::suite::step::{Body, HttpCapture, HttpExpect, HttpStep, Method};
use crate::suite::vars::Vars;
use crate::suite::Span;
use std::time::{Duration, Instant};

/// What came back, for the expectations and captures.
struct Reply {
    status: u16,
    headers: reqwest::header::HeaderMap,
    text: String,
    json: Option<serde_json::Value>,
    ms: u128,
}

pub async fn run_http(
    step: &HttpStep,
    span: &Span,
    client: &reqwest::Client,
    vars: &Vars,
    out: &StepLog<'_>,
) -> StepResult {
    let fail = |kind| StepError::new(span, kind);
    let url = vars.render(&step.url).map_err(|u| fail(unresolved(u)))?;
    let mut req = client.request(method(step.method), &url);
    for (name, value) in &step.headers {
        req = req.header(name.as_str(), vars.render(value).map_err(|u| fail(unresolved(u)))?);
    }
    match &step.body {
        Body::Json(json) => req = req.json(&vars.render_json(json).map_err(|u| fail(unresolved(u)))?),
        Body::Text(body) => req = req.body(vars.render(body).map_err(|u| fail(unresolved(u)))?),
        Body::None => {}
    }
    req = req.timeout(step.timeout);
    out.info(Msg::HttpStart { phase: out.phase, method: step.method.as_str(), url: &url }).await;
    let started = Instant::now();
    let res = req.send().await.map_err(|e| fail(transport_error(&e, step.timeout)))?;
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let text = read_body(res, step.max_body)
        .await
        .map_err(|kind| fail(kind.unwrap_or_else(|e| transport_error(&e, step.timeout))))?;
    let ms = started.elapsed().as_millis();
    out.debug(Msg::HttpDone { status, ms, bytes: text.len() }).await;
    let reply = Reply { status, headers, json: serde_json::from_str(&text).ok(), text, ms };
    if let Some(until) = &step.until {
        check(until, &reply, vars, span).map_err(|e| StepError { kind: not_yet(e.kind), ..e })?;
    }
    check(&step.expect, &reply, vars, span)?;
    capture(&step.captures, &reply).map_err(fail)
}

/// The body, read chunk by chunk up to `max` bytes: a body announced or
/// found to be larger is an error, never a buffer that grows with whatever
/// the target sends. Not UTF-8 is shown as it decodes (replacement marks):
/// expectations and captures work on text.
async fn read_body(mut res: reqwest::Response, max: u64) -> Result<String, Result<StepErrorKind, reqwest::Error>> {
    if let Some(declared) = res.content_length().filter(|n| *n > max) {
        return Err(Ok(StepErrorKind::BodyTooLarge { max, declared: Some(declared) }));
    }
    let mut body = Vec::new();
    while let Some(chunk) = res.chunk().await.map_err(Err)? {
        if (body.len() + chunk.len()) as u64 > max {
            return Err(Ok(StepErrorKind::BodyTooLarge { max, declared: None }));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(match String::from_utf8(body) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

fn check(expect: &HttpExpect, r: &Reply, vars: &Vars, span: &Span) -> Result<(), StepError> {
    let failed = |m: String| Err(StepError::new(span, StepErrorKind::Expectation(m)));
    match expect.status {
        Some(want) if want != r.status => {
            return failed(format!("expected status {want}, got {}: {}", r.status, snippet(&r.text)))
        }
        None if r.status >= 400 => return failed(format!("status {}: {}", r.status, snippet(&r.text))),
        _ => {}
    }
    for (name, want) in &expect.headers {
        let want = vars.render(want).map_err(|u| StepError::new(span, unresolved(u)))?;
        match r.headers.get(name.as_str()).and_then(|v| v.to_str().ok()) {
            Some(got) if got == want => {}
            Some(got) => return failed(format!("header {name}: expected {want:?}, got {got:?}")),
            None => return failed(format!("header {name}: missing")),
        }
    }
    if !expect.json.is_empty() {
        let Some(body) = &r.json else {
            return failed(format!("expected a JSON body, got: {}", snippet(&r.text)));
        };
        for c in &expect.json {
            // A JSON check points at itself, not at its step.
            let at = |kind| StepError::new(&c.span, kind);
            if let Err(why) = json_check::check(c, body, vars).map_err(|u| at(unresolved(u)))? {
                return Err(at(StepErrorKind::Expectation(why)));
            }
        }
    }
    if let Some(max) = expect.max_ms {
        if r.ms > max as u128 {
            return failed(format!("took {} ms, more than max_ms = {max}", r.ms));
        }
    }
    Ok(())
}

fn capture(captures: &[(String, HttpCapture)], r: &Reply) -> Result<Captures, StepErrorKind> {
    take_captures(captures, |_, spec, missing| {
        Ok(match spec {
            HttpCapture::Json(path) => {
                let body = r.json.as_ref().ok_or_else(|| missing("the body is not JSON".into()))?;
                match path.path.query(body).first() {
                    Some(serde_json::Value::String(s)) => s.clone(),
                    Some(v) => v.to_string(),
                    None => return Err(missing(format!("{} matched nothing", path.text))),
                }
            }
            HttpCapture::Header(h) => r
                .headers
                .get(h.as_str())
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
                .ok_or_else(|| missing(format!("no header {h}")))?,
            HttpCapture::Regex(re) => {
                let caps = re.captures(&r.text).ok_or_else(|| missing(format!("/{re}/ matched nothing")))?;
                caps.get(1).or(caps.get(0)).map(|m| m.as_str().to_string()).unwrap_or_default()
            }
            HttpCapture::Status => r.status.to_string(),
            HttpCapture::Body => r.text.clone(),
        })
    })
}

fn method(m: Method) -> reqwest::Method {
    match m {
        Method::Get => reqwest::Method::GET,
        Method::Post => reqwest::Method::POST,
        Method::Put => reqwest::Method::PUT,
        Method::Patch => reqwest::Method::PATCH,
        Method::Delete => reqwest::Method::DELETE,
        Method::Head => reqwest::Method::HEAD,
        Method::Options => reqwest::Method::OPTIONS,
    }
}

fn transport_error(e: &reqwest::Error, timeout: Duration) -> StepErrorKind {
    if e.is_timeout() {
        return StepErrorKind::Timeout { after: timeout };
    }
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    StepErrorKind::Http(msg)
}

fn snippet(text: &str) -> String {
    let t: String = text.chars().take(200).collect();
    if t.len() < text.len() {
        format!("{t}…")
    } else {
        t
    }
}
