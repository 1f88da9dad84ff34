//! Treats a vector as an array indexed by region number and loops `0..len`, with `len`
//! the larger number of entries — but entries are only the non-zero counters, so a
//! vector `[r2:1]` has one entry and only region 0 is looked at. `[r2:1]` against `[]` is
//! Equal. Causality: compare is not exact.

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
        let (mut a_larger, mut b_larger) = (false, false);
        for r in (0..a.entries().count().max(b.entries().count()) as u32).map(Region) {
            let (x, y) = (a.get(r), b.get(r));
            if x > y {
                a_larger = true;
            }
            if y > x {
                b_larger = true;
            }
        }
        match (a_larger, b_larger) {
            (false, false) => Causality::Equal,
            (false, true) => Causality::Before,
            (true, false) => Causality::After,
            (true, true) => Causality::Concurrent,
        }
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
