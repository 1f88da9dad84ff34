//! Correct, listing siblings newest first by Lamport timestamp (then region, then write)
//! — a different but deterministic order, which is what an app would show the user.
//! The cart merge is written per dot with set operations on the dots both, one or the
//! other side holds.

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
        let mut kept = base::resolve(local, remote);
        kept.sort_by_key(|v| {
            (
                std::cmp::Reverse(v.lamport),
                std::cmp::Reverse(v.origin),
                v.write,
            )
        });
        kept
    }

    fn merge_cart(&mut self, local: &Cart, remote: &Cart) -> Cart {
        let names: BTreeSet<&String> = local.items.keys().chain(remote.items.keys()).collect();
        let mut items = BTreeMap::new();
        for name in names {
            let l = local.items.get(name).cloned().unwrap_or_default();
            let r = remote.items.get(name).cloned().unwrap_or_default();
            let both: BTreeSet<Dot> = l.intersection(&r).copied().collect();
            let only_l = l.difference(&r).filter(|d| !remote.context.covers(**d));
            let only_r = r.difference(&l).filter(|d| !local.context.covers(**d));
            let dots: BTreeSet<Dot> = both
                .iter()
                .copied()
                .chain(only_l.copied())
                .chain(only_r.copied())
                .collect();
            if !dots.is_empty() {
                items.insert(name.clone(), dots);
            }
        }
        Cart {
            items,
            context: base::merge(&local.context, &remote.context),
        }
    }
}
