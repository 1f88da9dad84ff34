//! The vocabulary every kata shares: log sequence numbers, terms and positions, nodes,
//! users, devices, virtual time.
//!
//! These are small `Copy` newtypes rather than bare integers so that a learner who
//! reads a signature learns what the number *means*: an [`Lsn`] is a position in the
//! primary's replication log, not a count or a timestamp.

use serde::Serialize;
use std::fmt;

/// Virtual time in milliseconds since the start of a scenario.
///
/// The simulation never reads the wall clock: time only moves when the harness
/// processes the next scheduled event, so a run is reproducible bit for bit.
pub type Millis = u64;

/// A log sequence number: the position of a write in the primary's replication log.
///
/// LSNs are strictly increasing, and a replica always holds a *prefix* of the log, so
/// "replica R has applied LSN 41" means "R has every write numbered 1 to 41 and none
/// after". That is what makes an LSN usable as a consistency token: comparing two
/// numbers tells whether a node's state includes a given write (PostgreSQL's
/// `pg_last_wal_replay_lsn()`, MySQL's GTID sets and MongoDB's cluster time play the
/// same role). `Lsn(0)` is the empty log.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct Lsn(pub u64);

impl Lsn {
    /// The position before any write.
    pub const ZERO: Lsn = Lsn(0);
}

impl fmt::Display for Lsn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LSN {}", self.0)
    }
}

/// A term (epoch, PostgreSQL's *timeline*): every promotion of a new leader starts one.
///
/// Nodes remember the highest term they have seen and reject writes stamped with an
/// older one, which is how a deposed leader that wakes up from a pause, or whose
/// partition heals, is *fenced*: its writes carry the old term and nobody takes them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Term(pub u64);

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "term {}", self.0)
    }
}

/// A position in a log that has lived through failovers: the term of the last entry and
/// its LSN, as PostgreSQL's (timeline, LSN) or Raft's (last log term, last log index).
///
/// An LSN alone stops being a position once a leader is replaced: the old leader may
/// have written LSN 1005 in term 3 while the new one writes a *different* LSN 1005 in
/// term 4. Positions compare by term first, then LSN — Raft's "more up to date" rule:
/// a log whose last entry has a newer term holds the history the cluster kept.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Position {
    pub term: Term,
    pub lsn: Lsn,
}

impl Position {
    pub const fn new(term: u64, lsn: u64) -> Self {
        Position {
            term: Term(term),
            lsn: Lsn(lsn),
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.lsn, self.term)
    }
}

/// A replica's number, starting at 1 (`replica-1`), as operators name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct ReplicaId(pub u32);

impl fmt::Display for ReplicaId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "replica-{}", self.0)
    }
}

/// A node of a single-leader cluster: the primary (leader), which accepts writes, or
/// one of its replicas (followers), which apply the primary's log after some lag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NodeId {
    Primary,
    Replica(ReplicaId),
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NodeId::Primary => f.write_str("primary"),
            NodeId::Replica(r) => r.fmt(f),
        }
    }
}

impl Serialize for NodeId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A node named by number (`node-3`), for clusters where roles are not fixed: in a
/// leaderless store every node is equal, and in a failover the leader is whichever node
/// won the last election.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Node(pub u32);

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "node-{}", self.0)
    }
}

/// A user of the application. A *session* in the sense of Terry et al. (1994) is a user
/// across all of their devices: read-your-writes promised on the phone must hold on the
/// laptop too.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct UserId(pub u32);

/// One of a user's devices (phone, laptop, …). Devices matter because state kept on a
/// device (a cookie, a local token) is not visible to the user's other devices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct DeviceId(pub u32);

/// The thing being read or written. In QuickPost a key is a user's profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Key(pub u32);

/// Names for users and devices, so reports say "alice on her laptop", not "user 0 on
/// device 1". Ids index into these vectors.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Names {
    pub users: Vec<String>,
    pub devices: Vec<String>,
    /// What each key is, for reports ("board launch"); `key 3` when absent.
    pub keys: Vec<String>,
}

impl Names {
    pub fn user(&self, u: UserId) -> &str {
        self.users.get(u.0 as usize).map_or("?", String::as_str)
    }

    pub fn device(&self, d: DeviceId) -> &str {
        self.devices.get(d.0 as usize).map_or("?", String::as_str)
    }

    pub fn key(&self, k: Key) -> String {
        self.keys
            .get(k.0 as usize)
            .cloned()
            .unwrap_or_else(|| format!("key {}", k.0))
    }
}

/// Formats virtual time for people: `850 ms`, `12.400 s`, `2 min 05.000 s`.
pub fn fmt_time(t: Millis) -> String {
    if t < 1_000 {
        format!("{t} ms")
    } else if t < 60_000 {
        format!("{}.{:03} s", t / 1_000, t % 1_000)
    } else {
        let s = t / 1_000;
        format!("{} min {:02}.{:03} s", s / 60, s % 60, t % 1_000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_naturally() {
        assert_eq!(fmt_time(850), "850 ms");
        assert_eq!(fmt_time(12_400), "12.400 s");
        assert_eq!(fmt_time(125_000), "2 min 05.000 s");
    }

    #[test]
    fn positions_compare_by_term_first() {
        assert!(Position::new(4, 1000) > Position::new(3, 1005));
        assert!(Position::new(3, 1005) > Position::new(3, 1004));
        assert_eq!(Position::new(2, 7).to_string(), "LSN 7 (term 2)");
    }

    #[test]
    fn nodes_use_operator_names() {
        assert_eq!(NodeId::Primary.to_string(), "primary");
        assert_eq!(NodeId::Replica(ReplicaId(2)).to_string(), "replica-2");
    }
}
