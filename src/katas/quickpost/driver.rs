//! Runs a QuickPost scenario against a router: feeds it the operations in time order,
//! executes its read plans on the simulated cluster, records the history, and applies
//! the read-your-writes checker and the budgets.

use super::api::{ProfileRead, ReadYourWritesRouter, WriteAck};
use super::scenario::{Op, QuickPostScenario, expand};
use crate::checkers;
use crate::grader::{Guard, LearnerFault};
use crate::history::{History, ReadRecord, WriteRecord};
use crate::katas::ScenarioRun;
use crate::model::{Key, Lsn, Millis, NodeId, fmt_time};
use crate::report::{BudgetCheck, Lane, Metric, TraceEvent, Unit};
use crate::sim::{AttemptOutcome, Cluster, ReadExecution};

pub const ON_WRITE_ACKED: &str = "ReadYourWritesRouter::on_write_acked";
pub const ROUTE_READ: &str = "ReadYourWritesRouter::route_read";
const PRIMARY_READ_SHARE: &str = "primary_read_share";

#[derive(Default)]
struct Tally {
    reads: u64,
    posts: u64,
    primary_reads: u64,
    unavoidable: u64,
    failed: u64,
    round_trips: u64,
    refusals: u64,
    latency_ms: u64,
}

pub fn run(
    s: &QuickPostScenario,
    router: &mut dyn ReadYourWritesRouter,
    seed: u64,
    guard: &Guard,
    trace: bool,
) -> Result<ScenarioRun, LearnerFault> {
    let (names, ops) = expand(s, seed);
    let mut newest_post: Vec<Option<(Lsn, Millis)>> = vec![None; names.users.len()];
    let mut cluster = Cluster::new(&s.cluster, &s.faults, seed);
    let rtt = s.cluster.rtt_ms;
    let mut history = History::new(names);
    let mut tally = Tally::default();
    let mut out = ScenarioRun::default();
    let mut faults_seen = 0;

    for op in &ops {
        cluster.advance_to(op.at);
        if trace {
            faults_seen = trace_faults(&cluster, faults_seen, &mut out.trace);
        }
        let now = cluster.now();
        let n = history.next_op();
        match op.view_of {
            None => {
                let lsn = cluster.write();
                let ack = WriteAck {
                    user: op.user,
                    device: op.device,
                    lsn,
                    at: now + rtt,
                };
                history.writes.push(WriteRecord {
                    op: n,
                    user: op.user,
                    device: op.device,
                    key: Key(op.user.0),
                    lsn,
                    invoked_at: now,
                    acked_at: ack.at,
                });
                newest_post[op.user.0 as usize] = Some((lsn, ack.at));
                tally.posts += 1;
                guard.call(ON_WRITE_ACKED, || {
                    router.on_write_acked(&ack, &cluster.view())
                })?;
                if trace {
                    out.trace.push(client_event(
                        &history,
                        op,
                        n,
                        format!(
                            "posts → the primary appends it as {lsn}, acknowledged at t={}",
                            fmt_time(ack.at)
                        ),
                    ));
                }
            }
            Some(owner) => {
                let read = ProfileRead {
                    user: op.user,
                    device: op.device,
                    profile_of: owner,
                    at: now,
                };
                let plan = guard.call(ROUTE_READ, || router.route_read(&read, &cluster.view()))?;
                // The oracle: could any replica that the proxy believes up have served
                // this read correctly? If not, a correct router had to use the primary.
                let needs = match newest_post[op.user.0 as usize] {
                    Some((token, acked)) if owner == op.user && acked <= now => token,
                    _ => Lsn::ZERO,
                };
                let some_replica_could = cluster.replica_ids().any(|id| {
                    cluster.is_reachable(id)
                        && cluster.view().replica(id).is_some_and(|v| v.is_up())
                        && cluster.applied_lsn(id).is_some_and(|a| a >= needs)
                });
                if !some_replica_could {
                    tally.unavoidable += 1;
                }
                let exec = cluster.execute(&plan);
                account(&mut tally, &exec);
                if trace {
                    let text = describe_read(&history, &read, &exec);
                    let mut event = client_event(&history, op, n, text);
                    if some_replica_could && matches!(exec.served, Some((NodeId::Primary, _))) {
                        event.wastes = Some(PRIMARY_READ_SHARE);
                    }
                    out.trace.push(event);
                }
                history.reads.push(ReadRecord {
                    op: n,
                    user: op.user,
                    device: op.device,
                    key: Key(owner.0),
                    invoked_at: now,
                    completed_at: now + exec.latency_ms,
                    served: exec.served,
                    attempts: exec.attempts,
                    round_trips: exec.round_trips,
                });
            }
        }
    }

    out.violations = checkers::read_your_writes(&history);
    if trace {
        for v in &out.violations {
            let read_op = v.operations.last().copied();
            if let Some(e) = out
                .trace
                .iter_mut()
                .find(|e| e.op.is_some() && e.op == read_op)
            {
                e.violates = Some(v.guarantee);
            }
        }
    }
    out.events = cluster.events() + ops.len() as u64;
    metrics_and_budgets(s, &tally, &mut out);
    Ok(out)
}

