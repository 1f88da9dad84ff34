//! compare walks the regions of `a` only — the loop a learner writes first. Whatever `b`
//! has seen that `a` has not is invisible: `[A:1]` against `[A:1, B:1]` is Equal instead of
//! Before, and `[A:1]` against `[B:1]` is After instead of Concurrent. Causality: compare is
//! not exact (and a newer write can be dropped as a duplicate).

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
        for r in a.regions() {
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
