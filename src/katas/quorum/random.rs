//! Random leaderless simulations: failures, partial writes, stale replicas, and sloppy
//! quorums, in random configurations.

use super::scenario::{Arrival, NodeFault, OpKind, QuorumOp, QuorumScenario, Simulation};
use crate::grader::splitmix64;
use crate::scenario::SCHEMA_VERSION;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The shape of a random cluster's history. Each batch cycles through every shape
/// crossed with every answer order (`index` mod 12), so that no kind of read a
/// coordinator can meet depends on luck.
#[derive(Clone, Copy)]
enum Shape {
    /// R = 1: a read has a single responder, whose answer must be returned as is.
    SingleResponder,
    /// Reads before a key's first write: every answer is nothing, then a few writes.
    FreshKeys,
    /// Many writes that reach only some nodes (a coordinator that crashed half-way):
    /// answers with several versions, ties and duplicates among them.
    Divergent,
    /// Failures, partial writes and sloppy quorums, mixed.
    Mixed,
}

const SHAPES: [Shape; 4] = [
    Shape::SingleResponder,
    Shape::FreshKeys,
    Shape::Divergent,
    Shape::Mixed,
];

/// Answer orders: the two adversarial ones with a shuffle, three shuffles, and the
/// newest first with a shuffle.
fn orders(class: usize) -> Vec<Arrival> {
    use Arrival::*;
    match class % 3 {
        0 => vec![StalestFirst, NewestFirst, Random],
        1 => vec![Random, Random, Random],
        _ => vec![NewestFirst, Random],
    }
}

pub fn scenario(seed: u64, index: usize) -> QuorumScenario {
    let mut rng = ChaCha8Rng::seed_from_u64(splitmix64(seed ^ splitmix64(index as u64 + 13)));
    let shape = SHAPES[index % SHAPES.len()];
    let arrival = orders(index / SHAPES.len());
    let nodes = match shape {
        Shape::SingleResponder => rng.random_range(1..=5),
        _ => rng.random_range(3..=7),
    };
    let w = rng.random_range(1..=nodes);
    // Mostly configurations that promise overlap: that is where coordinators break.
    let r = match shape {
        Shape::SingleResponder => 1,
        _ if rng.random_bool(0.8) => rng.random_range((nodes - w + 1).max(1)..=nodes),
        _ => rng.random_range(1..=nodes),
    };
    let keys: Vec<String> = ["cart", "wishlist"][..rng.random_range(1..=2)]
        .iter()
        .map(|k| k.to_string())
        .collect();
    let mut faults = Vec::new();
    let fault_count = match shape {
        Shape::FreshKeys => rng.random_range(0..=1),
        _ => rng.random_range(0..=2),
    };
    for _ in 0..fault_count {
        faults.push(NodeFault {
            at_ms: rng.random_range(0..20_000),
            node: rng.random_range(1..=nodes),
            duration_ms: rng
                .random_bool(0.8)
                .then(|| rng.random_range(1_000..15_000)),
        });
    }
    let (write_share, partial_share) = match shape {
        Shape::Divergent => (0.6, 0.7),
        _ => (0.4, 0.25),
    };
    let mut ops = Vec::new();
    let mut t = 0;
    if let Shape::FreshKeys = shape {
        for _ in 0..rng.random_range(2..6) {
            t += rng.random_range(100..2_000);
            ops.push(QuorumOp {
                at_ms: t,
                op: OpKind::Read,
                key: keys[rng.random_range(0..keys.len())].clone(),
                reaches: None,
            });
        }
    }
    for _ in 0..rng.random_range(5..30) {
        t += rng.random_range(100..2_000);
        let key = keys[rng.random_range(0..keys.len())].clone();
        let write = rng.random_bool(write_share);
        let reaches = (write && rng.random_bool(partial_share)).then(|| {
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
            sloppy: matches!(shape, Shape::Mixed) && rng.random_bool(0.5),
            fallback_nodes: 2,
            handoff_ms: rng.random_range(1_000..10_000),
            keys,
            faults,
            ops,
            arrival,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every batch of 12 holds every shape in every answer order, and the reads a
    /// coordinator meets include a single responder, all-nothing answers, and answers
    /// with several distinct versions.
    #[test]
    fn each_batch_covers_every_shape_and_order() {
        let batch: Vec<Simulation> = (0..12)
            .map(|i| scenario(7, i).simulation.unwrap())
            .collect();
        for (i, sim) in batch.iter().enumerate() {
            assert_eq!(sim.arrival, orders(i / 4), "random-{i}");
        }
        assert!(batch.iter().step_by(4).all(|s| s.r == 1));
        for s in batch.iter().skip(1).step_by(4) {
            assert_eq!(s.ops[0].op, OpKind::Read, "a read before any write");
        }
        let partial = |s: &Simulation| s.ops.iter().filter(|o| o.reaches.is_some()).count();
        let divergent: usize = batch.iter().skip(2).step_by(4).map(partial).sum();
        let mixed: usize = batch.iter().skip(3).step_by(4).map(partial).sum();
        assert!(divergent > mixed, "{divergent} partial writes vs {mixed}");
    }
}
