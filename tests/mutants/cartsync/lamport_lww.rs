//! Last-write-wins on the Lamport timestamp, ties broken by region. It never drops a
//! causally newer write for an older one (a write that happened after another has a
//! larger Lamport timestamp) and it converges — but of two concurrent writes it keeps one
//! and silently drops the other.

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
            .max_by_key(|v| (v.lamport, v.origin, v.write))
            .cloned()
            .into_iter()
            .collect()
    }

    fn merge_cart(&mut self, local: &Cart, remote: &Cart) -> Cart {
        base::merge_cart(local, remote)
    }
}
