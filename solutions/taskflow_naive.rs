//! TaskFlow — naive strategies, each failing for its own reason. Grade one with
//! `cargo run -- grade taskflow --solution NAME`.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use replication_katas::katas::taskflow::prelude::*;

fn up(cluster: &ClusterView<'_>) -> Vec<ReplicaId> {
    cluster
        .replicas()
        .iter()
        .filter(|r| r.is_up())
        .map(|r| r.id)
        .collect()
}

/// `random-replica`: any replica, at random. Perfectly balanced — and with lags that
/// differ, a refresh on a fresher replica followed by one on a staler replica shows
/// the board going back in time.
pub struct RandomReplica {
    rng: ChaCha8Rng,
}

impl RandomReplica {
    pub fn new() -> Self {
        RandomReplica {
            rng: ChaCha8Rng::seed_from_u64(1),
        }
    }
}

impl MonotonicReadsRouter for RandomReplica {
    fn on_write_acked(&mut self, _write: &BoardWrite, _cluster: &ClusterView<'_>) {}

    fn route_read(&mut self, _read: &BoardRead, cluster: &ClusterView<'_>) -> ReadPlan {
        let up = up(cluster);
        if up.is_empty() {
            return ReadPlan::new().primary();
        }
        let pick = up[self.rng.random_range(0..up.len())];
        ReadPlan::new().replica(pick).primary()
    }

    fn on_read_served(&mut self, _receipt: &ReadReceipt, _cluster: &ClusterView<'_>) {}
}

/// `hash-mod-n`: session affinity by `hash(user) mod N` over the replicas believed up.
/// Monotonic while nothing changes; when a replica crashes, is restored from an old
/// backup, or joins, users land on a staler replica (or theirs goes back in time).
pub struct HashModN;

impl MonotonicReadsRouter for HashModN {
    fn on_write_acked(&mut self, _write: &BoardWrite, _cluster: &ClusterView<'_>) {}

    fn route_read(&mut self, read: &BoardRead, cluster: &ClusterView<'_>) -> ReadPlan {
        let up = up(cluster);
        if up.is_empty() {
            return ReadPlan::new().primary();
        }
        // A fixed multiplicative hash: the same user always maps to the same index.
        let hash = u64::from(read.user.0).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32;
        let pick = up[(hash % up.len() as u64) as usize];
        ReadPlan::new().replica(pick).primary()
    }

    fn on_read_served(&mut self, _receipt: &ReadReceipt, _cluster: &ClusterView<'_>) {}
}

/// `always-primary`: never stale, never balanced: the primary carries every read.
pub struct AlwaysPrimary;

impl MonotonicReadsRouter for AlwaysPrimary {
    fn on_write_acked(&mut self, _write: &BoardWrite, _cluster: &ClusterView<'_>) {}

    fn route_read(&mut self, _read: &BoardRead, _cluster: &ClusterView<'_>) -> ReadPlan {
        ReadPlan::new().primary()
    }

    fn on_read_served(&mut self, _receipt: &ReadReceipt, _cluster: &ClusterView<'_>) {}
}

/// `freshest-replica`: everyone reads the replica with the highest reported position.
/// Rarely goes backwards — but one replica carries the load while the others idle.
pub struct FreshestReplica;

impl MonotonicReadsRouter for FreshestReplica {
    fn on_write_acked(&mut self, _write: &BoardWrite, _cluster: &ClusterView<'_>) {}

    fn route_read(&mut self, _read: &BoardRead, cluster: &ClusterView<'_>) -> ReadPlan {
        // Highest report wins; ties go to the lowest id.
        let freshest = cluster.replicas().iter().filter(|r| r.is_up()).fold(
            None::<&ReplicaView>,
            |best, r| match best {
                Some(b) if b.reported_lsn() >= r.reported_lsn() => Some(b),
                _ => Some(r),
            },
        );
        match freshest {
            Some(r) => ReadPlan::new().replica(r.id).primary(),
            None => ReadPlan::new().primary(),
        }
    }

    fn on_read_served(&mut self, _receipt: &ReadReceipt, _cluster: &ClusterView<'_>) {}
}
