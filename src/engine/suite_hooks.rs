//! The suite's own `[[setup]]` and `[[teardown]]`: run once, before the
//! first case and after the last, on the run's connections (in a sequential
//! run the same session as the cases: a temporary table made in the suite's
//! setup is there for every case). Their lines belong to no case, so the
//! page shows them at the run's level.
//!
//! Setup captures become variables of every case. A failed setup step ends
//! the setup and no case runs (each is `error`, pointing at that step); the
//! cleanup still runs: the undo of each setup step that succeeded, newest
//! first, then every teardown step, each independent of the others. A failed
//! cleanup step is the run's own cleanup failure (exit 5 when all passed).

use super::case_run::{CaseRun, Record, SetupStop};
use super::messages::Msg;
use super::run_error::{CaseReason, StepError};
use crate::suite::step::{SetupStep, Step};
use crate::suite::vars::Vars;

/// What the suite's setup left for the cases and for its cleanup.
pub struct SuiteSetup<'s> {
    /// Undo steps of the setup steps that succeeded, in setup order.
    pub undo: Vec<(u32, &'s Step)>,
    /// Why no case may run, when a setup step did not succeed.
    pub failed: Option<CaseReason>,
}

impl CaseRun<'_> {
    /// Runs the suite's setup steps in order; `vars` gains their captures.
    pub async fn suite_setup<'s>(&self, steps: &'s [SetupStep], vars: &mut Vars) -> SuiteSetup<'s> {
        let mut undo = Vec::new();
        let failed = match self.setup(steps, vars, &mut undo, &mut Record::default()).await {
            Ok(()) => None,
            Err(SetupStop::Cancelled(why)) => Some(why),
            Err(SetupStop::Failed { n, error, log }) => {
                log.error(Msg::SuiteSetupFailed.render(self.lang)).await;
                // Every case's report carries it: masked here, once.
                Some(CaseReason::SuiteSetup { n, error: error.redacted(&self.plan.redactor) })
            }
        };
        SuiteSetup { undo, failed }
    }

    /// The suite's cleanup: the setup's undos, newest first, then its
    /// teardown steps. Every step runs; the ones that failed come back.
    pub async fn suite_teardown(&self, undo: &[(u32, &Step)], teardown: &[Step], vars: &mut Vars) -> Vec<StepError> {
        self.cleanup(undo, teardown, vars, &mut Record::default()).await
    }
}
