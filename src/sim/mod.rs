//! The simulated single-leader cluster: a deterministic, sans-IO discrete-event model.
//!
//! No threads, sockets, sleeps or wall clock: the cluster is a state machine driven by
//! a queue of timed events (fault starts and ends, lag jitter, position reports,
//! failure-detector updates). The kata driver advances it to the time of each client
//! operation, then performs the operation. All randomness comes from a
//! [`ChaCha8Rng`] seeded by the scenario, so a seed replays identically on any
//! machine and any later release.

mod fault;
mod leadership;
mod log;
pub mod multileader;
mod plan;
mod replica;
mod view;

pub use fault::{Fault, FaultKind};
pub use leadership::{
    Happening, LeaderCluster, LeaderFault, LeaderSpec, PromotionOutcome, Target, Trouble,
};
pub use log::ReplicationLog;
pub use plan::{Attempt, AttemptOutcome, AttemptRecord, MAX_ATTEMPTS, ReadExecution, ReadPlan};
pub use replica::ReplicaState;
pub use view::{ClusterView, Health, PositionReport, ReplicaView};

use crate::model::{Lsn, Millis, NodeId, ReplicaId};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Deserialize;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The shape of a single-leader cluster, as written under `cluster:` in a scenario.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ClusterSpec {
    /// Replicas at the start (more may join through `add_replica` faults).
    pub replicas: u32,
    /// Base replication lag of each starting replica, in order.
    pub lag_ms: Vec<Millis>,
    /// How often each replica reports its applied position to the proxy.
    #[serde(default = "defaults::report_interval")]
    pub report_interval_ms: Millis,
    /// How long the failure detector takes to notice a crash or a recovery.
    #[serde(default = "defaults::detector_delay")]
    pub detector_delay_ms: Millis,
    /// One network round trip between proxy and node.
    #[serde(default = "defaults::rtt")]
    pub rtt_ms: Millis,
    /// How long the proxy waits for an unreachable node before giving up.
    #[serde(default = "defaults::timeout")]
    pub timeout_ms: Millis,
}

mod defaults {
    use crate::model::Millis;
    pub fn report_interval() -> Millis {
        500
    }
    pub fn detector_delay() -> Millis {
        1_000
    }
    pub fn rtt() -> Millis {
        1
    }
    pub fn timeout() -> Millis {
        50
    }
}

impl ClusterSpec {
    /// A cluster with the default timings.
    pub fn with_lags(lag_ms: Vec<Millis>) -> Self {
        ClusterSpec {
            replicas: lag_ms.len() as u32,
            lag_ms,
            report_interval_ms: defaults::report_interval(),
            detector_delay_ms: defaults::detector_delay(),
            rtt_ms: defaults::rtt(),
            timeout_ms: defaults::timeout(),
        }
    }
}

/// A fault starting or ending, as it happened; used by reports and timelines.
#[derive(Clone, Debug, PartialEq)]
pub struct FaultEvent {
    pub at: Millis,
    pub replica: ReplicaId,
    pub kind: &'static str,
    /// `true` when the fault starts, `false` when its effect ends.
    pub starts: bool,
    pub description: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Event {
    FaultStart(usize),
    FaultEnd(usize),
    JitterTick(usize),
    Report(usize),
    Detector(usize),
}

/// The simulated cluster. See the module documentation.
pub struct Cluster {
    spec: ClusterSpec,
    faults: Vec<Fault>,
    log: ReplicationLog,
    replicas: Vec<ReplicaState>,
    views: Vec<ReplicaView>,
    queue: BinaryHeap<Reverse<(Millis, u64, Event)>>,
    seq: u64,
    now: Millis,
    rng: ChaCha8Rng,
    events: u64,
    fault_events: Vec<FaultEvent>,
    failovers: u32,
}

impl Cluster {
    /// Builds a cluster. `faults` must have been validated (see
    /// [`crate::scenario`]): replica numbers exist, added replicas are numbered next.
    pub fn new(spec: &ClusterSpec, faults: &[Fault], seed: u64) -> Self {
        let added = faults
            .iter()
            .filter(|f| matches!(f.kind, FaultKind::AddReplica { .. }))
            .count();
        let mut replicas: Vec<ReplicaState> = spec
            .lag_ms
            .iter()
            .map(|&lag| ReplicaState::new(lag, true))
            .collect();
        replicas.extend((0..added).map(|_| ReplicaState::new(0, false)));
        let views = (0..spec.replicas)
            .map(|i| ReplicaView {
                id: ReplicaId(i + 1),
                last_report: None,
                health: Health::Up,
            })
            .collect();
        let mut cluster = Cluster {
            spec: spec.clone(),
            faults: faults.to_vec(),
            log: ReplicationLog::default(),
            replicas,
            views,
            queue: BinaryHeap::new(),
            seq: 0,
            now: 0,
            rng: ChaCha8Rng::seed_from_u64(seed),
            events: 0,
            fault_events: Vec::new(),
            failovers: 0,
        };
        for i in 0..spec.replicas as usize {
            let phase = spec.report_interval_ms * i as u64 / u64::from(spec.replicas.max(1));
            cluster.schedule(phase, Event::Report(i));
        }
        for (i, f) in faults.iter().enumerate() {
            cluster.schedule(f.at_ms, Event::FaultStart(i));
        }
        cluster
    }

