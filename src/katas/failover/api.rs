//! What the learner's failover coordinator sees and decides.

pub use crate::model::Node;
use crate::model::{Lsn, Millis};
use std::fmt;

/// A term (epoch): every promotion should start a new one. Nodes that have seen term T
/// reject writes stamped with an older term — that is how an old leader is *fenced*.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Term(pub u64);

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "term {}", self.0)
    }
}

/// A follower as the coordinator sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FollowerView {
    pub node: Node,
    /// The last log position it reported.
    pub lsn: Lsn,
    /// Whether it is the synchronous follower of semi-synchronous replication: the
    /// leader acknowledges a write only once this follower has it.
    pub sync: bool,
    /// Whether the coordinator can reach it right now.
    pub reachable: bool,
}

/// What the failover coordinator knows when it decides.
#[derive(Clone, Debug, PartialEq)]
pub struct FailoverView {
    pub now: Millis,
    pub term: Term,
    /// The current leader (node-1 when the scenario starts).
    pub leader: Node,
    /// The leader's last reported position.
    pub leader_lsn: Lsn,
    /// How long since the coordinator last heard the leader's heartbeat. Heartbeats
    /// come every second and the coordinator checks every half second, so a live
    /// leader's silence stays under 1 s; after trouble it grows from the last
    /// heartbeat sent before it.
    pub silence_ms: Millis,
    /// Nodes in the cluster, the leader included.
    pub cluster_size: u32,
    pub followers: Vec<FollowerView>,
    /// The most acknowledged writes an automatic failover may lose; beyond that, a
    /// human must decide (GitLab, January 2017).
    pub max_data_loss: u64,
}

impl FailoverView {
    /// Followers the coordinator can reach.
    pub fn reachable(&self) -> impl Iterator<Item = &FollowerView> {
        self.followers.iter().filter(|f| f.reachable)
    }
}

/// A promotion: which node leads next, and under which term.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Promotion {
    pub node: Node,
    pub term: Term,
}

/// Why a failover was refused; a human is paged with this text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal(pub String);

/// The learner's job in the failover kata.
pub trait FailoverCoordinator {
    /// The failure detector: has the leader been silent long enough to call it dead?
    /// Too short a timeout fails over a leader that was only paused; too long leaves
    /// the cluster without a leader.
    fn leader_is_dead(&mut self, view: &FailoverView) -> bool;

    /// Choose the new leader and its term, or `None` if no follower can lead.
    fn elect_new_leader(&mut self, view: &FailoverView) -> Option<Promotion>;

    /// Check a promotion before it happens: `Err` refuses it and pages a human.
    fn validate_safe_failover(
        &mut self,
        view: &FailoverView,
        promotion: &Promotion,
    ) -> Result<(), Refusal>;
}
