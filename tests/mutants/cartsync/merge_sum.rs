//! merge adds the counters: "a state that has received both has seen all their writes".
//! A write both sides had seen is counted twice, so the merged vector claims writes that
//! never happened and dominates versions it never saw. Causality: merge is not exact.

use super::base;
use crate::harness::Expect;
use replication_katas::katas::cartsync::prelude::*;

pub const EXPECT: Expect = Expect::Fail("causality");

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
        VersionVector::from_entries(
            base::regions(a, b)
                .into_iter()
                .map(|r| (r, a.get(r) + b.get(r))),
        )
    }

    fn resolve(&mut self, local: &[Version], remote: &[Version]) -> Vec<Version> {
        base::resolve(local, remote)
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
