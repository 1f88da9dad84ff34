//! The failover kata's driver: the shared cluster model ([`LeaderCluster`]) with a
//! failover coordinator — the learner's — in front of it.
//!
//! Every half second the coordinator checks: it asks each follower for its position
//! (those it cannot reach keep their last answer), looks at how long the leader has
//! been silent, and decides whether the leader is dead, whom to promote and whether the
//! promotion is safe. The cluster carries on around it: writes flow to whoever leads,
//! troubles start and end, an old leader wakes up or its partition heals and meets (or
//! does not meet) a newer term. Afterwards the checkers read what happened.

use super::api::{FailoverCoordinator, FailoverView, FollowerView, Node, Promotion, Term};
use super::scenario::FailoverScenario;
use super::trace::{self, NodeCell};
use crate::checkers::failover::{
    FailoverRecord, PromotionRecord, TwoLeaders, majority, majority_election,
    no_lost_acknowledged_writes, single_writable_leader,
};
use crate::grader::{Guard, LearnerFault, LearnerFn};
use crate::katas::ScenarioRun;
use crate::model::{Millis, Position, fmt_time};
use crate::report::{BudgetCheck, Lane, Metric, Relative, TraceEvent, Unit};
use crate::sim::{Happening, LeaderCluster};

pub static IS_DEAD: LearnerFn = LearnerFn::new("FailoverCoordinator::leader_is_dead");
pub static ELECT: LearnerFn = LearnerFn::new("FailoverCoordinator::elect_new_leader");
pub static VALIDATE: LearnerFn = LearnerFn::new("FailoverCoordinator::validate_safe_failover");

/// How often the coordinator checks.
pub const CHECK_MS: Millis = 500;

/// The cluster's failover timeout: GC pauses here last up to 20 s, so a leader may be
/// replaced once it has been silent this long. A promotion sooner, while the leader was
/// alive, is a needless failover.
pub const FAILOVER_TIMEOUT_MS: Millis = 25_000;

/// After this many promotions in one scenario the coordinator is no longer consulted: a
/// promotion storm is already a needless failover each time, and each fork of the log
/// costs a copy of it.
pub const MAX_PROMOTIONS: usize = 10;

/// Downtime slack over the reference coordinator's (which fails over at the timeout),
/// per trouble: together, the 60 s each crash may leave the cluster without a writable
/// leader.
pub const DOWNTIME_SLACK_MS: Millis = 35_000;

fn event(at: Millis, lane: &str, text: String, label: &str) -> TraceEvent {
    TraceEvent::new(at, Lane::Node(lane.to_string()), text, label.to_string())
}

/// What one run produced, before it is turned into a [`ScenarioRun`].
struct Outcome {
    record: FailoverRecord,
    downtime: Millis,
    needless: u64,
    refusals: u64,
    refusal_notes: Vec<String>,
    trace: Vec<TraceEvent>,
    /// For the timeline: every node's reported and true position just before each
    /// trouble started (index of the trouble), as cells.
    trouble_cells: Vec<Vec<(String, String)>>,
    happenings: Vec<Happening>,
    events: u64,
}

/// Calls a coordinator method, through the guard for learner code.
fn call<T>(
    guard: Option<&Guard>,
    f: &'static LearnerFn,
    g: impl FnOnce() -> T,
) -> Result<T, LearnerFault> {
    match guard {
        Some(guard) => guard.call(f, g),
        None => Ok(g()),
    }
}

/// Every node's reported position (a follower's last answer in `last`, the leader's
/// last heartbeat) beside its true one, for a row of the timeline.
fn snapshot(sim: &mut LeaderCluster, last: &[(Position, Millis)]) -> Vec<(String, String)> {
    let leader = sim.leader();
    let sync = sim.sync_follower();
    let heartbeat = sim.last_heartbeat();
    let nodes: Vec<NodeCell> = (1..=sim.node_count())
        .map(|node| NodeCell {
            node,
            reported: match heartbeat {
                Some((_, p)) if node == leader => p,
                _ => last[node as usize - 1].0,
            },
            truth: sim.true_position(node),
            sync: sync == Some(node),
            reachable: sim.coordinator_reaches(node as usize - 1),
        })
        .collect();
    trace::cells(&nodes, sim.term(), heartbeat.map(|(at, _)| at))
}

