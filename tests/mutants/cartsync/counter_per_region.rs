//! Compares versions by their own region's counter only: a later write from the same
//! region replaces an earlier one, and versions from different regions are always kept
//! as siblings. Nothing is dropped wrongly, but a write made in London after seeing NYC's
//! is kept next to it — ordered writes taken for concurrent: spurious siblings.

use super::base;
use crate::harness::Expect;
use replication_katas::katas::cartsync::prelude::*;

pub const EXPECT: Expect = Expect::Fail("budget:spurious_siblings");

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
        let all: Vec<&Version> = local.iter().chain(remote).collect();
        let mut kept: Vec<Version> = all
            .iter()
            .filter(|v| {
                !all.iter()
                    .any(|w| w.origin == v.origin && w.dot().counter > v.dot().counter)
            })
            .map(|v| (*v).clone())
            .collect();
        kept.sort_by_key(|v| (v.dot(), v.write));
        kept.dedup_by_key(|v| v.write);
        kept
    }

    fn merge_cart(&mut self, local: &Cart, remote: &Cart) -> Cart {
        base::merge_cart(local, remote)
    }
}
