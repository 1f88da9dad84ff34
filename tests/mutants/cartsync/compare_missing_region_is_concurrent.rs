//! A region present in one vector and missing from the other is read as "unknown", so
//! the vectors are declared Concurrent whenever their sets of regions differ. A missing
//! region counts 0: `[A:1]` against `[A:1, B:1]` is Before. Causality: compare is not exact
//! (and ordered writes pile up as spurious siblings).

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
        if !a.regions().eq(b.regions()) {
            return Causality::Concurrent;
        }
        base::compare(a, b)
    }

    fn merge(&self, a: &VersionVector, b: &VersionVector) -> VersionVector {
        base::merge(a, b)
    }

    fn resolve(&mut self, local: &[Version], remote: &[Version]) -> Vec<Version> {
        base::resolve_with(local, remote, |a, b| self.compare(a, b))
    }

    fn merge_cart(&mut self, local: &Cart, remote: &Cart) -> Cart {
        base::merge_cart(local, remote)
    }
}
