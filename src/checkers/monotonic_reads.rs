//! Monotonic reads (Terry et al. 1994; DDIA ch. 5).

use super::{Guarantee, Violation};
use crate::history::{History, ReadRecord};
use crate::model::{Key, Lsn, NodeId, fmt_time};

/// What a session has seen: the newest write relevant to one of its earlier reads.
#[derive(Clone, Copy)]
struct Seen<'h> {
    /// The relevant write's LSN.
    write_lsn: Lsn,
    write_op: usize,
    read: &'h ReadRecord,
    node: NodeId,
    observed: Lsn,
}

/// Checks that no read of a session misses a write that was relevant to an earlier
/// read of the same session (Terry et al.: "if read R1 precedes read R2 in a session,
/// R2 sees every write relevant to R1"). The writes relevant to a read are the writes
/// to the key it read that its answer included. A session is a user across devices.
///
/// "Earlier" means completed before the later read began; concurrent reads of one
/// session (two devices at once) owe each other nothing. Failed reads saw nothing.
pub fn monotonic_reads(history: &History) -> Vec<Violation> {
    // LSNs of the writes to each key, ascending (the log assigns them in order). Keys
    // and users are small dense numbers, so vectors indexed by them do the job of maps.
    let keys = history
        .writes
        .iter()
        .map(|w| w.key.0 as usize + 1)
        .max()
        .unwrap_or(0);
    let mut writes_to: Vec<Vec<(Lsn, usize)>> = vec![Vec::new(); keys];
    for w in &history.writes {
        writes_to[w.key.0 as usize].push((w.lsn, w.op));
    }
    for list in &mut writes_to {
        list.sort_unstable();
    }
    let relevant = |key: Key, observed: Lsn| -> Option<(Lsn, usize)> {
        let list = writes_to.get(key.0 as usize)?;
        let i = list.partition_point(|&(lsn, _)| lsn <= observed);
        i.checked_sub(1).map(|i| list[i])
    };

    let mut reads: Vec<&ReadRecord> = history.reads.iter().collect();
    reads.sort_by_key(|r| (r.invoked_at, r.op));
    let users = reads
        .iter()
        .map(|r| r.user.0 as usize + 1)
        .max()
        .unwrap_or(0);
    let mut floor: Vec<Option<Seen>> = vec![None; users];
    let mut pending: Vec<Vec<Seen>> = vec![Vec::new(); users];
    let mut violations = Vec::new();
    for read in reads {
        let u = read.user.0 as usize;
        // Earlier reads of this session that have completed now raise its floor.
        let list = &mut pending[u];
        let mut i = 0;
        while i < list.len() {
            if list[i].read.completed_at <= read.invoked_at {
                let seen = list.swap_remove(i);
                if floor[u].is_none_or(|f| seen.write_lsn > f.write_lsn) {
                    floor[u] = Some(seen);
                }
            } else {
                i += 1;
            }
        }
        let Some((node, observed)) = read.served else {
            continue;
        };
        if let Some(seen) = &floor[u]
            && observed < seen.write_lsn
        {
            violations.push(explain(history, read, node, observed, seen));
        }
        if let Some((write_lsn, write_op)) = relevant(read.key, observed) {
            pending[u].push(Seen {
                write_lsn,
                write_op,
                read,
                node,
                observed,
            });
        }
    }
    violations
}

