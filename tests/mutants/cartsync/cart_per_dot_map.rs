//! Correct, with the cart turned inside out: a map from each dot to the item it added,
//! for both carts. A dot survives when both hold it or when the side that does not hold
//! it has not seen it; the survivors are grouped back by item. compare counts, over the
//! union of regions, how many counters are larger on each side.

use super::base;
use crate::harness::Expect;
use replication_katas::katas::cartsync::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

pub const EXPECT: Expect = Expect::Pass;

pub struct Resolver {}

impl Resolver {
    pub fn new() -> Self {
        Resolver {}
    }
}

impl ConflictResolver for Resolver {
    fn compare(&self, a: &VersionVector, b: &VersionVector) -> Causality {
        let mut larger = (0u32, 0u32);
        for r in base::regions(a, b) {
            match a.get(r).cmp(&b.get(r)) {
                std::cmp::Ordering::Greater => larger.0 += 1,
                std::cmp::Ordering::Less => larger.1 += 1,
                std::cmp::Ordering::Equal => {}
            }
        }
        match larger {
            (0, 0) => Causality::Equal,
            (0, _) => Causality::Before,
            (_, 0) => Causality::After,
            _ => Causality::Concurrent,
        }
    }

    fn merge(&self, a: &VersionVector, b: &VersionVector) -> VersionVector {
        base::merge(a, b)
    }

    fn resolve(&mut self, local: &[Version], remote: &[Version]) -> Vec<Version> {
        base::resolve(local, remote)
    }

    fn merge_cart(&mut self, local: &Cart, remote: &Cart) -> Cart {
        let by_dot = |c: &Cart| -> BTreeMap<Dot, String> {
            c.items
                .iter()
                .flat_map(|(name, dots)| dots.iter().map(move |&d| (d, name.clone())))
                .collect()
        };
        let (l, r) = (by_dot(local), by_dot(remote));
        let all: BTreeSet<Dot> = l.keys().chain(r.keys()).copied().collect();
        let mut items: BTreeMap<String, BTreeSet<Dot>> = BTreeMap::new();
        for d in all {
            let keep = match (l.get(&d), r.get(&d)) {
                (Some(_), Some(_)) => true,
                (Some(_), None) => !remote.context.covers(d),
                (None, Some(_)) => !local.context.covers(d),
                (None, None) => false,
            };
            if keep {
                let name = l
                    .get(&d)
                    .or_else(|| r.get(&d))
                    .expect("a dot of either cart");
                items.entry(name.clone()).or_default().insert(d);
            }
        }
        Cart {
            items,
            context: self.merge(&local.context, &remote.context),
        }
    }
}
