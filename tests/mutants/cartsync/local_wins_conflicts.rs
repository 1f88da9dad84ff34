//! Causally ordered versions are settled right; a conflict keeps what this region already
//! has ("our region's user saw this value"). NYC keeps NYC's title and London keeps
//! London's, forever: the tie-break depends on which region is merging, so the regions
//! diverge.

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
        let merged = base::resolve(local, remote);
        let ours: Vec<Version> = merged
            .iter()
            .filter(|v| local.iter().any(|l| l.write == v.write))
            .cloned()
            .collect();
        if ours.is_empty() { merged } else { ours }
    }

    fn merge_cart(&mut self, local: &Cart, remote: &Cart) -> Cart {
        base::merge_cart(local, remote)
    }
}
