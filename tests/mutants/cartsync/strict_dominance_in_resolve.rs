//! compare is exact, but resolve drops a version only when another is newer in *every*
//! region it mentions ("clearly newer"). A region's next write moves only its own
//! counter, so it never clearly supersedes the versions it followed: both are kept, as
//! spurious siblings.

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
        let clearly_newer = |w: &Version, v: &Version| {
            base::regions(&w.vector, &v.vector)
                .into_iter()
                .all(|r| w.vector.get(r) > v.vector.get(r))
        };
        let mut kept: Vec<Version> = all
            .iter()
            .filter(|v| !all.iter().any(|w| clearly_newer(w, v)))
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
