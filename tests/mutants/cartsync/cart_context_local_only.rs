//! The merged cart keeps the local context: "the context is what *this* region wrote".
//! The region then holds items whose additions its context has not seen; when the user
//! removes one there, the removal leaves no trace (its dot is neither held nor covered),
//! and the next merge with a region that still holds it brings it back. Causality.

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
        base::merge_cart_with(local, remote, base::dot_survives, local.context.clone())
    }
}