fn trace_faults(cluster: &Cluster, seen: usize, trace: &mut Vec<TraceEvent>) -> usize {
    let events = cluster.fault_events();
    for f in &events[seen..] {
        trace.push(TraceEvent {
            at: f.at,
            lane: Lane::Node(f.replica.to_string()),
            text: f.description.clone(),
            violates: None,
            user: None,
            op: None,
            wastes: None,
        });
    }
    events.len()
}

fn client_event(history: &History, op: &Op, n: usize, text: String) -> TraceEvent {
    let names = &history.names;
    TraceEvent {
        at: op.at,
        lane: Lane::Client {
            user: names.user(op.user).to_string(),
            device: names.device(op.device).to_string(),
        },
        text,
        violates: None,
        user: Some(names.user(op.user).to_string()),
        op: Some(n),
        wastes: None,
    }
}

fn account(tally: &mut Tally, exec: &ReadExecution) {
    tally.reads += 1;
    tally.round_trips += u64::from(exec.round_trips);
    tally.latency_ms += exec.latency_ms;
    tally.refusals += exec
        .attempts
        .iter()
        .filter(|a| matches!(a.outcome, AttemptOutcome::TooStale { .. }))
        .count() as u64;
    match exec.served {
        Some((NodeId::Primary, _)) => tally.primary_reads += 1,
        Some(_) => {}
        None => tally.failed += 1,
    }
}

/// "views their own profile: replica-2 (needs LSN 3) refused, had LSN 1 → primary
/// served LSN 3".
fn describe_read(history: &History, read: &ProfileRead, exec: &ReadExecution) -> String {
    let whose = if read.is_own_profile() {
        "their own profile".to_string()
    } else {
        format!("{}'s profile", history.names.user(read.profile_of))
    };
    let mut steps: Vec<String> = Vec::new();
    for a in &exec.attempts {
        let node = match a.min_lsn {
            Some(min) => format!("{} (needs {min})", a.target),
            None => a.target.to_string(),
        };
        steps.push(match a.outcome {
            AttemptOutcome::Served { observed } => format!("{node} served {observed}"),
            AttemptOutcome::TooStale { applied, .. } => {
                format!("{node} refused, had {applied}")
            }
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
    format!("views {whose}: {}", steps.join(" → "))
}

fn metrics_and_budgets(s: &QuickPostScenario, t: &Tally, out: &mut ScenarioRun) {
    let per_read = |x: u64| {
        if t.reads == 0 {
            0.0
        } else {
            x as f64 / t.reads as f64
        }
    };
    let primary_share = per_read(t.primary_reads);
    let unavoidable = per_read(t.unavoidable);
    out.metrics = vec![
        Metric::new("reads", t.reads as f64, Unit::Count),
        Metric::new("posts", t.posts as f64, Unit::Count),
        Metric::new("primary_read_share", primary_share, Unit::Share),
        Metric::new("unavoidable_primary_share", unavoidable, Unit::Share),
        Metric::new("failed_reads", t.failed as f64, Unit::Count),
        Metric::new("too_stale_refusals", t.refusals as f64, Unit::Count),
        Metric::new(
            "round_trips_per_read",
            per_read(t.round_trips),
            Unit::PerRead,
        ),
        Metric::new("mean_read_latency_ms", per_read(t.latency_ms), Unit::Millis),
    ];
    let b = &s.budgets;
    let (limit, basis) = match b.max_primary_read_share {
        Some(limit) => (limit, "set by the scenario".to_string()),
        None => (
            (unavoidable + b.primary_slack).min(1.0),
            format!(
                "{:.1}% of reads had to go to the primary + {:.0} points of slack",
                unavoidable * 100.0,
                b.primary_slack * 100.0
            ),
        ),
    };
    out.budgets = vec![
        BudgetCheck::at_most(
            "primary_read_share",
            primary_share,
            limit,
            Unit::Share,
            basis,
        ),
        BudgetCheck::at_most(
            "failed_reads",
            t.failed as f64,
            b.max_failed_reads as f64,
            Unit::Count,
            "a failed read is an error page for the user".to_string(),
        ),
    ];
}
