//! Before only when *every* counter of `a` is strictly smaller than `b`'s ("b is newer in
//! every region"). The textbook definition is ≤ everywhere and < somewhere: `[A:1, B:1]`
//! against `[A:1, B:2]` comes out Concurrent. Ordered writes look concurrent — causality
//! (compare is not exact), and spurious siblings besides.

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
        let regions = base::regions(a, b);
        if a == b {
            Causality::Equal
        } else if regions.iter().all(|&r| a.get(r) < b.get(r)) {
            Causality::Before
        } else if regions.iter().all(|&r| a.get(r) > b.get(r)) {
            Causality::After
        } else {
            Causality::Concurrent
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
