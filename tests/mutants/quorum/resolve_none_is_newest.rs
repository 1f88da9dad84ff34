//! A missing value ranked above every version, "a replica without the key may have
//! seen its deletion": any responder without the key makes the read return nothing, even
//! when another responder has the latest acknowledged write.

use super::base;
use crate::harness::Expect;
use replication_katas::katas::quorum::prelude::*;

pub const EXPECT: Expect = Expect::Fail("quorum-intersection");

pub struct Quorums;

impl Quorums {
    pub fn new() -> Self {
        Quorums
    }
}

impl Quorum for Quorums {
    fn overlaps(&self, n: u32, w: u32, r: u32) -> Result<bool, QuorumError> {
        base::overlaps(n, w, r)
    }

    fn tolerated_failures(&self, n: u32, w: u32, r: u32) -> Result<Tolerance, QuorumError> {
        base::tolerated_failures(n, w, r)
    }

    fn smallest_overlapping_r(&self, n: u32, w: u32) -> Result<u32, QuorumError> {
        base::smallest_overlapping_r(n, w)
    }

    fn availability(&self, n: u32, k: u32, p: f64) -> Result<f64, QuorumError> {
        base::availability(n, k, p)
    }

    fn stale_read_probability(&self, n: u32, w: u32, r: u32) -> Result<f64, QuorumError> {
        base::stale_read_probability(n, w, r)
    }

    fn k_staleness(&self, n: u32, w: u32, r: u32, k: u32) -> Result<f64, QuorumError> {
        base::k_staleness(n, w, r, k)
    }

    fn resolve(&mut self, responses: &[Response]) -> Resolution {
        let rank = |v: Option<Version>| v.map_or(u64::MAX, |v| v.0);
        let best = responses
            .iter()
            .max_by_key(|r| rank(r.version))
            .map(|r| r.version);
        let version = best.flatten();
        let repair = responses
            .iter()
            .filter(|r| rank(r.version) < best.map_or(0, rank))
            .map(|r| r.node)
            .collect();
        Resolution { version, repair }
    }
}
