//! The state of one lab node, without any IO: the primary's replication log, and a
//! replica's received-but-not-yet-applied queue with its delay and faults.
//!
//! Time is passed in (milliseconds since the lab started) instead of read from a
//! clock, so everything here is a plain state machine that the unit tests drive
//! step by step; the servers in `server.rs` only feed it requests and the time.

use crate::model::{Lsn, Millis, NodeId};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};

/// One write in the replication log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub lsn: Lsn,
    pub key: String,
    pub value: String,
}

/// What a node answers to `GET /data/<key>`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataAnswer {
    pub key: String,
    /// The newest value of the key in the node's applied state (`null` if none).
    pub value: Option<String>,
    /// Every value of the key, oldest first (QuickPost shows a profile's posts).
    pub values: Vec<String>,
    /// The node's applied position: the answer reflects every write up to it.
    pub lsn: Lsn,
    /// The write that set `value`, if any.
    pub value_lsn: Option<Lsn>,
    pub node: String,
}

/// A conditional read the node refused: it has not applied `wanted` yet (HTTP 409).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TooStale {
    pub node: String,
    pub applied_lsn: Lsn,
    pub wanted: Lsn,
}

/// The applied state of a node: every key's values, and how far into the log it is.
#[derive(Clone, Debug, Default)]
pub struct Store {
    values: BTreeMap<String, Vec<(Lsn, String)>>,
    applied: Lsn,
}

impl Store {
    pub fn applied(&self) -> Lsn {
        self.applied
    }

    /// Applies the next entry of the log. Entries must come in LSN order: a node
    /// holds a prefix of the log (that is what makes an LSN a consistency token).
    fn apply(&mut self, entry: &Entry) {
        debug_assert_eq!(entry.lsn.0, self.applied.0 + 1, "entries apply in order");
        self.values
            .entry(entry.key.clone())
            .or_default()
            .push((entry.lsn, entry.value.clone()));
        self.applied = entry.lsn;
    }

    /// Forgets everything past `lsn`: what a restore from a backup taken at `lsn` does.
    fn truncate(&mut self, lsn: Lsn) {
        if lsn >= self.applied {
            return;
        }
        for versions in self.values.values_mut() {
            versions.retain(|(l, _)| *l <= lsn);
        }
        self.values.retain(|_, v| !v.is_empty());
        self.applied = lsn;
    }

    /// A read, or a refusal when `min_lsn` is past the applied position.
    pub fn read(
        &self,
        node: NodeId,
        key: &str,
        min_lsn: Option<Lsn>,
    ) -> Result<DataAnswer, TooStale> {
        if let Some(wanted) = min_lsn.filter(|w| *w > self.applied) {
            return Err(TooStale {
                node: node.to_string(),
                applied_lsn: self.applied,
                wanted,
            });
        }
        let versions = self.values.get(key).map(Vec::as_slice).unwrap_or(&[]);
        Ok(DataAnswer {
            key: key.to_string(),
            value: versions.last().map(|(_, v)| v.clone()),
            values: versions.iter().map(|(_, v)| v.clone()).collect(),
            lsn: self.applied,
            value_lsn: versions.last().map(|(l, _)| *l),
            node: node.to_string(),
        })
    }
}

/// The primary: it assigns LSNs and keeps the whole log, so that a replica that
/// crashed or was restored from a backup can be sent what it lacks.
#[derive(Clone, Debug, Default)]
pub struct Primary {
    log: Vec<Entry>,
    /// When each entry was written (index = LSN − 1): lag in time is measured from it.
    written_at: Vec<Millis>,
    store: Store,
}

impl Primary {
    /// Appends a write made at `now` and applies it at once: the primary's answer is
    /// its log.
    pub fn write(&mut self, key: &str, value: &str, now: Millis) -> Lsn {
        let entry = Entry {
            lsn: Lsn(self.log.len() as u64 + 1),
            key: key.to_string(),
            value: value.to_string(),
        };
        self.store.apply(&entry);
        let lsn = entry.lsn;
        self.log.push(entry);
        self.written_at.push(now);
        lsn
    }

    /// How far behind a node at `applied` is at `now`: in LSNs, and in time since the
    /// oldest write it lacks was made (0 when it has everything).
    pub fn lag(&self, applied: Lsn, now: Millis) -> (u64, Millis) {
        let behind = self.lsn().0.saturating_sub(applied.0);
        let since = self
            .written_at
            .get(applied.0 as usize)
            .map_or(0, |t| now.saturating_sub(*t));
        (behind, if behind == 0 { 0 } else { since })
    }

