//! The primary's replication log, with the terms of its entries.

use crate::model::{Lsn, Millis, Position, Term};

/// The primary's write-ahead / replication log, as far as replication lag is concerned:
/// the time at which each entry was committed on the primary, and the term it was
/// written in.
///
/// The entries after `base` have LSNs `base + 1`, `base + 2`, …; everything up to
/// `base` is history every node already had when the scenario started. A replica whose
/// *replication horizon* is `h` (it has received everything the primary committed up to
/// time `h`) has applied exactly the entries committed at or before `h`: a prefix,
/// found by binary search.
///
/// A failover forks the log: the new leader keeps the prefix it had
/// ([`ReplicationLog::fork`]) and starts a new term; the old leader's entries past the
/// fork point are a *divergent suffix*, truncated when it rejoins.
#[derive(Clone, Debug)]
pub struct ReplicationLog {
    base: Lsn,
    /// The term of the entries up to `base`.
    base_term: Term,
    /// `(first LSN, term)` of every term begun since `base`, in order: PostgreSQL's
    /// timeline history file.
    terms: Vec<(Lsn, Term)>,
    committed_at: Vec<Millis>,
}

impl Default for ReplicationLog {
    fn default() -> Self {
        ReplicationLog::starting_at(Position::new(1, 0))
    }
}

