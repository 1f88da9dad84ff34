//! What the learner's TaskFlow router sees and returns.

use crate::model::{DeviceId, Key, Lsn, Millis, NodeId, UserId};
use crate::sim::{ClusterView, ReadPlan};

/// A request to refresh a board.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BoardRead {
    pub user: UserId,
    pub device: DeviceId,
    pub board: Key,
    pub at: Millis,
}

/// An update the primary acknowledged: a task on `board` moved, at log position `lsn`.
/// Every write passes through the proxy, so a router may keep track of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BoardWrite {
    pub user: UserId,
    pub board: Key,
    pub lsn: Lsn,
    pub at: Millis,
}

/// What a served read returned: which node answered, and the log position its answer
/// reflects. A router that remembers these can hold each session to a *high-water
/// mark*.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadReceipt {
    pub user: UserId,
    pub device: DeviceId,
    pub board: Key,
    pub node: NodeId,
    pub observed: Lsn,
    pub at: Millis,
}

/// The learner's job in TaskFlow: route board refreshes so that no user's view ever goes
/// back in time (monotonic reads, per session: across all of a user's devices and
/// boards), while spreading reads evenly over the replicas and keeping them off the
/// primary.
pub trait MonotonicReadsRouter {
    /// An update went through the proxy to the primary.
    fn on_write_acked(&mut self, write: &BoardWrite, cluster: &ClusterView<'_>);

    /// Decide where `read` goes: an ordered list of attempts, tried until one answers.
    fn route_read(&mut self, read: &BoardRead, cluster: &ClusterView<'_>) -> ReadPlan;

    /// A read was served. Remember what the session has now seen.
    fn on_read_served(&mut self, receipt: &ReadReceipt, cluster: &ClusterView<'_>);
}
