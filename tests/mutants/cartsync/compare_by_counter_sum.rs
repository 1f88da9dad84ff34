//! Compares the total number of writes each vector has seen: fewer is Before, more is
//! After, the same total is Equal when the vectors are equal and Concurrent otherwise. A
//! total is a timestamp in disguise: `[A:2]` against `[B:1]` is After although neither
//! writer knew of the other. Causality: compare is not exact, and a concurrent write is
//! dropped as older.

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
        let total = |v: &VersionVector| v.entries().map(|(_, n)| n).sum::<u64>();
        match total(a).cmp(&total(b)) {
            std::cmp::Ordering::Less => Causality::Before,
            std::cmp::Ordering::Greater => Causality::After,
            std::cmp::Ordering::Equal if a == b => Causality::Equal,
            std::cmp::Ordering::Equal => Causality::Concurrent,
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