    pub fn lsn(&self) -> Lsn {
        self.store.applied()
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The entries after `lsn`, at most `max` of them: the next batch of a stream.
    pub fn entries_after(&self, lsn: Lsn, max: usize) -> Vec<Entry> {
        let start = (lsn.0 as usize).min(self.log.len());
        self.log[start..].iter().take(max).cloned().collect()
    }
}

/// Why a replica is not serving normally.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplicaState {
    /// Receiving and applying after its delay.
    Streaming,
    /// Replication stopped (a full disk, a long query holding the replay): it serves
    /// reads from what it has, and applies nothing until resumed.
    Stalled,
    /// The process is down: it answers nothing and receives nothing.
    Crashed,
}

/// A replica: what it has received from the primary's stream and when, and what it
/// has applied. An entry is applied `delay_ms` after it arrived — the replication
/// lag the lab injects — unless the replica is stalled or crashed.
#[derive(Clone, Debug)]
pub struct Replica {
    pub id: NodeId,
    store: Store,
    /// Received, not applied yet: (entry, when it arrived).
    queue: VecDeque<(Entry, Millis)>,
    pub delay_ms: Millis,
    pub state: ReplicaState,
}

/// What a replica answers a batch of the stream with: how far it has received, so
/// the primary knows where to continue (or to rewind to, after a restore).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamAck {
    pub received: Lsn,
}

impl Replica {
    pub fn new(id: NodeId, delay_ms: Millis) -> Self {
        Replica {
            id,
            store: Store::default(),
            queue: VecDeque::new(),
            delay_ms,
            state: ReplicaState::Streaming,
        }
    }

    pub fn applied(&self) -> Lsn {
        self.store.applied()
    }

    /// The newest entry received (applied or still queued).
    pub fn received(&self) -> Lsn {
        self.queue
            .back()
            .map_or(self.store.applied(), |(e, _)| e.lsn)
    }

    /// Takes a batch of the stream that arrived at `now`. Entries it already has are
    /// ignored and a gap stops the batch: the answer tells the primary where to
    /// resume, so a restored replica gets what it lost sent again.
    pub fn receive(&mut self, entries: Vec<Entry>, now: Millis) -> StreamAck {
        if self.state != ReplicaState::Crashed {
            for entry in entries {
                let next = self.received().0 + 1;
                if entry.lsn.0 < next {
                    continue;
                }
                if entry.lsn.0 > next {
                    break;
                }
                self.queue.push_back((entry, now));
            }
        }
        StreamAck {
            received: self.received(),
        }
    }

    /// Applies every queued entry whose delay has passed at `now`.
    pub fn apply_due(&mut self, now: Millis) {
        if self.state != ReplicaState::Streaming {
            return;
        }
        while let Some((entry, arrived)) = self.queue.front() {
            if arrived.saturating_add(self.delay_ms) > now {
                break;
            }
            self.store.apply(entry);
            self.queue.pop_front();
        }
    }

    /// When the next queued entry becomes due, if any.
    pub fn next_due(&self) -> Option<Millis> {
        if self.state != ReplicaState::Streaming {
            return None;
        }
        self.queue
            .front()
            .map(|(_, arrived)| arrived.saturating_add(self.delay_ms))
    }

    pub fn read(&self, key: &str, min_lsn: Option<Lsn>) -> Result<DataAnswer, TooStale> {
        self.store.read(self.id, key, min_lsn)
    }

    /// Stops applying (reads are still served from what was applied).
    pub fn stall(&mut self) {
        if self.state == ReplicaState::Streaming {
            self.state = ReplicaState::Stalled;
        }
    }

    /// Applies again after a stall; what is overdue is applied on the next tick.
    pub fn resume(&mut self) {
        if self.state == ReplicaState::Stalled {
            self.state = ReplicaState::Streaming;
        }
    }

    /// The process dies: what it had received but not applied is lost with it.
    pub fn crash(&mut self) {
        self.state = ReplicaState::Crashed;
        self.queue.clear();
    }

    /// The process comes back with the data it had applied; the primary's stream
    /// sends it the rest.
    pub fn restart(&mut self) {
        if self.state == ReplicaState::Crashed {
            self.state = ReplicaState::Streaming;
        }
    }

