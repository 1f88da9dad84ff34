//! Remembers, in the resolver, the name of every item a merge removed, and filters those
//! names out of every later merge — tombstones by name, "so removed items can never come
//! back". But the resolver is shared by every region and an item name is not an addition:
//! when the user adds the item again (or adds it on the phone while the laptop removes it),
//! the new addition is silently dropped.

use super::base;
use crate::harness::Expect;
use replication_katas::katas::cartsync::prelude::*;

pub const EXPECT: Expect = Expect::Fail("no-silently-lost-update");

pub struct Resolver {
    removed: std::collections::BTreeSet<String>,
}

impl Resolver {
    pub fn new() -> Self {
        Resolver {
            removed: std::collections::BTreeSet::new(),
        }
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
        for name in local.item_names().chain(remote.item_names()) {
            if !cart.contains(name) {
                self.removed.insert(name.to_string());
            }
        }
        cart.items.retain(|name, _| !self.removed.contains(name));
        cart
    }
}
