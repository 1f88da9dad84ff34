//! Random cartsync scenarios, built systematically: each is one row of a pairwise
//! covering array (see [`crate::scenario::coverage`]) over the dimensions below, so
//! every pair of values of any two dimensions appears in every batch of at least
//! [`rows`] scenarios, whatever the seed. The seed chooses the details inside a row:
//! the exact skew, lags and times, which regions, values and items.
//!
//! | dimension | values |
//! |---|---|
//! | topology | two regions; three, every pair linked; three, one relaying between the other two |
//! | clock skew | none; a region seconds ahead; a region seconds behind; milliseconds apart |
//! | trouble | none; a partition healing soon after the edits; one healing minutes later; one slow link (seconds to a minute) |
//! | workload | concurrent field edits (often the same millisecond); a causal chain of edits across regions; concurrent cart additions and removals; removals after additions, across regions; a mix |
//! | size | 3–5 operations; 10–20 |

use super::scenario::{CartSyncScenario, Operation};
use crate::grader::splitmix64;
use crate::model::Millis;
use crate::scenario::SCHEMA_VERSION;
use crate::scenario::coverage::pairwise;
use crate::sim::multileader::{LinkSpec, PartitionSpec, RegionSpec};
use rand::seq::IndexedRandom;
use rand::{Rng, RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The number of values of each dimension, in the order of the table.
pub const DIMENSIONS: [usize; 5] = [3, 4, 4, 5, 2];

/// The covering array's rows.
pub fn rows() -> &'static [Vec<usize>] {
    static ROWS: OnceLock<Vec<Vec<usize>>> = OnceLock::new();
    ROWS.get_or_init(|| pairwise(&DIMENSIONS))
}

const TOPOLOGY: [&str; 3] = [
    "two regions",
    "three regions",
    "three regions, one relaying",
];
const SKEW: [&str; 4] = [
    "no skew",
    "a clock ahead",
    "a clock behind",
    "clocks ms apart",
];
const TROUBLE: [&str; 4] = [
    "no trouble",
    "short partition",
    "late-healing partition",
    "slow link",
];
const WORKLOAD: [&str; 5] = [
    "concurrent edits",
    "causal edits",
    "concurrent cart",
    "removal after addition",
    "mixed",
];
const SIZE: [&str; 2] = ["few operations", "many operations"];

const REGIONS: [&str; 3] = ["nyc", "london", "sgp"];
const ITEMS: [&str; 5] = ["phone case", "charger", "cable", "socks", "headphones"];
const DEVICES: [&str; 2] = ["phone", "laptop"];

pub fn scenario(seed: u64, index: usize) -> CartSyncScenario {
    let rows = rows();
    let row = &rows[index % rows.len()];
    let mut rng = ChaCha8Rng::seed_from_u64(splitmix64(seed ^ splitmix64(index as u64 + 18)));
    let three = row[0] > 0;
    let n = if three { 3 } else { 2 };
    let lag: Millis = rng.random_range(20..400);
    let mut regions: Vec<RegionSpec> = REGIONS[..n]
        .iter()
        .map(|name| RegionSpec {
            name: name.to_string(),
            clock_offset_ms: 0,
        })
        .collect();
    let skewed = rng.random_range(0..n);
    regions[skewed].clock_offset_ms = match row[1] {
        0 => 0,
        1 => rng.random_range(1_000..10_000),
        2 => -rng.random_range(1_000..10_000),
        _ => rng.random_range(-5..=5),
    };
    let links = (row[0] == 2).then(|| {
        // sgp relays: nyc ↔ sgp ↔ london, no direct link.
        let link = |a: usize, b: usize| LinkSpec {
            from: REGIONS[a].into(),
            to: REGIONS[b].into(),
            lag_ms: lag,
        };
        vec![link(0, 2), link(2, 0), link(2, 1), link(1, 2)]
    });
    let count = if row[4] == 0 {
        rng.random_range(3..=5)
    } else {
        rng.random_range(10..=20)
    };
    let start: Millis = 1_000;
    let operations = workload(row[3], count, n, lag, start, &mut rng);
    let last = operations.last().map_or(start, |o| o.at_ms);
    let mut partitions = Vec::new();
    let mut links = links;
    // The pair a partition cuts: in the relay topology, the relay and one side.
    let (a, b) = if row[0] == 2 {
        (2, rng.random_range(0..2))
    } else {
        (0, 1)
    };
    match row[2] {
        1 | 2 => {
            let at = start - rng.random_range(0..500);
            let heal = if row[2] == 1 {
                last + rng.random_range(100..5_000)
            } else {
                last + rng.random_range(120_000..1_800_000)
            };
            partitions.push(PartitionSpec {
                at_ms: at,
                heal_ms: heal,
                between: [REGIONS[a].into(), REGIONS[b].into()],
            });
        }
        3 => {
            // One slow link (one direction), every other at the usual lag.
            let mut all = links.unwrap_or_else(|| {
                (0..n)
                    .flat_map(|x| (0..n).filter(move |&y| y != x).map(move |y| (x, y)))
                    .map(|(x, y)| LinkSpec {
                        from: REGIONS[x].into(),
                        to: REGIONS[y].into(),
                        lag_ms: lag,
                    })
                    .collect()
            });
            let slow = rng.random_range(0..all.len());
            all[slow].lag_ms = rng.random_range(5_000..60_000);
            links = Some(all);
        }
        _ => {}
    }
    let description = format!(
        "row {} of {}: {}, {}, {}, {}, {}",
        index % rows.len(),
        rows.len(),
        TOPOLOGY[row[0]],
        SKEW[row[1]],
        TROUBLE[row[2]],
        WORKLOAD[row[3]],
        SIZE[row[4]]
    );
    CartSyncScenario {
        schema: SCHEMA_VERSION,
        kata: "cartsync".into(),
        name: format!("random-{index}"),
        description,
        regions,
        links,
        lag_ms: lag,
        partitions,
        user: "alice".into(),
        initial: BTreeMap::from([("email".to_string(), "alice@old.example".to_string())]),
        initial_cart: vec![ITEMS[0].to_string()],
        operations,
        vectors: Vec::new(),
    }
}

