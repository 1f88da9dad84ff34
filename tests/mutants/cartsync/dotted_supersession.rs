//! Correct, in the dotted-version-vector style: a version is superseded when another
//! version's vector has seen its *dot* (the write that made it). A writer whose history
//! contains that write had seen the version, so its write happened after it; versions
//! whose dots nobody else has seen are exactly the concurrent ones. The same write from
//! both sides is recognised by its write id. compare uses "≤ everywhere" computed over
//! `a`'s regions only, which is enough for ≤: a region `a` does not mention counts 0.

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
        match (le(a, b), le(b, a)) {
            (true, true) => Causality::Equal,
            (true, false) => Causality::Before,
            (false, true) => Causality::After,
            (false, false) => Causality::Concurrent,
        }
    }

    fn merge(&self, a: &VersionVector, b: &VersionVector) -> VersionVector {
        base::merge(a, b)
    }

    fn resolve(&mut self, local: &[Version], remote: &[Version]) -> Vec<Version> {
        let mut kept: Vec<Version> = Vec::new();
        for v in local.iter().chain(remote) {
            let seen_by_other = local
                .iter()
                .chain(remote)
                .any(|w| w.write != v.write && w.vector.covers(v.dot()));
            if !seen_by_other && !kept.iter().any(|k| k.write == v.write) {
                kept.push(v.clone());
            }
        }
        kept.sort_by_key(|v| v.write);
        kept
    }

    fn merge_cart(&mut self, local: &Cart, remote: &Cart) -> Cart {
        base::merge_cart(local, remote)
    }
}

/// Whether every counter of `a` is at most `b`'s.
fn le(a: &VersionVector, b: &VersionVector) -> bool {
    a.entries().all(|(r, n)| n <= b.get(r))
}
