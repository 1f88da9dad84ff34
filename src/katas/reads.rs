//! What the read-routing katas (QuickPost, TaskFlow) share: accounting of where reads
//! went and what they cost, the "could a replica have served this?" oracle behind the
//! primary-load budget, the load-imbalance measure, and trace lines for reads.

use crate::history::{History, ReadRecord};
use crate::model::{DeviceId, Key, Lsn, Millis, Names, NodeId, UserId};
use crate::report::{BudgetCheck, Lane, Metric, TraceEvent, Unit};
use crate::scenario::MAX_REPLICAS;
use crate::sim::{AttemptOutcome, Cluster, ReadExecution};

pub const PRIMARY_READ_SHARE: &str = "primary_read_share";
pub const FAILED_READS: &str = "failed_reads";
pub const LOAD_IMBALANCE: &str = "load_imbalance";

/// Where reads went and what they cost.
#[derive(Debug, Default)]
pub struct ReadTally {
    pub reads: u64,
    pub primary_reads: u64,
    /// Reads no replica believed up could have served correctly.
    pub unavoidable: u64,
    pub failed: u64,
    pub round_trips: u64,
    pub refusals: u64,
    pub latency_ms: u64,
    /// Reads served by each replica (index = replica number − 1).
    pub per_replica: Vec<u64>,
    /// What an ideal balancer would have given each replica: every read adds 1/k to
    /// each of the k replicas that could have served it correctly at that moment.
    pub fair: Vec<f64>,
}

impl ReadTally {
    /// Notes, before a read executes, whether a replica the proxy believes up could
    /// serve a read needing `needs` (the oracle for the primary budget), and adds to
    /// the fair share of each replica that could.
    pub fn before_read(&mut self, cluster: &mut Cluster, needs: Lsn) -> bool {
        let n = cluster.replica_count();
        if self.fair.len() < n {
            self.fair.resize(n, 0.0);
            self.per_replica.resize(n, 0);
        }
        // Replicas that could serve this read correctly: reachable, believed up, and
        // far enough along. An ideal balancer spreads the read over exactly these.
        let mut feasible = [false; MAX_REPLICAS as usize];
        let mut count = 0usize;
        for (i, slot) in feasible.iter_mut().enumerate().take(n) {
            if cluster.could_serve(i, needs) {
                *slot = true;
                count += 1;
            }
        }
        if count == 0 {
            self.unavoidable += 1;
            return false;
        }
        let share = 1.0 / count as f64;
        for (fair, _) in self.fair.iter_mut().zip(feasible).filter(|(_, f)| *f) {
            *fair += share;
        }
        true
    }

    /// Records how a read went.
    pub fn record(&mut self, exec: &ReadExecution) {
        self.reads += 1;
        self.round_trips += u64::from(exec.round_trips);
        self.latency_ms += exec.latency_ms;
        self.refusals += exec
            .attempts
            .iter()
            .filter(|a| matches!(a.outcome, AttemptOutcome::TooStale { .. }))
            .count() as u64;
        match exec.served {
            Some((NodeId::Primary, _)) => self.primary_reads += 1,
            Some((NodeId::Replica(r), _)) => {
                let i = r.0 as usize - 1;
                if self.per_replica.len() <= i {
                    self.per_replica.resize(i + 1, 0);
                    self.fair.resize(i + 1, 0.0);
                }
                self.per_replica[i] += 1;
            }
            None => self.failed += 1,
        }
    }

    fn per_read(&self, x: u64) -> f64 {
        if self.reads == 0 {
            0.0
        } else {
            x as f64 / self.reads as f64
        }
    }

    pub fn primary_share(&self) -> f64 {
        self.per_read(self.primary_reads)
    }

    pub fn unavoidable_share(&self) -> f64 {
        self.per_read(self.unavoidable)
    }

    /// The busiest replica's load over the largest fair load: 1.0 is perfectly even;
    /// 3.0 means one replica of three took everything. Comparing maxima keeps a
    /// replica that was up for a moment from dominating the figure.
    pub fn load_imbalance(&self) -> f64 {
        let busiest = self.per_replica.iter().copied().max().unwrap_or(0) as f64;
        let fairest = self.fair.iter().copied().fold(0.0, f64::max);
        if fairest < 1.0 {
            1.0
        } else {
            (busiest / fairest).max(1.0)
        }
    }

    /// The metrics every read-routing kata reports.
    pub fn metrics(&self) -> Vec<Metric> {
        let mut m = vec![
            Metric::new("reads", self.reads as f64, Unit::Count),
            Metric::new(PRIMARY_READ_SHARE, self.primary_share(), Unit::Share),
            Metric::new(
                "unavoidable_primary_share",
                self.unavoidable_share(),
                Unit::Share,
            ),
            Metric::new(FAILED_READS, self.failed as f64, Unit::Count),
            Metric::new("too_stale_refusals", self.refusals as f64, Unit::Count),
            Metric::new(
                "round_trips_per_read",
                self.per_read(self.round_trips),
                Unit::PerRead,
            ),
            Metric::new(
                "mean_read_latency",
                self.per_read(self.latency_ms),
                Unit::Millis,
            ),
            Metric::new(LOAD_IMBALANCE, self.load_imbalance(), Unit::Ratio),
        ];
        for (i, &n) in self.per_replica.iter().enumerate() {
            m.push(Metric::named(
                format!("replica_{}_read_share", i + 1),
                self.per_read(n),
                Unit::Share,
            ));
        }
        m
    }

