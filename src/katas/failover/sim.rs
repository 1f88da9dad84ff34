//! The failover simulation: a leader, its followers and a failover coordinator (the
//! learner's), stepped in virtual time. The leader heartbeats to the coordinator; the
//! coordinator checks every half second whether the leader is dead, elects, validates
//! and promotes — or refuses and pages a human. Afterwards the checkers read what
//! happened: which acknowledged writes the new leader lacks, whether the old leader
//! came back writing under the same term, whether a minority elected.

use super::api::{FailoverCoordinator, FailoverView, FollowerView, Node, Promotion, Term};
use super::scenario::{FailoverScenario, Trouble};
use super::trace;
use crate::checkers::failover::{
    FailoverRecord, PromotionRecord, majority_election, no_lost_acknowledged_writes,
    single_writable_leader,
};
use crate::grader::{Guard, LearnerFault, LearnerFn};
use crate::katas::ScenarioRun;
use crate::model::{Lsn, Millis, fmt_time};
use crate::report::{BudgetCheck, Lane, Metric, TraceEvent, Unit};

pub static IS_DEAD: LearnerFn = LearnerFn::new("FailoverCoordinator::leader_is_dead");
pub static ELECT: LearnerFn = LearnerFn::new("FailoverCoordinator::elect_new_leader");
pub static VALIDATE: LearnerFn = LearnerFn::new("FailoverCoordinator::validate_safe_failover");

/// How often the coordinator checks.
pub const CHECK_MS: Millis = 500;

fn event(at: Millis, lane: &str, text: String, label: &str) -> TraceEvent {
    TraceEvent::new(at, Lane::Node(lane.to_string()), text, label.to_string())
}