    /// Restored from a backup taken at `lsn`: the applied position goes backwards
    /// (the router's last report of it is now stale-*high*), and the stream re-sends
    /// what came after.
    pub fn restore(&mut self, lsn: Lsn) {
        self.queue.clear();
        self.store.truncate(lsn);
        if self.state == ReplicaState::Crashed {
            self.state = ReplicaState::Streaming;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ReplicaId;

    const R1: NodeId = NodeId::Replica(ReplicaId(1));

    fn primary_with(writes: &[(&str, &str)]) -> Primary {
        let mut p = Primary::default();
        for (k, v) in writes {
            p.write(k, v, 0);
        }
        p
    }

    #[test]
    fn the_primary_numbers_writes_and_serves_them_at_once() {
        let mut p = Primary::default();
        assert_eq!(p.write("tweet", "hello", 100), Lsn(1));
        assert_eq!(p.write("tweet", "again", 300), Lsn(2));
        assert_eq!(p.lag(Lsn(0), 1_000), (2, 900));
        assert_eq!(p.lag(Lsn(1), 1_000), (1, 700));
        assert_eq!(p.lag(Lsn(2), 1_000), (0, 0));
        let a = p
            .store()
            .read(NodeId::Primary, "tweet", Some(Lsn(2)))
            .unwrap();
        assert_eq!(a.value.as_deref(), Some("again"));
        assert_eq!(a.values, ["hello", "again"]);
        assert_eq!(a.lsn, Lsn(2));
        assert_eq!(p.entries_after(Lsn(1), 10).len(), 1);
        assert_eq!(p.entries_after(Lsn(5), 10).len(), 0);
    }

    #[test]
    fn a_replica_applies_after_its_delay_and_refuses_conditional_reads_before() {
        let p = primary_with(&[("tweet", "hello")]);
        let mut r = Replica::new(R1, 5_000);
        assert_eq!(
            r.receive(p.entries_after(Lsn(0), 10), 1_000).received,
            Lsn(1)
        );
        r.apply_due(5_999);
        assert_eq!(r.read("tweet", None).unwrap().value, None);
        let refused = r.read("tweet", Some(Lsn(1))).unwrap_err();
        assert_eq!((refused.applied_lsn, refused.wanted), (Lsn(0), Lsn(1)));
        assert_eq!(r.next_due(), Some(6_000));
        r.apply_due(6_000);
        assert_eq!(
            r.read("tweet", Some(Lsn(1))).unwrap().value.as_deref(),
            Some("hello")
        );
    }

    #[test]
    fn duplicates_are_ignored_and_a_gap_asks_for_a_resend() {
        let p = primary_with(&[("a", "1"), ("a", "2"), ("a", "3")]);
        let mut r = Replica::new(R1, 0);
        r.receive(p.entries_after(Lsn(0), 1), 0);
        // Entries 1..3 again: 1 is a duplicate, 2 and 3 are new.
        assert_eq!(r.receive(p.entries_after(Lsn(0), 10), 0).received, Lsn(3));
        let mut gap = Replica::new(R1, 0);
        assert_eq!(gap.receive(p.entries_after(Lsn(1), 10), 0).received, Lsn(0));
    }

    #[test]
    fn a_stall_stops_applying_until_resumed() {
        let p = primary_with(&[("a", "1")]);
        let mut r = Replica::new(R1, 10);
        r.stall();
        r.receive(p.entries_after(Lsn(0), 10), 0);
        r.apply_due(1_000);
        assert_eq!(r.applied(), Lsn(0));
        r.resume();
        r.apply_due(1_000);
        assert_eq!(r.applied(), Lsn(1));
    }

    #[test]
    fn a_crash_loses_the_queue_and_receives_nothing_until_restart() {
        let p = primary_with(&[("a", "1"), ("a", "2")]);
        let mut r = Replica::new(R1, 10);
        r.receive(p.entries_after(Lsn(0), 1), 0);
        r.apply_due(10);
        r.receive(p.entries_after(Lsn(1), 1), 20);
        r.crash();
        assert_eq!(r.received(), Lsn(1));
        assert_eq!(r.receive(p.entries_after(Lsn(1), 10), 30).received, Lsn(1));
        r.restart();
        assert_eq!(r.receive(p.entries_after(Lsn(1), 10), 40).received, Lsn(2));
        r.apply_due(50);
        assert_eq!(r.applied(), Lsn(2));
    }

    #[test]
    fn a_restore_goes_backwards_and_the_stream_refills_it() {
        let p = primary_with(&[("a", "1"), ("b", "2"), ("a", "3")]);
        let mut r = Replica::new(R1, 0);
        r.receive(p.entries_after(Lsn(0), 10), 0);
        r.apply_due(0);
        assert_eq!(r.applied(), Lsn(3));
        r.restore(Lsn(1));
        assert_eq!(r.applied(), Lsn(1));
        let a = r.read("a", None).unwrap();
        assert_eq!(a.values, ["1"]);
        assert_eq!(r.read("b", None).unwrap().value, None);
        // The primary resends from what the replica says it has.
        let ack = r.receive(p.entries_after(Lsn(3), 10), 5);
        assert_eq!(ack.received, Lsn(1));
        r.receive(p.entries_after(ack.received, 10), 5);
        r.apply_due(5);
        assert_eq!(r.read("a", None).unwrap().values, ["1", "3"]);
    }
}
