//! The cart merge is a union of the items (and their dots): "merge carts by union", as
//! the exercise page suggests. An item the laptop removed after it was added comes back
//! from any region that still held it: the removal is overwritten by the addition it
//! followed. Causality.

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
