//! Vectors find the siblings, then the clock trims them: a sibling more than a second
//! older than the newest is dropped ("the user had surely seen it"). Concurrent writes a
//! partition apart, or a second apart on skewed clocks, are silently lost.

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
        let kept = base::resolve(local, remote);
        let newest = kept.iter().map(|v| v.wall_clock_ms).max().unwrap_or(0);
        kept.into_iter()
            .filter(|v| newest - v.wall_clock_ms <= 1000)
            .collect()
    }

    fn merge_cart(&mut self, local: &Cart, remote: &Cart) -> Cart {
        base::merge_cart(local, remote)
    }
}
