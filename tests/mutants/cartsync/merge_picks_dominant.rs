//! merge returns the newer of the two vectors: `b` if `a` is Before `b`, otherwise `a`.
//! Right for ordered vectors; for concurrent ones it keeps `a` and forgets everything only
//! `b` had seen. Causality: merge is not exact.

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
        match base::compare(a, b) {
            Causality::Before => b.clone(),
            _ => a.clone(),
        }
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