    /// The primary-load budget: explicit, or what had to go to the primary + slack.
    pub fn primary_budget(&self, explicit: Option<f64>, slack: f64) -> BudgetCheck {
        let unavoidable = self.unavoidable_share();
        let (limit, basis) = match explicit {
            Some(limit) => (limit, "set by the scenario".to_string()),
            None => (
                (unavoidable + slack).min(1.0),
                format!(
                    "{:.1}% of reads had to go to the primary + {:.0} points of slack",
                    unavoidable * 100.0,
                    slack * 100.0
                ),
            ),
        };
        BudgetCheck::at_most(
            PRIMARY_READ_SHARE,
            self.primary_share(),
            limit,
            Unit::Share,
            basis,
        )
    }

    pub fn failed_budget(&self, max: u64) -> BudgetCheck {
        BudgetCheck::at_most(
            FAILED_READS,
            self.failed as f64,
            max as f64,
            Unit::Count,
            "a failed read is an error page for the user".to_string(),
        )
    }

    pub fn imbalance_budget(&self, max: f64) -> BudgetCheck {
        BudgetCheck::at_most(
            LOAD_IMBALANCE,
            self.load_imbalance(),
            max,
            Unit::Ratio,
            "busiest replica's reads over its fair share; replicas exist to share the load"
                .to_string(),
        )
    }
}

/// Appends the faults that started or ended since the last call; returns the new count.
pub fn trace_faults(cluster: &Cluster, seen: usize, trace: &mut Vec<TraceEvent>) -> usize {
    let events = cluster.fault_events();
    for f in &events[seen..] {
        let label = match (f.kind, f.starts) {
            ("add_replica", true) => "joins".to_string(),
            (kind, true) => kind.to_string(),
            ("crash", false) => "restarts".to_string(),
            ("partition", false) => "heals".to_string(),
            ("stall", false) => "resumes".to_string(),
            ("growth", false) => "lag recovers".to_string(),
            ("restore" | "add_replica", false) => "caught up".to_string(),
            (kind, false) => format!("{kind} ends"),
        };
        trace.push(TraceEvent::new(
            f.at,
            Lane::Node(f.replica.to_string()),
            f.description.clone(),
            label,
        ));
    }
    events.len()
}

/// A trace line on a client's lane; `label` is its short form for the timeline.
pub fn client_event(
    names: &Names,
    at: Millis,
    user: UserId,
    device: DeviceId,
    op: usize,
    text: String,
    label: String,
) -> TraceEvent {
    TraceEvent {
        op: Some(op),
        ..TraceEvent::new(
            at,
            Lane::Client {
                user: names.user(user).to_string(),
                device: names.device(device).to_string(),
            },
            text,
            label,
        )
    }
}

/// The trace line of a write the primary accepted as `lsn`.
pub fn write_event(
    names: &Names,
    write: ReadOp,
    lsn: Lsn,
    text: String,
    label: String,
) -> TraceEvent {
    let mut event = client_event(
        names,
        write.at,
        write.user,
        write.device,
        write.op,
        text,
        label,
    );
    event.wrote = Some(lsn);
    event
}

/// "replica-2 (needs LSN 3) refused, had LSN 1 → primary served LSN 3".
pub fn describe_attempts(exec: &ReadExecution) -> String {
    let mut steps: Vec<String> = Vec::new();
    for a in &exec.attempts {
        let node = match a.min_lsn {
            Some(min) => format!("{} (needs {min})", a.target),
            None => a.target.to_string(),
        };
        steps.push(match a.outcome {
            AttemptOutcome::Served { observed } => format!("{node} served {observed}"),
            AttemptOutcome::TooStale { applied, .. } => format!("{node} refused, had {applied}"),
            AttemptOutcome::Unreachable => format!("{node} unreachable"),
            AttemptOutcome::Skipped => continue,
        });
    }
    if steps.is_empty() {
        steps.push("empty plan".into());
    }
    if exec.served.is_none() {
        steps.push("read FAILED".into());
    }
    steps.join(" → ")
}

/// Who read (or wrote) what, when: the facts of an operation besides how it went.
#[derive(Clone, Copy, Debug)]
pub struct ReadOp {
    pub op: usize,
    pub at: Millis,
    pub user: UserId,
    pub device: DeviceId,
    pub key: Key,
}

/// The trace line of a read, flagged when it spent the primary's budget needlessly.
pub fn read_event(
    names: &Names,
    read: ReadOp,
    text: String,
    label: String,
    replica_could: bool,
    exec: &ReadExecution,
) -> TraceEvent {
    let mut event = client_event(names, read.at, read.user, read.device, read.op, text, label);
    event.attempts = exec.attempts.clone();
    if replica_could && matches!(exec.served, Some((NodeId::Primary, _))) {
        event.wastes = Some(PRIMARY_READ_SHARE);
    }
    event
}

/// Records a finished read in the history.
pub fn push_read(history: &mut History, read: ReadOp, exec: &ReadExecution) {
    history.reads.push(ReadRecord {
        op: read.op,
        user: read.user,
        device: read.device,
        key: read.key,
        invoked_at: read.at,
        completed_at: read.at + exec.latency_ms,
        served: exec.served,
        round_trips: exec.round_trips,
    });
}
