//! Correct, with compare derived from merge: `a` is Before `b` exactly when merging `a`
//! into `b` changes nothing (`merge(a, b) == b`) and they differ; After the mirror;
//! Concurrent when the merge is larger than both. merge folds `b`'s entries into a copy of
//! `a`, keeping the larger counter. The vector type stores only non-zero counters, so `==`
//! is equality of vectors.

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
        if a == b {
            return Causality::Equal;
        }
        let m = self.merge(a, b);
        if &m == b {
            Causality::Before
        } else if &m == a {
            Causality::After
        } else {
            Causality::Concurrent
        }
    }

    fn merge(&self, a: &VersionVector, b: &VersionVector) -> VersionVector {
        let mut m = a.clone();
        for (r, n) in b.entries() {
            if n > m.get(r) {
                m.set(r, n);
            }
        }
        m
    }

    fn resolve(&mut self, local: &[Version], remote: &[Version]) -> Vec<Version> {
        base::resolve_with(local, remote, |a, b| self.compare(a, b))
    }

    fn merge_cart(&mut self, local: &Cart, remote: &Cart) -> Cart {
        base::merge_cart_with(
            local,
            remote,
            base::dot_survives,
            self.merge(&local.context, &remote.context),
        )
    }
}
