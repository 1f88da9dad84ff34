//! Leadership: a single-leader cluster whose leader can fail and be replaced.
//!
//! The same replication model as the rest of this module — each follower applies a
//! prefix of its leader's [`ReplicationLog`] after a lag ([`ReplicaState`], with the
//! same lag faults) — plus what a failover needs:
//!
//! * the leader can **crash** (and maybe restart), **pause** (a GC pause: it is alive,
//!   silent, and wakes up believing it still leads) or be **partitioned** away with some
//!   followers, while clients on its side keep writing to it;
//! * a follower can be **promoted** under a new **term**: its log is forked at what it
//!   had ([`ReplicationLog::fork`]); the acknowledged writes it lacks are lost;
//! * **fencing**: a node remembers the highest term it has seen; a deposed leader that
//!   meets a node of a newer term steps down, and **rejoins** as a follower, its
//!   divergent suffix truncated and counted (`pg_rewind`). Promoted under the *same*
//!   term, nothing tells the two leaders apart: split brain;
//! * **semi-synchronous** replication: a write is acknowledged only once the sync
//!   follower has it, so what was acknowledged follows that follower's real position.
//!
//! Writes arrive at a steady rate, so positions at the moment of a failure come from
//! the lag profiles: a follower 100 ms behind a leader taking 100 writes/s is 10 writes
//! behind. A follower stops applying when its leader is out of reach: what it had not
//! received by then, it never gets from that leader.
//!
//! The coordinator sees only what [`LeaderCluster::poll`] and the heartbeats tell it.

use super::fault::FaultKind;
use super::log::ReplicationLog;
use super::replica::ReplicaState;
use crate::model::{Lsn, Millis, Position, Term};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The shape of the cluster: node 1 leads at the start, nodes 2..=n follow.
#[derive(Clone, Debug, PartialEq)]
pub struct LeaderSpec {
    /// Where the log starts (every node has this history): any term, any LSN.
    pub start: Position,
    /// Client writes per second to the leader (0 to 1000).
    pub writes_per_s: u32,
    /// Replication lag of each follower (node 2, node 3, …).
    pub lag_ms: Vec<Millis>,
    /// The synchronous follower of semi-synchronous replication (a node number), or
    /// `None` for asynchronous replication.
    pub sync: Option<u32>,
    /// How often the leader heartbeats to the coordinator.
    pub heartbeat_ms: Millis,
}

/// Which node a trouble hits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// Whichever node leads when the trouble starts (the new leader, in a chain).
    Leader,
    /// A node by number.
    Node(u32),
}

/// What happens to a node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Trouble {
    /// The process dies; it restarts after `restart_after_ms` with the data it had, or
    /// never.
    Crash { restart_after_ms: Option<Millis> },
    /// The process stops (a stop-the-world GC pause) and carries on afterwards as if
    /// nothing had happened.
    Pause { duration_ms: Millis },
    /// The network splits: the target and the nodes `with` on one side, everyone else
    /// (and the coordinator) on the other. Clients on the target's side write at
    /// `writes_per_s` to whichever node leads there.
    Partition {
        with: Vec<u32>,
        writes_per_s: u32,
        duration_ms: Option<Millis>,
    },
}

/// A trouble at a time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeaderFault {
    pub at_ms: Millis,
    pub target: Target,
    pub trouble: Trouble,
}

/// Something that happened, for the checkers and the timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Happening {
    /// A trouble started or ended on `node` (1-based).
    Trouble {
        at: Millis,
        node: u32,
        text: String,
        starts: bool,
    },
    /// A lag fault started or ended on a follower.
    Lag { at: Millis, node: u32, text: String },
    /// A deposed leader met a node of a newer term and stepped down.
    Fenced {
        at: Millis,
        node: u32,
        its_term: Term,
        newer: Term,
    },
    /// A node rejoined the current leader's log, dropping `truncated` entries that the
    /// new history does not have (its divergent suffix).
    Rejoined {
        at: Millis,
        node: u32,
        kept: Position,
        truncated: u64,
        was_leader: bool,
    },
    /// Two nodes accept writes as leaders and neither can fence the other (no newer
    /// term between them): split brain.
    TwoLeaders {
        at: Millis,
        old: u32,
        new: u32,
        term: Term,
    },
}

