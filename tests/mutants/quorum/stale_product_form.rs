//! Correct, with the stale-read probability as sequential draws without replacement:
//! the first read replica misses the write with probability (N − W)/N, the second,
//! given that, (N − W − 1)/(N − 1), …: Π_{i<R} (N − W − i)/(N − i), which is
//! C(N − W, R)/C(N, R) with the factorials cancelled. A factor reaches 0 exactly when
//! R > N − W. Availability uses C(n, i) from the symmetric running product in f64. The
//! coordinator keeps a little state (how many reads it coordinated), which changes
//! nothing about its answers.

use crate::harness::Expect;
use replication_katas::katas::quorum::prelude::*;

pub const EXPECT: Expect = Expect::Pass;

pub struct Quorums {
    reads: u64,
}

impl Quorums {
    pub fn new() -> Self {
        Quorums { reads: 0 }
    }
}

fn validate(n: u32, w: u32, r: u32) -> Result<(), QuorumError> {
    use QuorumError::*;
    let error = if n == 0 {
        Some(NoNodes)
    } else if w == 0 || r == 0 {
        Some(EmptyQuorum)
    } else if w > n || r > n {
        Some(QuorumLargerThanCluster)
    } else {
        None
    };
    error.map_or(Ok(()), Err)
}

fn miss_probability(n: u32, w: u32, r: u32) -> f64 {
    let mut p = 1.0;
    for i in 0..r {
        if i >= n - w {
            return 0.0;
        }
        p *= f64::from(n - w - i) / f64::from(n - i);
    }
    p
}

fn choose(n: u32, k: u32) -> f64 {
    let k = k.min(n - k);
    let mut c = 1.0;
    for i in 1..=k {
        c = c * f64::from(n - k + i) / f64::from(i);
    }
    c.round()
}

impl Quorum for Quorums {
    fn overlaps(&self, n: u32, w: u32, r: u32) -> Result<bool, QuorumError> {
        validate(n, w, r)?;
        Ok(r > n - w)
    }

    fn tolerated_failures(&self, n: u32, w: u32, r: u32) -> Result<Tolerance, QuorumError> {
        validate(n, w, r)?;
        Ok(Tolerance {
            reads: n - r,
            writes: n - w,
        })
    }

    fn smallest_overlapping_r(&self, n: u32, w: u32) -> Result<u32, QuorumError> {
        validate(n, w, w)?;
        Ok(n - w + 1)
    }

    fn availability(&self, n: u32, k: u32, p: f64) -> Result<f64, QuorumError> {
        if n == 0 {
            return Err(QuorumError::NoNodes);
        }
        let p_ok = (0.0..=1.0).contains(&p);
        let k_ok = (1..=n).contains(&k);
        if !(p_ok && k_ok) {
            return Err(QuorumError::OutOfRange);
        }
        Ok((k..=n)
            .map(|i| choose(n, i) * p.powi(i as i32) * (1.0 - p).powi((n - i) as i32))
            .sum())
    }

    fn stale_read_probability(&self, n: u32, w: u32, r: u32) -> Result<f64, QuorumError> {
        validate(n, w, r)?;
        Ok(miss_probability(n, w, r))
    }

    fn k_staleness(&self, n: u32, w: u32, r: u32, k: u32) -> Result<f64, QuorumError> {
        validate(n, w, r)?;
        if k == 0 {
            return Err(QuorumError::OutOfRange);
        }
        Ok(1.0 - miss_probability(n, w, r).powi(k.min(i32::MAX as u32) as i32))
    }

    fn resolve(&mut self, responses: &[Response]) -> Resolution {
        self.reads += 1;
        let newest = responses.iter().fold(None, |best, r| best.max(r.version));
        Resolution {
            version: newest,
            repair: responses
                .iter()
                .filter_map(|r| (r.version < newest).then_some(r.node))
                .collect(),
        }
    }
}
