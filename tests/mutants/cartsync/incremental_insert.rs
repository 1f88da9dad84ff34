//! Correct, building the result one version at a time: each incoming version is skipped
//! if a kept one is After or Equal to it, otherwise it evicts the kept versions that are
//! Before it and joins them. Antichains stay antichains, so the outcome is the set of
//! versions nothing supersedes, whatever the order; it is sorted by origin and Lamport
//! timestamp at the end so every region lists it the same way.

use super::base;
use crate::harness::Expect;
use replication_katas::katas::cartsync::prelude::*;

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
        let mut kept: Vec<Version> = Vec::new();
        for v in local.iter().chain(remote) {
            if kept.iter().any(|k| {
                matches!(
                    self.compare(&k.vector, &v.vector),
                    Causality::After | Causality::Equal
                )
            }) {
                continue;
            }
            kept.retain(|k| self.compare(&k.vector, &v.vector) != Causality::Before);
            kept.push(v.clone());
        }
        kept.sort_by_key(|v| (v.origin, v.lamport, v.write));
        kept
    }

    fn merge_cart(&mut self, local: &Cart, remote: &Cart) -> Cart {
        base::merge_cart(local, remote)
    }
}
