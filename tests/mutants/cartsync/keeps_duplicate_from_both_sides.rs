//! Each side is deduplicated on its own, then the two are put together and every version
//! no other version is After is kept — but a version is not After itself, so the same
//! write arriving from both sides (a relay, a state already merged) is kept twice. The
//! user is shown the same value as a conflict with itself: a sibling for a conflict that
//! never happened. (The story also says: never the same version twice.)

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
        let dedup = |side: &[Version]| {
            let mut side = side.to_vec();
            side.sort_by_key(|v| (v.dot(), v.write));
            side.dedup_by_key(|v| v.write);
            side
        };
        let all: Vec<Version> = dedup(local).into_iter().chain(dedup(remote)).collect();
        let mut kept: Vec<Version> = all
            .iter()
            .filter(|v| {
                !all.iter()
                    .any(|w| base::compare(&w.vector, &v.vector) == Causality::After)
            })
            .cloned()
            .collect();
        kept.sort_by_key(|v| (v.dot(), v.write));
        kept
    }

    fn merge_cart(&mut self, local: &Cart, remote: &Cart) -> Cart {
        base::merge_cart(local, remote)
    }
}