impl Happening {
    pub fn at(&self) -> Millis {
        match *self {
            Happening::Trouble { at, .. }
            | Happening::Lag { at, .. }
            | Happening::Fenced { at, .. }
            | Happening::Rejoined { at, .. }
            | Happening::TwoLeaders { at, .. } => at,
        }
    }
}

/// What a promotion did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PromotionOutcome {
    /// The last position the new leader had: the fork point of the new term.
    pub kept: Position,
    /// Writes acknowledged to clients, on the deposed leader's log, when it was cut off.
    pub acknowledged: Lsn,
    /// Acknowledged writes the new leader lacks.
    pub lost: u64,
    /// The deposed leader's term.
    pub old_term: Term,
}

#[derive(Clone, Debug)]
struct NodeState {
    repl: ReplicaState,
    /// The log it follows, or leads.
    log: usize,
    /// It believes it leads `log`.
    leads: bool,
    /// The highest term it has seen.
    seen: Term,
    crashed: bool,
    paused: bool,
    /// On the cut-off side of the active partition.
    isolated: bool,
    /// A leader that stepped down (fenced) and has not rejoined yet.
    deposed: bool,
}

impl NodeState {
    fn up(&self) -> bool {
        !self.crashed && !self.paused && self.repl.crashed == 0
    }
}

#[derive(Clone, Debug)]
struct LogState {
    log: ReplicationLog,
    /// Acknowledged when the leader of this log was last cut off from the coordinator's
    /// side, or `None` while it never was.
    acked_at_cut: Option<Lsn>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Ev {
    Heartbeat,
    TroubleStart(usize),
    TroubleEnd(usize),
    LagStart(usize),
    LagEnd(usize),
}

/// The cluster. See the module documentation.
pub struct LeaderCluster {
    spec: LeaderSpec,
    troubles: Vec<LeaderFault>,
    /// (node index, when, which fault): the lag faults of followers.
    lag_faults: Vec<(usize, Millis, FaultKind)>,
    /// Nodes the troubles actually hit (resolved when they start).
    trouble_nodes: Vec<usize>,
    logs: Vec<LogState>,
    nodes: Vec<NodeState>,
    leader: usize,
    sync: Option<usize>,
    /// Clients' write rate on the cut-off side, while a partition is active.
    stale_rate: u32,
    next_main: Millis,
    next_stale: Millis,
    queue: BinaryHeap<Reverse<(Millis, Ev, u64)>>,
    seq: u64,
    now: Millis,
    heartbeat: Option<(Millis, Position)>,
    down_since: Option<Millis>,
    downtime: Millis,
    events: u64,
    happenings: Vec<Happening>,
    split_brain_reported: bool,
}

/// The gap between two writes at `rate` per second, in ms (≥ 1).
fn interval(rate: u32) -> Millis {
    (1_000 / u64::from(rate.max(1))).max(1)
}

impl LeaderCluster {
    /// Builds the cluster. `lag_faults` are `(node number, fault)` for followers; node
    /// numbers and partitions must have been validated by the scenario.
    pub fn new(
        spec: &LeaderSpec,
        troubles: &[LeaderFault],
        lag_faults: &[(u32, Millis, FaultKind)],
    ) -> Self {
        let n = spec.lag_ms.len() + 1;
        let nodes = (0..n)
            .map(|i| NodeState {
                repl: ReplicaState::new(if i == 0 { 0 } else { spec.lag_ms[i - 1] }, true),
                log: 0,
                leads: i == 0,
                seen: spec.start.term,
                crashed: false,
                paused: false,
                isolated: false,
                deposed: false,
            })
            .collect();
        let mut c = LeaderCluster {
            spec: spec.clone(),
            troubles: troubles.to_vec(),
            lag_faults: lag_faults
                .iter()
                .map(|(node, at, k)| (*node as usize - 1, *at, k.clone()))
                .collect(),
            trouble_nodes: vec![0; troubles.len()],
            logs: vec![LogState {
                log: ReplicationLog::starting_at(spec.start),
                acked_at_cut: None,
            }],
            nodes,
            leader: 0,
            sync: spec.sync.map(|s| s as usize - 1),
            stale_rate: 0,
            next_main: interval(spec.writes_per_s),
            next_stale: 0,
            queue: BinaryHeap::new(),
            seq: 0,
            now: 0,
            heartbeat: None,
            down_since: None,
            downtime: 0,
            events: 0,
            happenings: Vec::new(),
            split_brain_reported: false,
        };
        c.schedule(0, Ev::Heartbeat);
        for (i, t) in troubles.iter().enumerate() {
            c.schedule(t.at_ms, Ev::TroubleStart(i));
        }
        for i in 0..c.lag_faults.len() {
            let at = c.lag_faults[i].1;
            c.schedule(at, Ev::LagStart(i));
        }
        c
    }

