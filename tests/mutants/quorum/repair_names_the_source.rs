//! The repair list names the replica that *had* the newest version ("repair from
//! node-2") instead of the replicas that need it. The stale replicas are never sent
//! the newest version.

use super::base;
use crate::harness::Expect;
use replication_katas::katas::quorum::prelude::*;

pub const EXPECT: Expect = Expect::Fail("convergence");

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
        let newest = responses
            .iter()
            .filter(|r| r.version.is_some())
            .max_by_key(|r| r.version);
        // Repair "from" the newest replica when anyone is behind it.
        let repair = newest
            .filter(|source| responses.iter().any(|r| r.version < source.version))
            .map(|source| source.node)
            .into_iter()
            .collect();
        Resolution {
            version: newest.and_then(|r| r.version),
            repair,
        }
    }
}
