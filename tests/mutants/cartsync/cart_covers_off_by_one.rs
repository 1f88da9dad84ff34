//! "Has the other side seen this addition?" is written `context[region] > counter`
//! instead of `>=`: the most recent addition from a region is taken as unseen. An item the
//! user removed right after adding it (or the last one a region added) survives its
//! removal and comes back. Causality.

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
        base::compare(a, b)
    }

    fn merge(&self, a: &VersionVector, b: &VersionVector) -> VersionVector {
        base::merge(a, b)
    }

    fn resolve(&mut self, local: &[Version], remote: &[Version]) -> Vec<Version> {
        base::resolve(local, remote)
    }

    fn merge_cart(&mut self, local: &Cart, remote: &Cart) -> Cart {
        base::merge_cart_with(
            local,
            remote,
            |d, other_holds, other| other_holds || other.context.get(d.region) <= d.counter,
            base::merge(&local.context, &remote.context),
        )
    }
}
