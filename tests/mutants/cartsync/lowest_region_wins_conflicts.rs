//! Causally ordered versions are settled right; a conflict is settled by region, the
//! lowest-numbered region's version winning (the "primary region" rule), so every region
//! agrees. But the losing concurrent write is gone without the user ever seeing it: a
//! silently lost update.

use super::base;
use crate::harness::Expect;
use replication_katas::katas::cartsync::prelude::*;

pub const EXPECT: Expect = Expect::Fail("no-silently-lost-update");

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
        base::resolve(local, remote)
            .into_iter()
            .min_by_key(|v| (v.origin, std::cmp::Reverse(v.lamport), v.write))
            .into_iter()
            .collect()
    }

    fn merge_cart(&mut self, local: &Cart, remote: &Cart) -> Cart {
        base::merge_cart(local, remote)
    }
}
