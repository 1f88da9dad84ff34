//! Runs a TaskFlow scenario: updates go straight to the primary; board refreshes are
//! routed by the learner's router, which hears a receipt after each served read.

use super::api::{BoardRead, BoardWrite, MonotonicReadsRouter, ReadReceipt};
use super::scenario::{TaskFlowScenario, expand};
use crate::checkers;
use crate::grader::{Guard, LearnerFault, LearnerFn};
use crate::history::{History, WriteRecord};
use crate::katas::ScenarioRun;
use crate::katas::reads::{self, ReadOp, ReadTally};
use crate::model::Lsn;
use crate::report::{Metric, Unit};
use crate::sim::{Cluster, ReadExecution};

pub static ON_WRITE_ACKED: LearnerFn = LearnerFn::new("MonotonicReadsRouter::on_write_acked");
pub static ROUTE_READ: LearnerFn = LearnerFn::new("MonotonicReadsRouter::route_read");
pub static ON_READ_SERVED: LearnerFn = LearnerFn::new("MonotonicReadsRouter::on_read_served");

pub fn run(
    s: &TaskFlowScenario,
    router: &mut dyn MonotonicReadsRouter,
    seed: u64,
    guard: &Guard,
    trace: bool,
) -> Result<ScenarioRun, LearnerFault> {
    let (names, ops) = expand(s, seed);
    // The harness's own bookkeeping for the primary-load oracle: each board's write
    // LSNs, and each session's floor (the newest write relevant to a read it made).
    let mut writes_to: Vec<Vec<Lsn>> = vec![Vec::new(); s.boards.len()];
    let mut floor: Vec<Lsn> = vec![Lsn::ZERO; names.users.len()];
    let mut cluster = Cluster::new(&s.cluster, &s.faults, seed);
    let mut history = History::new(names);
    history.reads.reserve(ops.len());
    let mut tally = ReadTally::default();
    let mut updates = 0u64;
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
        if op.update {
            let lsn = cluster.write();
            writes_to[op.board.0 as usize].push(lsn);
            updates += 1;
            history.writes.push(WriteRecord {
                op: n,
                user: op.user,
                device: op.device,
                key: op.board,
                lsn,
                invoked_at: now,
                acked_at: now + s.cluster.rtt_ms,
            });
            let write = BoardWrite {
                user: op.user,
                board: op.board,
                lsn,
                at: now + s.cluster.rtt_ms,
            };
            guard.call(&ON_WRITE_ACKED, || {
                router.on_write_acked(&write, &cluster.view())
            })?;
            if trace {
                let board = history.names.key(op.board);
                let text = format!("moves a task on {board} → {lsn}");
                let label = format!("update {}", board.trim_start_matches("board "));
                let write_op = ReadOp {
                    op: n,
                    at: now,
                    user: op.user,
                    device: op.device,
                    key: op.board,
                };
                let event = reads::write_event(&history.names, write_op, lsn, text, label);
                out.trace.push(event);
            }
            continue;
        }
        let read = BoardRead {
            user: op.user,
            device: op.device,
            board: op.board,
            at: now,
        };
        let plan = guard.call(&ROUTE_READ, || router.route_read(&read, &cluster.view()))?;
        let replica_could = tally.before_read(&mut cluster, floor[op.user.0 as usize]);
        let belief = trace.then(|| crate::katas::belief::belief(&mut cluster));
        cluster.execute_into(&plan, &mut exec);
        tally.record(&exec);
        if let Some((node, observed)) = exec.served {
            let board_writes = &writes_to[op.board.0 as usize];
            let i = board_writes.partition_point(|&l| l <= observed);
            if let Some(&relevant) = i.checked_sub(1).and_then(|i| board_writes.get(i)) {
                let f = &mut floor[op.user.0 as usize];
                *f = (*f).max(relevant);
            }
            let receipt = ReadReceipt {
                user: op.user,
                device: op.device,
                board: op.board,
                node,
                observed,
                at: now + exec.latency_ms,
            };
            guard.call(&ON_READ_SERVED, || {
                router.on_read_served(&receipt, &cluster.view())
            })?;
        }
        let read_op = ReadOp {
            op: n,
            at: now,
            user: op.user,
            device: op.device,
            key: op.board,
        };
        if trace {
            let text = format!(
                "refreshes {}: {}",
                history.names.key(op.board),
                reads::describe_attempts(&exec)
            );
            let board = history.names.key(op.board);
            let label = format!("view {}", board.trim_start_matches("board "));
            let mut event =
                reads::read_event(&history.names, read_op, text, label, replica_could, &exec);
            event.detail = belief;
            out.trace.push(event);
        }
        reads::push_read(&mut history, read_op, &exec);
    }

    out.violations = checkers::monotonic_reads(&history);
    out.mark_violations();
    out.events = cluster.events() + ops.len() as u64;
    out.metrics = tally.metrics();
    out.metrics
        .insert(1, Metric::new("updates", updates as f64, Unit::Count));
    out.budgets = s.budgets.checks(&tally);
    Ok(out)
}