    fn schedule(&mut self, at: Millis, ev: Ev) {
        self.seq += 1;
        self.queue.push(Reverse((at, ev, self.seq)));
    }

    /// Runs the cluster up to time `t`: client writes, heartbeats, troubles, lag
    /// faults, in time order (at equal times: writes, then the heartbeat, then faults).
    pub fn advance_to(&mut self, t: Millis) {
        self.advance(t, true);
    }

    /// Runs the cluster up to time `t` like [`LeaderCluster::advance_to`], except the
    /// troubles and lag faults due exactly at `t`, which the next advance runs: what a
    /// coordinator's check at `t` sees is the cluster just before anything at `t` goes
    /// wrong (the leader's heartbeat at `t` included).
    pub fn advance_before_faults(&mut self, t: Millis) {
        self.advance(t, false);
    }

    /// The event loop of both: every event due by `t` in time order, the faults due
    /// exactly at `t` only when `faults_at_t`.
    fn advance(&mut self, t: Millis, faults_at_t: bool) {
        while let Some(&Reverse((at, ev, _))) = self.queue.peek() {
            if at > t || (at == t && !faults_at_t && ev != Ev::Heartbeat) {
                break;
            }
            self.queue.pop();
            self.write_until(at);
            self.now = self.now.max(at);
            self.events += 1;
            self.handle(ev);
        }
        self.write_until(t);
        self.now = self.now.max(t);
    }

    /// Appends the client writes due at or before `t` to the logs of the nodes that
    /// accept them.
    ///
    /// Who takes the writes changes only at events, never between two: one writer per
    /// batch (the grader's hottest loop).
    fn write_until(&mut self, t: Millis) {
        if self.spec.writes_per_s > 0 && self.next_main <= t {
            let every = interval(self.spec.writes_per_s);
            let log = self.writer(false).map(|w| self.nodes[w].log);
            while self.next_main <= t {
                if let Some(log) = log {
                    self.logs[log].log.append(self.next_main);
                }
                self.next_main += every;
            }
        }
        if self.stale_rate > 0 {
            let every = interval(self.stale_rate);
            if self.next_stale <= t {
                let log = self.writer(true).map(|w| self.nodes[w].log);
                while self.next_stale <= t {
                    if let Some(log) = log {
                        self.logs[log].log.append(self.next_stale);
                    }
                    self.next_stale += every;
                }
            }
        } else {
            self.next_stale = self.next_stale.max(t + 1);
        }
    }

    /// The side the main clients are on: the coordinator's, unless the cut-off side is
    /// a strict majority.
    fn main_side_isolated(&self) -> bool {
        let cut = self.nodes.iter().filter(|n| n.isolated).count();
        cut * 2 > self.nodes.len()
    }