fn drive(
    s: &FailoverScenario,
    coordinator: &mut dyn FailoverCoordinator,
    guard: Option<&Guard>,
    trace: bool,
) -> Result<Outcome, LearnerFault> {
    let mut sim = LeaderCluster::new(&s.spec(), &s.sim_troubles(), &s.sim_lag_faults());
    let n = s.cluster_size();
    let start = Position::new(s.start.term, s.start.lsn);
    // The last answer of each node (index node - 1): position, when.
    let mut last: Vec<(Position, Millis)> = vec![(start, 0); n as usize];
    let mut promotions: Vec<PromotionRecord> = Vec::new();
    let mut needless = 0;
    let mut refusals = 0;
    let mut refusal_notes = Vec::new();
    let mut refusing = false;
    let mut out_trace = Vec::new();
    let mut trouble_cells = Vec::new();
    let mut checks = 0u64;
    let mut followers: Vec<FollowerView> = Vec::with_capacity(n as usize);
    let mut t = 0;
    while t <= s.duration_ms && promotions.len() < MAX_PROMOTIONS {
        // For the timeline, the cluster just before each trouble due since the last
        // check. Stopping the cluster there changes nothing: it settles exactly, at
        // any time it is observed.
        while trace
            && let Some(at) = s
                .troubles
                .get(trouble_cells.len())
                .map(|x| x.at_ms())
                .filter(|&at| at < t)
        {
            sim.advance_before_faults(at);
            trouble_cells.push(snapshot(&mut sim, &last));
        }
        // The check at t sees the cluster before the troubles due at t: a trouble on a
        // check leaves the coordinator's last answers as fresh as they can be.
        sim.advance_before_faults(t);
        checks += 1;
        if let Some(guard) = guard {
            // What the coordinator prints from here on is placed at this check.
            guard.at_time(t);
        }
        let leader = sim.leader();
        let (heard_at, leader_position) = sim.last_heartbeat().unwrap_or((0, start));
        last[leader as usize - 1] = (leader_position, heard_at);
        followers.clear();
        let sync = sim.sync_follower();
        for node in (1..=n).filter(|&x| x != leader) {
            let answer = sim.poll(node);
            if let Some(p) = answer {
                last[node as usize - 1] = (p, t);
            }
            let (position, reported_at) = last[node as usize - 1];
            followers.push(FollowerView {
                node: Node(node),
                position,
                reported_at,
                sync: sync == Some(node),
                reachable: answer.is_some(),
            });
        }
        while trace
            && s.troubles
                .get(trouble_cells.len())
                .is_some_and(|x| x.at_ms() == t)
        {
            trouble_cells.push(snapshot(&mut sim, &last));
        }
        let view = FailoverView {
            now: t,
            term: sim.term(),
            leader: Node(leader),
            leader_position,
            silence_ms: t - heard_at,
            cluster_size: n,
            followers: std::mem::take(&mut followers),
            max_data_loss: s.max_data_loss,
        };
        if call(guard, &IS_DEAD, || coordinator.leader_is_dead(&view))? {
            let decision = match call(guard, &ELECT, || coordinator.elect_new_leader(&view))? {
                None => Err("no candidate elected".to_string()),
                Some(p) => match call(guard, &VALIDATE, || {
                    coordinator.validate_safe_failover(&view, &p)
                })? {
                    Err(why) => Err(why.0),
                    Ok(()) => Ok(p),
                },
            };
            match decision {
                Err(why) => {
                    if !refusing {
                        refusing = true;
                        refusals += 1;
                        if trace {
                            let mut e = trace::refusal(t, &why);
                            e.cells = snapshot(&mut sim, &last);
                            out_trace.push(e);
                        }
                        refusal_notes.push(format!(
                            "automatic failover refused at t={}; a human was paged: {why}",
                            fmt_time(t)
                        ));
                    }
                }
                Ok(p) => {
                    let candidate = view.follower(p.node).filter(|f| f.reachable).copied();
                    match candidate {
                        None => {
                            if trace {
                                out_trace.push(trace::bad_promotion(t, p.node.0));
                            }
                        }
                        Some(c) => {
                            refusing = false;
                            let alive = sim.alive_leading(leader);
                            if alive
                                && (sim.serving(leader) || view.silence_ms < FAILOVER_TIMEOUT_MS)
                            {
                                needless += 1;
                            }
                            let best = view
                                .reachable()
                                .map(|f| sim.kept_if_promoted(f.node.0).0)
                                .max()
                                .unwrap_or(0);
                            let kept = sim.kept_if_promoted(c.node.0);
                            let cells = if trace {
                                snapshot(&mut sim, &last)
                            } else {
                                Vec::new()
                            };
                            let outcome = sim.promote(p.node.0, p.term);
                            promotions.push(PromotionRecord {
                                at: t,
                                node: p.node.0,
                                term: p.term.0,
                                old_term: outcome.old_term.0,
                                lsn: kept.0,
                                acked: outcome.acknowledged.0,
                                reachable_nodes: view.reachable().count() as u32,
                                best_reachable_lsn: best,
                            });
                            if trace {
                                let mut e = trace::promotion(
                                    t,
                                    p.node.0,
                                    p.term,
                                    view.term,
                                    outcome.kept,
                                    c.sync,
                                );
                                e.cells = cells;
                                out_trace.push(e);
                            }
                        }
                    }
                }
            }
        } else {
            refusing = false;
        }
        followers = view.followers;
        t += CHECK_MS;
    }
    sim.advance_to(s.duration_ms);
    let two_leaders = sim.happenings().iter().find_map(|h| match *h {
        Happening::TwoLeaders { at, old, new, term } => Some(TwoLeaders {
            at,
            old,
            new,
            term: term.0,
        }),
        _ => None,
    });
    Ok(Outcome {
        record: FailoverRecord {
            cluster_size: n,
            max_data_loss: s.max_data_loss,
            promotions,
            two_leaders,
        },
        downtime: sim.downtime(),
        needless,
        refusals,
        refusal_notes,
        trace: out_trace,
        trouble_cells,
        happenings: sim.happenings().to_vec(),
        events: checks + sim.events(),
    })
}

