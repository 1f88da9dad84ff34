//! Random leaderless simulations: failures, partial writes, stale replicas, and sloppy
//! quorums, in random configurations.

use super::scenario::{Arrival, NodeFault, OpKind, QuorumOp, QuorumScenario, Simulation};
use crate::grader::splitmix64;
use crate::scenario::SCHEMA_VERSION;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub fn scenario(seed: u64, index: usize) -> QuorumScenario {
    let mut rng = ChaCha8Rng::seed_from_u64(splitmix64(seed ^ splitmix64(index as u64 + 13)));
    let nodes = rng.random_range(3..=7);
    let w = rng.random_range(1..=nodes);
    // Mostly configurations that promise overlap: that is where coordinators break.
    let r = if rng.random_bool(0.8) {
        rng.random_range((nodes - w + 1).max(1)..=nodes)
    } else {
        rng.random_range(1..=nodes)
    };
    let keys: Vec<String> = ["cart", "wishlist"][..rng.random_range(1..=2)]
        .iter()
        .map(|k| k.to_string())
        .collect();
    let mut faults = Vec::new();
    for _ in 0..rng.random_range(0..=2) {
        faults.push(NodeFault {
            at_ms: rng.random_range(0..20_000),
            node: rng.random_range(1..=nodes),
            duration_ms: rng
                .random_bool(0.8)
                .then(|| rng.random_range(1_000..15_000)),
        });
    }
    let mut ops = Vec::new();
    let mut t = 0;
    for _ in 0..rng.random_range(5..30) {
        t += rng.random_range(100..2_000);
        let key = keys[rng.random_range(0..keys.len())].clone();
        let write = rng.random_bool(0.4);
        let reaches = (write && rng.random_bool(0.25)).then(|| {
            (1..=nodes)
                .filter(|_| rng.random_bool(0.4))
                .collect::<Vec<u32>>()
        });
        ops.push(QuorumOp {
            at_ms: t,
            op: if write { OpKind::Write } else { OpKind::Read },
            key,
            reaches,
        });
    }
    QuorumScenario {
        schema: SCHEMA_VERSION,
        kata: "quorum".into(),
        name: format!("random-{index}"),
        description: "drawn by the random generator".into(),
        sweep: None,
        simulation: Some(Simulation {
            nodes,
            w,
            r,
            sloppy: rng.random_bool(0.25),
            fallback_nodes: 2,
            handoff_ms: rng.random_range(1_000..10_000),
            keys,
            faults,
            ops,
            arrival: if rng.random_bool(0.5) {
                Arrival::Random
            } else {
                Arrival::StalestFirst
            },
        }),
    }
}