    /// Which node takes the writes of the main clients (`stale == false`) or of the
    /// clients on the other side of a partition.
    fn writer(&self, stale: bool) -> Option<usize> {
        let side = self.main_side_isolated() ^ stale;
        let leading = |i: usize| {
            let n = &self.nodes[i];
            n.leads && n.up() && n.isolated == side && n.repl.partitioned == 0
        };
        if leading(self.leader) {
            return Some(self.leader);
        }
        (0..self.nodes.len())
            .filter(|&i| leading(i))
            .max_by_key(|&i| self.logs[self.nodes[i].log].log.term())
    }

    fn handle(&mut self, ev: Ev) {
        match ev {
            Ev::Heartbeat => {
                let l = self.leader;
                if self.coordinator_reaches(l) && self.nodes[l].leads {
                    let pos = self.logs[self.nodes[l].log].log.head_position();
                    self.heartbeat = Some((self.now, pos));
                }
                self.schedule(self.now + self.spec.heartbeat_ms.max(1), Ev::Heartbeat);
            }
            Ev::TroubleStart(f) => self.trouble_start(f),
            Ev::TroubleEnd(f) => self.trouble_end(f),
            Ev::LagStart(f) => self.lag_change(f, true),
            Ev::LagEnd(f) => self.lag_change(f, false),
        }
    }

    fn settle_all(&mut self) {
        let now = self.now;
        for n in &mut self.nodes {
            n.repl.settle(now);
        }
    }

    /// Whether two nodes can talk: both up, on the same side, neither cut off alone.
    fn connected(&self, a: usize, b: usize) -> bool {
        let (x, y) = (&self.nodes[a], &self.nodes[b]);
        x.up() && y.up() && x.isolated == y.isolated && x.repl.partitioned == 0 && {
            y.repl.partitioned == 0
        }
    }

    /// Whether the coordinator (on the non-isolated side) can reach node `i`.
    pub fn coordinator_reaches(&self, i: usize) -> bool {
        let n = &self.nodes[i];
        n.up() && !n.isolated && n.repl.partitioned == 0
    }