    fn schedule(&mut self, at: Millis, event: Event) {
        self.seq += 1;
        self.queue.push(Reverse((at, self.seq, event)));
    }

    /// Processes every internal event up to and including time `t`, then sets the
    /// clock to `t`. Time never goes backwards.
    pub fn advance_to(&mut self, t: Millis) {
        while let Some(&Reverse((at, _, event))) = self.queue.peek() {
            if at > t {
                break;
            }
            self.queue.pop();
            self.now = self.now.max(at);
            self.events += 1;
            self.handle(event);
        }
        self.now = self.now.max(t);
    }

    fn handle(&mut self, event: Event) {
        let now = self.now;
        match event {
            Event::Report(i) => {
                if self.replicas[i].reachable() {
                    let lsn = self.observe(i);
                    if let Some(v) = self.views.get_mut(i) {
                        v.last_report = Some(PositionReport { lsn, at: now });
                    }
                }
                self.schedule(now + self.spec.report_interval_ms, Event::Report(i));
            }
            Event::Detector(i) => {
                let health = if self.replicas[i].reachable() {
                    Health::Up
                } else {
                    Health::Down
                };
                if let Some(v) = self.views.get_mut(i) {
                    v.health = health;
                }
            }
            Event::JitterTick(f) => {
                let (end, max, every) = match self.faults[f].kind {
                    FaultKind::Jitter {
                        max_ms,
                        every_ms,
                        duration_ms,
                    } => (self.faults[f].at_ms + duration_ms, max_ms, every_ms),
                    _ => unreachable!("jitter ticks are only scheduled for jitter faults"),
                };
                if now < end {
                    let i = self.faults[f].replica as usize - 1;
                    let jitter = self.rng.random_range(0..=max);
                    let r = &mut self.replicas[i];
                    r.settle(now);
                    r.jitter = jitter;
                    self.schedule(now + every.max(1), Event::JitterTick(f));
                }
            }
            Event::FaultStart(f) => self.start_fault(f),
            Event::FaultEnd(f) => self.end_fault(f),
        }
    }

    fn reachability_changed(&mut self, i: usize) {
        self.schedule(self.now + self.spec.detector_delay_ms, Event::Detector(i));
    }

