//! Runs a QuickPost scenario against a router: feeds it the operations in time order,
//! executes its read plans on the simulated cluster, records the history, and applies
//! the read-your-writes checker and the budgets.

use super::api::{ProfileRead, ReadYourWritesRouter, WriteAck};
use super::scenario::{QuickPostScenario, expand};
use crate::checkers;
use crate::grader::{Guard, LearnerFault, LearnerFn};
use crate::history::{History, WriteRecord};
use crate::katas::ScenarioRun;
use crate::katas::reads::{self, ReadOp, ReadTally};
use crate::model::{Key, Lsn, fmt_time};
use crate::report::{Metric, Unit};
use crate::sim::{Cluster, ReadExecution};

pub static ON_WRITE_ACKED: LearnerFn = LearnerFn::new("ReadYourWritesRouter::on_write_acked");
pub static ROUTE_READ: LearnerFn = LearnerFn::new("ReadYourWritesRouter::route_read");

pub fn run(
    s: &QuickPostScenario,
    router: &mut dyn ReadYourWritesRouter,
    seed: u64,
    guard: &Guard,
    trace: bool,
) -> Result<ScenarioRun, LearnerFault> {
    let (names, ops) = expand(s, seed);
    // Each user's newest post the router was told of: what the best possible router
    // asks an own-profile read for.
    let mut newest_post: Vec<Option<Lsn>> = vec![None; names.users.len()];
    let mut cluster = Cluster::new(&s.cluster, &s.faults, seed);
    let rtt = s.cluster.rtt_ms;
    let mut history = History::new(names);
    history.reads.reserve(ops.len());
    let mut tally = ReadTally::default();
    let mut posts = 0u64;
    let mut out = ScenarioRun::default();
    let mut faults_seen = 0;
    // One read record, reused: a read allocates nothing of the harness's own.
    let mut exec = ReadExecution::default();

    for op in &ops {
        cluster.advance_to(op.at);
        if trace {
            faults_seen = reads::trace_faults(&cluster, faults_seen, &mut out.trace);
        }
        let now = cluster.now();
        guard.at_time(now);
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
                newest_post[op.user.0 as usize] = Some(lsn);
                posts += 1;
                guard.call(&ON_WRITE_ACKED, || {
                    router.on_write_acked(&ack, &cluster.view())
                })?;
                if trace {
                    let text = format!(
                        "posts → the primary appends it as {lsn}, acknowledged at t={}",
                        fmt_time(ack.at)
                    );
                    let write_op = ReadOp {
                        op: n,
                        at: now,
                        user: op.user,
                        device: op.device,
                        key: Key(op.user.0),
                    };
                    let event =
                        reads::write_event(&history.names, write_op, lsn, text, "post".into());
                    out.trace.push(event);
                }
            }
            Some(owner) => {
                let read = ProfileRead {
                    user: op.user,
                    device: op.device,
                    profile_of: owner,
                    at: now,
                };
                let plan = guard.call(&ROUTE_READ, || router.route_read(&read, &cluster.view()))?;
                // What the best possible router would ask for: the user's newest post
                // that the router has been told of, when they read their own profile.
                // (The checker demands only posts acknowledged before the read began;
                // a router told of a post whose acknowledgement is still in flight
                // cannot know that, and rightly asks for it too.)
                let needs = match newest_post[op.user.0 as usize] {
                    Some(token) if owner == op.user => token,
                    _ => Lsn::ZERO,
                };
                let replica_could = tally.before_read(&mut cluster, needs);
                let belief = trace.then(|| crate::katas::belief::belief(&mut cluster));
                cluster.execute_into(&plan, &mut exec);
                tally.record(&exec);
                let read_op = ReadOp {
                    op: n,
                    at: now,
                    user: op.user,
                    device: op.device,
                    key: Key(owner.0),
                };
                if trace {
                    let (whose, label) = if read.is_own_profile() {
                        ("their own profile".to_string(), "view own".to_string())
                    } else {
                        let owner = history.names.user(owner);
                        (format!("{owner}'s profile"), format!("view {owner}"))
                    };
                    let text = format!("views {whose}: {}", reads::describe_attempts(&exec));
                    let mut event = reads::read_event(
                        &history.names,
                        read_op,
                        text,
                        label,
                        replica_could,
                        &exec,
                    );
                    event.detail = belief;
                    out.trace.push(event);
                }
                reads::push_read(&mut history, read_op, &exec);
            }
        }
    }

    out.violations = checkers::read_your_writes(&history);
    out.mark_violations();
    out.events = cluster.events() + ops.len() as u64;
    out.metrics = tally.metrics();
    out.metrics
        .insert(1, Metric::new("posts", posts as f64, Unit::Count));
    out.budgets = s.budgets.checks(&tally);
    Ok(out)
}
