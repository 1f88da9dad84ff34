//! The recorded history of a run: every operation with its invocation and completion
//! times, the node that served it and what it observed.
//!
//! Checkers are pure functions over a `History`; they never look at the cluster's
//! internals, just as Jepsen's checkers only see what clients saw.

use crate::model::{DeviceId, Key, Lsn, Millis, Names, NodeId, UserId};

/// A write the primary acknowledged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriteRecord {
    /// Position in the history (operations are numbered in invocation order).
    pub op: usize,
    pub user: UserId,
    pub device: DeviceId,
    pub key: Key,
    pub lsn: Lsn,
    pub invoked_at: Millis,
    pub acked_at: Millis,
}

/// A read and how it was served.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadRecord {
    pub op: usize,
    pub user: UserId,
    pub device: DeviceId,
    pub key: Key,
    pub invoked_at: Millis,
    pub completed_at: Millis,
    /// The node that answered and the position its answer reflects; `None` if every
    /// attempt of the plan failed.
    pub served: Option<(NodeId, Lsn)>,
    pub round_trips: u32,
}

/// Everything that happened, in invocation order within each list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History {
    pub names: Names,
    pub writes: Vec<WriteRecord>,
    pub reads: Vec<ReadRecord>,
    next_op: usize,
}

impl History {
    pub fn new(names: Names) -> Self {
        History {
            names,
            ..History::default()
        }
    }

    /// Reserves the next operation number.
    pub fn next_op(&mut self) -> usize {
        self.next_op += 1;
        self.next_op
    }
}