fn op(at_ms: Millis, region: usize, rng: &mut impl Rng) -> Operation {
    Operation {
        at_ms,
        region: REGIONS[region].into(),
        device: DEVICES.choose(rng).expect("devices").to_string(),
        set: None,
        value: None,
        add: None,
        remove: None,
        view: false,
    }
}

fn set(mut o: Operation, value: String) -> Operation {
    o.set = Some("email".into());
    o.value = Some(value);
    o
}

fn add(mut o: Operation, item: &str) -> Operation {
    o.add = Some(item.into());
    o
}

fn remove(mut o: Operation, item: &str) -> Operation {
    o.remove = Some(item.into());
    o
}

fn view(mut o: Operation) -> Operation {
    o.view = true;
    o
}

/// The operations of one workload: `count` of them, from `start`.
fn workload(
    kind: usize,
    count: usize,
    regions: usize,
    lag: Millis,
    start: Millis,
    rng: &mut impl Rng,
) -> Vec<Operation> {
    // A gap long enough for the previous write to reach every region (two hops for a
    // relay), unless a partition or a slow link holds it back.
    let replicated = 2 * lag + rng.random_range(50..2_000);
    let mut out = Vec::new();
    let mut t = start;
    let mut value = 0;
    let mut next_value = |region: usize| {
        value += 1;
        format!("alice@{}{value}.example", REGIONS[region])
    };
    while out.len() < count {
        let a = rng.random_range(0..regions);
        let b = (a + rng.random_range(1..regions)) % regions;
        match kind {
            // Two regions edit the email without having seen each other's edit: the same
            // millisecond, or within the lag.
            0 => {
                let within = if rng.random_bool(0.5) {
                    0
                } else {
                    rng.random_range(0..lag)
                };
                out.push(set(op(t, a, rng), next_value(a)));
                out.push(set(op(t + within, b, rng), next_value(b)));
                t += within + replicated;
                if rng.random_bool(0.5) {
                    out.push(view(op(t, b, rng)));
                    t += rng.random_range(1..500);
                }
            }
            // Each edit made after the previous one reached its region.
            1 => {
                out.push(set(op(t, a, rng), next_value(a)));
                t += replicated;
                if rng.random_bool(0.3) {
                    out.push(view(op(t, b, rng)));
                    t += rng.random_range(1..100);
                }
            }
            // Additions and removals racing each other.
            2 => {
                let item = *ITEMS.choose(rng).expect("items");
                let within = if rng.random_bool(0.5) {
                    0
                } else {
                    rng.random_range(0..lag)
                };
                if rng.random_bool(0.5) {
                    out.push(remove(op(t, a, rng), item));
                } else {
                    out.push(add(op(t, a, rng), item));
                }
                out.push(add(op(t + within, b, rng), item));
                t += within + replicated;
            }
            // An addition, then, once it has arrived, a removal elsewhere; sometimes
            // added again later.
            3 => {
                let item = *ITEMS.choose(rng).expect("items");
                out.push(add(op(t, a, rng), item));
                t += replicated;
                out.push(remove(op(t, b, rng), item));
                t += replicated;
                if rng.random_bool(0.3) {
                    out.push(view(op(t, a, rng)));
                    t += rng.random_range(1..100);
                }
            }
            _ => {
                let o = op(t, a, rng);
                let item = *ITEMS.choose(rng).expect("items");
                out.push(match rng.random_range(0..5) {
                    0 | 1 => set(o, next_value(a)),
                    2 => add(o, item),
                    3 => remove(o, item),
                    _ => view(o),
                });
                t += [0, rng.random_range(1..lag.max(2)), replicated]
                    .choose(rng)
                    .copied()
                    .expect("gaps");
            }
        }
    }
    out.truncate(count);
    out.sort_by_key(|o| o.at_ms);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::coverage::missing_pair;

    #[test]
    fn every_pair_of_dimensions_is_covered_by_each_batch() {
        let rows = rows();
        assert!(rows.len() <= 40, "{} rows", rows.len());
        let drawn: Vec<&[usize]> = rows.iter().map(Vec::as_slice).collect();
        assert_eq!(missing_pair(&DIMENSIONS, drawn), None);
        // The description names the row, so a failing random scenario says what it was.
        let s = scenario(7, 3);
        assert!(s.description.starts_with("row 3 of"), "{}", s.description);
    }
}