fn explain(
    history: &History,
    read: &ReadRecord,
    node: NodeId,
    observed: Lsn,
    seen: &Seen,
) -> Violation {
    let names = &history.names;
    let user = names.user(read.user);
    let write = history.writes.iter().find(|w| w.op == seen.write_op);
    let writer = match write {
        Some(w) if w.user == read.user => "their own".to_string(),
        Some(w) => format!("{}'s", names.user(w.user)),
        None => "an".to_string(),
    };
    // Name the board of the missed update: when it is not the board being read, the
    // learner must see that the guarantee spans the whole session, not one board.
    let written = write.map_or(seen.read.key, |w| w.key);
    let across = if written == read.key {
        String::new()
    } else {
        " (the guarantee is per session, across boards: a read of any board owes every \
         update the session has seen)"
            .to_string()
    };
    Violation {
        guarantee: Guarantee::MonotonicReads,
        at_ms: read.invoked_at,
        user: user.to_string(),
        node: Some(node),
        operations: vec![seen.write_op, seen.read.op, read.op],
        explanation: format!(
            "{user} read {} at t={} from {}, which had applied up to {}, so {user} saw \
             {writer} update {} to {}; then at t={} {user}'s read of {} went to {node}, which \
             had applied only up to {observed}: the update to {} vanished, time went \
             backwards{across}.",
            names.key(seen.read.key),
            fmt_time(seen.read.invoked_at),
            seen.node,
            seen.observed,
            seen.write_lsn,
            names.key(written),
            fmt_time(read.invoked_at),
            names.key(read.key),
            names.key(written),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::WriteRecord;
    use crate::model::{DeviceId, Names, ReplicaId, UserId};

    const BOB: UserId = UserId(0);
    const CAROL: UserId = UserId(1);
    const PHONE: DeviceId = DeviceId(0);
    const LAPTOP: DeviceId = DeviceId(1);
    const LAUNCH: Key = Key(0);
    const OTHER: Key = Key(1);

    fn history() -> History {
        History::new(Names {
            users: vec!["bob".into(), "carol".into()],
            devices: vec!["phone".into(), "laptop".into()],
            keys: vec!["board launch".into(), "board ops".into()],
        })
    }

    fn write(h: &mut History, user: UserId, key: Key, lsn: u64, at: u64) {
        let op = h.next_op();
        h.writes.push(WriteRecord {
            op,
            user,
            device: PHONE,
            key,
            lsn: Lsn(lsn),
            invoked_at: at,
            acked_at: at + 1,
        });
    }

    fn read(h: &mut History, user: UserId, device: DeviceId, key: Key, at: u64, r: u32, seen: u64) {
        let op = h.next_op();
        h.reads.push(ReadRecord {
            op,
            user,
            device,
            key,
            invoked_at: at,
            completed_at: at + 2,
            served: Some((NodeId::Replica(ReplicaId(r)), Lsn(seen))),
            round_trips: 1,
        });
    }

    #[test]
    fn going_back_past_a_seen_write_is_a_violation() {
        let mut h = history();
        write(&mut h, CAROL, LAUNCH, 110, 1_000);
        read(&mut h, BOB, PHONE, LAUNCH, 2_000, 1, 120);
        read(&mut h, BOB, PHONE, LAUNCH, 3_000, 3, 96);
        let v = monotonic_reads(&h);
        assert_eq!(v.len(), 1);
        let text = &v[0].explanation;
        for needle in [
            "bob",
            "carol's",
            "replica-1",
            "LSN 120",
            "replica-3",
            "LSN 96",
            "LSN 110",
        ] {
            assert!(text.contains(needle), "{needle}: {text}");
        }
        assert_eq!(v[0].operations, vec![1, 2, 3]);
    }

    #[test]
    fn going_back_without_missing_a_relevant_write_is_fine() {
        // Bob saw LSN 120 but the newest write to the board is 90: LSN 96 still has it.
        let mut h = history();
        write(&mut h, CAROL, LAUNCH, 90, 1_000);
        write(&mut h, CAROL, OTHER, 110, 1_100);
        read(&mut h, BOB, PHONE, LAUNCH, 2_000, 1, 120);
        read(&mut h, BOB, PHONE, LAUNCH, 3_000, 3, 96);
        assert!(monotonic_reads(&h).is_empty());
    }

    #[test]
    fn the_session_spans_devices_and_keys() {
        let mut h = history();
        write(&mut h, CAROL, LAUNCH, 110, 1_000);
        read(&mut h, BOB, PHONE, LAUNCH, 2_000, 1, 120);
        // On the laptop, another board: the write seen on the phone must still be there.
        read(&mut h, BOB, LAPTOP, OTHER, 3_000, 2, 100);
        let v = monotonic_reads(&h);
        assert_eq!(v.len(), 1);
        // The missed update is named with its board, which is not the board read.
        let text = &v[0].explanation;
        assert!(text.contains("update LSN 110 to board launch"), "{text}");
        assert!(text.contains("read of board ops"), "{text}");
        assert!(text.contains("per session, across boards"), "{text}");
    }

    #[test]
    fn other_users_and_concurrent_reads_owe_nothing() {
        let mut h = history();
        write(&mut h, CAROL, LAUNCH, 110, 1_000);
        read(&mut h, BOB, PHONE, LAUNCH, 2_000, 1, 120);
        read(&mut h, CAROL, PHONE, LAUNCH, 3_000, 3, 96);
        // Began before bob's first read completed (at 2_002): concurrent.
        read(&mut h, BOB, LAPTOP, LAUNCH, 2_001, 3, 96);
        assert!(monotonic_reads(&h).is_empty());
    }

    #[test]
    fn a_restored_replica_going_backwards_is_caught() {
        let mut h = history();
        write(&mut h, CAROL, LAUNCH, 50, 1_000);
        read(&mut h, BOB, PHONE, LAUNCH, 2_000, 1, 60);
        read(&mut h, BOB, PHONE, LAUNCH, 9_000, 1, 10); // same replica, after a restore
        assert_eq!(monotonic_reads(&h).len(), 1);
    }
}