/// The reference coordinator: the failover timeout, the freshest reachable follower
/// under a newer term with a majority, refusal beyond the allowed loss. The downtime
/// budget is judged against what it achieves on the same scenario.
struct Reference;

impl FailoverCoordinator for Reference {
    fn leader_is_dead(&mut self, view: &FailoverView) -> bool {
        view.silence_ms >= FAILOVER_TIMEOUT_MS
    }

    fn elect_new_leader(&mut self, view: &FailoverView) -> Option<Promotion> {
        if view.reachable().count() < majority(view.cluster_size) as usize {
            return None;
        }
        let best = view.reachable().max_by_key(|f| (f.position, f.sync))?;
        Some(Promotion {
            node: best.node,
            term: Term(view.term.0 + 1),
        })
    }

    fn validate_safe_failover(
        &mut self,
        view: &FailoverView,
        p: &Promotion,
    ) -> Result<(), super::api::Refusal> {
        let acked = view
            .followers
            .iter()
            .find(|f| f.sync)
            .map_or(view.leader_position.lsn, |f| f.position.lsn);
        let lsn = view.follower(p.node).map_or(0, |f| f.position.lsn.0);
        if acked.0.saturating_sub(lsn) > view.max_data_loss {
            return Err(super::api::Refusal("too much loss".into()));
        }
        Ok(())
    }
}

