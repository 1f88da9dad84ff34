//! What the read-routing katas (QuickPost, TaskFlow) share: accounting of where reads
//! went and what they cost, the "could a replica have served this?" oracle behind the
//! primary-load budget, the load-imbalance measure, and trace lines for reads.

use crate::history::{History, ReadRecord};
use crate::model::{DeviceId, Key, Lsn, Millis, Names, NodeId, UserId};
use crate::report::{BudgetCheck, Lane, Metric, Relative, TraceEvent, Unit};
use crate::sim::{AttemptOutcome, Cluster, MAX_ATTEMPTS, ReadExecution};

pub const PRIMARY_READ_SHARE: &str = "primary_read_share";
pub const FAILED_READS: &str = "failed_reads";
pub const LOAD_IMBALANCE: &str = "load_imbalance";

/// Below this many reads a scenario is too small for a share or a ratio to mean
/// anything (6 reads over 5 equally fresh replicas are a 1.67× imbalance no router can
/// beat): its share budgets are judged over all the grade's small scenarios together.
pub const MIN_SAMPLE_READS: u64 = 30;

/// Absolute slack of every read budget, in reads: two avoidable primary reads must not
/// fail a 13-read scenario.
pub const SLACK_READS: f64 = 3.0;

/// The budgets of a read-routing scenario: correct but wasteful is not a pass. Every
/// default is judged against what the best possible router achieves on the same
/// scenario (see [`ReadTally::primary_budget`] and [`ReadTally::imbalance_budget`]).
#[derive(Clone, Debug, serde::Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ReadBudgets {
    /// Highest acceptable share of reads served by the primary. When omitted, the
    /// budget is the reads that *had* to go to the primary (no reachable replica had
    /// what the read needed) plus slack: `primary_slack` of all reads or 3 reads,
    /// whichever is larger.
    #[serde(default)]
    pub max_primary_read_share: Option<f64>,
    #[serde(default = "default_slack")]
    pub primary_slack: f64,
    #[serde(default)]
    pub max_failed_reads: u64,
    /// How much busier than under the best possible spread the busiest replica may be:
    /// [`DEFAULT_LOAD_IMBALANCE`] times its fair share, or 3 reads more, whichever is
    /// larger.
    #[serde(default = "default_imbalance")]
    pub max_load_imbalance: f64,
}

fn default_slack() -> f64 {
    0.15
}

/// The default load-imbalance budget, 2.5× the fair share.
///
/// Why not less: the plainest correct router — a rotation over the replicas believed
/// up, every read conditional, falling through to the next replica when one refuses —
/// hands the reads of a run of `g` refusing replicas to the one after them. That
/// replica serves (g + 1)/N of the rotation where an even spread over the able ones
/// gives 1/(N − g): (g + 1)(N − g)/N times its fair share, at most (N + 1)²/4N, which is
/// 2.29× for the 7 replicas one plan can reach. A budget below that fails correct
/// rotations on the seeds whose lags happen to line refusers up (it did at 2×).
///
/// Why not more: a router that pins every unconstrained read on one replica of three
/// or more that could serve it is at 3× or more, and one that sends every session to
/// the freshest replica or to a hashed home replica under hot users higher still.
pub const DEFAULT_LOAD_IMBALANCE: f64 = 2.5;

fn default_imbalance() -> f64 {
    DEFAULT_LOAD_IMBALANCE
}

impl Default for ReadBudgets {
    fn default() -> Self {
        ReadBudgets {
            max_primary_read_share: None,
            primary_slack: default_slack(),
            max_failed_reads: 0,
            max_load_imbalance: default_imbalance(),
        }
    }
}

impl ReadBudgets {
    /// Checks the numbers make sense; the message names the field to fix.
    pub fn validate(&self) -> Result<(), String> {
        if let Some(share) = self.max_primary_read_share
            && !(0.0..=1.0).contains(&share)
        {
            return Err("budgets.max_primary_read_share must be between 0 and 1".into());
        }
        if !(0.0..=1.0).contains(&self.primary_slack) {
            return Err("budgets.primary_slack must be between 0 and 1".into());
        }
        if !(1.0..=1_000.0).contains(&self.max_load_imbalance) {
            return Err(
                "budgets.max_load_imbalance must be between 1.0 (the best possible spread) \
                 and 1000"
                    .into(),
            );
        }
        Ok(())
    }

