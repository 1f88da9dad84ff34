//! Decides per item instead of per addition: an item only one side holds is dropped if
//! the other side has seen *any* of its dots. When both regions added the same item
//! concurrently and one of them then removed it, the removal saw only its own region's
//! addition — the other region's concurrent addition must win, and is silently lost.

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
        let mut cart = base::merge_cart(local, remote);
        for name in local.item_names().chain(remote.item_names()) {
            let (holder, other) = match (local.items.get(name), remote.items.get(name)) {
                (Some(dots), None) => (dots, remote),
                (None, Some(dots)) => (dots, local),
                _ => continue,
            };
            if holder.iter().any(|&d| other.context.covers(d)) {
                cart.items.remove(name);
            }
        }
        cart
    }
}