    /// Recomputes who streams from whom, fences deposed leaders, re-points followers
    /// and accounts downtime. Called after every change; settles first.
    fn reconcile(&mut self) {
        let now = self.now;
        // Fencing: a leader that can talk to a node of a newer term steps down.
        for i in 0..self.nodes.len() {
            if !self.nodes[i].leads || !self.nodes[i].up() {
                continue;
            }
            let its = self.logs[self.nodes[i].log].log.term();
            let newer = (0..self.nodes.len())
                .filter(|&j| j != i && self.connected(i, j) && self.nodes[j].seen > its)
                .map(|j| self.nodes[j].seen)
                .max();
            if let Some(newer) = newer {
                let log = &self.logs[self.nodes[i].log].log;
                let head = log.head();
                let n = &mut self.nodes[i];
                n.leads = false;
                n.deposed = true;
                n.seen = newer;
                // It holds all of its own log.
                n.repl.horizon = now as i64;
                n.repl.applied = head;
                self.happenings.push(Happening::Fenced {
                    at: now,
                    node: i as u32 + 1,
                    its_term: its,
                    newer,
                });
            }
        }
        // A node that can talk to a node holding a newer term's history rewinds to it at
        // once (`pg_rewind` against the node that fenced it), even with no leader to
        // follow: its position never shows a divergent suffix of a dead term.
        for i in 0..self.nodes.len() {
            if self.nodes[i].leads || !self.nodes[i].up() {
                continue;
            }
            let own = self.logs[self.nodes[i].log].log.term();
            let newer = (0..self.nodes.len())
                .filter(|&j| j != i && self.connected(i, j))
                .map(|j| self.nodes[j].log)
                .filter(|&l| self.logs[l].log.term() > own)
                .max_by_key(|&l| self.logs[l].log.term());
            if let Some(l) = newer {
                self.rejoin(i, l);
            }
        }
        // Followers (and fenced leaders) re-point at the leader of the newest term they
        // can reach, truncating what that history does not have.
        for i in 0..self.nodes.len() {
            if self.nodes[i].leads || !self.nodes[i].up() {
                continue;
            }
            let best = (0..self.nodes.len())
                .filter(|&j| j != i && self.nodes[j].leads && self.connected(i, j))
                .max_by_key(|&j| (self.logs[self.nodes[j].log].log.term(), j == self.leader));
            let Some(j) = best else { continue };
            let target = self.nodes[j].log;
            if self.nodes[i].log != target {
                self.rejoin(i, target);
            }
            let term = self.logs[target].log.term();
            self.nodes[i].seen = self.nodes[i].seen.max(term);
        }
        // Split brain: two leaders, up, taking writes, neither newer than the other.
        if !self.split_brain_reported {
            let l = self.leader;
            let lterm = self.logs[self.nodes[l].log].log.term();
            for i in 0..self.nodes.len() {
                let n = &self.nodes[i];
                if i == l || !n.leads || !n.up() || self.writer_side_of(i).is_none() {
                    continue;
                }
                let t = self.logs[n.log].log.term();
                if t >= lterm && self.nodes[l].leads && self.nodes[l].up() {
                    self.split_brain_reported = true;
                    self.happenings.push(Happening::TwoLeaders {
                        at: now,
                        old: i as u32 + 1,
                        new: l as u32 + 1,
                        term: t,
                    });
                    break;
                }
            }
        }
        // Streaming: a follower receives while it can talk to the leader of its log.
        for i in 0..self.nodes.len() {
            let log = self.nodes[i].log;
            let upstream = (0..self.nodes.len())
                .find(|&j| self.nodes[j].leads && self.nodes[j].log == log && j != i);
            let down = self.nodes[i].leads
                || self.nodes[i].paused
                || upstream.is_none_or(|j| !self.connected(i, j));
            self.nodes[i].repl.upstream_down = down;
        }
        // Downtime: nobody takes the main clients' writes.
        let available = self.writer(false).is_some();
        match (available, self.down_since) {
            (false, None) => self.down_since = Some(now),
            (true, Some(since)) => {
                self.downtime += now - since;
                self.down_since = None;
            }
            _ => {}
        }
    }

    /// Whether some clients can write to node `i` (it is on a side with clients).
    fn writer_side_of(&self, i: usize) -> Option<()> {
        let n = &self.nodes[i];
        let main = n.isolated == self.main_side_isolated();
        (main || self.stale_rate > 0).then_some(())
    }

    /// Node `i` leaves its log for `target`, keeping the common prefix.
    fn rejoin(&mut self, i: usize, target: usize) {
        let now = self.now;
        let old = self.nodes[i].log;
        let had = self.applied_on(i);
        let common = self.logs[old].log.common_prefix(&self.logs[target].log);
        let kept = had.min(common);
        let truncated = had.0 - kept.0;
        let was_leader = std::mem::take(&mut self.nodes[i].deposed);
        // From now on its horizon means "everything of the new log committed by then":
        // just before the first entry it does not have.
        let next = self.logs[target].log.committed_at(Lsn(kept.0 + 1));
        let r = &mut self.nodes[i].repl;
        r.horizon = next.map_or(now as i64, |t| t as i64 - 1);
        r.applied = kept;
        self.nodes[i].log = target;
        if truncated > 0 || was_leader {
            self.happenings.push(Happening::Rejoined {
                at: now,
                node: i as u32 + 1,
                kept: self.logs[target].log.position(kept),
                truncated,
                was_leader,
            });
        }
    }

    fn applied_on(&mut self, i: usize) -> Lsn {
        let now = self.now;
        let n = &mut self.nodes[i];
        let log = &self.logs[n.log].log;
        if n.leads {
            return log.head();
        }
        n.repl.settle(now);
        n.repl.applied = log.lsn_through(n.repl.horizon, n.repl.applied);
        n.repl.applied
    }