    fn start_fault(&mut self, f: usize) {
        let now = self.now;
        let fault = self.faults[f].clone();
        let i = fault.replica as usize - 1;
        self.fault_events.push(FaultEvent {
            at: now,
            replica: fault.replica_id(),
            kind: fault.kind.name(),
            starts: true,
            description: fault.kind.describe(),
        });
        self.replicas[i].settle(now);
        match fault.kind {
            FaultKind::Spike { lag_ms, .. } => self.replicas[i].spike = Some(lag_ms),
            FaultKind::Stall { .. } => self.replicas[i].frozen += 1,
            FaultKind::Growth { rate_ms_per_s, .. } => {
                self.replicas[i].growth = Some((now, rate_ms_per_s))
            }
            FaultKind::Jitter { .. } => self.schedule(now, Event::JitterTick(f)),
            FaultKind::Crash { .. } => {
                self.replicas[i].crashed += 1;
                self.reachability_changed(i);
            }
            FaultKind::Partition { .. } => {
                self.replicas[i].partitioned += 1;
                self.reachability_changed(i);
            }
            FaultKind::Restore { backup_age_ms, .. } => {
                let r = &mut self.replicas[i];
                r.horizon = now as i64 - backup_age_ms as i64;
                r.frozen += 1;
            }
            FaultKind::Failover { .. } => {
                // The promoted replica had every acknowledged write; from now on this
                // slot is the old primary, which also has the whole log, and is down
                // while it restarts.
                let term = crate::model::Term(self.log.term().0 + 1);
                self.log.begin_term(term);
                let r = &mut self.replicas[i];
                r.horizon = now as i64;
                r.crashed += 1;
                self.failovers += 1;
                self.reachability_changed(i);
            }
            FaultKind::AddReplica {
                snapshot_age_ms,
                lag_ms,
                ..
            } => {
                let r = &mut self.replicas[i];
                r.joined = true;
                r.horizon = now as i64 - snapshot_age_ms as i64;
                r.base_lag = lag_ms;
                r.frozen += 1;
                debug_assert_eq!(self.views.len(), i, "added replicas join in id order");
                self.views.push(ReplicaView {
                    id: fault.replica_id(),
                    last_report: None,
                    health: Health::Up,
                });
                self.schedule(now + self.spec.report_interval_ms, Event::Report(i));
            }
        }
        if let Some(end) = fault.end_ms() {
            self.schedule(end, Event::FaultEnd(f));
        }
    }

    fn end_fault(&mut self, f: usize) {
        let now = self.now;
        let fault = self.faults[f].clone();
        let i = fault.replica as usize - 1;
        self.replicas[i].settle(now);
        let ending = match fault.kind {
            FaultKind::Spike { .. } => "lag spike ends",
            FaultKind::Stall { .. } => "replication resumes",
            FaultKind::Growth { .. } => "lag recovers",
            FaultKind::Jitter { .. } => "jitter ends",
            FaultKind::Crash { .. } => "restarts",
            FaultKind::Partition { .. } => "partition heals",
            FaultKind::Restore { .. } | FaultKind::AddReplica { .. } => {
                "caught up with the archive, streams again"
            }
            FaultKind::Failover { .. } => "the old primary rejoins as a replica",
        };
        self.fault_events.push(FaultEvent {
            at: now,
            replica: fault.replica_id(),
            kind: fault.kind.name(),
            starts: false,
            description: ending.to_string(),
        });
        let r = &mut self.replicas[i];
        let reachability_changes = match fault.kind {
            FaultKind::Spike { .. } => {
                r.spike = None;
                false
            }
            FaultKind::Stall { .. } | FaultKind::Restore { .. } | FaultKind::AddReplica { .. } => {
                r.frozen = r.frozen.saturating_sub(1);
                false
            }
            FaultKind::Growth { .. } => {
                r.growth = None;
                false
            }
            FaultKind::Jitter { .. } => {
                r.jitter = 0;
                false
            }
            FaultKind::Crash { .. } => {
                r.crashed = r.crashed.saturating_sub(1);
                true
            }
            FaultKind::Partition { .. } => {
                r.partitioned = r.partitioned.saturating_sub(1);
                true
            }
            FaultKind::Failover { .. } => {
                r.crashed = r.crashed.saturating_sub(1);
                true
            }
        };
        if reachability_changes {
            self.reachability_changed(i);
        }
        self.replicas[i].settle(now);
    }

    /// The current virtual time.
    pub fn now(&self) -> Millis {
        self.now
    }

    /// Internal events processed so far: reports, failure-detector updates, jitter
    /// ticks, fault starts and ends. Client operations are not counted here — the
    /// driver knows how many it issued and adds them once (for throughput figures).
    pub fn events(&self) -> u64 {
        self.events
    }

    /// The spec this cluster was built from.
    pub fn spec(&self) -> &ClusterSpec {
        &self.spec
    }

    /// What the proxy knows right now.
    pub fn view(&self) -> ClusterView<'_> {
        ClusterView::new(self.now, self.log.head(), &self.views)
    }

    /// The faults that started or ended so far, in order.
    pub fn fault_events(&self) -> &[FaultEvent] {
        &self.fault_events
    }