pub fn run(
    s: &FailoverScenario,
    coordinator: &mut dyn FailoverCoordinator,
    guard: &Guard,
    trace: bool,
) -> Result<ScenarioRun, LearnerFault> {
    let o = drive(s, coordinator, Some(guard), trace)?;
    let reference =
        drive(s, &mut Reference, None, false).expect("the reference coordinator does not fault");
    let best = reference.downtime;
    let mut out = ScenarioRun {
        violations: no_lost_acknowledged_writes(&o.record),
        ..ScenarioRun::default()
    };
    out.violations.extend(single_writable_leader(&o.record));
    out.violations.extend(majority_election(&o.record));

    let lost: u64 = o
        .record
        .promotions
        .iter()
        .map(|p| p.acked - p.lsn.min(p.acked))
        .sum();
    let discarded: u64 = o
        .happenings
        .iter()
        .map(|h| match *h {
            Happening::Rejoined {
                truncated,
                was_leader: true,
                ..
            } => truncated,
            _ => 0,
        })
        .sum();
    for p in &o.record.promotions {
        let kept = p.lsn.min(p.acked);
        if p.acked > kept {
            out.notes.push(format!(
                "acknowledged writes lost: LSN {} to LSN {} ({}), which the new leader node-{} never had",
                kept + 1,
                p.acked,
                p.acked - kept,
                p.node
            ));
        }
    }
    out.notes.extend(o.refusal_notes.iter().cloned());
    if trace {
        out.trace = o.trace;
        // The k-th trouble to start is the scenario's k-th: they are listed in time
        // order and each starts once.
        // A trouble ends on the node it started on: the earliest still going there.
        let mut started = 0;
        let mut going: Vec<(u32, usize)> = Vec::new();
        for h in &o.happenings {
            let mut e = happening(h);
            match *h {
                Happening::Trouble {
                    starts: true, node, ..
                } => {
                    if let Some(t) = s.troubles.get(started) {
                        e.label = trace::trouble_label(t);
                    }
                    e.cells = o.trouble_cells.get(started).cloned().unwrap_or_default();
                    going.push((node, started));
                    started += 1;
                }
                Happening::Trouble {
                    starts: false,
                    node,
                    ..
                } => {
                    if let Some(k) = going.iter().position(|&(n, _)| n == node) {
                        let (_, index) = going.remove(k);
                        if let Some(t) = s.troubles.get(index) {
                            e.label = trace::trouble_end_label(t).into();
                        }
                    }
                }
                _ => {}
            }
            out.trace.push(e);
        }
        // Each violation marks the event that completed it: the promotion, or the old
        // leader taking writes again.
        for v in &out.violations {
            let label = match v.guarantee {
                crate::checkers::Guarantee::SingleWritableLeader => "writes again",
                _ => "promoted",
            };
            if let Some(e) = out
                .trace
                .iter_mut()
                .find(|e| e.at == v.at_ms && e.label.starts_with(label) && e.violates.is_none())
            {
                e.violates = Some(v.guarantee);
            }
        }
        out.trace.sort_by_key(|e| e.at);
    }
    out.events = o.events;
    out.metrics = vec![
        Metric::new("downtime", o.downtime as f64, Unit::Millis),
        Metric::new("acknowledged_writes_lost", lost as f64, Unit::Count),
        Metric::new("needless_failovers", o.needless as f64, Unit::Count),
        Metric::new("old_leader_writes_discarded", discarded as f64, Unit::Count),
        Metric::new("failovers", o.record.promotions.len() as f64, Unit::Count),
        Metric::new("refusals", o.refusals as f64, Unit::Count),
    ];
    out.budgets = vec![
        BudgetCheck::at_most(
            "needless_failovers",
            o.needless as f64,
            0.0,
            Unit::Count,
            "the leader was alive: a failover only risked data and split brain".into(),
        ),
        BudgetCheck::relative(
            "downtime",
            Unit::Millis,
            Relative {
                actual: o.downtime as f64,
                best: best as f64,
                base: best as f64,
                relative: 0.0,
                absolute: (DOWNTIME_SLACK_MS * s.troubles.len() as Millis) as f64,
                per: 1.0,
                sample: 1.0,
            },
            false,
            format!(
                "a coordinator that fails over at the {} timeout (and refuses what it must) \
                 leaves {} without a writable leader here; {} more per trouble is allowed",
                fmt_time(FAILOVER_TIMEOUT_MS),
                fmt_time(best),
                fmt_time(DOWNTIME_SLACK_MS)
            ),
        ),
    ];
    // Waiting cost the budget: say who could have taken over — the first promotion the
    // reference made that this coordinator did not — on the row where the coordinator
    // refused last (or at the end, if it never decided anything).
    let downtime_met = out.budgets.iter().all(|b| b.metric != "downtime" || b.met);
    if !downtime_met && let Some(p) = reference.record.promotions.get(o.record.promotions.len()) {
        let safe = trace::safe_candidate(p, s.max_data_loss, s.cluster_size());
        out.notes.push(safe.clone());
        if trace {
            let at_coordinator =
                |e: &TraceEvent| matches!(&e.lane, Lane::Node(n) if n == trace::COORDINATOR);
            if !out.trace.iter().any(at_coordinator) {
                out.trace.push(trace::waited(s.duration_ms));
            }
            if let Some(e) = out.trace.iter_mut().rev().find(|e| at_coordinator(e)) {
                e.detail = Some(safe);
            }
        }
    }
    Ok(out)
}

