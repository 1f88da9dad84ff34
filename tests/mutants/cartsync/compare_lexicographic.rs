//! `VersionVector` implements `Ord`, so compare uses `a.cmp(b)`: Less is Before, Greater
//! After. That order is lexicographic over the entries — total, so it never says
//! Concurrent: `[A:1, B:0]` against `[A:0, B:1]` is After. Causality: compare is not exact,
//! and one of two concurrent writes is dropped.

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
        match a.cmp(b) {
            std::cmp::Ordering::Less => Causality::Before,
            std::cmp::Ordering::Greater => Causality::After,
            std::cmp::Ordering::Equal => Causality::Equal,
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
