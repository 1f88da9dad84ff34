//! Failover — naive strategies: the instructor's coordinator with one thing wrong each.
//! Grade one with `cargo run -- grade failover --solution NAME`.

use super::failover_solution::{Coordinator as Sound, acknowledged};
use replication_katas::katas::failover::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flaw {
    /// `first-alive`: promotes the first reachable follower, however far behind.
    FirstAlive,
    /// `no-quorum`: elects with whatever it can reach, majority or not.
    NoQuorum,
    /// `no-fencing`: the right candidate, under the old term.
    NoFencing,
    /// `always-promote`: never refuses, whatever the loss.
    AlwaysPromote,
    /// `hair-trigger`: declares the leader dead after 5 s of silence.
    HairTrigger,
}

pub struct Naive {
    sound: Sound,
    flaw: Flaw,
}

impl Naive {
    pub fn new(flaw: Flaw) -> Self {
        let sound = match flaw {
            Flaw::HairTrigger => Sound::with_timeout(5_000),
            _ => Sound::new(),
        };
        Naive { sound, flaw }
    }
}

impl FailoverCoordinator for Naive {
    fn leader_is_dead(&mut self, view: &FailoverView) -> bool {
        self.sound.leader_is_dead(view)
    }

    fn elect_new_leader(&mut self, view: &FailoverView) -> Option<Promotion> {
        let next = Term(view.term.0 + 1);
        match self.flaw {
            Flaw::FirstAlive => view.reachable().next().map(|f| Promotion {
                node: f.node,
                term: next,
            }),
            Flaw::NoQuorum => view
                .reachable()
                .max_by_key(|f| (f.position, f.sync))
                .map(|f| Promotion {
                    node: f.node,
                    term: next,
                }),
            Flaw::NoFencing => self.sound.elect_new_leader(view).map(|p| Promotion {
                term: view.term,
                ..p
            }),
            _ => self.sound.elect_new_leader(view),
        }
    }

    fn validate_safe_failover(
        &mut self,
        view: &FailoverView,
        p: &Promotion,
    ) -> Result<(), Refusal> {
        match self.flaw {
            Flaw::AlwaysPromote => Ok(()),
            Flaw::NoQuorum => {
                // Checks the loss, not the majority.
                let lsn = view.follower(p.node).map_or(Lsn(0), |f| f.position.lsn);
                if acknowledged(view).0.saturating_sub(lsn.0) > view.max_data_loss {
                    return Err(Refusal("too much data loss".into()));
                }
                Ok(())
            }
            _ => self.sound.validate_safe_failover(view, p),
        }
    }
}
