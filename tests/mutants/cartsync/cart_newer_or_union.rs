//! Carts are compared by their contexts: the newer one is taken whole, and when they are
//! concurrent the items are merged by union. The concurrent case is exactly where one side
//! removed an item the other still holds: the union brings it back. Causality.

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
        match base::compare(&local.context, &remote.context) {
            Causality::Before => remote.clone(),
            Causality::After | Causality::Equal => local.clone(),
            Causality::Concurrent => {
                let mut cart = local.clone();
                for (name, dots) in &remote.items {
                    cart.items
                        .entry(name.clone())
                        .or_default()
                        .extend(dots.iter().copied());
                }
                cart.context = base::merge(&local.context, &remote.context);
                cart
            }
        }
    }
}
