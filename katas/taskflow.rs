//! # TaskFlow — monotonic reads
//!
//! People move tasks on shared boards (writes, to the **primary**) and refresh boards
//! all day (reads, which you route to **replicas**). Replicas apply the primary's log
//! after different lags, so two refreshes served by two replicas can show a task move
//! forward and then *back*.
//!
//! **Monotonic reads** (Terry et al., "Session Guarantees for Weakly Consistent
//! Replicated Data", 1994; DDIA ch. 5): if a session's read R1 comes before its read R2,
//! R2 must include every write that was relevant to R1 — the writes R1 saw. A session
//! is a user on *all* their devices, reading *any* board. Time must not go backwards.
//!
//! **Per session, across boards.** Once bob's refresh of board launch has shown him the
//! update at LSN 7, his next refresh of board ops must come from a node that has applied
//! LSN 7 too, even though that update was on another board: otherwise he sees an older
//! database than he already saw. `BoardWrite` and `ReadReceipt` name the board so you
//! can tell which writes a read included — but the mark you keep is the session's, not
//! the board's. The grader checks the whole session, as Terry et al. define it.
//!
//! ## Tools you have
//!
//! * **Receipts.** After each served read, `on_read_served` tells you which node
//!   answered and at which **LSN** (log sequence number). A replica holds a prefix of
//!   the log, so "answered at LSN 120" means "had every write up to 120".
//! * **Writes.** Every update passes the proxy: `on_write_acked` gives its board and LSN.
//! * **Conditional reads.** `ReadPlan::new().replica_at_least(id, lsn)` makes a replica
//!   refuse (one round trip) unless it has applied `lsn`.
//!
//! ## Two designs, and their trade-offs
//!
//! * **Session affinity** (sticky routing): each user always reads the same replica.
//!   Simple — until that replica crashes, is restored from an old backup, or a new
//!   replica joins and `hash(user) mod N` moves everyone; and hot users overload
//!   "their" replica. "If you route specific users to specific replicas, you lose the
//!   ability to balance load dynamically and face challenges when replicas fail."
//! * **High-water marks**: remember how far each session has seen, and accept any
//!   replica that has caught up that far. The grader measures load imbalance, so
//!   spreading the load is part of the job: each read counts towards the *fair share*
//!   of every replica that could have served it correctly at that moment (believed up,
//!   reachable, caught up with the session), split evenly among them; the busiest
//!   replica may serve 1.5 times the largest fair share, or 3 reads more, whichever
//!   is larger (unless the scenario sets its own limit).
//!
//! Grade with `cargo run -- grade taskflow`; stuck? `cargo run -- hint taskflow`.

use replication_katas::katas::taskflow::prelude::*;

/// Your read router: the state a proxy keeps, shared by all of a user's devices and
/// boards.
pub struct Router {
    // TODO: what must the router remember about each session?
    // (Maps must iterate deterministically: prefer BTreeMap over HashMap.)
}

impl Router {
    pub fn new() -> Self {
        Router {}
    }
}

impl MonotonicReadsRouter for Router {
    /// An update went through the proxy: `write.lsn` is its place in the log.
    fn on_write_acked(&mut self, write: &BoardWrite, cluster: &ClusterView<'_>) {
        // TODO (optional): is anything about writes worth remembering?
    }

    /// Decide where a board refresh goes.
    fn route_read(&mut self, read: &BoardRead, cluster: &ClusterView<'_>) -> ReadPlan {
        // TODO: which replicas are safe for this session? How do you spread the load?
        todo!()
    }

    /// A read was served by `receipt.node` at `receipt.observed`. What the session has
    /// now seen binds all its later reads, of this board and every other.
    fn on_read_served(&mut self, receipt: &ReadReceipt, cluster: &ClusterView<'_>) {
        // TODO: remember what this session has now seen.
        todo!()
    }
}