fn happening(h: &Happening) -> TraceEvent {
    match h {
        Happening::Trouble {
            at,
            node,
            text,
            starts,
        } => event(
            *at,
            &format!("node-{node}"),
            text.clone(),
            if *starts { "trouble" } else { "trouble ends" },
        ),
        Happening::Lag { at, node, text } => {
            event(*at, &format!("node-{node}"), text.clone(), "lag")
        }
        Happening::Fenced {
            at,
            node,
            its_term,
            newer,
        } => event(
            *at,
            &format!("node-{node}"),
            format!("meets {newer}: its {its_term} is fenced, it steps down"),
            "fenced",
        ),
        Happening::Rejoined {
            at,
            node,
            kept,
            truncated,
            ..
        } => event(
            *at,
            &format!("node-{node}"),
            format!(
                "rejoins as a follower at {kept}; {truncated} entries of its divergent suffix truncated"
            ),
            "rejoins",
        ),
        Happening::TwoLeaders { at, old, term, .. } => event(
            *at,
            &format!("node-{old}"),
            format!("accepts writes as leader of {term}: two leaders"),
            "writes again",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::katas::failover::{random, scenario};

    /// Fails over after 3 s of silence to the first reachable follower, under the same
    /// term, and never refuses: promotions, needless ones, split brain and losses.
    struct HairTrigger;

    impl FailoverCoordinator for HairTrigger {
        fn leader_is_dead(&mut self, view: &FailoverView) -> bool {
            view.silence_ms >= 3_000
        }

        fn elect_new_leader(&mut self, view: &FailoverView) -> Option<Promotion> {
            let first = view.reachable().next()?;
            Some(Promotion {
                node: first.node,
                term: view.term,
            })
        }

        fn validate_safe_failover(
            &mut self,
            _: &FailoverView,
            _: &Promotion,
        ) -> Result<(), super::super::api::Refusal> {
            Ok(())
        }
    }

    /// Refuses every failover: refusals, and the downtime note naming the follower
    /// that could have been promoted.
    struct Refuses;

    impl FailoverCoordinator for Refuses {
        fn leader_is_dead(&mut self, view: &FailoverView) -> bool {
            view.silence_ms >= FAILOVER_TIMEOUT_MS
        }

        fn elect_new_leader(&mut self, view: &FailoverView) -> Option<Promotion> {
            Reference.elect_new_leader(view)
        }

        fn validate_safe_failover(
            &mut self,
            _: &FailoverView,
            _: &Promotion,
        ) -> Result<(), super::super::api::Refusal> {
            Err(super::super::api::Refusal("a human decides".into()))
        }
    }

    /// The timeline stops the cluster at every trouble to take its snapshot; the
    /// verdict must not notice: a replay shows the run the grade judged.
    #[test]
    fn the_timeline_does_not_change_the_run() {
        let guard = Guard::new();
        let scenarios = (0..300)
            .map(|i| random::scenario(7, i))
            .chain(scenario::exhaustive().into_iter().step_by(7));
        let mut troubles_drawn = 0;
        for s in scenarios {
            let coordinators: [&mut dyn FailoverCoordinator; 3] =
                [&mut Reference, &mut HairTrigger, &mut Refuses];
            for c in coordinators {
                let plain = run(&s, c, &guard, false).unwrap();
                let traced = run(&s, c, &guard, true).unwrap();
                assert_eq!(plain.metrics, traced.metrics, "{}", s.name);
                assert_eq!(plain.violations, traced.violations, "{}", s.name);
                assert_eq!(plain.notes, traced.notes, "{}", s.name);
                assert_eq!(plain.events, traced.events, "{}", s.name);
                let rows = traced.trace.iter().filter(|e| !e.cells.is_empty()).count();
                troubles_drawn += rows;
            }
        }
        assert!(
            troubles_drawn > 1_000,
            "{troubles_drawn} rows with positions"
        );
    }

    /// At a trouble, each node's cell shows what the coordinator last heard and, when
    /// it differs, the truth: a paused leader's heartbeat is as old as the pause.
    #[test]
    fn the_timeline_shows_reported_and_true_positions_and_the_term() {
        let guard = Guard::new();
        let s = random::scenario(7, 0);
        let traced = run(&s, &mut HairTrigger, &guard, true).unwrap();
        let first = traced
            .trace
            .iter()
            .find(|e| !e.cells.is_empty())
            .expect("a row with positions");
        let coordinator = first
            .cells
            .iter()
            .find(|(lane, _)| lane == trace::COORDINATOR)
            .expect("the coordinator's cell");
        assert!(
            coordinator.1.starts_with(&format!("term {}", s.start.term)),
            "{coordinator:?}"
        );
        assert!(coordinator.1.contains("heard"), "{coordinator:?}");
        assert_eq!(
            first.cells.len(),
            s.cluster_size() as usize + 1,
            "{:?}",
            first.cells
        );
        // Somewhere in the batch, a follower's reported position lags its true one.
        let lagging = (0..100).any(|i| {
            let s = random::scenario(7, i);
            run(&s, &mut HairTrigger, &guard, true)
                .unwrap()
                .trace
                .iter()
                .flat_map(|e| &e.cells)
                .any(|(_, cell)| cell.contains("(true "))
        });
        assert!(lagging);
    }
}
