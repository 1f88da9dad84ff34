//! merge walks `a`'s regions and takes the larger counter of each — the regions only `b`
//! has seen are lost. A write made after seeing a remote version does not record it, and
//! is taken for concurrent with it. Causality: merge is not exact.

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
        VersionVector::from_entries(a.entries().map(|(r, n)| (r, n.max(b.get(r)))))
    }

    fn resolve(&mut self, local: &[Version], remote: &[Version]) -> Vec<Version> {
        base::resolve(local, remote)
    }

    fn merge_cart(&mut self, local: &Cart, remote: &Cart) -> Cart {
        base::merge_cart_with(
            local,
            remote,
            base::dot_survives,
            self.merge(&local.context, &remote.context),
        )
    }
}
