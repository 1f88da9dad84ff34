//! Two cases only: `a ≤ b` everywhere is Before, `a ≥ b` everywhere is After, anything else
//! Concurrent — the Equal case is forgotten, so a vector compared with itself is Before.
//! The same write arriving from both sides is then "older than itself" and dropped from
//! both. Causality: compare is not exact.
//!
//! Not in the suite's list today: resolve then never recognises the same write twice,
//! so every delivery doubles a field's versions and the grade does not finish. The
//! CLI stops it (`resolve did not return within 2000 ms`, blaming a loop); the suite's
//! harness grades without a time limit and would hang. Add it back once the grader
//! bounds a state's size (or the suite grades with a limit).

use super::base;
use crate::harness::Expect;
use replication_katas::katas::cartsync::prelude::*;

pub const EXPECT: Expect = Expect::Fail("causality");

pub struct Resolver {}

impl Resolver {
    pub fn new() -> Self {
        Resolver {}
    }
}

impl ConflictResolver for Resolver {
    fn compare(&self, a: &VersionVector, b: &VersionVector) -> Causality {
        let regions = base::regions(a, b);
        if regions.iter().all(|&r| a.get(r) <= b.get(r)) {
            Causality::Before
        } else if regions.iter().all(|&r| a.get(r) >= b.get(r)) {
            Causality::After
        } else {
            Causality::Concurrent
        }
    }

    fn merge(&self, a: &VersionVector, b: &VersionVector) -> VersionVector {
        base::merge(a, b)
    }

    fn resolve(&mut self, local: &[Version], remote: &[Version]) -> Vec<Version> {
        base::resolve_with(local, remote, |a, b| self.compare(a, b))
    }

    fn merge_cart(&mut self, local: &Cart, remote: &Cart) -> Cart {
        base::merge_cart(local, remote)
    }
}
