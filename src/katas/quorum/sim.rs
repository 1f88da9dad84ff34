//! The leaderless simulation: N home nodes replicate every key; a write goes to every
//! reachable home node (or only some, for a coordinator that crashed half-way) and is
//! acknowledged after W acks; a read asks R reachable home nodes and hands their
//! answers, in arrival order, to the learner's coordinator. Sloppy quorums let fallback
//! nodes accept writes for down home nodes (counting towards W) and hand them off
//! later — which is how R + W > N can still return stale data.

use super::api::{Node, Quorum, Response, Version};
use super::scenario::{Arrival, OpKind, Simulation};
use crate::checkers::quorum::{QuorumHistory, QuorumRead, convergence, quorum_intersection};
use crate::grader::{Guard, LearnerFault, LearnerFn};
use crate::katas::ScenarioRun;
use crate::model::{Millis, fmt_time};
use crate::report::{Lane, Metric, TraceEvent, Unit};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

pub static RESOLVE: LearnerFn = LearnerFn::new("Quorum::resolve");

/// Whether home node `node` is up at `t`, and since when.
fn up_since(sim: &Simulation, node: u32, t: Millis) -> Option<Millis> {
    let mut since = 0;
    for f in sim.faults.iter().filter(|f| f.node == node) {
        let end = f.duration_ms.map_or(Millis::MAX, |d| f.at_ms + d);
        if f.at_ms <= t && t < end {
            return None;
        }
        if end <= t {
            since = since.max(end);
        }
    }
    Some(since)
}

fn event(at: Millis, text: String, label: String, op: usize) -> TraceEvent {
    TraceEvent {
        op: Some(op),
        ..TraceEvent::new(
            at,
            Lane::Client {
                user: "client".into(),
                device: "app".into(),
            },
            text,
            label,
        )
    }
}

/// "cart " in the timeline's labels when the scenario has several keys; nothing when
/// it has one.
fn key_label(sim: &Simulation, key: &str) -> String {
    if sim.keys.len() > 1 {
        format!("{key} ")
    } else {
        String::new()
    }
}