    /// Writes acknowledged on `log` right now: with semi-synchronous replication, what
    /// the sync follower has applied of it; otherwise everything its leader has.
    fn acked_now(&mut self, log: usize) -> Lsn {
        let head = self.logs[log].log.head();
        match self.sync {
            Some(s) if self.nodes[s].log == log && !self.nodes[s].leads => {
                self.applied_on(s).min(head)
            }
            // No sync follower on this log: commits wait, nothing new is acknowledged.
            Some(_) => self.logs[log]
                .acked_at_cut
                .unwrap_or(self.logs[log].log.base()),
            None => head,
        }
    }

    fn resolve(&self, target: Target) -> usize {
        match target {
            Target::Leader => self.leader,
            Target::Node(n) => n as usize - 1,
        }
    }

    fn trouble_start(&mut self, f: usize) {
        self.settle_all();
        let node = self.resolve(self.troubles[f].target);
        self.trouble_nodes[f] = node;
        let was_reached = self.coordinator_reaches(self.leader);
        let trouble = self.troubles[f].trouble.clone();
        let end = match &trouble {
            Trouble::Crash { restart_after_ms } => {
                self.nodes[node].crashed = true;
                *restart_after_ms
            }
            Trouble::Pause { duration_ms } => {
                self.nodes[node].paused = true;
                Some(*duration_ms)
            }
            Trouble::Partition {
                with,
                writes_per_s,
                duration_ms,
            } => {
                self.nodes[node].isolated = true;
                for &w in with {
                    self.nodes[w as usize - 1].isolated = true;
                }
                self.stale_rate = *writes_per_s;
                self.next_stale = self.now + 1;
                *duration_ms
            }
        };
        self.happenings.push(Happening::Trouble {
            at: self.now,
            node: node as u32 + 1,
            text: describe(&trouble),
            starts: true,
        });
        if was_reached && !self.coordinator_reaches(self.leader) {
            let log = self.nodes[self.leader].log;
            let acked = self.acked_now(log);
            self.logs[log].acked_at_cut = Some(acked);
        }
        if let Some(d) = end {
            self.schedule(self.now + d, Ev::TroubleEnd(f));
        }
        self.reconcile();
    }

    fn trouble_end(&mut self, f: usize) {
        self.settle_all();
        let node = self.trouble_nodes[f];
        let text = match &self.troubles[f].trouble {
            Trouble::Crash { .. } => {
                self.nodes[node].crashed = false;
                "restarts with the data it had"
            }
            Trouble::Pause { .. } => {
                self.nodes[node].paused = false;
                "wakes up from the pause, still believing it leads"
            }
            Trouble::Partition { .. } => {
                for n in &mut self.nodes {
                    n.isolated = false;
                }
                self.stale_rate = 0;
                "the partition heals"
            }
        };
        let was_leader_node = self.nodes[node].leads;
        self.happenings.push(Happening::Trouble {
            at: self.now,
            node: node as u32 + 1,
            text: if was_leader_node && matches!(self.troubles[f].trouble, Trouble::Crash { .. }) {
                "restarts with the data it had, believing it leads".to_string()
            } else {
                text.to_string()
            },
            starts: false,
        });
        self.reconcile();
        // Back in touch: the leader's next heartbeat gets through at once.
        let l = self.leader;
        if self.coordinator_reaches(l) && self.nodes[l].leads {
            let pos = self.logs[self.nodes[l].log].log.head_position();
            self.heartbeat = Some((self.now, pos));
        }
    }

