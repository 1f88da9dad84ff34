//! Version vectors find the conflict, then the wall clock settles it: the newest
//! timestamp among the siblings wins. Causally ordered writes are safe, but of two
//! concurrent writes one is silently dropped — the guide's scenario with vectors bolted on.

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
            .max_by_key(|v| (v.wall_clock_ms, v.origin, v.write))
            .into_iter()
            .collect()
    }

    fn merge_cart(&mut self, local: &Cart, remote: &Cart) -> Cart {
        base::merge_cart(local, remote)
    }
}