fn nodes(list: &[u32]) -> String {
    if list.is_empty() {
        return "no node".into();
    }
    list.iter()
        .map(|n| format!("node-{n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn run(
    sim: &Simulation,
    q: &mut dyn Quorum,
    seed: u64,
    guard: &Guard,
    trace: bool,
) -> Result<ScenarioRun, LearnerFault> {
    let n = sim.nodes as usize;
    let keys = sim.keys.len();
    // store[node − 1][key]: the version each home node holds.
    let mut store: Vec<Vec<Option<u64>>> = vec![vec![None; keys]; n];
    let mut next_version = vec![0u64; keys];
    let mut latest_acked: Vec<Option<u64>> = vec![None; keys];
    // Hinted writes held by fallback nodes: (home node, key, version).
    let mut hints: Vec<(u32, usize, u64)> = Vec::new();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut ops: Vec<(usize, &super::scenario::QuorumOp)> = sim.ops.iter().enumerate().collect();
    ops.sort_by_key(|(i, o)| (o.at_ms, *i));

    let mut out = ScenarioRun::default();
    let mut history =
        QuorumHistory::with_capacity(sim.ops.len() * sim.arrival.len(), sim.r as usize);
    // Buffers reused by every operation, so that an operation allocates nothing.
    let buffer = || Vec::with_capacity(n);
    let (mut up, mut targets, mut hinted, mut asked) = (buffer(), buffer(), buffer(), buffer());
    let (mut responses, mut delivered): (Vec<Response>, Vec<Response>) =
        (Vec::with_capacity(n), Vec::with_capacity(n));
    // Repairs of one read's deliveries, (node, version), applied once all have resolved.
    let mut pending: Vec<(u32, Option<u64>)> = Vec::new();
    // The history's operation numbers: one per write, per unavailable read, and per
    // delivery of a read's answers to the coordinator.
    let mut op_count = 0usize;
    let (mut writes, mut failed_writes, mut unavailable, mut stale, mut repairs) =
        (0u64, 0u64, 0u64, 0u64, 0u64);
    let mut read_count = 0usize;
    let mut events = 0u64;
    for (_, op) in &ops {
        let t = op.at_ms;
        guard.at_time(t);
        let key = sim.keys.iter().position(|k| *k == op.key).unwrap_or(0);
        events += 1;
        // Hinted handoff: deliver hints whose home node has been back long enough.
        hints.retain(|&(home, k, version)| match up_since(sim, home, t) {
            Some(since) if t >= since + sim.handoff_ms && since > 0 => {
                let slot = &mut store[home as usize - 1][k];
                *slot = (*slot).max(Some(version));
                events += 1;
                false
            }
            _ => true,
        });
        match op.op {
            OpKind::Write => {
                op_count += 1;
                next_version[key] += 1;
                let version = next_version[key];
                writes += 1;
                up.clear();
                up.extend((1..=sim.nodes).filter(|&h| up_since(sim, h, t).is_some()));
                targets.clear();
                match &op.reaches {
                    Some(only) => targets.extend(up.iter().copied().filter(|h| only.contains(h))),
                    None => targets.extend_from_slice(&up),
                }
                for &h in &targets {
                    let slot = &mut store[h as usize - 1][key];
                    *slot = (*slot).max(Some(version));
                }
                let mut acks = targets.len() as u32;
                hinted.clear();
                if sim.sloppy && op.reaches.is_none() {
                    let down = (1..=sim.nodes).filter(|h| !up.contains(h));
                    for home in down.take(sim.fallback_nodes as usize) {
                        hints.push((home, key, version));
                        hinted.push(home);
                        acks += 1;
                    }
                }
                let acked = acks >= sim.w;
                if acked {
                    latest_acked[key] = latest_acked[key].max(Some(version));
                } else {
                    failed_writes += 1;
                }
                if trace {
                    let hint_note = if hinted.is_empty() {
                        String::new()
                    } else {
                        format!(" (+ fallback nodes holding hints for {})", nodes(&hinted))
                    };
                    let verdict = if acked {
                        format!("acknowledged ({acks} ≥ W={})", sim.w)
                    } else {
                        format!(
                            "FAILED ({acks} < W={}), yet the nodes it reached keep it",
                            sim.w
                        )
                    };
                    let mut e = event(
                        t,
                        format!(
                            "writes v{version} of {} to {}{hint_note}: {verdict}",
                            op.key,
                            nodes(&targets)
                        ),
                        format!(
                            "write {}v{version}{}",
                            key_label(sim, &op.key),
                            if acked { "" } else { " ✗" }
                        ),
                        op_count,
                    );
                    e.cells = targets
                        .iter()
                        .map(|h| (format!("node-{h}"), format!("+ v{version}")))
                        .collect();
                    out.trace.push(e);
                }
            }
            OpKind::Read => {
                read_count += 1;
                let start = read_count % n;
                asked.clear();
                asked.extend(
                    (0..n)
                        .map(|i| ((start + i) % n) as u32 + 1)
                        .filter(|&h| up_since(sim, h, t).is_some())
                        .take(sim.r as usize),
                );
                if asked.len() < sim.r as usize {
                    op_count += 1;
                    unavailable += 1;
                    if trace {
                        out.trace.push(event(
                            t,
                            format!(
                                "reads {}: only {} of R={} nodes reachable — unavailable",
                                op.key,
                                asked.len(),
                                sim.r
                            ),
                            format!("read {}✗ unavailable", key_label(sim, &op.key)),
                            op_count,
                        ));
                    }
                    continue;
                }
                responses.clear();
                responses.extend(asked.iter().map(|&h| Response {
                    node: Node(h),
                    version: store[h as usize - 1][key].map(Version),
                }));
                // The same answers reach the coordinator once per arrival order — the
                // network's (shuffled) or adversarial ones — as if that many clients read
                // at this instant; their repairs land after all of them have resolved.
                pending.clear();
                events += sim.arrival.len() as u64 - 1;
                for &arrival in &sim.arrival {
                    delivered.clear();
                    delivered.extend_from_slice(&responses);
                    match arrival {
                        Arrival::StalestFirst => delivered.sort_by_key(|r| r.version),
                        Arrival::NewestFirst => {
                            delivered.sort_by_key(|r| std::cmp::Reverse(r.version))
                        }
                        Arrival::Random => delivered.shuffle(&mut rng),
                    }
                    op_count += 1;
                    let resolution = guard.call(&RESOLVE, || q.resolve(&delivered))?;
                    let returned = resolution.version.map(|v| v.0);
                    pending.extend(resolution.repair.iter().map(|node| (node.0, returned)));
                    if returned < latest_acked[key] {
                        stale += 1;
                    }
                    if trace {
                        // Every responder in its lane, in the order its answer arrived,
                        // with what it returned; and the nodes the coordinator repaired.
                        let mut cells: Vec<(String, String)> = delivered
                            .iter()
                            .enumerate()
                            .map(|(i, r)| {
                                let version = r.version.map_or("—".into(), |v| v.to_string());
                                (format!("node-{}", r.node.0), format!("{} {version}", i + 1))
                            })
                            .collect();
                        cells.extend(resolution.repair.iter().map(|n| {
                            let to = returned.map_or("—".into(), |v| format!("v{v}"));
                            (format!("node-{}", n.0), format!("↻ {to}"))
                        }));
                        let mut e = event(
                            t,
                            format!(
                                "answers {}: reads {} from {}: {}; coordinator returns {}, \
                                 repairs {}",
                                arrival.describe(),
                                op.key,
                                nodes(&asked),
                                delivered
                                    .iter()
                                    .map(|r| format!(
                                        "{}={}",
                                        r.node,
                                        r.version.map_or("—".into(), |v| v.to_string())
                                    ))
                                    .collect::<Vec<_>>()
                                    .join(" "),
                                returned.map_or("nothing".into(), |v| format!("v{v}")),
                                if resolution.repair.is_empty() {
                                    "none".to_string()
                                } else {
                                    resolution
                                        .repair
                                        .iter()
                                        .map(|n| n.to_string())
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                }
                            ),
                            format!(
                                "read {}→ {}",
                                key_label(sim, &op.key),
                                returned.map_or("—".into(), |v| format!("v{v}"))
                            ),
                            op_count,
                        );
                        e.cells = cells;
                        out.trace.push(e);
                    }
                    history.push(
                        QuorumRead::new(op_count, t, &op.key, latest_acked[key], returned),
                        delivered.iter().map(|r| (r.node.0, r.version.map(|v| v.0))),
                        resolution.repair.iter().map(|n| n.0),
                    );
                }
                for &(h, returned) in &pending {
                    if h >= 1 && h <= sim.nodes && up_since(sim, h, t).is_some() {
                        let slot = &mut store[h as usize - 1][key];
                        if *slot < returned {
                            *slot = returned;
                            repairs += 1;
                        }
                    }
                }
            }
        }
    }
    if trace {
        for f in &sim.faults {
            let until = f.duration_ms.map_or("for good".into(), |d| {
                format!("until t={}", fmt_time(f.at_ms + d))
            });
            out.trace.push(TraceEvent {
                at: f.at_ms,
                lane: Lane::Node(format!("node-{}", f.node)),
                text: format!("node-{} is down {until}", f.node),
                violates: None,
                op: None,
                wastes: None,
                label: "down".into(),
                attempts: Vec::new(),
                wrote: None,
                cells: Vec::new(),
                detail: None,
            });
        }
        out.trace.sort_by_key(|e| e.at);
    }
    out.violations = quorum_intersection(&history);
    out.violations.extend(convergence(&history));
    out.mark_violations();
    let converged = (0..keys)
        .map(|k| {
            let newest = store.iter().filter_map(|node| node[k]).max();
            store.iter().filter(|node| node[k] == newest).count()
        })
        .sum::<usize>() as f64
        / (n * keys).max(1) as f64;
    out.events = events;
    out.metrics = vec![
        Metric::new("writes", writes as f64, Unit::Count),
        Metric::new("failed_writes", failed_writes as f64, Unit::Count),
        Metric::new("reads", history.reads().len() as f64, Unit::Count),
        Metric::new("unavailable_reads", unavailable as f64, Unit::Count),
        Metric::new("stale_reads", stale as f64, Unit::Count),
        Metric::new("repairs", repairs as f64, Unit::Count),
        Metric::new("replicas_converged", converged, Unit::Share),
    ];
    Ok(out)
}