pub fn run(
    s: &FailoverScenario,
    coordinator: &mut dyn FailoverCoordinator,
    guard: &Guard,
    trace: bool,
) -> Result<ScenarioRun, LearnerFault> {
    let n = s.followers.len() as u32 + 1;
    let acked = if s.semi_sync {
        s.followers
            .iter()
            .find(|f| f.sync)
            .map_or(s.leader_lsn, |f| f.lsn)
    } else {
        s.leader_lsn
    };
    let (trouble_at, leader_side, rate) = match &s.trouble {
        Trouble::Crash { at_ms } | Trouble::Pause { at_ms, .. } => (*at_ms, Vec::new(), 0),
        Trouble::Partition {
            at_ms,
            leader_side,
            writes_per_s,
        } => (*at_ms, leader_side.clone(), *writes_per_s),
    };
    // Does the leader send heartbeats the coordinator receives at time t?
    let heard = |t: Millis| match &s.trouble {
        Trouble::Crash { at_ms } | Trouble::Partition { at_ms, .. } => t < *at_ms,
        Trouble::Pause { at_ms, duration_ms } => t < *at_ms || t >= at_ms + duration_ms,
    };
    let reachable =
        |follower: u32, t: Millis| !(t >= trouble_at && leader_side.contains(&follower));

    let mut out = ScenarioRun::default();
    let mut last_heartbeat = 0;
    let mut promotion: Option<PromotionRecord> = None;
    let mut refused: Option<String> = None;
    let mut checks = 0u64;
    let mut t = 0;
    while t <= s.duration_ms && promotion.is_none() && refused.is_none() {
        if heard(t - t % s.heartbeat_ms) {
            last_heartbeat = t - t % s.heartbeat_ms;
        }
        checks += 1;
        guard.at_time(t);
        let view = FailoverView {
            now: t,
            term: Term(1),
            leader: Node(1),
            leader_lsn: Lsn(s.leader_lsn),
            silence_ms: t - last_heartbeat,
            cluster_size: n,
            followers: s
                .followers
                .iter()
                .enumerate()
                .map(|(i, f)| FollowerView {
                    node: Node(i as u32 + 2),
                    lsn: Lsn(f.lsn),
                    sync: f.sync,
                    reachable: reachable(i as u32 + 2, t),
                })
                .collect(),
            max_data_loss: s.max_data_loss,
        };
        if guard.call(&IS_DEAD, || coordinator.leader_is_dead(&view))? {
            match guard.call(&ELECT, || coordinator.elect_new_leader(&view))? {
                None => refused = Some("no candidate elected".to_string()),
                Some(p) => {
                    let candidate = view
                        .followers
                        .iter()
                        .find(|f| f.node == p.node && f.reachable);
                    match (
                        candidate,
                        guard.call(&VALIDATE, || coordinator.validate_safe_failover(&view, &p))?,
                    ) {
                        (_, Err(why)) => refused = Some(why.0),
                        (None, Ok(())) => {
                            if trace {
                                out.trace.push(event(
                                    t,
                                    "coordinator",
                                    format!(
                                        "tries to promote {} — not a reachable follower; ignored",
                                        p.node
                                    ),
                                    "bad promotion",
                                ));
                            }
                        }
                        (Some(c), Ok(())) => {
                            promotion = Some(record(&view, c, &p, t));
                        }
                    }
                }
            }
        }
        t += CHECK_MS;
    }

    // After the promotion: does the old leader accept writes again?
    let old_writes_after = match (&promotion, &s.trouble) {
        (Some(_), Trouble::Pause { at_ms, duration_ms })
            if at_ms + duration_ms <= s.duration_ms =>
        {
            Some(at_ms + duration_ms)
        }
        (Some(p), Trouble::Partition { .. }) if rate > 0 => Some(p.at + 1_000 / u64::from(rate)),
        _ => None,
    };
    let rec = FailoverRecord {
        cluster_size: n,
        acked,
        old_term: 1,
        max_data_loss: s.max_data_loss,
        promotion: promotion.clone(),
        old_leader_writes_after: old_writes_after,
    };
    out.violations = no_lost_acknowledged_writes(&rec);
    out.violations.extend(single_writable_leader(&rec));
    out.violations.extend(majority_election(&rec));

    // Downtime: time without a leader that can accept writes.
    let end = s.duration_ms;
    let leader_back = match &s.trouble {
        Trouble::Pause { at_ms, duration_ms } => Some(at_ms + duration_ms),
        _ => None,
    };
    let leader_side_has_majority = (leader_side.len() as u32 + 1) > n / 2;
    let downtime = match (&s.trouble, &promotion) {
        (Trouble::Partition { .. }, _) if leader_side_has_majority => 0,
        (_, Some(p)) => {
            p.at.min(leader_back.unwrap_or(Millis::MAX))
                .saturating_sub(trouble_at)
        }
        (_, None) => leader_back
            .unwrap_or(end)
            .min(end)
            .saturating_sub(trouble_at),
    };
    let needless = match (&s.trouble, &promotion) {
        (Trouble::Pause { .. }, Some(_)) => 1,
        (Trouble::Partition { .. }, Some(_)) if leader_side_has_majority => 1,
        _ => 0,
    };
    let lost = promotion.as_ref().map_or(0, |p| acked - p.lsn.min(acked));
    let discarded = match (&s.trouble, &promotion) {
        (Trouble::Partition { at_ms, .. }, Some(_)) if !leader_side_has_majority => {
            end.saturating_sub(*at_ms) * u64::from(rate) / 1_000
        }
        _ => 0,
    };
    if lost > 0 {
        let p = promotion.as_ref().expect("lost writes need a promotion");
        out.notes.push(format!(
            "acknowledged writes lost: LSN {} to LSN {} ({lost}), which the new leader node-{} never had",
            p.lsn.min(acked) + 1,
            acked,
            p.node
        ));
    }
    if let Some(why) = &refused {
        out.notes.push(format!(
            "automatic failover refused; a human was paged: {why}"
        ));
    }
    if trace {
        out.trace.push(trace::trouble(s, trouble_at));
        if let Some(p) = &promotion {
            let mut e = trace::promotion(s, p.at, p.node, p.term, p.lsn, last_heartbeat);
            if !out.violations.is_empty() {
                e.violates = out.violations.first().map(|v| v.guarantee);
            }
            out.trace.push(e);
        }
        if let Some(at) = old_writes_after {
            out.trace.push(event(
                at,
                "node-1",
                "accepts writes again, as leader of term 1".into(),
                "writes again",
            ));
        }
        if let Some(why) = &refused {
            let at = t.saturating_sub(CHECK_MS);
            out.trace.push(trace::refusal(at, why, last_heartbeat));
        }
        out.trace.sort_by_key(|e| e.at);
    }
    out.events = checks;
    out.metrics = vec![
        Metric::new("downtime", downtime as f64, Unit::Millis),
        Metric::new("acknowledged_writes_lost", lost as f64, Unit::Count),
        Metric::new("needless_failovers", needless as f64, Unit::Count),
        Metric::new("old_leader_writes_discarded", discarded as f64, Unit::Count),
        Metric::new("failovers", promotion.is_some() as u8 as f64, Unit::Count),
        Metric::new("refusals", refused.is_some() as u8 as f64, Unit::Count),
    ];
    out.budgets = vec![BudgetCheck::at_most(
        "needless_failovers",
        needless as f64,
        0.0,
        Unit::Count,
        "the leader was alive: a failover only risked data and split brain".into(),
    )];
    // Downtime is budgeted only when a safe failover was possible: a majority on the
    // coordinator's side with a candidate inside the allowed loss. Otherwise waiting
    // for a human is the right answer, however long it takes.
    let majority = n as usize / 2 + 1;
    let reachable_after: Vec<u64> = s
        .followers
        .iter()
        .enumerate()
        .filter(|(i, _)| reachable(*i as u32 + 2, trouble_at))
        .map(|(_, f)| f.lsn)
        .collect();
    let safe_failover_possible = reachable_after.len() >= majority
        && reachable_after
            .iter()
            .any(|&lsn| acked.saturating_sub(lsn) <= s.max_data_loss);
    if !safe_failover_possible && promotion.is_none() {
        out.notes.push(
            "no safe failover was possible (no majority, or every candidate too far behind): \
             the downtime is the price of not losing data"
                .to_string(),
        );
    }
    if let (Some(max), true) = (s.budgets.max_downtime_ms, safe_failover_possible) {
        let budget = BudgetCheck::at_most(
            "downtime",
            downtime as f64,
            max as f64,
            Unit::Millis,
            format!("at most {} without a writable leader", fmt_time(max)),
        );
        // Waiting cost the budget: say who could have taken over, on the row where the
        // coordinator refused (or was still waiting).
        if !budget.met
            && promotion.is_none()
            && let Some(safe) = trace::safe_candidate(s, acked)
        {
            out.notes.push(safe.clone());
            if trace {
                let at_coordinator = |e: &TraceEvent| matches!(&e.lane, crate::report::Lane::Node(n) if n == trace::COORDINATOR);
                if !out.trace.iter().any(at_coordinator) {
                    out.trace.push(trace::waited(s.duration_ms, last_heartbeat));
                }
                if let Some(e) = out.trace.iter_mut().rev().find(|e| at_coordinator(e)) {
                    e.detail = Some(safe);
                }
            }
        }
        out.budgets.push(budget);
    }
    Ok(out)
}

fn record(
    view: &FailoverView,
    candidate: &FollowerView,
    p: &Promotion,
    at: Millis,
) -> PromotionRecord {
    PromotionRecord {
        at,
        node: p.node.0,
        term: p.term.0,
        lsn: candidate.lsn.0,
        reachable_nodes: view.reachable().count() as u32,
        best_reachable_lsn: view.reachable().map(|f| f.lsn.0).max().unwrap_or(0),
    }
}

impl FailoverScenario {
    /// What happens to the leader, in words.
    pub fn trouble_text(&self) -> String {
        match &self.trouble {
            Trouble::Crash { .. } => "the leader crashes".into(),
            Trouble::Pause { duration_ms, .. } => {
                format!(
                    "the leader pauses for {} (GC), then carries on",
                    fmt_time(*duration_ms)
                )
            }
            Trouble::Partition {
                leader_side,
                writes_per_s,
                ..
            } => format!(
                "a partition cuts the leader off{}; clients on its side keep writing ({writes_per_s}/s)",
                if leader_side.is_empty() {
                    String::new()
                } else {
                    format!(
                        " together with {}",
                        leader_side
                            .iter()
                            .map(|n| format!("node-{n}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            ),
        }
    }
}
