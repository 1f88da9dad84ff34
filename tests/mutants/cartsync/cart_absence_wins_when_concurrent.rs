//! Remove-wins: when one cart's history contains the other's, the newer cart is taken
//! whole; when the histories are concurrent, an item only one side holds is taken to be
//! removed on the other and is dropped. The story wants the opposite — addition wins — so
//! an item added on the phone while the laptop changed something else is silently lost.

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
        base::resolve(local, remote)
    }

    fn merge_cart(&mut self, local: &Cart, remote: &Cart) -> Cart {
        match base::compare(&local.context, &remote.context) {
            Causality::Before => remote.clone(),
            Causality::After | Causality::Equal => local.clone(),
            Causality::Concurrent => {
                let mut cart = base::merge_cart(local, remote);
                cart.items
                    .retain(|name, _| local.contains(name) && remote.contains(name));
                cart
            }
        }
    }
}
