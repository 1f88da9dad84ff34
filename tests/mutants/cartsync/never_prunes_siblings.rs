//! Keeps every version either side holds, each write once: nothing is ever lost, but
//! nothing is ever superseded either. A version the user already replaced comes back as a
//! sibling of its replacement whenever an older state arrives: spurious siblings, conflicts
//! the user must settle that never happened.

use super::base;
use crate::harness::Expect;
use replication_katas::katas::cartsync::prelude::*;

pub const EXPECT: Expect = Expect::Fail("budget:spurious_siblings");

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
        let mut all: Vec<Version> = local.iter().chain(remote).cloned().collect();
        all.sort_by_key(|v| (v.dot(), v.write));
        all.dedup_by_key(|v| v.write);
        all
    }

    fn merge_cart(&mut self, local: &Cart, remote: &Cart) -> Cart {
        base::merge_cart(local, remote)
    }
}
