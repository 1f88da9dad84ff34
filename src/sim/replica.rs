//! One replica's replication state: how far behind the primary it is, and why.

use crate::model::{Lsn, Millis};

/// The true state of a replica. Only the harness sees this; the learner sees a
/// [`ReplicaView`](super::ReplicaView).
///
/// Replication is modelled by a *horizon*: the replica has applied everything the
/// primary committed up to time `horizon`. While streaming normally the horizon is
/// `now − lag(now)`, never moving backwards (a replica does not un-apply a write because
/// its lag grew); while frozen (stalled, crashed, partitioned, replaying a backup) it
/// stays put; a restore from backup *sets* it to the backup's time, which is how the
/// applied position goes backwards.
#[derive(Clone, Debug)]
pub struct ReplicaState {
    pub joined: bool,
    pub horizon: i64,
    pub base_lag: Millis,
    pub jitter: Millis,
    pub spike: Option<Millis>,
    /// Growth start time and rate (ms of lag per second).
    pub growth: Option<(Millis, Millis)>,
    /// Active freezing conditions (stalls, backup replays); replication runs at 0.
    pub frozen: u32,
    /// Active crashes.
    pub crashed: u32,
    /// Active partitions.
    pub partitioned: u32,
    /// The node it replicates from is out of reach (crashed, paused, on the other side
    /// of a partition): nothing new arrives. Only the leadership model sets it.
    pub upstream_down: bool,
    /// The applied position found at the last observation, where the next search of
    /// the log starts (see [`ReplicationLog::lsn_through`](super::log::ReplicationLog::lsn_through)).
    pub applied: Lsn,
}

impl ReplicaState {
    pub fn new(base_lag: Millis, joined: bool) -> Self {
        ReplicaState {
            joined,
            horizon: 0,
            base_lag,
            jitter: 0,
            spike: None,
            growth: None,
            frozen: 0,
            crashed: 0,
            partitioned: 0,
            upstream_down: false,
            applied: Lsn::ZERO,
        }
    }

    /// The current lag of the replication stream.
    pub fn lag(&self, now: Millis) -> Millis {
        let mut lag = self.base_lag + self.jitter;
        if let Some(spike) = self.spike {
            lag = lag.max(spike);
        }
        if let Some((since, rate)) = self.growth {
            lag += now.saturating_sub(since) * rate / 1_000;
        }
        lag
    }

    /// Whether the proxy can reach the replica.
    pub fn reachable(&self) -> bool {
        self.joined && self.crashed == 0 && self.partitioned == 0
    }

    fn streaming(&self) -> bool {
        self.reachable() && self.frozen == 0 && !self.upstream_down
    }

    /// Brings the horizon up to `now`. Called before every change of the lag and
    /// before every observation. Between two such calls the lag is constant or grows
    /// linearly, so `now − lag(now)` is monotonic there and its maximum is at an end:
    /// taking the max with the previous horizon is exact.
    pub fn settle(&mut self, now: Millis) {
        if self.streaming() {
            let target = now as i64 - self.lag(now) as i64;
            self.horizon = self.horizon.max(target);
        }
    }
}
