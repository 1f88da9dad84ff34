//! The bounded-exhaustive scope: every small schedule, not a sample.
//!
//! Two regions (nyc and london, 100 ms apart), the email and a cart holding a phone
//! case at the start. Every sequence of one to three of Alice's six actions — set the
//! email at nyc or at london, add the case at either, remove it at either — with each
//! action either at the same millisecond as the one before (neither region has seen
//! the other's) or 1 s later (it has); under four conditions: nothing wrong, london's
//! clock 5 s behind, london's clock 5 s ahead, and a partition from before the first
//! action until a minute after. Plus one sweep of `compare` and `merge` over every
//! pair of vectors of three regions with counters 0 to 2 (729 pairs).

use super::scenario::{CartSyncScenario, Operation, VectorPair};
use crate::scenario::SCHEMA_VERSION;
use crate::sim::multileader::{PartitionSpec, RegionSpec};
use std::collections::BTreeMap;

const REGIONS: [&str; 2] = ["nyc", "london"];
const ITEM: &str = "phone case";

/// Action `k` of the six, at time `t`.
fn action(k: usize, t: u64, n: usize) -> Operation {
    let region = k % 2;
    let mut o = Operation {
        at_ms: t,
        region: REGIONS[region].into(),
        device: if region == 0 { "phone" } else { "laptop" }.into(),
        set: None,
        value: None,
        add: None,
        remove: None,
        view: false,
    };
    match k / 2 {
        0 => {
            o.set = Some("email".into());
            o.value = Some(format!("alice@{}{n}.example", REGIONS[region]));
        }
        1 => o.add = Some(ITEM.into()),
        _ => o.remove = Some(ITEM.into()),
    }
    o
}

fn base(name: String, description: String) -> CartSyncScenario {
    CartSyncScenario {
        schema: SCHEMA_VERSION,
        kata: "cartsync".into(),
        name,
        description,
        regions: REGIONS
            .iter()
            .map(|r| RegionSpec {
                name: r.to_string(),
                clock_offset_ms: 0,
            })
            .collect(),
        links: None,
        lag_ms: 100,
        partitions: Vec::new(),
        user: "alice".into(),
        initial: BTreeMap::from([("email".to_string(), "alice@old.example".to_string())]),
        initial_cart: vec![ITEM.to_string()],
        operations: Vec::new(),
        vectors: Vec::new(),
    }
}

/// Every pair of vectors over three regions with counters 0 to 2.
pub fn vector_sweep() -> Vec<VectorPair> {
    let names = ["a", "b", "c"];
    let all: Vec<BTreeMap<String, u64>> = (0..27u64)
        .map(|i| {
            names
                .iter()
                .enumerate()
                .map(|(k, n)| (n.to_string(), i / 3u64.pow(k as u32) % 3))
                .collect()
        })
        .collect();
    all.iter()
        .flat_map(|a| {
            all.iter().map(move |b| VectorPair {
                a: a.clone(),
                b: b.clone(),
            })
        })
        .collect()
}

pub fn scenarios() -> Vec<CartSyncScenario> {
    let mut out = Vec::new();
    let mut sweep = base(
        "exhaustive-0".into(),
        "compare and merge on every pair of vectors of three regions, counters 0 to 2".into(),
    );
    sweep.regions = ["a", "b", "c"]
        .iter()
        .map(|r| RegionSpec {
            name: r.to_string(),
            clock_offset_ms: 0,
        })
        .collect();
    sweep.initial.clear();
    sweep.initial_cart.clear();
    sweep.vectors = vector_sweep();
    out.push(sweep);
    // Sequences of actions with their gaps (0: same millisecond; 1: a second later).
    let mut sequences: Vec<Vec<(usize, u64)>> = Vec::new();
    let mut frontier: Vec<Vec<(usize, u64)>> = vec![Vec::new()];
    for len in 1..=3 {
        let mut next = Vec::new();
        for seq in &frontier {
            for k in 0..6 {
                let gaps: &[u64] = if len == 1 { &[0] } else { &[0, 1_000] };
                for &gap in gaps {
                    let mut longer = seq.clone();
                    longer.push((k, gap));
                    next.push(longer);
                }
            }
        }
        sequences.extend(next.iter().cloned());
        frontier = next;
    }
    let conditions = [
        "nothing wrong",
        "london 5 s behind",
        "london 5 s ahead",
        "partitioned",
    ];
    for seq in &sequences {
        for (c, condition) in conditions.iter().enumerate() {
            let mut s = base(
                format!("exhaustive-{}", out.len()),
                format!("a schedule of the exhaustive scope: {condition}"),
            );
            let mut t = 1_000;
            for (n, &(k, gap)) in seq.iter().enumerate() {
                t += gap;
                s.operations.push(action(k, t, n + 1));
            }
            match c {
                1 => s.regions[1].clock_offset_ms = -5_000,
                2 => s.regions[1].clock_offset_ms = 5_000,
                3 => s.partitions.push(PartitionSpec {
                    at_ms: 500,
                    heal_ms: t + 60_000,
                    between: ["nyc".into(), "london".into()],
                }),
                _ => {}
            }
            out.push(s);
        }
    }
    out
}
