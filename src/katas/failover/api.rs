//! What the learner's failover coordinator sees and decides.
//!
//! The view holds what a real failover manager (Patroni, Orchestrator) can know: the
//! positions the followers report when it asks, the last answers of those it cannot
//! reach, and the leader's last heartbeat. Never the cluster's true state.

use crate::model::{Lsn, Millis};
pub use crate::model::{Node, Position, Term};

/// A follower as the coordinator sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FollowerView {
    pub node: Node,
    /// The last position it reported: (term, LSN) of the last entry it applied. Fresh
    /// when it is reachable (it answered this check); otherwise its last answer, which
    /// may be stale.
    pub position: Position,
    /// When it reported `position`.
    pub reported_at: Millis,
    /// Whether it is the synchronous follower of semi-synchronous replication: the
    /// leader acknowledges a write only once this follower has it.
    pub sync: bool,
    /// Whether it answered the coordinator this time.
    pub reachable: bool,
}

/// What the failover coordinator knows when it decides.
#[derive(Clone, Debug, PartialEq)]
pub struct FailoverView {
    pub now: Millis,
    /// The current leader's term: the term of the last promotion (or the scenario's
    /// starting term). A promotion must start a newer one.
    pub term: Term,
    /// The current leader (node-1 when the scenario starts).
    pub leader: Node,
    /// The leader's position in its last heartbeat: with asynchronous replication,
    /// every write up to it was acknowledged to a client.
    pub leader_position: Position,
    /// How long since the coordinator last heard the leader's heartbeat. Heartbeats
    /// come every second and the coordinator checks every half second, so a live
    /// leader's silence stays under 1 s; after trouble it grows from the last
    /// heartbeat sent before it.
    pub silence_ms: Millis,
    /// Nodes in the cluster, the leader included.
    pub cluster_size: u32,
    /// Every node but the leader, in node order.
    pub followers: Vec<FollowerView>,
    /// The most acknowledged writes an automatic failover may lose; beyond that, a
    /// human must decide (GitLab, January 2017).
    pub max_data_loss: u64,
}

impl FailoverView {
    /// Followers that answered the coordinator this time.
    pub fn reachable(&self) -> impl Iterator<Item = &FollowerView> {
        self.followers.iter().filter(|f| f.reachable)
    }

    /// The follower `node`, if it is one.
    pub fn follower(&self, node: Node) -> Option<&FollowerView> {
        self.followers.iter().find(|f| f.node == node)
    }
}

impl FollowerView {
    /// The LSN of its reported position.
    pub fn lsn(&self) -> Lsn {
        self.position.lsn
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
