//! TaskFlow — the instructor's solution.
//!
//! Design: a high-water mark per *user* — the newest write relevant to anything the
//! session has read — and conditional reads that make a replica prove it has caught up
//! that far. Reads rotate over every replica believed up, so the load spreads as evenly
//! as freshness allows; the primary is the last resort.
//!
//! Why each choice:
//! * high-water mark, not affinity: it survives crashes, restores from backup and
//!   replicas joining, and does not chain hot users to one replica;
//! * the mark is the newest *relevant write* (the last update to the board that the
//!   read included), not the raw observed LSN: the raw LSN is stricter than monotonic
//!   reads needs and would push sessions onto the freshest replica, unbalancing load;
//! * `replica_at_least`, not trusting reports: a report may be stale-high after a
//!   restore.

use replication_katas::katas::taskflow::prelude::*;
use std::collections::BTreeMap;

/// Replica attempts before the primary; the plan keeps one slot for the primary.
const MAX_REPLICA_ATTEMPTS: usize = MAX_ATTEMPTS - 1;

pub struct Router {
    /// Each session's high-water mark.
    marks: BTreeMap<UserId, Lsn>,
    /// Each board's write LSNs, ascending (the log hands them out in order).
    writes: BTreeMap<Key, Vec<Lsn>>,
    /// Rotates reads over the replicas.
    next: usize,
}

impl Router {
    pub fn new() -> Self {
        Router {
            marks: BTreeMap::new(),
            writes: BTreeMap::new(),
            next: 0,
        }
    }
}

impl MonotonicReadsRouter for Router {
    fn on_write_acked(&mut self, write: &BoardWrite, _cluster: &ClusterView<'_>) {
        self.writes.entry(write.board).or_default().push(write.lsn);
    }

    fn route_read(&mut self, read: &BoardRead, cluster: &ClusterView<'_>) -> ReadPlan {
        let mark = self.marks.get(&read.user).copied().unwrap_or(Lsn::ZERO);
        let replicas = cluster.replicas();
        self.next = self.next.wrapping_add(1);
        // Replicas whose report already shows the mark come first — they will almost
        // surely answer — so refusals do not pile reads onto whichever replica
        // follows a lagging one. Each group is rotated for balance.
        let mut plan = ReadPlan::new();
        let mut attempts = 0;
        for likely in [true, false] {
            let in_group = |r: &ReplicaView| r.is_up() && (r.reported_lsn() >= mark) == likely;
            let size = replicas.iter().filter(|r| in_group(r)).count();
            let group = replicas.iter().filter(|r| in_group(r)).cycle();
            for r in group.skip(self.next % size.max(1)).take(size) {
                if attempts == MAX_REPLICA_ATTEMPTS {
                    return plan.primary();
                }
                plan = plan.replica_at_least(r.id, mark);
                attempts += 1;
            }
        }
        plan.primary()
    }

    fn on_read_served(&mut self, receipt: &ReadReceipt, _cluster: &ClusterView<'_>) {
        // The newest write to this board that the answer included.
        let Some(relevant) = self.writes.get(&receipt.board).and_then(|lsns| {
            let i = lsns.partition_point(|&l| l <= receipt.observed);
            i.checked_sub(1).map(|i| lsns[i])
        }) else {
            return;
        };
        let mark = self.marks.entry(receipt.user).or_insert(relevant);
        *mark = (*mark).max(relevant);
    }
}
