//! Last-write-wins on the wall clock, ties broken by region: the guide's third scenario
//! exactly. NYC's 'Senior Engineer' (1000) loses to London's 'Staff Engineer' (1001) and
//! nobody is told; with skew, a write made after seeing another can carry the smaller
//! time and lose to it. Every region agrees, so it converges — but concurrent writes are
//! silently lost.

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
        local
            .iter()
            .chain(remote)
            .max_by_key(|v| (v.wall_clock_ms, v.origin, v.write))
            .cloned()
            .into_iter()
            .collect()
    }

    fn merge_cart(&mut self, local: &Cart, remote: &Cart) -> Cart {
        base::merge_cart(local, remote)
    }
}
