//! Every message the runner logs, in Chinese (the seed's texts) and English.
//! One enum variant per message key keeps the two languages in step: adding a
//! message without both texts does not compile.

use crate::logging::Logger;
pub use crate::model::Lang;
use crate::model::{CaseOutcome, Phase};

/// Where one step's lines go: its logger, its phase, the run's language.
pub struct StepLog<'a> {
    pub log: &'a Logger,
    pub phase: Phase,
    pub lang: Lang,
}

impl StepLog<'_> {
    pub async fn info(&self, msg: Msg<'_>) {
        self.log.info(msg.render(self.lang)).await;
    }

    pub async fn debug(&self, msg: Msg<'_>) {
        self.log.debug(msg.render(self.lang)).await;
    }
}

/// A message key with its arguments.
#[derive(Debug, Clone)]
pub enum Msg<'a> {
    SuiteStart {
        suite: &'a str,
        cases: usize,
    },
    Preflight {
        target: &'a str,
        display: &'a str,
    },
    PreflightFailed {
        target: &'a str,
        reason: &'a str,
    },
    CaseStart {
        case: &'a str,
    },
    CaseSkippedPreflight {
        target: &'a str,
    },
    /// `前置条件: "<sql>"` — the seed's line before each setup statement.
    SqlStart {
        phase: Phase,
        sql: &'a str,
    },
    HttpStart {
        phase: Phase,
        method: &'a str,
        url: &'a str,
    },
    HttpDone {
        status: u16,
        ms: u128,
        bytes: usize,
    },
    SqlParams {
        params: &'a str,
    },
    SqlOk {
        affected: u64,
        rows: usize,
        ms: u128,
    },
    /// `SQL发生错误，前置处理失败` — the seed's second error line.
    SetupFailed,
    /// The suite's own `[[setup]]` failed: no case runs.
    SuiteSetupFailed,
    /// The run was cancelled: no step starts here; cleanup still runs.
    CancelledHere,
    /// The run's last word when it was cancelled.
    RunCancelled,
    StepsSkipped {
        count: usize,
    },
    /// A retried step's attempt `n` of `of` did not succeed.
    AttemptFailed {
        n: u32,
        of: u32,
        why: &'a str,
        pause_ms: u128,
    },
    /// A step passed only on attempt `n`: flaky.
    Flaky {
        n: u32,
        of: u32,
    },
    CaseEnd {
        case: &'a str,
        outcome: CaseOutcome,
        ms: u128,
    },
    RunSummary {
        passed: u32,
        failed: u32,
        error: u32,
        skipped: u32,
        secs: f64,
    },
}

