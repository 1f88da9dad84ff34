//! Quorum — naive strategies, each the instructor's solution with one thing wrong, worth
//! understanding. Grade one with `cargo run -- grade quorum --solution NAME`.

use super::quorum_solution::Quorums as Exact;
use replication_katas::katas::quorum::prelude::*;

/// What is wrong with a naive strategy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flaw {
    /// `overlap-off-by-one`: believes R + W ≥ N is enough. At R + W = N a read quorum
    /// can sit entirely outside the write quorum.
    OverlapOffByOne,
    /// `first-response-wins`: returns whatever answer arrived first — often the stale
    /// replica's.
    FirstResponseWins,
    /// `no-read-repair`: returns the newest version but never repairs, so stale
    /// replicas stay stale.
    NoReadRepair,
    /// `accept-invalid`: computes numbers for any input, W > N and k = 0 included,
    /// where the error contract requires an error.
    AcceptInvalid,
}

pub struct Naive {
    exact: Exact,
    flaw: Flaw,
}

impl Naive {
    pub fn new(flaw: Flaw) -> Self {
        Naive {
            exact: Exact::new(),
            flaw,
        }
    }

    fn accepts_invalid(&self) -> bool {
        self.flaw == Flaw::AcceptInvalid
    }
}

impl Quorum for Naive {
    fn overlaps(&self, n: u32, w: u32, r: u32) -> Result<bool, QuorumError> {
        match self.flaw {
            Flaw::OverlapOffByOne => self.exact.overlaps(n, w, r).map(|_| r + w >= n),
            Flaw::AcceptInvalid => Ok(r.saturating_add(w) > n),
            _ => self.exact.overlaps(n, w, r),
        }
    }

    fn tolerated_failures(&self, n: u32, w: u32, r: u32) -> Result<Tolerance, QuorumError> {
        if self.accepts_invalid() {
            return Ok(Tolerance {
                reads: n.saturating_sub(r),
                writes: n.saturating_sub(w),
            });
        }
        self.exact.tolerated_failures(n, w, r)
    }

    fn smallest_overlapping_r(&self, n: u32, w: u32) -> Result<u32, QuorumError> {
        match self.flaw {
            Flaw::OverlapOffByOne => self
                .exact
                .smallest_overlapping_r(n, w)
                .map(|_| (n - w).max(1)),
            Flaw::AcceptInvalid => Ok((n + 1).saturating_sub(w)),
            _ => self.exact.smallest_overlapping_r(n, w),
        }
    }

    fn availability(&self, n: u32, k: u32, p: f64) -> Result<f64, QuorumError> {
        self.exact.availability(n, k, p)
    }

    fn stale_read_probability(&self, n: u32, w: u32, r: u32) -> Result<f64, QuorumError> {
        match self.exact.stale_read_probability(n, w, r) {
            Err(_) if self.accepts_invalid() => Ok(0.0),
            other => other,
        }
    }

    fn k_staleness(&self, n: u32, w: u32, r: u32, k: u32) -> Result<f64, QuorumError> {
        match self.exact.k_staleness(n, w, r, k) {
            Err(_) if self.accepts_invalid() => Ok(1.0),
            other => other,
        }
    }

    fn resolve(&mut self, responses: &[Response]) -> Resolution {
        match self.flaw {
            Flaw::FirstResponseWins => {
                let first = responses.first().and_then(|r| r.version);
                Resolution {
                    version: first,
                    repair: responses
                        .iter()
                        .filter(|r| r.version < first)
                        .map(|r| r.node)
                        .collect(),
                }
            }
            Flaw::NoReadRepair => Resolution {
                version: self.exact.resolve(responses).version,
                repair: Vec::new(),
            },
            _ => self.exact.resolve(responses),
        }
    }
}
