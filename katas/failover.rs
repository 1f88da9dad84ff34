//! # Failover — leader election
//!
//! The leader stops answering. You are the failover coordinator: decide when it is dead,
//! whom to promote and under which **term**, and when to refuse and call a human.
//!
//! * **Failure detection** is a timeout on `view.silence_ms`, the time since the last
//!   heartbeat. Too short: a leader in a GC pause is replaced, then wakes up still
//!   leading (a needless failover). Too long: nobody accepts writes (downtime).
//!   The numbers: the leader sends a heartbeat every **1 s**; the coordinator checks
//!   every **0.5 s**. Silence counts from the last heartbeat sent before the trouble
//!   (so it is 0–1 s when the trouble starts). GC pauses usually last up to **20 s**
//!   (silence up to about 20.5 s before the leader wakes); the cluster's **failover
//!   timeout is 25 s** — a promotion sooner, while the leader is alive, is needless.
//!   The **downtime budget**: what a coordinator failing over at 25 s leaves, plus
//!   **35 s** per trouble (60 s after a crash), not charged when no failover was safe.
//! * **What you see** is what a failover manager can know: each follower's reported
//!   **position** — (term, LSN) — fresh if it answered this check, its last answer if it
//!   is unreachable; the leader's position in its last heartbeat. Never the truth.
//! * **Election**: promote the freshest reachable follower (highest position: term
//!   first, then **LSN**); ties go to the `sync` follower. With **semi-synchronous**
//!   replication the sync follower holds every acknowledged write, so the freshest is
//!   never behind an acknowledged write. Only a **majority** of the cluster
//!   (`cluster_size / 2 + 1` nodes on the coordinator's side) may elect.
//! * **Fencing**: a promotion starts a new term (`view.term` is the current one, not
//!   always 1). Nodes that have seen term T + 1 reject writes stamped T, so the old
//!   leader steps down when it comes back and rejoins as a follower, its divergent
//!   writes truncated. Reuse the old term and there are two leaders nobody can tell
//!   apart: **split brain**.
//! * **Safety**: with asynchronous replication a failover may lose the writes the leader
//!   acknowledged but no follower received. If that exceeds `view.max_data_loss`, refuse
//!   (GitLab, 2017: replicas far behind; promoting one would have lost hours of writes).
//!
//! Grade with `cargo run -- grade failover`; stuck? `cargo run -- hint failover`.

use replication_katas::katas::failover::prelude::*;

/// Your failover coordinator.
pub struct Coordinator {
    // TODO (optional): any state you need.
}

impl Coordinator {
    pub fn new() -> Self {
        Coordinator {}
    }
}

impl FailoverCoordinator for Coordinator {
    fn leader_is_dead(&mut self, view: &FailoverView) -> bool {
        // TODO: how long a silence means dead?
        todo!()
    }

    fn elect_new_leader(&mut self, view: &FailoverView) -> Option<Promotion> {
        // TODO: who, under which term — and only with a majority.
        todo!()
    }

    fn validate_safe_failover(
        &mut self,
        view: &FailoverView,
        promotion: &Promotion,
    ) -> Result<(), Refusal> {
        // TODO: how many acknowledged writes would this promotion lose?
        todo!()
    }
}
