//! Correct, with the vectors walked as two sorted lists: `entries()` comes in region
//! order, so compare and merge are a single two-pointer pass (as one would over a sorted
//! `Vec<(region, counter)>`), a region missing on one side read as 0 as the pointer
//! passes it. resolve and merge_cart go through these.

use super::base;
use crate::harness::Expect;
use replication_katas::katas::cartsync::prelude::*;
use std::cmp::Ordering;

pub const EXPECT: Expect = Expect::Pass;

pub struct Resolver {}

impl Resolver {
    pub fn new() -> Self {
        Resolver {}
    }
}

impl ConflictResolver for Resolver {
    fn compare(&self, a: &VersionVector, b: &VersionVector) -> Causality {
        let (xs, ys) = (sorted(a), sorted(b));
        let (mut i, mut j) = (0, 0);
        let (mut a_larger, mut b_larger) = (false, false);
        while i < xs.len() || j < ys.len() {
            let ord = match (xs.get(i), ys.get(j)) {
                (Some(x), Some(y)) => x.0.cmp(&y.0),
                (Some(_), None) => Ordering::Less,
                (None, _) => Ordering::Greater,
            };
            match ord {
                // A region only `a` has: a's counter (non-zero) against 0.
                Ordering::Less => {
                    a_larger = true;
                    i += 1;
                }
                Ordering::Greater => {
                    b_larger = true;
                    j += 1;
                }
                Ordering::Equal => {
                    a_larger |= xs[i].1 > ys[j].1;
                    b_larger |= ys[j].1 > xs[i].1;
                    i += 1;
                    j += 1;
                }
            }
        }
        match (a_larger, b_larger) {
            (false, false) => Causality::Equal,
            (false, true) => Causality::Before,
            (true, false) => Causality::After,
            (true, true) => Causality::Concurrent,
        }
    }

    fn merge(&self, a: &VersionVector, b: &VersionVector) -> VersionVector {
        let (xs, ys) = (sorted(a), sorted(b));
        let (mut i, mut j) = (0, 0);
        let mut out: Vec<(Region, u64)> = Vec::with_capacity(xs.len() + ys.len());
        while i < xs.len() || j < ys.len() {
            match (xs.get(i), ys.get(j)) {
                (Some(&x), Some(&y)) if x.0 == y.0 => {
                    out.push((x.0, x.1.max(y.1)));
                    i += 1;
                    j += 1;
                }
                (Some(&x), Some(&y)) if x.0 < y.0 => {
                    out.push(x);
                    i += 1;
                }
                (Some(&x), None) => {
                    out.push(x);
                    i += 1;
                }
                (_, Some(&y)) => {
                    out.push(y);
                    j += 1;
                }
                (None, None) => unreachable!("the loop runs while one list has entries"),
            }
        }
        VersionVector::from_entries(out)
    }

    fn resolve(&mut self, local: &[Version], remote: &[Version]) -> Vec<Version> {
        base::resolve_with(local, remote, |a, b| self.compare(a, b))
    }

    fn merge_cart(&mut self, local: &Cart, remote: &Cart) -> Cart {
        base::merge_cart_with(
            local,
            remote,
            base::dot_survives,
            self.merge(&local.context, &remote.context),
        )
    }
}

/// The vector as a list sorted by region (entries() already comes in order).
fn sorted(v: &VersionVector) -> Vec<(Region, u64)> {
    v.entries().collect()
}
