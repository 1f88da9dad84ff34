//! Correct, as an observed-remove set with unique tags: every (item, dot) pair is a tag;
//! a side *removed* a tag if its context covers the dot but it does not hold it. The
//! merged cart is every tag either side holds, minus the tags either side removed — the
//! textbook OR-set formula, written with whole-cart sets rather than item by item.

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
        base::compare(a, b)
    }

    fn merge(&self, a: &VersionVector, b: &VersionVector) -> VersionVector {
        base::merge(a, b)
    }

    fn resolve(&mut self, local: &[Version], remote: &[Version]) -> Vec<Version> {
        base::resolve(local, remote)
    }

    fn merge_cart(&mut self, local: &Cart, remote: &Cart) -> Cart {
        let tags = |c: &Cart| -> BTreeSet<(String, Dot)> {
            c.items
                .iter()
                .flat_map(|(name, dots)| dots.iter().map(move |&d| (name.clone(), d)))
                .collect()
        };
        let (held_l, held_r) = (tags(local), tags(remote));
        let removed_by = |held_here: &BTreeSet<(String, Dot)>,
                          here: &Cart,
                          held_there: &BTreeSet<(String, Dot)>| {
            held_there
                .iter()
                .filter(|(_, d)| here.context.covers(*d))
                .filter(|t| !held_here.contains(*t))
                .cloned()
                .collect::<BTreeSet<_>>()
        };
        let removed: BTreeSet<(String, Dot)> = removed_by(&held_l, local, &held_r)
            .union(&removed_by(&held_r, remote, &held_l))
            .cloned()
            .collect();
        let mut items: BTreeMap<String, BTreeSet<Dot>> = BTreeMap::new();
        for (name, d) in held_l.union(&held_r) {
            if !removed.contains(&(name.clone(), *d)) {
                items.entry(name.clone()).or_default().insert(*d);
            }
        }
        Cart {
            items,
            context: self.merge(&local.context, &remote.context),
        }
    }
}