impl ReplicationLog {
    /// A log whose history up to `start` (in `start.term`) every node already has.
    pub fn starting_at(start: Position) -> Self {
        ReplicationLog {
            base: start.lsn,
            base_term: start.term,
            terms: Vec::new(),
            committed_at: Vec::new(),
        }
    }

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
        self.head()
    }

    /// The newest position: what the primary itself serves.
    pub fn head(&self) -> Lsn {
        Lsn(self.base.0 + self.committed_at.len() as u64)
    }

    /// The LSN the scenario started from.
    pub fn base(&self) -> Lsn {
        self.base
    }

    /// The term entries are written in now.
    pub fn term(&self) -> Term {
        self.terms.last().map_or(self.base_term, |&(_, t)| t)
    }

    /// The term of the entry at `lsn` (the base term for history and the empty log).
    pub fn term_at(&self, lsn: Lsn) -> Term {
        self.terms
            .iter()
            .rev()
            .find(|&&(first, _)| first <= lsn)
            .map_or(self.base_term, |&(_, t)| t)
    }

    /// `lsn` as a (term, LSN) position of this log.
    pub fn position(&self, lsn: Lsn) -> Position {
        Position {
            term: self.term_at(lsn),
            lsn,
        }
    }

    /// The newest entry as a position.
    pub fn head_position(&self) -> Position {
        self.position(self.head())
    }

    /// When the entry at `lsn` was committed (`None` for history before the scenario).
    pub fn committed_at(&self, lsn: Lsn) -> Option<Millis> {
        let i = lsn.0.checked_sub(self.base.0 + 1)?;
        self.committed_at.get(i as usize).copied()
    }

    /// A new leader's log: this log's prefix up to `keep`, continued in term `term`.
    /// The entries after `keep` stay in `self` (the old leader's divergent suffix).
    pub fn fork(&self, keep: Lsn, term: Term) -> ReplicationLog {
        let keep = keep.min(self.head()).max(self.base);
        let len = (keep.0 - self.base.0) as usize;
        let mut terms: Vec<(Lsn, Term)> = self
            .terms
            .iter()
            .copied()
            .filter(|&(first, _)| first <= keep)
            .collect();
        if term != self.term_at(keep) {
            terms.push((Lsn(keep.0 + 1), term));
        }
        ReplicationLog {
            base: self.base,
            base_term: self.base_term,
            terms,
            committed_at: self.committed_at[..len].to_vec(),
        }
    }

    /// Starts term `term` at the next entry, on this log: a failover whose new leader
    /// had every entry (a switchover, or the sync replica of semi-synchronous
    /// replication), so nothing forks.
    pub fn begin_term(&mut self, term: Term) {
        if term > self.term() {
            let next = Lsn(self.head().0 + 1);
            self.terms.push((next, term));
        }
    }

    /// How far two logs agree: the last LSN at which both hold the same entry (same
    /// term, same commit time). What a rejoining node keeps; the rest is truncated.
    ///
    /// Two cheap scans instead of one per entry: where the commit times first differ,
    /// and where the terms first differ — terms change only at the few LSNs their
    /// histories list, so only those (and the first entry) need comparing.
    pub fn common_prefix(&self, other: &ReplicationLog) -> Lsn {
        let base = self.base.0;
        let mut same = self
            .committed_at
            .iter()
            .zip(&other.committed_at)
            .position(|(a, b)| a != b)
            .unwrap_or(self.committed_at.len().min(other.committed_at.len()));
        let mut changes: Vec<Lsn> = self
            .terms
            .iter()
            .chain(&other.terms)
            .map(|&(first, _)| first)
            .chain([Lsn(base + 1)])
            .filter(|l| l.0 > base)
            .collect();
        changes.sort_unstable();
        if let Some(l) = changes
            .into_iter()
            .find(|&l| self.term_at(l) != other.term_at(l))
        {
            same = same.min((l.0 - base - 1) as usize);
        }
        Lsn(base + same as u64)
    }

    /// The last LSN committed at or before `horizon` (which may be negative: a replica
    /// restored from a backup older than the scenario has only the history before it).
    ///
    /// The search starts from `near`, the answer for an earlier horizon of the same
    /// replica: a horizon mostly creeps forward between two observations, so the answer
    /// is among the few entries just past `near` (the ones the replica lags behind on),
    /// not anywhere in the log. Any `near` gives the right answer; a good one, sooner.
    pub fn lsn_through(&self, horizon: i64, near: Lsn) -> Lsn {
        if horizon < 0 {
            return self.base;
        }
        let h = horizon as u64;
        let base = self.base.0;
        let split = (near.0.saturating_sub(base) as usize).min(self.committed_at.len());
        let (before, after) = self.committed_at.split_at(split);
        if before.last().is_some_and(|&t| t > h) {
            // The horizon moved back (a restore from a backup): search what is before.
            Lsn(base + before.partition_point(|&t| t <= h) as u64)
        } else {
            Lsn(base + (split + after.partition_point(|&t| t <= h)) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition: the entries both logs hold, same term and same commit time,
    /// from the start.
    fn common_prefix_by_entry(a: &ReplicationLog, b: &ReplicationLog) -> Lsn {
        let same = a
            .committed_at
            .iter()
            .zip(&b.committed_at)
            .enumerate()
            .take_while(|&(i, (x, y))| {
                let lsn = Lsn(a.base.0 + i as u64 + 1);
                x == y && a.term_at(lsn) == b.term_at(lsn)
            })
            .count();
        Lsn(a.base.0 + same as u64)
    }

    /// Logs forked at every point, under the same or a newer term, then written on at
    /// the same times (so commit times alone cannot tell them apart) or not.
    #[test]
    fn common_prefix_agrees_with_its_definition() {
        let mut root = ReplicationLog::starting_at(Position::new(3, 100));
        for at in 0..20 {
            root.append(at * 10);
        }
        let mut checked = 0;
        for keep in 100..=120 {
            for term in [3, 4, 5] {
                let mut fork = root.fork(Lsn(keep), Term(term));
                let mut same_times = root.fork(Lsn(keep), Term(term));
                for at in 0..5 {
                    fork.append(200 + at);
                }
                for e in (keep - 100)..20 {
                    same_times.append(e * 10);
                }
                let mut again = fork.fork(Lsn(keep + 2), Term(term + 1));
                again.append(300);
                let logs = [&root, &fork, &same_times, &again];
                for a in logs {
                    for b in logs {
                        assert_eq!(
                            a.common_prefix(b),
                            common_prefix_by_entry(a, b),
                            "keep {keep}, term {term}"
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 1_000);
    }

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
    fn terms_and_forks() {
        let mut log = ReplicationLog::starting_at(Position::new(3, 1000));
        assert_eq!(log.head_position(), Position::new(3, 1000));
        for at in [10, 20, 30] {
            log.append(at);
        }
        assert_eq!(log.lsn_through(-1, Lsn(0)), Lsn(1000));
        assert_eq!(log.lsn_through(25, Lsn(1000)), Lsn(1002));
        // node with LSN 1002 promoted under term 4: 1003 of term 3 is the old leader's
        // divergent suffix.
        let mut new = log.fork(Lsn(1002), Term(4));
        assert_eq!(new.head_position(), Position::new(3, 1002));
        assert_eq!(new.append(40), Lsn(1003));
        assert_eq!(new.position(Lsn(1003)), Position::new(4, 1003));
        assert_eq!(new.term_at(Lsn(1002)), Term(3));
        assert_eq!(log.common_prefix(&new), Lsn(1002));
        assert_eq!(new.committed_at(Lsn(1003)), Some(40));
        assert_eq!(new.committed_at(Lsn(999)), None);
        // A fork that keeps the term (no new term: nothing to tell the logs apart by
        // term, only by content).
        let same = log.fork(Lsn(1001), Term(3));
        assert_eq!(same.term(), Term(3));
        assert_eq!(log.common_prefix(&same), Lsn(1001));
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
