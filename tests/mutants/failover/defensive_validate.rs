//! Correct, with a stricter but affordable validation: besides the data-loss check it
//! refuses a promotion whose node is not a reachable follower or whose term is not
//! newer than the current one — checks its own election never trips, kept as a guard
//! against a future bug. It also remembers the highest term it has issued and
//! promotes above it, in case the view's term lags behind its own last promotion.

use super::base;
use crate::harness::Expect;
use replication_katas::katas::failover::prelude::*;

pub const EXPECT: Expect = Expect::Pass;

pub struct Coordinator {
    highest_term_issued: Term,
}

impl Coordinator {
    pub fn new() -> Self {
        Coordinator {
            highest_term_issued: Term(0),
        }
    }
}

impl FailoverCoordinator for Coordinator {
    fn leader_is_dead(&mut self, view: &FailoverView) -> bool {
        view.silence_ms > 24_999
    }

    fn elect_new_leader(&mut self, view: &FailoverView) -> Option<Promotion> {
        let mut promotion = base::elect_new_leader(view)?;
        promotion.term = Term(view.term.max(self.highest_term_issued).0 + 1);
        self.highest_term_issued = promotion.term;
        Some(promotion)
    }

    fn validate_safe_failover(
        &mut self,
        view: &FailoverView,
        promotion: &Promotion,
    ) -> Result<(), Refusal> {
        if promotion.term <= view.term {
            return Err(Refusal(format!(
                "{} is not newer than the current {}",
                promotion.term, view.term
            )));
        }
        if !view.reachable().any(|f| f.node == promotion.node) {
            return Err(Refusal(format!("{} cannot be reached", promotion.node)));
        }
        base::validate_safe_failover(view, promotion)
    }
}
