//! Correct, using the Lamport timestamp as a shortcut and the vectors as the truth: the
//! versions are visited newest Lamport first, and a version is kept unless an already kept
//! one is After (or Equal to) it. Anything that happened after a version has a larger
//! Lamport timestamp, so it has been visited first — and if it was itself dropped, what
//! dropped it is After the version too. Concurrent versions are never compared by their
//! timestamps, only ordered by them.

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
        let mut all: Vec<&Version> = local.iter().chain(remote).collect();
        all.sort_by_key(|v| (std::cmp::Reverse(v.lamport), v.origin, v.write));
        let mut kept: Vec<Version> = Vec::new();
        for v in all {
            let covered = kept.iter().any(|k| {
                matches!(
                    self.compare(&k.vector, &v.vector),
                    Causality::After | Causality::Equal
                )
            });
            if !covered {
                kept.push(v.clone());
            }
        }
        kept
    }

    fn merge_cart(&mut self, local: &Cart, remote: &Cart) -> Cart {
        base::merge_cart(local, remote)
    }
}