    /// `lsn` as a (term, LSN) position: after a `failover` fault the log carries a newer
    /// term, so a later kata can hand out (term, LSN) tokens ("read-your-writes across a
    /// failover") from this same model.
    pub fn position(&self, lsn: Lsn) -> crate::model::Position {
        self.log.position(lsn)
    }

    /// Failovers so far.
    pub fn failovers(&self) -> u32 {
        self.failovers
    }

    /// A write accepted by the primary at the current time; returns its LSN.
    pub fn write(&mut self) -> Lsn {
        self.log.append(self.now)
    }

    /// The *true* applied position of a replica — harness only, never shown to a
    /// router. `None` if the replica does not exist or has not joined.
    pub fn applied_lsn(&mut self, id: ReplicaId) -> Option<Lsn> {
        let i = (id.0 as usize).checked_sub(1)?;
        if !self.replicas.get(i)?.joined {
            return None;
        }
        Some(self.observe(i))
    }

    /// Settles replica `i` and returns the position it has applied: the harness's
    /// one way to look at a replica's true state.
    fn observe(&mut self, i: usize) -> Lsn {
        let r = &mut self.replicas[i];
        r.settle(self.now);
        r.applied = self.log.lsn_through(r.horizon, r.applied);
        r.applied
    }

    /// Whether the proxy could reach this replica right now (harness only).
    pub fn is_reachable(&self, id: ReplicaId) -> bool {
        (id.0 as usize)
            .checked_sub(1)
            .and_then(|i| self.replicas.get(i))
            .is_some_and(ReplicaState::reachable)
    }

    /// Whether the replica at `index` (0-based) could serve a read that needs `needs`
    /// right now: reachable, believed up by the failure detector, and far enough along.
    /// Harness only: the oracle behind the primary-load and balance budgets.
    pub fn could_serve(&mut self, index: usize, needs: Lsn) -> bool {
        let believed_up = self.views.get(index).is_some_and(ReplicaView::is_up);
        let reachable = self
            .replicas
            .get(index)
            .is_some_and(ReplicaState::reachable);
        believed_up && reachable && self.observe(index) >= needs
    }

    /// Replicas that exist, joined or not yet.
    pub fn replica_count(&self) -> usize {
        self.replicas.len()
    }

    /// Executes a read plan at the current time: tries each attempt in order, skipping
    /// unreachable nodes and refusing replicas, and accounts round trips and latency.
    pub fn execute(&mut self, plan: &ReadPlan) -> ReadExecution {
        let mut exec = ReadExecution::default();
        self.execute_into(plan, &mut exec);
        exec
    }

    /// [`Cluster::execute`] into a reused record, so a run of reads allocates nothing.
    pub fn execute_into(&mut self, plan: &ReadPlan, exec: &mut ReadExecution) {
        exec.attempts.clear();
        exec.served = None;
        exec.round_trips = 0;
        exec.latency_ms = 0;
        for (n, attempt) in plan.attempts().iter().enumerate() {
            if exec.served.is_some() || n >= MAX_ATTEMPTS {
                exec.attempts.push(AttemptRecord {
                    target: attempt.target,
                    min_lsn: attempt.min_lsn,
                    outcome: AttemptOutcome::Skipped,
                });
                continue;
            }
            exec.round_trips += 1;
            let outcome = match attempt.target {
                NodeId::Primary => AttemptOutcome::Served {
                    observed: self.log.head(),
                },
                NodeId::Replica(id) => match self.applied_lsn(id) {
                    Some(applied) if self.is_reachable(id) => match attempt.min_lsn {
                        Some(wanted) if applied < wanted => {
                            AttemptOutcome::TooStale { applied, wanted }
                        }
                        _ => AttemptOutcome::Served { observed: applied },
                    },
                    _ => AttemptOutcome::Unreachable,
                },
            };
            exec.latency_ms += match outcome {
                AttemptOutcome::Unreachable => self.spec.timeout_ms,
                _ => self.spec.rtt_ms,
            };
            if let AttemptOutcome::Served { observed } = outcome {
                exec.served = Some((attempt.target, observed));
            }
            exec.attempts.push(AttemptRecord {
                target: attempt.target,
                min_lsn: attempt.min_lsn,
                outcome,
            });
        }
    }
}

#[cfg(test)]
mod tests;
