//! Correct, with the siblings left in the order they were found: local ones first, then
//! remote ones. Two regions can list the same siblings in different orders — the same
//! set of versions, the same choices for the user — so the state has converged; the
//! story asks for the same versions, not for an order.
//!
//! (As graded today this order never reaches the checkers: the harness stores every
//! region's siblings sorted by write, so the design only shows that a resolver is not
//! required to sort.)

use super::base;
use crate::harness::Expect;
use replication_katas::katas::cartsync::prelude::*;

pub const EXPECT: Expect = Expect::Pass;

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
        let mut kept: Vec<Version> = Vec::new();
        for v in &all {
            let superseded = all
                .iter()
                .any(|w| base::compare(&w.vector, &v.vector) == Causality::After);
            if !superseded && !kept.iter().any(|k| k.write == v.write) {
                kept.push((*v).clone());
            }
        }
        kept
    }

    fn merge_cart(&mut self, local: &Cart, remote: &Cart) -> Cart {
        base::merge_cart(local, remote)
    }
}
