//! The failover kata's scenario schema (version 2).
//!
//! Version 1 gave every follower a fixed LSN at the moment of failure. Version 2
//! describes the cluster instead — where the log starts (any term), the write rate,
//! each follower's replication lag and lag faults, and a list of troubles — and the
//! positions at the moment of a failure come out of the shared replication model.

use crate::katas::KataScenario;
use crate::model::{Millis, Position};
use crate::scenario::within_a_day;
use crate::sim::{FaultKind, LeaderFault, LeaderSpec, Target, Trouble as SimTrouble};
use serde::Deserialize;

/// The schema version of failover scenario files.
pub const SCHEMA: u32 = 2;

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FailoverScenario {
    pub schema: u32,
    pub kata: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Where the log starts: every node has this history, written in this term.
    #[serde(default)]
    pub start: Start,
    /// Client writes per second to the leader.
    #[serde(default = "default_rate")]
    pub writes_per_s: u32,
    /// The followers (node-2, node-3, …): replication lag, and which one (if any) is
    /// the synchronous follower of semi-synchronous replication.
    pub followers: Vec<FollowerSpec>,
    /// Lag faults on followers, as in the read katas' `faults` (spike, stall, growth,
    /// crash, partition, restore), by node number.
    #[serde(default)]
    pub lag_faults: Vec<LagFault>,
    /// What happens to the leader (or to any node), in time order.
    pub troubles: Vec<Trouble>,
    #[serde(default = "default_max_loss")]
    pub max_data_loss: u64,
    #[serde(default = "default_heartbeat")]
    pub heartbeat_ms: Millis,
    #[serde(default = "default_duration")]
    pub duration_ms: Millis,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Start {
    #[serde(default = "default_term")]
    pub term: u64,
    #[serde(default)]
    pub lsn: u64,
}

impl Default for Start {
    fn default() -> Self {
        Start { term: 1, lsn: 0 }
    }
}

fn default_term() -> u64 {
    1
}

fn default_rate() -> u32 {
    100
}

fn default_max_loss() -> u64 {
    10
}

fn default_heartbeat() -> Millis {
    1_000
}

fn default_duration() -> Millis {
    120_000
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FollowerSpec {
    pub lag_ms: Millis,
    #[serde(default)]
    pub sync: bool,
}

/// A lag fault on a follower: `{ at_ms: 5000, node: 3, kind: stall, duration_ms: 4000 }`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct LagFault {
    pub at_ms: Millis,
    pub node: u32,
    #[serde(flatten)]
    pub kind: FaultKind,
}

/// What happens, to the leader of the moment unless `node` names another.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Trouble {
    /// The node crashes; it restarts after `restart_after_ms` with the data it had
    /// (and rejoins as a follower if someone else leads by then), or never.
    Crash {
        at_ms: Millis,
        #[serde(default)]
        node: Option<u32>,
        #[serde(default)]
        restart_after_ms: Option<Millis>,
    },
    /// The node stops for `duration_ms` (a GC pause), then carries on as before.
    Pause {
        at_ms: Millis,
        #[serde(default)]
        node: Option<u32>,
        duration_ms: Millis,
    },
    /// The network splits: the node and the nodes listed in `with` on one side, the
    /// coordinator and everyone else on the other. Clients on the node's side keep
    /// writing at `writes_per_s`. Heals after `duration_ms`, or never.
    Partition {
        at_ms: Millis,
        #[serde(default)]
        node: Option<u32>,
        #[serde(default)]
        with: Vec<u32>,
        #[serde(default)]
        writes_per_s: u32,
        #[serde(default)]
        duration_ms: Option<Millis>,
    },
}

impl Trouble {
    pub fn at_ms(&self) -> Millis {
        match *self {
            Trouble::Crash { at_ms, .. }
            | Trouble::Pause { at_ms, .. }
            | Trouble::Partition { at_ms, .. } => at_ms,
        }
    }

    fn node(&self) -> Option<u32> {
        match *self {
            Trouble::Crash { node, .. }
            | Trouble::Pause { node, .. }
            | Trouble::Partition { node, .. } => node,
        }
    }

    /// The same trouble in the shared model's terms.
    pub fn to_sim(&self) -> LeaderFault {
        let trouble = match self {
            Trouble::Crash {
                restart_after_ms, ..
            } => SimTrouble::Crash {
                restart_after_ms: *restart_after_ms,
            },
            Trouble::Pause { duration_ms, .. } => SimTrouble::Pause {
                duration_ms: *duration_ms,
            },
            Trouble::Partition {
                with,
                writes_per_s,
                duration_ms,
                ..
            } => SimTrouble::Partition {
                with: with.clone(),
                writes_per_s: *writes_per_s,
                duration_ms: *duration_ms,
            },
        };
        LeaderFault {
            at_ms: self.at_ms(),
            target: self.node().map_or(Target::Leader, Target::Node),
            trouble,
        }
    }
}

