//! The lab's live history and its session-guarantee check, without any IO.
//!
//! Every post and profile read that goes through the router port is recorded in a
//! [`History`] — the same type the grader's checkers read — and each read is checked
//! the moment it completes, by the grader's own [`read_your_writes`] checker. Calling
//! the checker on the whole history after every read would cost O(history) per
//! request; instead each read is checked against a history of two records: itself and
//! the newest write of the same session to the same key that was acknowledged before
//! it began. That is exactly the write the full check compares it with (the checker
//! only ever keeps the newest such write), so the verdicts and the sentences are the
//! grader's — `tests` below check that the two agree on a whole run.

use crate::checkers::Violation;
use crate::checkers::read_your_writes;
use crate::history::{History, ReadRecord, WriteRecord};
use crate::model::{DeviceId, Key, Lsn, Millis, Names, NodeId, UserId};
use std::collections::BTreeMap;

/// Every router operation of a lab session, with the names it used.
#[derive(Debug, Default)]
pub struct LiveHistory {
    history: History,
    /// Per session and key: indices into `history.writes`, in acknowledgement order.
    writes_of: BTreeMap<(UserId, Key), Vec<usize>>,
    violations: Vec<Violation>,
}

/// A profile read as the router port saw it.
#[derive(Clone, Debug)]
pub struct ReadDone {
    pub user: UserId,
    pub device: DeviceId,
    pub profile_of: UserId,
    pub invoked_at: Millis,
    pub completed_at: Millis,
    /// The node that answered and its applied position; `None` if the plan ran out.
    pub served: Option<(NodeId, Lsn)>,
    pub round_trips: u32,
}

impl LiveHistory {
    pub fn new() -> Self {
        LiveHistory::default()
    }

    /// The number of a user, given on first sight (in order of appearance, so the
    /// same session of requests gives the same numbers).
    pub fn user(&mut self, name: &str) -> UserId {
        UserId(intern(&mut self.history.names.users, name))
    }

    pub fn device(&mut self, name: &str) -> DeviceId {
        DeviceId(intern(&mut self.history.names.devices, name))
    }

    pub fn names(&self) -> &Names {
        &self.history.names
    }

    /// A profile is keyed by its owner: QuickPost users only post to their own.
    pub fn profile_key(user: UserId) -> Key {
        Key(user.0)
    }

    /// Records a post the primary acknowledged.
    pub fn write(
        &mut self,
        user: UserId,
        device: DeviceId,
        lsn: Lsn,
        invoked_at: Millis,
        acked_at: Millis,
    ) {
        let op = self.history.next_op();
        let key = Self::profile_key(user);
        self.writes_of
            .entry((user, key))
            .or_default()
            .push(self.history.writes.len());
        self.history.writes.push(WriteRecord {
            op,
            user,
            device,
            key,
            lsn,
            invoked_at,
            acked_at,
        });
    }

    /// Records a completed read and checks it: the violation, if it broke
    /// read-your-writes, in the grader's words.
    pub fn read(&mut self, read: ReadDone) -> Option<Violation> {
        let op = self.history.next_op();
        let key = Self::profile_key(read.profile_of);
        let record = ReadRecord {
            op,
            user: read.user,
            device: read.device,
            key,
            invoked_at: read.invoked_at,
            completed_at: read.completed_at,
            served: read.served,
            round_trips: read.round_trips,
        };
        // The newest write of this session to this key acknowledged before the read
        // began (by LSN, as the checker keeps it).
        let owed = self
            .writes_of
            .get(&(read.user, key))
            .into_iter()
            .flatten()
            .map(|&i| &self.history.writes[i])
            .filter(|w| w.acked_at <= read.invoked_at)
            .max_by_key(|w| (w.lsn, w.op));
        let mut pair = History::new(self.history.names.clone());
        pair.writes.extend(owed.cloned());
        pair.reads.push(record.clone());
        self.history.reads.push(record);
        let violation = read_your_writes(&pair).into_iter().next();
        if let Some(v) = &violation {
            self.violations.push(v.clone());
        }
        violation
    }

