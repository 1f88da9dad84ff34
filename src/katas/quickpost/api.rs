//! What the learner's QuickPost router sees and returns.
//!
//! These types carry exactly what a real read-routing proxy could know when a request
//! arrives: who is asking, from which device, whose profile, and the cluster facts of
//! [`ClusterView`]. In particular they never carry a replica's true applied position.

use crate::model::{DeviceId, Lsn, Millis, UserId};
use crate::sim::{ClusterView, ReadPlan};

/// The primary acknowledged a post. `lsn` is the post's position in the replication
/// log: the *consistency token* a client can carry to say "I need at least this".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WriteAck {
    pub user: UserId,
    pub device: DeviceId,
    pub lsn: Lsn,
    /// When the acknowledgement reached the client.
    pub at: Millis,
}

/// A request to view a profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProfileRead {
    /// Who is reading.
    pub user: UserId,
    /// From which of their devices.
    pub device: DeviceId,
    /// Whose profile is read.
    pub profile_of: UserId,
    pub at: Millis,
}

impl ProfileRead {
    /// Whether the user is reading their own profile — the only reads that
    /// read-your-writes constrains in QuickPost, since users only write their own.
    pub fn is_own_profile(&self) -> bool {
        self.user == self.profile_of
    }
}

/// The learner's job in QuickPost: route profile reads so that every user sees their
/// own posts (read-your-writes), while keeping most reads off the primary.
///
/// The router is a sans-IO state machine: it is told about acknowledged writes, and
/// for each read it returns a [`ReadPlan`] for the harness to execute. It may keep any
/// state it likes — think of it as the proxy's per-user session store, shared by all
/// of a user's devices.
pub trait ReadYourWritesRouter {
    /// The primary acknowledged `ack`. Remember what the session will need later.
    fn on_write_acked(&mut self, ack: &WriteAck, cluster: &ClusterView<'_>);

    /// Decide where `read` goes: an ordered list of attempts, tried until one answers.
    fn route_read(&mut self, read: &ProfileRead, cluster: &ClusterView<'_>) -> ReadPlan;
}
