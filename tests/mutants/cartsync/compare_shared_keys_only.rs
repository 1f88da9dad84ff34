//! compare looks only at the regions both vectors mention: "a region one side has never
//! heard of cannot be compared". But a missing region counts 0: `[A:1]` against `[B:1]`
//! comes out Equal (two concurrent writes taken for the same one) and `[A:1]` against
//! `[A:1, B:1]` Equal instead of Before. The grader checks compare on the textbook pairs
//! and every small vector: causality (compare is not exact).

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
        for r in a.regions().filter(|r| b.get(*r) > 0) {
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