    fn lag_change(&mut self, f: usize, starts: bool) {
        self.settle_all();
        let (i, at, kind) = self.lag_faults[f].clone();
        let now = self.now;
        let r = &mut self.nodes[i].repl;
        let text = if starts {
            match kind {
                FaultKind::Spike { lag_ms, .. } => r.spike = Some(lag_ms),
                FaultKind::Stall { .. } => r.frozen += 1,
                FaultKind::Growth { rate_ms_per_s, .. } => r.growth = Some((now, rate_ms_per_s)),
                FaultKind::Crash { .. } => r.crashed += 1,
                FaultKind::Partition { .. } => r.partitioned += 1,
                FaultKind::Restore { backup_age_ms, .. } => {
                    r.horizon = now as i64 - backup_age_ms as i64;
                    r.frozen += 1;
                }
                FaultKind::Jitter { .. }
                | FaultKind::AddReplica { .. }
                | FaultKind::Failover { .. } => {}
            }
            if let Some(d) = kind.duration_ms() {
                self.schedule(at + d, Ev::LagEnd(f));
            }
            kind.describe()
        } else {
            match kind {
                FaultKind::Spike { .. } => r.spike = None,
                FaultKind::Stall { .. } | FaultKind::Restore { .. } => {
                    r.frozen = r.frozen.saturating_sub(1)
                }
                FaultKind::Growth { .. } => r.growth = None,
                FaultKind::Crash { .. } => r.crashed = r.crashed.saturating_sub(1),
                FaultKind::Partition { .. } => r.partitioned = r.partitioned.saturating_sub(1),
                FaultKind::Jitter { .. }
                | FaultKind::AddReplica { .. }
                | FaultKind::Failover { .. } => {}
            }
            format!("{} ends", kind.name())
        };
        self.happenings.push(Happening::Lag {
            at: now,
            node: i as u32 + 1,
            text,
        });
        self.reconcile();
    }

    /// Promotes node `node` (1-based) under `term`: its log is forked at what it had;
    /// every node it can reach follows it (truncating what the new history lacks).
    /// The caller has checked that the coordinator can reach the node.
    pub fn promote(&mut self, node: u32, term: Term) -> PromotionOutcome {
        self.settle_all();
        let i = node as usize - 1;
        let old_leader = self.leader;
        let old_log = self.nodes[old_leader].log;
        let old_term = self.logs[old_log].log.term();
        let acknowledged = match self.logs[old_log].acked_at_cut {
            Some(a) => a,
            None => self.acked_now(old_log),
        };
        let had = self.applied_on(i);
        let own = self.nodes[i].log;
        let kept_lsn = had.min(self.logs[own].log.common_prefix(&self.logs[old_log].log));
        let kept = self.logs[own].log.position(had);
        let lost = acknowledged.0.saturating_sub(kept_lsn.0);
        let log = self.logs[own].log.fork(had, term);
        self.logs.push(LogState {
            log,
            acked_at_cut: None,
        });
        let new_log = self.logs.len() - 1;
        let n = &mut self.nodes[i];
        n.log = new_log;
        n.leads = true;
        n.seen = n.seen.max(term);
        n.repl.upstream_down = true;
        // The coordinator tells the nodes it reaches about the new term.
        for j in 0..self.nodes.len() {
            if self.coordinator_reaches(j) {
                self.nodes[j].seen = self.nodes[j].seen.max(term);
            }
        }
        self.leader = i;
        // The coordinator has just spoken to the new leader.
        self.heartbeat = Some((self.now, self.logs[new_log].log.head_position()));
        if self.sync.is_some() {
            // The new leader picks its sync follower: the first reachable follower.
            self.sync = (0..self.nodes.len()).find(|&j| j != i && self.coordinator_reaches(j));
        }
        self.reconcile();
        PromotionOutcome {
            kept,
            acknowledged,
            lost,
            old_term,
        }
    }

    /// How much of the current leader's acknowledged history node `node` would keep if
    /// it were promoted now: its applied LSN, cut at where its log and the leader's part.
    pub fn kept_if_promoted(&mut self, node: u32) -> Lsn {
        let i = node as usize - 1;
        let had = self.applied_on(i);
        let leader_log = self.nodes[self.leader].log;
        if self.nodes[i].log == leader_log {
            return had;
        }
        had.min(
            self.logs[self.nodes[i].log]
                .log
                .common_prefix(&self.logs[leader_log].log),
        )
    }

