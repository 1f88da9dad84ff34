//! The merged context is rebuilt from the dots the result still holds (per region, the
//! largest held dot) — the additions that were removed are forgotten. A region that merged
//! after a removal no longer remembers it, and an older state that still holds the item
//! brings it back. Causality.

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
        let mut cart = base::merge_cart(local, remote);
        let mut context = VersionVector::new();
        for dot in cart.items.values().flatten() {
            if dot.counter > context.get(dot.region) {
                context.set(dot.region, dot.counter);
            }
        }
        cart.context = context;
        cart
    }
}