impl Msg<'_> {
    pub fn render(&self, lang: Lang) -> String {
        use Msg::*;
        match (lang, self) {
            (Lang::Zh, SuiteStart { suite, cases }) => format!("开始执行套件 `{suite}`，共 {cases} 个用例"),
            (Lang::En, SuiteStart { suite, cases }) => format!("suite `{suite}` started: {cases} cases"),
            (Lang::Zh, Preflight { target, display }) => format!("连接检查: 目标 `{target}` ({display})"),
            (Lang::En, Preflight { target, display }) => format!("preflight: target `{target}` ({display})"),
            (Lang::Zh, PreflightFailed { target, reason }) => format!("目标 `{target}` 连接失败: {reason}"),
            (Lang::En, PreflightFailed { target, reason }) => format!("target `{target}`: {reason}"),
            (Lang::Zh, CaseStart { case }) => format!("用例开始: {case}"),
            (Lang::En, CaseStart { case }) => format!("case started: {case}"),
            (Lang::Zh, CaseSkippedPreflight { target }) => format!("目标 `{target}` 不可用，用例未执行"),
            (Lang::En, CaseSkippedPreflight { target }) => format!("target `{target}` is unavailable; case not run"),
            (Lang::Zh, SqlStart { phase, sql }) => format!("{}: \"{sql}\"", zh_phase(*phase)),
            (Lang::En, SqlStart { phase, sql }) => format!("{}: \"{sql}\"", phase.as_str()),
            (Lang::Zh, HttpStart { phase, method, url }) => format!("{}: {method} {url}", zh_phase(*phase)),
            (Lang::En, HttpStart { phase, method, url }) => format!("{}: {method} {url}", phase.as_str()),
            (Lang::Zh, HttpDone { status, ms, bytes }) => format!("响应: {status} ({ms} ms, {bytes} 字节)"),
            (Lang::En, HttpDone { status, ms, bytes }) => format!("response: {status} ({ms} ms, {bytes} bytes)"),
            (Lang::Zh, SqlParams { params }) => format!("参数: {params}"),
            (Lang::En, SqlParams { params }) => format!("params: {params}"),
            // A statement that returns rows reports those; SQLite's change
            // count would otherwise carry over from the previous write.
            (Lang::Zh, SqlOk { rows, ms, .. }) if *rows > 0 => format!("成功: 返回 {rows} 行 ({ms} ms)"),
            (Lang::En, SqlOk { rows, ms, .. }) if *rows > 0 => format!("ok: {rows} rows returned ({ms} ms)"),
            (Lang::Zh, SqlOk { affected, ms, .. }) => format!("成功: 影响 {affected} 行 ({ms} ms)"),
            (Lang::En, SqlOk { affected, ms, .. }) => format!("ok: {affected} rows affected ({ms} ms)"),
            (Lang::Zh, SetupFailed) => "SQL发生错误，前置处理失败".into(),
            (Lang::En, SetupFailed) => "setup failed: the case's remaining setup and steps are skipped".into(),
            (Lang::Zh, SuiteSetupFailed) => "套件前置处理失败：所有用例均不执行，清理照常进行".into(),
            (Lang::En, SuiteSetupFailed) => "suite setup failed: no case runs; its cleanup still runs".into(),
            (Lang::Zh, CancelledHere) => "运行已取消：后续步骤不再执行，清理照常进行".into(),
            (Lang::En, CancelledHere) => "run cancelled: no further steps; cleanup still runs".into(),
            (Lang::Zh, RunCancelled) => "运行已取消".into(),
            (Lang::En, RunCancelled) => "run cancelled".into(),
            (Lang::Zh, AttemptFailed { n, of, why, pause_ms }) => {
                format!("第 {n}/{of} 次尝试未成功: {why}；{pause_ms} 毫秒后重试")
            }
            (Lang::En, AttemptFailed { n, of, why, pause_ms }) => {
                format!("attempt {n}/{of} did not succeed: {why}; trying again in {pause_ms} ms")
            }
            (Lang::Zh, Flaky { n, of }) => format!("不稳定: 第 {n}/{of} 次尝试才通过"),
            (Lang::En, Flaky { n, of }) => format!("flaky: passed on attempt {n}/{of}"),
            (Lang::Zh, StepsSkipped { count }) => format!("跳过 {count} 个后续步骤"),
            (Lang::En, StepsSkipped { count }) => format!("{count} remaining steps skipped"),
            (Lang::Zh, CaseEnd { case, outcome, ms }) => {
                format!("用例结束: {case} — {} ({ms} ms)", outcome.word(Lang::Zh))
            }
            (Lang::En, CaseEnd { case, outcome, ms }) => format!("case finished: {case} — {outcome} ({ms} ms)"),
            (Lang::Zh, RunSummary { passed, failed, error, skipped, secs }) => {
                format!("运行结束: {passed} 通过, {failed} 失败, {error} 错误, {skipped} 跳过, 用时 {secs:.2} 秒")
            }
            (Lang::En, RunSummary { passed, failed, error, skipped, secs }) => {
                format!(
                    "run finished: {passed} passed, {failed} failed, {error} error, {skipped} skipped in {secs:.2} s"
                )
            }
        }
    }
}

fn zh_phase(phase: Phase) -> &'static str {
    match phase {
        Phase::Preflight => "连接检查",
        Phase::Setup => "前置条件",
        Phase::Step => "执行步骤",
        Phase::Undo => "撤销",
        Phase::Teardown => "后置清理",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_lines_are_the_zh_texts() {
        let start = Msg::SqlStart { phase: Phase::Setup, sql: "INSERT INTO t VALUES (1)" };
        assert_eq!(start.render(Lang::Zh), "前置条件: \"INSERT INTO t VALUES (1)\"");
        assert_eq!(Msg::SetupFailed.render(Lang::Zh), "SQL发生错误，前置处理失败");
        assert_eq!(start.render(Lang::En), "setup: \"INSERT INTO t VALUES (1)\"");
    }
}