impl KataScenario for FailoverScenario {
    fn name(&self) -> &str {
        &self.name
    }
}

impl FailoverScenario {
    /// Nodes in the cluster, the leader included.
    pub fn cluster_size(&self) -> u32 {
        self.followers.len() as u32 + 1
    }

    /// The shared model's cluster for this scenario.
    pub fn spec(&self) -> LeaderSpec {
        LeaderSpec {
            start: Position::new(self.start.term, self.start.lsn),
            writes_per_s: self.writes_per_s,
            lag_ms: self.followers.iter().map(|f| f.lag_ms).collect(),
            sync: self
                .followers
                .iter()
                .position(|f| f.sync)
                .map(|i| i as u32 + 2),
            heartbeat_ms: self.heartbeat_ms,
        }
    }

    pub fn sim_troubles(&self) -> Vec<LeaderFault> {
        self.troubles.iter().map(Trouble::to_sim).collect()
    }

    pub fn sim_lag_faults(&self) -> Vec<(u32, Millis, FaultKind)> {
        self.lag_faults
            .iter()
            .map(|f| (f.node, f.at_ms, f.kind.clone()))
            .collect()
    }

    /// The first trouble, in words (for the timeline's title line and reports).
    pub fn trouble_text(&self) -> String {
        self.troubles
            .iter()
            .map(|t| {
                let who = t
                    .node()
                    .map_or("the leader".to_string(), |n| format!("node-{n}"));
                let what = match t {
                    Trouble::Crash {
                        restart_after_ms: None,
                        ..
                    } => "crashes".to_string(),
                    Trouble::Crash {
                        restart_after_ms: Some(d),
                        ..
                    } => format!("crashes, restarts after {}", crate::model::fmt_time(*d)),
                    Trouble::Pause { duration_ms, .. } => {
                        format!("pauses for {}", crate::model::fmt_time(*duration_ms))
                    }
                    Trouble::Partition { .. } => "is partitioned away".to_string(),
                };
                format!("{who} {what}")
            })
            .collect::<Vec<_>>()
            .join("; then ")
    }
}

pub fn validate(s: &FailoverScenario) -> Result<(), String> {
    if s.followers.is_empty() || s.followers.len() > 15 {
        return Err("a cluster needs 1 to 15 followers".into());
    }
    if s.followers.iter().filter(|f| f.sync).count() > 1 {
        return Err(
            "semi-synchronous replication has one `sync: true` follower, not several".into(),
        );
    }
    if s.heartbeat_ms == 0 {
        return Err("heartbeat_ms must be positive".into());
    }
    if s.writes_per_s > 1_000 {
        return Err(format!(
            "writes_per_s is {}; at most 1000 (one write per millisecond)",
            s.writes_per_s
        ));
    }
    if s.troubles.is_empty() {
        return Err("troubles: list at least one (crash, pause or partition)".into());
    }
    let n = s.cluster_size();
    let node_ok = |what: &str, x: u32| {
        if x < 1 || x > n {
            Err(format!(
                "{what}: node-{x} does not exist (nodes are 1 to {n})"
            ))
        } else {
            Ok(())
        }
    };
    let mut times = vec![
        ("heartbeat_ms", s.heartbeat_ms),
        ("duration_ms", s.duration_ms),
    ];
    for f in &s.followers {
        times.push(("followers[].lag_ms", f.lag_ms));
    }
    let mut partition_until: Option<Millis> = None;
    let mut last_at = 0;
    for t in &s.troubles {
        if t.at_ms() < last_at {
            return Err("troubles must be listed in time order".into());
        }
        last_at = t.at_ms();
        times.push(("troubles[].at_ms", t.at_ms()));
        if let Some(x) = t.node() {
            node_ok("troubles[].node", x)?;
        }
        match t {
            Trouble::Crash {
                restart_after_ms, ..
            } => times.push(("troubles[].restart_after_ms", restart_after_ms.unwrap_or(0))),
            Trouble::Pause { duration_ms, .. } => {
                times.push(("troubles[].duration_ms", *duration_ms))
            }
            Trouble::Partition {
                at_ms,
                with,
                duration_ms,
                writes_per_s,
                ..
            } => {
                for &x in with {
                    node_ok("troubles[].with", x)?;
                }
                // A node listed twice would count twice towards a side's majority.
                let mut seen = std::collections::BTreeSet::new();
                if let Some(twice) = with.iter().find(|&&x| !seen.insert(x)) {
                    return Err(format!(
                        "troubles[].with lists node-{twice} twice; list each node at most once"
                    ));
                }
                if *writes_per_s > 1_000 {
                    return Err("troubles[].writes_per_s: at most 1000".into());
                }
                times.push(("troubles[].duration_ms", duration_ms.unwrap_or(0)));
                if partition_until.is_some_and(|end| end > *at_ms) {
                    return Err(
                        "troubles: one partition at a time (the previous one has not healed)"
                            .into(),
                    );
                }
                partition_until = Some(duration_ms.map_or(Millis::MAX, |d| at_ms + d));
            }
        }
    }
    for f in &s.lag_faults {
        if f.node < 2 || f.node > n {
            return Err(format!(
                "lag_faults[].node: node-{} is not a follower (followers are 2 to {n})",
                f.node
            ));
        }
        if matches!(
            f.kind,
            FaultKind::Jitter { .. } | FaultKind::AddReplica { .. }
        ) {
            return Err(format!(
                "lag_faults: `{}` is not available in the failover kata (spike, stall, \
                 growth, crash, partition, restore are)",
                f.kind.name()
            ));
        }
        times.push(("lag_faults[].at_ms", f.at_ms));
        times.extend(f.kind.times_ms());
    }
    for (what, ms) in times {
        within_a_day(what, ms)?;
    }
    Ok(())
}

