//! Read-your-writes (Terry et al. 1994; DDIA ch. 5, "reading your own writes").

use super::{Guarantee, Violation};
use crate::history::{History, WriteRecord};
use crate::model::{Key, UserId, fmt_time};
use std::collections::BTreeMap;

/// Checks that every read includes every write to the same key that the same *session*
/// had acknowledged before the read began. The session is the user, across all their
/// devices: a post acknowledged on the phone must be visible to the laptop.
///
/// A node's state is a prefix of the log, so "includes the write" means "observed a
/// position at or past the write's LSN". Reads that failed (no node answered) observed
/// nothing and cannot violate the guarantee; they are counted by the failed-reads
/// metric instead.
pub fn read_your_writes(history: &History) -> Vec<Violation> {
    let mut writes: Vec<&WriteRecord> = history.writes.iter().collect();
    writes.sort_by_key(|w| (w.acked_at, w.op));
    let mut reads: Vec<_> = history.reads.iter().collect();
    reads.sort_by_key(|r| (r.invoked_at, r.op));

    // The newest acknowledged write of each (session, key) so far.
    let mut latest: BTreeMap<(UserId, Key), &WriteRecord> = BTreeMap::new();
    let mut next_write = 0;
    let mut violations = Vec::new();
    for read in reads {
        while let Some(w) = writes
            .get(next_write)
            .filter(|w| w.acked_at <= read.invoked_at)
        {
            let slot = latest.entry((w.user, w.key)).or_insert(w);
            if w.lsn > slot.lsn {
                *slot = w;
            }
            next_write += 1;
        }
        let Some((node, observed)) = read.served else {
            continue;
        };
        let Some(write) = latest.get(&(read.user, read.key)) else {
            continue;
        };
        if observed >= write.lsn {
            continue;
        }
        let names = &history.names;
        let user = names.user(read.user);
        let device_note = if write.device == read.device {
            format!("on the same {}", names.device(read.device))
        } else {
            format!(
                "on their {} — a session spans all of a user's devices",
                names.device(write.device)
            )
        };
        violations.push(Violation {
            guarantee: Guarantee::ReadYourWrites,
            at_ms: read.invoked_at,
            user: user.to_string(),
            node: Some(node),
            operations: vec![write.op, read.op],
            explanation: format!(
                "{user}'s read at t={} from their {} went to {node}, which had applied only \
                 up to {observed}; {user}'s own write, {}, had been acknowledged at t={} {device_note}.",
                fmt_time(read.invoked_at),
                names.device(read.device),
                write.lsn,
                fmt_time(write.acked_at),
            ),
        });
    }
    violations
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::ReadRecord;
    use crate::model::{DeviceId, Lsn, Names, NodeId, ReplicaId};

    const ALICE: UserId = UserId(0);
    const BOB: UserId = UserId(1);
    const PHONE: DeviceId = DeviceId(0);
    const LAPTOP: DeviceId = DeviceId(1);
    const R2: NodeId = NodeId::Replica(ReplicaId(2));

    fn history() -> History {
        History::new(Names {
            users: vec!["alice".into(), "bob".into()],
            devices: vec!["phone".into(), "laptop".into()],
            keys: vec![],
        })
    }

    fn write(h: &mut History, user: UserId, device: DeviceId, lsn: u64, at: u64) {
        let op = h.next_op();
        h.writes.push(WriteRecord {
            op,
            user,
            device,
            key: Key(user.0),
            lsn: Lsn(lsn),
            invoked_at: at,
            acked_at: at + 1,
        });
    }

    fn read(h: &mut History, user: UserId, device: DeviceId, of: UserId, at: u64, seen: u64) {
        let op = h.next_op();
        h.reads.push(ReadRecord {
            op,
            user,
            device,
            key: Key(of.0),
            invoked_at: at,
            completed_at: at + 1,
            served: Some((R2, Lsn(seen))),
            round_trips: 1,
        });
    }

    #[test]
    fn stale_read_of_own_write_is_a_violation_naming_the_positions() {
        let mut h = history();
        write(&mut h, ALICE, PHONE, 42, 11_000);
        read(&mut h, ALICE, PHONE, ALICE, 12_000, 41);
        let v = read_your_writes(&h);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].operations, vec![1, 2]);
        assert_eq!(v[0].user, "alice");
        assert!(
            v[0].explanation.contains("replica-2"),
            "{}",
            v[0].explanation
        );
        assert!(v[0].explanation.contains("LSN 41"), "{}", v[0].explanation);
        assert!(v[0].explanation.contains("LSN 42"), "{}", v[0].explanation);
    }

    #[test]
    fn fresh_enough_read_is_fine() {
        let mut h = history();
        write(&mut h, ALICE, PHONE, 42, 11_000);
        read(&mut h, ALICE, PHONE, ALICE, 12_000, 42);
        read(&mut h, ALICE, PHONE, ALICE, 13_000, 57);
        assert!(read_your_writes(&h).is_empty());
    }

    #[test]
    fn session_spans_devices() {
        let mut h = history();
        write(&mut h, ALICE, PHONE, 42, 11_000);
        read(&mut h, ALICE, LAPTOP, ALICE, 12_000, 40);
        let v = read_your_writes(&h);
        assert_eq!(v.len(), 1);
        assert!(v[0].explanation.contains("phone"), "{}", v[0].explanation);
        assert!(v[0].explanation.contains("laptop"), "{}", v[0].explanation);
    }

    #[test]
    fn other_users_writes_and_other_keys_do_not_count() {
        let mut h = history();
        write(&mut h, ALICE, PHONE, 42, 11_000);
        // Bob reading alice's profile: not bob's write, no guarantee owed to bob.
        read(&mut h, BOB, PHONE, ALICE, 12_000, 10);
        // Alice reading bob's profile: her write was to her own profile.
        read(&mut h, ALICE, PHONE, BOB, 12_000, 10);
        assert!(read_your_writes(&h).is_empty());
    }

    #[test]
    fn write_not_yet_acknowledged_when_read_began_is_not_owed() {
        let mut h = history();
        write(&mut h, ALICE, PHONE, 42, 11_000); // acked at 11_001
        read(&mut h, ALICE, PHONE, ALICE, 11_000, 41);
        assert!(read_your_writes(&h).is_empty());
        read(&mut h, ALICE, PHONE, ALICE, 11_001, 41);
        assert_eq!(read_your_writes(&h).len(), 1);
    }

    #[test]
    fn restored_replica_going_backwards_is_caught() {
        // Alice's read was fine at LSN 50; later the replica was restored from an old
        // backup and answers at LSN 30, below her write.
        let mut h = history();
        write(&mut h, ALICE, PHONE, 42, 11_000);
        read(&mut h, ALICE, PHONE, ALICE, 12_000, 50);
        read(&mut h, ALICE, PHONE, ALICE, 20_000, 30);
        let v = read_your_writes(&h);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].at_ms, 20_000);
    }

    #[test]
    fn failed_reads_observed_nothing() {
        let mut h = history();
        write(&mut h, ALICE, PHONE, 42, 11_000);
        read(&mut h, ALICE, PHONE, ALICE, 12_000, 0);
        h.reads[0].served = None;
        assert!(read_your_writes(&h).is_empty());
    }
}
