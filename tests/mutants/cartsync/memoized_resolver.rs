//! Correct, with the resolver keeping a cache: the outcome of resolve depends only on
//! which writes the two sides hold, so it is memoized in a BTreeMap keyed by the sorted
//! write ids of both sides (the same pair of states meets again and again while
//! replication drains). State in the resolver is shared by every region — harmless here,
//! since the cached answer is a pure function of its key.

use super::base;
use crate::harness::Expect;
use replication_katas::katas::cartsync::prelude::*;
use std::collections::BTreeMap;

pub const EXPECT: Expect = Expect::Pass;

pub struct Resolver {
    cache: BTreeMap<(Vec<WriteId>, Vec<WriteId>), Vec<Version>>,
}

impl Resolver {
    pub fn new() -> Self {
        Resolver {
            cache: BTreeMap::new(),
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
        let ids = |side: &[Version]| {
            let mut ids: Vec<WriteId> = side.iter().map(|v| v.write).collect();
            ids.sort();
            ids
        };
        let (l, r) = (ids(local), ids(remote));
        let key = if l <= r { (l, r) } else { (r, l) };
        self.cache
            .entry(key)
            .or_insert_with(|| base::resolve(local, remote))
            .clone()
    }

    fn merge_cart(&mut self, local: &Cart, remote: &Cart) -> Cart {
        base::merge_cart(local, remote)
    }
}
