//! Compares the first version of each side and treats each side as one: if the local
//! first is Before the remote first, the remote side replaces the local side, and the
//! other way round; only when the firsts are concurrent are the sides merged. A region
//! holding siblings [x, y] that receives z, written after x but without knowing y, ends
//! with [z]: y is silently lost.

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
        match (local.first(), remote.first()) {
            (None, _) => remote.to_vec(),
            (_, None) => local.to_vec(),
            (Some(l), Some(r)) => match base::compare(&l.vector, &r.vector) {
                Causality::Before => remote.to_vec(),
                Causality::After | Causality::Equal => local.to_vec(),
                Causality::Concurrent => base::resolve(local, remote),
            },
        }
    }

    fn merge_cart(&mut self, local: &Cart, remote: &Cart) -> Cart {
        base::merge_cart(local, remote)
    }
}