/// The exhaustive scope: two or three followers (clusters of three and four nodes), in
/// term 5, each with a lag that puts it at the leader's position, one write behind, five
/// behind (exactly the allowed loss) or six (one over) when the trouble starts;
/// asynchronous, or semi-synchronous with each follower in turn as the sync one (so the
/// sync follower is behind the leader, or behind an asynchronous follower); and each
/// kind of trouble — a crash, a pause just under and one just over the 25 s failover
/// timeout, a partition isolating the leader alone (clients still writing) or with
/// node-2.
pub fn exhaustive() -> Vec<FailoverScenario> {
    const LAGS: [Millis; 4] = [0, 10, 50, 60];
    let timeout = super::driver::FAILOVER_TIMEOUT_MS;
    let troubles = [
        Trouble::Crash {
            at_ms: 10_000,
            node: None,
            restart_after_ms: None,
        },
        Trouble::Pause {
            at_ms: 10_000,
            node: None,
            duration_ms: timeout - 300,
        },
        Trouble::Pause {
            at_ms: 10_000,
            node: None,
            duration_ms: timeout + 300,
        },
        Trouble::Partition {
            at_ms: 10_000,
            node: None,
            with: Vec::new(),
            writes_per_s: 2,
            duration_ms: Some(60_000),
        },
        Trouble::Partition {
            at_ms: 10_000,
            node: None,
            with: vec![2],
            writes_per_s: 2,
            duration_ms: Some(60_000),
        },
    ];
    let mut out = Vec::new();
    for count in 2..=3usize {
        let mut lag_sets: Vec<Vec<Millis>> = vec![Vec::new()];
        for _ in 0..count {
            lag_sets = lag_sets
                .into_iter()
                .flat_map(|p| {
                    LAGS.iter().map(move |&l| {
                        let mut longer = p.clone();
                        longer.push(l);
                        longer
                    })
                })
                .collect();
        }
        for lags in &lag_sets {
            // None: asynchronous; Some(i): follower i is the synchronous one.
            for sync in std::iter::once(None).chain((0..count).map(Some)) {
                for trouble in &troubles {
                    let followers: Vec<FollowerSpec> = lags
                        .iter()
                        .enumerate()
                        .map(|(i, &lag_ms)| FollowerSpec {
                            lag_ms,
                            sync: sync == Some(i),
                        })
                        .collect();
                    out.push(FailoverScenario {
                        schema: SCHEMA,
                        kata: "failover".into(),
                        name: format!("exhaustive-{}", out.len()),
                        description: "a schedule of the exhaustive scope".into(),
                        start: Start {
                            term: 5,
                            lsn: 20_000,
                        },
                        writes_per_s: 100,
                        followers,
                        lag_faults: Vec::new(),
                        troubles: vec![trouble.clone()],
                        max_data_loss: 5,
                        heartbeat_ms: 1_000,
                        duration_ms: 90_000,
                    });
                }
            }
        }
    }
    out
}
