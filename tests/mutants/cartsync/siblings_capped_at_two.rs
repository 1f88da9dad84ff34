//! Siblings are kept, but at most two — "a user can choose between two values" — the
//! newest by wall clock. With three regions writing concurrently the third write is
//! silently dropped (a bounded buffer where the story needs every concurrent write).

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
        let mut kept = base::resolve(local, remote);
        kept.sort_by_key(|v| (std::cmp::Reverse(v.wall_clock_ms), v.origin, v.write));
        kept.truncate(2);
        kept.sort_by_key(|v| (v.dot(), v.write));
        kept
    }

    fn merge_cart(&mut self, local: &Cart, remote: &Cart) -> Cart {
        base::merge_cart(local, remote)
    }
}