    /// Whether node `node` is alive and still believes it leads (crashed: no; paused:
    /// yes, it will wake up leading).
    pub fn alive_leading(&self, node: u32) -> bool {
        let n = &self.nodes[node as usize - 1];
        n.leads && !n.crashed && n.repl.crashed == 0
    }

    /// Whether node `node` takes the main clients' writes right now.
    pub fn serving(&self, node: u32) -> bool {
        self.writer(false) == Some(node as usize - 1)
    }

    /// What a follower answers when the coordinator asks for its position, or `None`
    /// if the coordinator cannot reach it.
    pub fn poll(&mut self, node: u32) -> Option<Position> {
        let i = node as usize - 1;
        if !self.coordinator_reaches(i) {
            return None;
        }
        let lsn = self.applied_on(i);
        Some(self.logs[self.nodes[i].log].log.position(lsn))
    }

    /// The *true* position of a node — harness only.
    pub fn true_position(&mut self, node: u32) -> Position {
        let i = node as usize - 1;
        let lsn = self.applied_on(i);
        self.logs[self.nodes[i].log].log.position(lsn)
    }

    /// The last heartbeat the coordinator received: when, and the leader's position.
    pub fn last_heartbeat(&self) -> Option<(Millis, Position)> {
        self.heartbeat
    }

    /// The node the coordinator and the clients follow (1-based).
    pub fn leader(&self) -> u32 {
        self.leader as u32 + 1
    }

    /// The term of the current leader's log.
    pub fn term(&self) -> Term {
        self.logs[self.nodes[self.leader].log].log.term()
    }

    /// The sync follower of the current leader (1-based), if replication is
    /// semi-synchronous.
    pub fn sync_follower(&self) -> Option<u32> {
        self.sync.map(|s| s as u32 + 1)
    }

    pub fn node_count(&self) -> u32 {
        self.nodes.len() as u32
    }

    /// How many nodes are on the coordinator's side, up (the coordinator's own vote is
    /// not a node's).
    pub fn coordinator_side(&self) -> u32 {
        (0..self.nodes.len())
            .filter(|&i| self.coordinator_reaches(i))
            .count() as u32
    }

    /// Time so far without a leader taking the main clients' writes.
    pub fn downtime(&self) -> Millis {
        self.downtime + self.down_since.map_or(0, |s| self.now - s)
    }

    pub fn now(&self) -> Millis {
        self.now
    }

    /// Events processed (heartbeats, troubles, lag faults).
    pub fn events(&self) -> u64 {
        self.events
    }

    pub fn happenings(&self) -> &[Happening] {
        &self.happenings
    }

    /// The writes the current leader holds.
    pub fn head(&self) -> Position {
        self.logs[self.nodes[self.leader].log].log.head_position()
    }

    /// Which node a trouble hit (after it started).
    pub fn trouble_node(&self, f: usize) -> u32 {
        self.trouble_nodes[f] as u32 + 1
    }
}

fn describe(t: &Trouble) -> String {
    use crate::model::fmt_time;
    match t {
        Trouble::Crash {
            restart_after_ms: None,
        } => "crashes for good".into(),
        Trouble::Crash {
            restart_after_ms: Some(d),
        } => format!("crashes, restarts after {}", fmt_time(*d)),
        Trouble::Pause { duration_ms } => {
            format!(
                "pauses for {} (GC), then carries on",
                fmt_time(*duration_ms)
            )
        }
        Trouble::Partition {
            with, writes_per_s, ..
        } => {
            let with = if with.is_empty() {
                String::new()
            } else {
                format!(
                    " together with {}",
                    with.iter()
                        .map(|n| format!("node-{n}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            format!(
                "is cut off by a partition{with}; clients on its side keep writing ({writes_per_s}/s)"
            )
        }
    }
}

#[cfg(test)]
#[path = "leadership_tests.rs"]
mod tests;
