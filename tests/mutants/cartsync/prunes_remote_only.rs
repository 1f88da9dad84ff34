//! Checks whether each remote version is new (no local version is newer or the same)
//! and appends it, but never removes a local version that a remote one supersedes. The
//! region that receives the newer write keeps both; the region that sent it drops the
//! older one on receipt. The regions end with different sibling sets: no convergence.

use super::base;
use crate::harness::Expect;
use replication_katas::katas::cartsync::prelude::*;

pub const EXPECT: Expect = Expect::Fail("convergence");

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
        let mut kept: Vec<Version> = local.to_vec();
        for v in remote {
            let known = local.iter().any(|l| {
                matches!(
                    base::compare(&l.vector, &v.vector),
                    Causality::After | Causality::Equal
                )
            });
            if !known {
                kept.push(v.clone());
            }
        }
        kept.sort_by_key(|v| (v.dot(), v.write));
        kept
    }

    fn merge_cart(&mut self, local: &Cart, remote: &Cart) -> Cart {
        base::merge_cart(local, remote)
    }
}
