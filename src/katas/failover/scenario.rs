//! The failover kata's scenario schema (version 1).

use crate::katas::KataScenario;
use crate::model::Millis;
use crate::scenario::within_a_day;
use serde::Deserialize;

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FailoverScenario {
    pub schema: u32,
    pub kata: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The leader's log position when trouble starts.
    pub leader_lsn: u64,
    /// The followers' positions (and which is the semi-synchronous one).
    pub followers: Vec<FollowerSpec>,
    /// Semi-synchronous replication: the leader acknowledges a write once the `sync`
    /// follower has it. Otherwise replication is asynchronous.
    #[serde(default)]
    pub semi_sync: bool,
    pub trouble: Trouble,
    #[serde(default = "default_max_loss")]
    pub max_data_loss: u64,
    #[serde(default = "default_heartbeat")]
    pub heartbeat_ms: Millis,
    #[serde(default = "default_duration")]
    pub duration_ms: Millis,
    #[serde(default)]
    pub budgets: Budgets,
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
    pub lsn: u64,
    #[serde(default)]
    pub sync: bool,
}

/// What happens to the leader (node-1).
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Trouble {
    /// The leader crashes for good.
    Crash { at_ms: Millis },
    /// The leader stops for `duration_ms` (a GC pause), then carries on as leader.
    Pause { at_ms: Millis, duration_ms: Millis },
    /// The network splits. `leader_side` lists the followers (2 = the first follower)
    /// left with the leader; the coordinator is on the other side. Clients on the
    /// leader's side keep writing at `writes_per_s`.
    Partition {
        at_ms: Millis,
        #[serde(default)]
        leader_side: Vec<u32>,
        #[serde(default)]
        writes_per_s: u32,
    },
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Budgets {
    /// Longest acceptable time without a leader that can accept writes; no limit if
    /// omitted (e.g. when the right answer is to wait for a human).
    #[serde(default = "default_max_downtime")]
    pub max_downtime_ms: Option<Millis>,
}

fn default_max_downtime() -> Option<Millis> {
    Some(60_000)
}

impl Default for Budgets {
    fn default() -> Self {
        Budgets {
            max_downtime_ms: default_max_downtime(),
        }
    }
}

impl KataScenario for FailoverScenario {
    fn name(&self) -> &str {
        &self.name
    }
}

pub fn validate(s: &FailoverScenario) -> Result<(), String> {
    if s.followers.is_empty() || s.followers.len() > 15 {
        return Err("a cluster needs 1 to 15 followers".into());
    }
    if s.followers.iter().any(|f| f.lsn > s.leader_lsn) {
        return Err("a follower cannot be ahead of the leader".into());
    }
    if s.semi_sync && s.followers.iter().filter(|f| f.sync).count() != 1 {
        return Err("semi-synchronous replication needs exactly one `sync: true` follower".into());
    }
    if s.heartbeat_ms == 0 {
        return Err("heartbeat_ms must be positive".into());
    }
    let (at_ms, pause_ms) = match s.trouble {
        Trouble::Crash { at_ms } | Trouble::Partition { at_ms, .. } => (at_ms, 0),
        Trouble::Pause { at_ms, duration_ms } => (at_ms, duration_ms),
    };
    let times = [
        ("heartbeat_ms", s.heartbeat_ms),
        ("duration_ms", s.duration_ms),
        ("trouble.at_ms", at_ms),
        ("trouble.duration_ms", pause_ms),
        (
            "budgets.max_downtime_ms",
            s.budgets.max_downtime_ms.unwrap_or(0),
        ),
    ];
    for (what, ms) in times {
        within_a_day(what, ms)?;
    }
    if let Trouble::Partition { leader_side, .. } = &s.trouble {
        let n = s.followers.len() as u32 + 1;
        if leader_side.iter().any(|&x| x < 2 || x > n) {
            return Err(format!(
                "partition.leader_side lists followers, numbered 2 to {n}"
            ));
        }
        // A follower listed twice would count twice towards a majority.
        let mut seen = std::collections::BTreeSet::new();
        if let Some(twice) = leader_side.iter().find(|&&x| !seen.insert(x)) {
            return Err(format!(
                "partition.leader_side lists follower {twice} twice; list each at most once"
            ));
        }
    }
    Ok(())
}

/// The exhaustive scope: two or three followers, each at the leader's position, one
/// write behind, five behind or far behind (200); asynchronous, or semi-synchronous
/// with each follower in turn as the sync one; and each kind of trouble — a crash, a
/// 20 s pause, a partition isolating the leader alone (clients still writing) or with
/// the first follower.
pub fn exhaustive() -> Vec<FailoverScenario> {
    const LEADER: u64 = 1_000;
    const BEHIND: [u64; 4] = [0, 1, 5, 200];
    let troubles = [
        Trouble::Crash { at_ms: 10_000 },
        Trouble::Pause {
            at_ms: 10_000,
            duration_ms: 20_000,
        },
        Trouble::Partition {
            at_ms: 10_000,
            leader_side: Vec::new(),
            writes_per_s: 2,
        },
        Trouble::Partition {
            at_ms: 10_000,
            leader_side: vec![2],
            writes_per_s: 2,
        },
    ];
    let mut out = Vec::new();
    for count in 2..=3usize {
        let mut positions: Vec<Vec<u64>> = vec![Vec::new()];
        for _ in 0..count {
            positions = positions
                .into_iter()
                .flat_map(|p| {
                    BEHIND.iter().map(move |b| {
                        let mut longer = p.clone();
                        longer.push(LEADER - b);
                        longer
                    })
                })
                .collect();
        }
        for lsns in &positions {
            // None: asynchronous; Some(i): follower i is the synchronous one.
            for sync in std::iter::once(None).chain((0..count).map(Some)) {
                for trouble in &troubles {
                    let followers: Vec<FollowerSpec> = lsns
                        .iter()
                        .enumerate()
                        .map(|(i, &lsn)| FollowerSpec {
                            lsn,
                            sync: sync == Some(i),
                        })
                        .collect();
                    out.push(FailoverScenario {
                        schema: crate::scenario::SCHEMA_VERSION,
                        kata: "failover".into(),
                        name: format!("exhaustive-{}", out.len()),
                        description: "a schedule of the exhaustive scope".into(),
                        leader_lsn: LEADER,
                        followers,
                        semi_sync: sync.is_some(),
                        trouble: trouble.clone(),
                        max_data_loss: 10,
                        heartbeat_ms: 1_000,
                        duration_ms: 90_000,
                        budgets: Budgets::default(),
                    });
                }
            }
        }
    }
    out
}