    /// The budgets of a finished scenario.
    pub fn checks(&self, tally: &ReadTally) -> Vec<BudgetCheck> {
        vec![
            tally.primary_budget(self.max_primary_read_share, self.primary_slack),
            tally.failed_budget(self.max_failed_reads),
            tally.imbalance_budget(self.max_load_imbalance),
        ]
    }
}

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
    /// Each replica's fair share: every read adds 1/k to each of the k replicas that
    /// could have served it correctly at that moment (what a router that spreads reads
    /// evenly over the replicas able to serve them would give).
    pub fair: Vec<f64>,
    /// Whole reads, as an ideal balancer that knew every true position would assign
    /// them: each to the least-loaded replica able to serve it. It carries the
    /// pigeonhole of small samples (6 reads over 5 replicas: one serves 2), which the
    /// fractional fair share does not.
    pub ideal: Vec<u64>,
}

impl ReadTally {
    /// Notes, before a read executes, whether a replica the proxy believes up could
    /// serve a read needing `needs` (the oracle for the primary budget), and adds to
    /// the fair share of each replica that could.
    pub fn before_read(&mut self, cluster: &mut Cluster, needs: Lsn) -> bool {
        let n = cluster.replica_count();
        if self.ideal.len() < n {
            self.ideal.resize(n, 0);
            self.fair.resize(n, 0.0);
            self.per_replica.resize(n, 0);
        }
        // Replicas that could serve this read correctly: reachable, believed up, and
        // far enough along. The fair share spreads the read over those a router could
        // know to be able — their report already shows what the read needs — or, when
        // no report does, over all that are able (a router finds them by asking). A
        // reference that spread reads over replicas whose reports lag would fail every
        // router that trusts what it is told; the ideal balancer sends the read to the
        // least loaded of the same replicas.
        let view = cluster.view();
        let mut known = [false; crate::scenario::MAX_REPLICAS as usize];
        for (i, r) in view.replicas().iter().enumerate().take(n) {
            known[i] = r.is_up() && r.reported_lsn() >= needs;
        }
        let mut able = [false; crate::scenario::MAX_REPLICAS as usize];
        let mut count = 0;
        let mut count_known = 0;
        for (i, able) in able.iter_mut().enumerate().take(n) {
            if cluster.could_serve(i, needs) {
                *able = true;
                count += 1;
                count_known += usize::from(known[i]);
            }
        }
        let spread: &dyn Fn(usize) -> bool = if count_known > 0 {
            &|i| able[i] && known[i]
        } else {
            &|i| able[i]
        };
        let over = if count_known > 0 { count_known } else { count };
        let mut least: Option<usize> = None;
        for i in (0..n).filter(|&i| spread(i)) {
            self.fair[i] += 1.0 / over as f64;
            if least.is_none_or(|l| self.ideal[i] < self.ideal[l]) {
                least = Some(i);
            }
        }
        if let Some(i) = least {
            self.ideal[i] += 1;
        }
        // Could a router have kept it off the primary? A plan holds at most
        // `MAX_ATTEMPTS` attempts, one of them kept for the primary, and a router only
        // knows reports: the best it can do is ask the replicas whose reports are the
        // freshest. With 32 replicas, the one that has the data may be one no plan
        // could have reached.
        let reachable_by_a_plan = likeliest(cluster, MAX_ATTEMPTS - 1)
            .into_iter()
            .flatten()
            .any(|i| able[i]);
        if !reachable_by_a_plan {
            self.unavoidable += 1;
        }
        reachable_by_a_plan
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
                    self.ideal.resize(i + 1, 0);
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

    /// The busiest replica's reads.
    pub fn busiest(&self) -> u64 {
        self.per_replica.iter().copied().max().unwrap_or(0)
    }

    /// The reference for the busiest replica's load: the largest fair share, rounded
    /// up to whole reads, and never below what the ideal balancer's busiest replica
    /// serves (the pigeonhole of small samples).
    pub fn ideal_busiest(&self) -> u64 {
        let fair = self.fair.iter().copied().fold(0.0, f64::max);
        let whole = self.ideal.iter().copied().max().unwrap_or(0);
        ((fair - 1e-9).ceil().max(0.0) as u64).max(whole)
    }

    /// The busiest replica's reads over its reference load ([`ReadTally::ideal_busiest`]):
    /// 1.0 is as even as the replicas' positions allow; 3.0 means one replica served
    /// three times its fair share.
    pub fn load_imbalance(&self) -> f64 {
        let ideal = self.ideal_busiest();
        if ideal == 0 {
            1.0
        } else {
            self.busiest() as f64 / ideal as f64
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

    /// The primary-load budget: explicit, or what had to go to the primary (no replica
    /// believed up had what the read needed) + slack, the larger of `slack` of all reads
    /// and [`SLACK_READS`].
    pub fn primary_budget(&self, explicit: Option<f64>, slack: f64) -> BudgetCheck {
        if let Some(limit) = explicit {
            return BudgetCheck::at_most(
                PRIMARY_READ_SHARE,
                self.primary_share(),
                limit,
                Unit::Share,
                "set by the scenario".to_string(),
            );
        }
        let counts = Relative {
            actual: self.primary_reads as f64,
            best: self.unavoidable as f64,
            base: self.reads as f64,
            relative: slack,
            absolute: SLACK_READS,
            per: self.reads as f64,
            sample: self.reads as f64,
        };
        let basis = format!(
            "{} of {} reads had to go to the primary + slack of {:.0} points or {SLACK_READS} \
             reads, whichever is larger",
            self.unavoidable,
            self.reads,
            slack * 100.0
        );
        BudgetCheck::relative(
            PRIMARY_READ_SHARE,
            Unit::Share,
            counts,
            self.reads < MIN_SAMPLE_READS,
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

    /// The load-imbalance budget: the busiest replica may serve up to `max_factor`
    /// times what the busiest one serves under the ideal balancer, or [`SLACK_READS`]
    /// more, whichever is larger.
    pub fn imbalance_budget(&self, max_factor: f64) -> BudgetCheck {
        let ideal = self.ideal_busiest();
        let counts = Relative {
            actual: self.busiest() as f64,
            best: ideal as f64,
            base: ideal as f64,
            relative: max_factor - 1.0,
            absolute: SLACK_READS,
            per: (ideal as f64).max(1.0),
            // What a ratio of loads rests on is the reference load itself: 300 reads
            // over 32 replicas give each about 9, too few to tell skew from pigeonhole.
            sample: ideal as f64,
        };
        let basis = format!(
            "the busiest replica served {} reads; its fair share, spreading each read over \
             the replicas whose reports show what it needs (or every able one when none \
             does), is {ideal}; slack: {:.0}% or {SLACK_READS} reads, whichever is larger",
            self.busiest(),
            (max_factor - 1.0) * 100.0
        );
        BudgetCheck::relative(
            LOAD_IMBALANCE,
            Unit::Ratio,
            counts,
            ideal < MIN_SAMPLE_READS,
            basis,
        )
    }
}

/// The `k` replicas a router would try first knowing only what a proxy knows: believed
/// up, freshest report first (ties to the lowest number).
fn likeliest(cluster: &Cluster, k: usize) -> [Option<usize>; MAX_ATTEMPTS] {
    let view = cluster.view();
    let mut order =
        [(std::cmp::Reverse(Lsn::ZERO), 0usize); crate::scenario::MAX_REPLICAS as usize];
    let mut up = 0;
    for (i, r) in view
        .replicas()
        .iter()
        .enumerate()
        .filter(|(_, r)| r.is_up())
    {
        order[up] = (std::cmp::Reverse(r.reported_lsn()), i);
        up += 1;
    }
    let order = &mut order[..up];
    // Only more replicas than a plan can hold need ordering (no allocation per read).
    if up > k {
        order.sort_unstable();
    }
    let mut out = [None; MAX_ATTEMPTS];
    for (slot, &(_, i)) in out.iter_mut().zip(order.iter()).take(k) {
        *slot = Some(i);
    }
    out
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