    /// The violations found so far, in the order they happened.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    pub fn history(&self) -> &History {
        &self.history
    }
}

fn intern(names: &mut Vec<String>, name: &str) -> u32 {
    match names.iter().position(|n| n == name) {
        Some(i) => i as u32,
        None => {
            names.push(name.to_string());
            names.len() as u32 - 1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ReplicaId;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn served(replica: u32, lsn: u64) -> Option<(NodeId, Lsn)> {
        Some((NodeId::Replica(ReplicaId(replica)), Lsn(lsn)))
    }

    #[test]
    fn a_stale_own_read_is_flagged_in_the_graders_words() {
        let mut live = LiveHistory::new();
        let alice = live.user("alice");
        let phone = live.device("phone");
        let laptop = live.device("laptop");
        live.write(alice, phone, Lsn(42), 1_000, 1_010);
        let v = live
            .read(ReadDone {
                user: alice,
                device: laptop,
                profile_of: alice,
                invoked_at: 2_000,
                completed_at: 2_005,
                served: served(2, 41),
                round_trips: 1,
            })
            .expect("a violation");
        assert!(v.explanation.contains("alice's read"), "{}", v.explanation);
        assert!(v.explanation.contains("replica-2"), "{}", v.explanation);
        assert!(v.explanation.contains("LSN 42"), "{}", v.explanation);
        assert!(
            v.explanation.contains("a session spans"),
            "{}",
            v.explanation
        );
        assert_eq!(live.violations().len(), 1);
    }

    #[test]
    fn reads_of_others_and_fresh_reads_are_fine() {
        let mut live = LiveHistory::new();
        let alice = live.user("alice");
        let bob = live.user("bob");
        let phone = live.device("phone");
        live.write(alice, phone, Lsn(3), 0, 5);
        let read = |user, profile_of, at, lsn| ReadDone {
            user,
            device: phone,
            profile_of,
            invoked_at: at,
            completed_at: at,
            served: served(1, lsn),
            round_trips: 1,
        };
        assert!(live.read(read(bob, alice, 10, 0)).is_none());
        assert!(live.read(read(alice, alice, 10, 3)).is_none());
        // Began before the acknowledgement: not owed.
        assert!(live.read(read(alice, alice, 4, 0)).is_none());
        assert!(live.violations().is_empty());
    }

    /// The incremental check finds exactly what the grader's checker finds on the
    /// whole history, over many random interleavings.
    #[test]
    fn the_live_check_agrees_with_the_full_checker() {
        for seed in 0..20 {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let mut live = LiveHistory::new();
            let users: Vec<UserId> = ["alice", "bob", "carol"]
                .iter()
                .map(|u| live.user(u))
                .collect();
            let devices = [live.device("phone"), live.device("laptop")];
            let mut lsn = 0;
            let mut now = 0;
            for _ in 0..200 {
                now += rng.random_range(1..50u64);
                let user = users[rng.random_range(0..users.len())];
                let device = devices[rng.random_range(0..2)];
                if rng.random_bool(0.3) {
                    lsn += 1;
                    live.write(
                        user,
                        device,
                        Lsn(lsn),
                        now,
                        now + rng.random_range(1..20u64),
                    );
                } else {
                    let profile_of = users[rng.random_range(0..users.len())];
                    let seen = rng.random_range(0..=lsn);
                    live.read(ReadDone {
                        user,
                        device,
                        profile_of,
                        invoked_at: now,
                        completed_at: now + 1,
                        served: served(1, seen),
                        round_trips: 1,
                    });
                }
            }
            let full = read_your_writes(live.history());
            assert_eq!(live.violations(), full.as_slice(), "seed {seed}");
            assert!(
                !full.is_empty(),
                "seed {seed}: the test should see violations"
            );
        }
    }
}
