//! The failover timeline's rows: the trouble by name (crash, GC pause, partition), and
//! at each trouble and each decision of the coordinator, every node's *reported*
//! position (what the coordinator last heard from it) beside its *true* one (which the
//! coordinator never sees), the sync follower, who is out of reach, the term and the
//! last heartbeat — and, when waiting costs the downtime budget, the follower that
//! could have been promoted safely.
//!
//! The lesson of this kata is often in the gap between the two positions: a follower
//! that stopped answering keeps its last answer, and a paused leader's heartbeat is
//! older than its log. The driver takes the snapshots ([`NodeCell`]) from the shared
//! cluster; this module only words them.

use super::scenario::Trouble;
use crate::checkers::failover::PromotionRecord;
use crate::model::{Millis, Position, Term, fmt_time};
use crate::report::{Lane, TraceEvent};

/// The lane of the coordinator (the learner's code).
pub const COORDINATOR: &str = "coordinator";

/// What the timeline's symbols mean.
pub const LEGEND: &str = "n: the node's position (LSN) as the coordinator last heard it (true m: \
where it really is, which the coordinator cannot see; tN: written in term N, when that is not \
the current term) · sync: the semi-synchronous follower · ⌀: no answer, the coordinator keeps \
its last one · heard t: the leader's last heartbeat the coordinator heard";

fn event(at: Millis, lane: &str, text: String, label: impl Into<String>) -> TraceEvent {
    TraceEvent::new(at, Lane::Node(lane.to_string()), text, label)
}

/// One node at one moment, as the timeline shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeCell {
    pub node: u32,
    /// The position the coordinator last heard: a follower's last answer, the
    /// leader's last heartbeat.
    pub reported: Position,
    /// Where the node really is.
    pub truth: Position,
    pub sync: bool,
    pub reachable: bool,
}

/// "1999" (an LSN), or "1999 t3" when the position was written in another term than
/// the current one. Lanes are narrow: the legend says what the numbers are.
fn position(p: Position, term: Term) -> String {
    if p.term == term {
        p.lsn.0.to_string()
    } else {
        format!("{} t{}", p.lsn.0, p.term.0)
    }
}

/// "1999 (true 2004) sync ⌀" — a node's cell.
fn node_cell(c: &NodeCell, term: Term) -> String {
    let mut cell = position(c.reported, term);
    if c.truth != c.reported {
        let truth = if c.truth.term == c.reported.term {
            c.truth.lsn.0.to_string()
        } else {
            position(c.truth, term)
        };
        cell.push_str(&format!(" (true {truth})"));
    }
    if c.sync {
        cell.push_str(" sync");
    }
    if !c.reachable {
        cell.push_str(" ⌀");
    }
    cell
}

/// The coordinator's cell: the current term and when it last heard the leader's
/// heartbeat (the silence is the row's time minus this).
fn coordinator_cell(term: Term, last_heartbeat: Option<Millis>) -> (String, String) {
    let heard = match last_heartbeat {
        Some(at) => format!("heard {}", fmt_time(at)),
        None => "no heartbeat yet".to_string(),
    };
    (COORDINATOR.into(), format!("{term}, {heard}"))
}

/// Every node's cell and the coordinator's, for one row.
pub fn cells(
    nodes: &[NodeCell],
    term: Term,
    last_heartbeat: Option<Millis>,
) -> Vec<(String, String)> {
    let mut cells: Vec<(String, String)> = nodes
        .iter()
        .map(|c| (format!("node-{}", c.node), node_cell(c, term)))
        .collect();
    cells.push(coordinator_cell(term, last_heartbeat));
    cells
}

/// The trouble's name, for its row: "crash", "GC pause 20.000 s", "partitioned".
pub fn trouble_label(t: &Trouble) -> String {
    match t {
        Trouble::Crash { .. } => "crash".into(),
        Trouble::Pause { duration_ms, .. } => format!("GC pause {}", fmt_time(*duration_ms)),
        Trouble::Partition { .. } => "partitioned".into(),
    }
}

/// The end of a trouble, for its row: "restarts", "wakes up", "heals".
pub fn trouble_end_label(t: &Trouble) -> &'static str {
    match t {
        Trouble::Crash { .. } => "restarts",
        Trouble::Pause { .. } => "wakes up",
        Trouble::Partition { .. } => "heals",
    }
}

/// A promotion: the new leader's lane says under which term and from which position.
pub fn promotion(
    at: Millis,
    node: u32,
    term: Term,
    old: Term,
    kept: Position,
    sync: bool,
) -> TraceEvent {
    event(
        at,
        &format!("node-{node}"),
        format!(
            "promoted to leader under {term}, after {old}{}; its log ends at LSN {} of {}",
            if sync { " (the sync follower)" } else { "" },
            kept.lsn.0,
            kept.term
        ),
        format!("promoted, {term}"),
    )
}

/// A refusal: the coordinator paged a human.
pub fn refusal(at: Millis, why: &str) -> TraceEvent {
    event(
        at,
        COORDINATOR,
        format!("refuses to fail over and pages a human: {why}"),
        "refuses",
    )
}

/// A promotion of a node that is not a reachable follower: ignored.
pub fn bad_promotion(at: Millis, node: u32) -> TraceEvent {
    event(
        at,
        COORDINATOR,
        format!("tries to promote node-{node} — not a reachable follower; ignored"),
        "bad promotion",
    )
}

/// No decision by the end: the coordinator never declared the leader dead.
pub fn waited(at: Millis) -> TraceEvent {
    event(
        at,
        COORDINATOR,
        "still has not declared the leader dead when the scenario ends".into(),
        "still waiting",
    )
}

/// The follower that could have been promoted without breaking anything, and why: the
/// promotion the reference coordinator made where this one waited or refused.
pub fn safe_candidate(p: &PromotionRecord, max_data_loss: u64, cluster_size: u32) -> String {
    let missing = p.acked.saturating_sub(p.lsn);
    format!(
        "node-{} could have been promoted safely at t={}: it had LSN {}, {} acknowledged \
         write{} short of LSN {} (max_data_loss is {max_data_loss}), with {} of \
         {cluster_size} nodes reachable — a majority.",
        p.node,
        fmt_time(p.at),
        p.lsn,
        missing,
        if missing == 1 { "" } else { "s" },
        p.acked,
        p.reachable_nodes,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(reported: (u64, u64), truth: (u64, u64), sync: bool, reachable: bool) -> String {
        node_cell(
            &NodeCell {
                node: 2,
                reported: Position::new(reported.0, reported.1),
                truth: Position::new(truth.0, truth.1),
                sync,
                reachable,
            },
            Term(4),
        )
    }

    #[test]
    fn a_cell_shows_the_true_position_only_when_it_differs() {
        assert_eq!(cell((4, 1090), (4, 1090), false, true), "1090");
        assert_eq!(
            cell((4, 1090), (4, 1100), true, false),
            "1090 (true 1100) sync ⌀"
        );
        // Another term than the current one is written out, on either side.
        assert_eq!(cell((3, 998), (4, 1001), false, true), "998 t3 (true 1001)");
        assert_eq!(cell((5, 7), (5, 9), false, true), "7 t5 (true 9)");
    }
}
