//! The failover timeline's rows, built from the scenario and what the coordinator
//! decided: the trouble by name (crash, GC pause, partition and its sides), each
//! follower's position and which one is the sync follower, the term, the last
//! heartbeat — and, when a refusal costs the downtime budget, the follower that could
//! have been promoted safely.
//!
//! Kept apart from the simulation (`sim.rs`) so that it can follow the kata onto the
//! shared cluster model unchanged: it reads only the scenario and a few facts.

use super::scenario::{FailoverScenario, Trouble};
use crate::model::{Millis, fmt_time};
use crate::report::{Lane, TraceEvent};

/// The lane of the coordinator (the learner's code).
pub const COORDINATOR: &str = "coordinator";

/// What the timeline's symbols mean.
pub const LEGEND: &str = "LSN n: a node's last reported position · sync: the semi-synchronous \
follower · cut off: on the old leader's side of a partition · last heartbeat: the last one the \
coordinator heard";

fn event(at: Millis, lane: &str, text: String, label: impl Into<String>) -> TraceEvent {
    TraceEvent::new(at, Lane::Node(lane.to_string()), text, label)
}

fn node(i: usize) -> String {
    format!("node-{}", i + 2)
}

/// Whether follower `i` (0-based) is on the old leader's side after the trouble.
fn cut_off(s: &FailoverScenario, i: usize) -> bool {
    matches!(&s.trouble, Trouble::Partition { leader_side, .. }
        if leader_side.contains(&(i as u32 + 2)))
}

/// "LSN 1009 sync" — a follower's cell.
fn follower_cell(s: &FailoverScenario, i: usize) -> String {
    let f = &s.followers[i];
    let mut cell = format!("LSN {}", f.lsn);
    if f.sync {
        cell.push_str(" sync");
    }
    if cut_off(s, i) {
        cell.push_str(" cut off");
    }
    cell
}

/// The trouble, named in the leader's lane, with every follower's position beside it.
pub fn trouble(s: &FailoverScenario, at: Millis) -> TraceEvent {
    let label = match &s.trouble {
        Trouble::Crash { .. } => "crash".to_string(),
        Trouble::Pause { duration_ms, .. } => format!("GC pause {}", fmt_time(*duration_ms)),
        Trouble::Partition { .. } => "partitioned".to_string(),
    };
    let mut e = event(at, "node-1", s.trouble_text(), label);
    e.cells
        .push(("node-1".into(), format!("LSN {}", s.leader_lsn)));
    e.cells
        .extend((0..s.followers.len()).map(|i| (node(i), follower_cell(s, i))));
    e
}

/// The coordinator's cell at a decision: the last heartbeat it heard (the silence is
/// the row's time minus this).
fn heartbeat_cell(last_heartbeat: Millis) -> (String, String) {
    (
        COORDINATOR.into(),
        format!("last heartbeat {}", fmt_time(last_heartbeat)),
    )
}

/// A promotion: the new leader's lane says under which term and from which position.
pub fn promotion(
    s: &FailoverScenario,
    at: Millis,
    node: u32,
    term: u64,
    lsn: u64,
    last_heartbeat: Millis,
) -> TraceEvent {
    let sync = s
        .followers
        .get((node as usize).wrapping_sub(2))
        .is_some_and(|f| f.sync);
    let mut e = event(
        at,
        &format!("node-{node}"),
        format!(
            "promoted to leader under term {term} (its log ends at LSN {lsn}{})",
            if sync { ", the sync follower" } else { "" }
        ),
        format!("promoted, term {term}"),
    );
    e.cells.push(heartbeat_cell(last_heartbeat));
    e
}

/// A refusal: the coordinator paged a human.
pub fn refusal(at: Millis, why: &str, last_heartbeat: Millis) -> TraceEvent {
    let mut e = event(
        at,
        COORDINATOR,
        format!("refuses to fail over and pages a human: {why}"),
        "refuses",
    );
    e.cells.push(heartbeat_cell(last_heartbeat));
    e
}

/// No decision by the end: the coordinator never declared the leader dead.
pub fn waited(at: Millis, last_heartbeat: Millis) -> TraceEvent {
    let mut e = event(
        at,
        COORDINATOR,
        "still has not declared the leader dead when the scenario ends".into(),
        "still waiting",
    );
    e.cells.push(heartbeat_cell(last_heartbeat));
    e
}

/// The follower that could have been promoted without breaking anything, and why:
/// the freshest follower on the coordinator's side, when that side is a majority and
/// it lacks no more than `max_data_loss` acknowledged writes.
pub fn safe_candidate(s: &FailoverScenario, acked: u64) -> Option<String> {
    let n = s.followers.len() + 1;
    let reachable: Vec<usize> = (0..s.followers.len()).filter(|&i| !cut_off(s, i)).collect();
    let majority = n / 2 + 1;
    if reachable.len() < majority {
        return None;
    }
    let best = reachable
        .iter()
        .copied()
        .max_by_key(|&i| (s.followers[i].lsn, s.followers[i].sync))?;
    let f = &s.followers[best];
    let missing = acked.saturating_sub(f.lsn);
    (missing <= s.max_data_loss).then(|| {
        format!(
            "{} could have been promoted safely: LSN {}{}, {} acknowledged write{} short of \
             LSN {acked} (max_data_loss is {}), with {} of {n} nodes reachable — a majority.",
            node(best),
            f.lsn,
            if f.sync { ", the sync follower" } else { "" },
            missing,
            if missing == 1 { "" } else { "s" },
            s.max_data_loss,
            reachable.len(),
        )
    })
}
