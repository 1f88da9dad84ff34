//! The primary's replication log.

use crate::model::{Lsn, Millis};

/// The primary's write-ahead / replication log, as far as replication lag is concerned:
/// the time at which each entry was committed on the primary.
///
/// Entry `i` (0-based) has LSN `i + 1`. A replica whose *replication horizon* is `h`
/// (it has received everything the primary committed up to time `h`) has applied
/// exactly the entries committed at or before `h`: a prefix, found by binary search.
#[derive(Clone, Debug, Default)]
pub struct ReplicationLog {
    committed_at: Vec<Millis>,
}

impl ReplicationLog {
    /// Appends a write committed at `at` and returns its LSN.
    ///
    /// # Panics
    /// If `at` is earlier than the last entry: the harness feeds writes in time order.
    pub fn append(&mut self, at: Millis) -> Lsn {
        assert!(
            self.committed_at.last().is_none_or(|&last| last <= at),
            "writes must be appended in time order"
        );
        self.committed_at.push(at);
        Lsn(self.committed_at.len() as u64)
    }

    /// The newest position: what the primary itself serves.
    pub fn head(&self) -> Lsn {
        Lsn(self.committed_at.len() as u64)
    }

    /// The last LSN committed at or before `horizon` (which may be negative: a replica
    /// restored from a backup older than the scenario has nothing).
    ///
    /// The search starts from `near`, the answer for an earlier horizon of the same
    /// replica: a horizon mostly creeps forward between two observations, so the answer
    /// is among the few entries just past `near` (the ones the replica lags behind on),
    /// not anywhere in the log. Any `near` gives the right answer; a good one, sooner.
    pub fn lsn_through(&self, horizon: i64, near: Lsn) -> Lsn {
        if horizon < 0 {
            return Lsn::ZERO;
        }
        let h = horizon as u64;
        let split = (near.0 as usize).min(self.committed_at.len());
        let (before, after) = self.committed_at.split_at(split);
        if before.last().is_some_and(|&t| t > h) {
            // The horizon moved back (a restore from a backup): search what is before.
            Lsn(before.partition_point(|&t| t <= h) as u64)
        } else {
            Lsn((split + after.partition_point(|&t| t <= h)) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_by_horizon() {
        let mut log = ReplicationLog::default();
        assert_eq!(log.append(10), Lsn(1));
        assert_eq!(log.append(10), Lsn(2));
        assert_eq!(log.append(30), Lsn(3));
        assert_eq!(log.lsn_through(-5, Lsn(0)), Lsn(0));
        assert_eq!(log.lsn_through(9, Lsn(0)), Lsn(0));
        assert_eq!(log.lsn_through(10, Lsn(0)), Lsn(2));
        assert_eq!(log.lsn_through(29, Lsn(3)), Lsn(2));
        assert_eq!(log.lsn_through(1_000, Lsn(1)), Lsn(3));
        assert_eq!(log.head(), Lsn(3));
    }

    #[test]
    fn searching_from_any_start_gives_the_same_prefix() {
        let times = [0, 0, 5, 9, 9, 9, 20, 31, 31, 40];
        let mut log = ReplicationLog::default();
        for at in times {
            log.append(at);
        }
        for horizon in -3..45 {
            // The definition: how many entries were committed at or before the horizon.
            let want = Lsn(times.iter().filter(|&&t| t as i64 <= horizon).count() as u64);
            for near in 0..13 {
                assert_eq!(
                    log.lsn_through(horizon, Lsn(near)),
                    want,
                    "horizon {horizon}, near {near}"
                );
            }
        }
    }
}
