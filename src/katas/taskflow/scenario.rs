//! TaskFlow's scenario schema (version 1), validation and expansion into operations.

use crate::model::{DeviceId, Key, Millis, Names, UserId};
use crate::scenario::{MAX_TIME_MS, known, per_duration, traffic_size, unique, validate_cluster};
use crate::sim::{ClusterSpec, Fault};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Deserialize;

/// A TaskFlow scenario file. See `docs/scenarios.md`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TaskFlowScenario {
    pub schema: u32,
    pub kata: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub cluster: ClusterSpec,
    #[serde(default)]
    pub faults: Vec<Fault>,
    /// Named users of the story.
    #[serde(default)]
    pub users: Vec<String>,
    #[serde(default = "default_devices")]
    pub devices: Vec<String>,
    #[serde(default = "default_boards")]
    pub boards: Vec<String>,
    #[serde(default)]
    pub ops: Vec<OpSpec>,
    #[serde(default)]
    pub traffic: Option<Traffic>,
    #[serde(default)]
    pub budgets: Budgets,
}

fn default_devices() -> Vec<String> {
    vec!["phone".into(), "laptop".into()]
}

fn default_boards() -> Vec<String> {
    vec!["launch".into()]
}

/// `{ at_ms: 1200, user: bob, device: laptop, op: view_board, board: launch }`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OpSpec {
    pub at_ms: Millis,
    pub user: String,
    pub device: String,
    pub op: OpKind,
    pub board: String,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum OpKind {
    /// Move a task on the board (a write to the primary).
    Update,
    /// Refresh the board (a read, routed by the learner's router).
    ViewBoard,
}

/// Background users refreshing boards and moving tasks.
///
/// Read through [`TrafficFields`], so that a section that would expand into more
/// operations than the documented limit is refused while the file is parsed — with
/// the line and column of the section, before anything is generated.
#[derive(Clone, Debug, PartialEq)]
pub struct Traffic {
    pub users: u32,
    pub duration_ms: Millis,
    /// Board refreshes per second, over all background users.
    pub refresh_per_s: u32,
    /// Task updates per second, over all background users.
    pub updates_per_s: u32,
    /// Share of the refreshes made by the hottest user (`user-1`); the rest are spread
    /// evenly.
    pub hot_share: f64,
}

impl<'de> Deserialize<'de> for Traffic {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::scenario::checked_map::<D, TrafficFields, Traffic>(d)
    }
}

/// A `traffic` section as written in a file, before its size is checked.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TrafficFields {
    users: u32,
    duration_ms: Millis,
    refresh_per_s: u32,
    updates_per_s: u32,
    #[serde(default)]
    hot_share: f64,
}

impl TryFrom<TrafficFields> for Traffic {
    type Error = String;

    fn try_from(f: TrafficFields) -> Result<Traffic, String> {
        let t = Traffic {
            users: f.users,
            duration_ms: f.duration_ms,
            refresh_per_s: f.refresh_per_s,
            updates_per_s: f.updates_per_s,
            hot_share: f.hot_share,
        };
        crate::scenario::traffic_size(t.users, t.operations(), t.duration_ms)?;
        Ok(t)
    }
}

impl Traffic {
    /// Background operations over the whole duration: refreshes and updates.
    pub fn operations(&self) -> u64 {
        let per_s = u64::from(self.refresh_per_s) + u64::from(self.updates_per_s);
        per_duration(per_s, self.duration_ms)
    }

    /// Of those, the updates.
    pub fn updates(&self) -> u64 {
        per_duration(self.updates_per_s.into(), self.duration_ms)
    }
}

/// Budgets, shared with the other read-routing katas.
pub use crate::katas::reads::ReadBudgets as Budgets;

crate::scenario::cluster_scenario!(TaskFlowScenario, OpSpec);

pub fn validate(s: &TaskFlowScenario) -> Result<(), String> {
    validate_cluster(&s.cluster, &s.faults)?;
    if s.users.is_empty() && s.traffic.as_ref().is_none_or(|t| t.users == 0) {
        return Err("a scenario needs users (or traffic)".into());
    }
    unique("users", &s.users)?;
    unique("devices", &s.devices)?;
    unique("boards", &s.boards)?;
    if s.devices.is_empty() || s.boards.is_empty() {
        return Err("devices and boards must not be empty".into());
    }
    for (i, op) in s.ops.iter().enumerate() {
        let at = format!("ops[{i}] (at {} ms)", op.at_ms);
        known(&at, "user", &op.user, &s.users)?;
        known(&at, "device", &op.device, &s.devices)?;
        known(&at, "board", &op.board, &s.boards)?;
        if op.at_ms > MAX_TIME_MS {
            return Err(format!("{at}: past the 24 h limit"));
        }
    }
    if let Some(t) = &s.traffic {
        if !(0.0..=1.0).contains(&t.hot_share) {
            return Err("traffic.hot_share must be between 0 and 1".into());
        }
        traffic_size(t.users, t.operations(), t.duration_ms)?;
    }
    s.budgets.validate()
}

/// A client operation, resolved to ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Op {
    pub at: Millis,
    pub user: UserId,
    pub device: DeviceId,
    pub board: Key,
    pub update: bool,
}

/// Resolves names and adds background traffic, sorted by time.
pub fn expand(s: &TaskFlowScenario, seed: u64) -> (Names, Vec<Op>) {
    let mut names = Names {
        users: s.users.clone(),
        devices: s.devices.clone(),
        keys: s.boards.iter().map(|b| format!("board {b}")).collect(),
    };
    let index = |list: &[String], n: &str| list.iter().position(|x| x == n).unwrap_or(0) as u32;
    let traffic_ops = s.traffic.as_ref().map_or(0, Traffic::operations);
    let mut ops: Vec<Op> = Vec::with_capacity(s.ops.len() + traffic_ops as usize);
    ops.extend(s.ops.iter().map(|o| Op {
        at: o.at_ms,
        user: UserId(index(&s.users, &o.user)),
        device: DeviceId(index(&s.devices, &o.device)),
        board: Key(index(&s.boards, &o.board)),
        update: o.op == OpKind::Update,
    }));
    if let Some(t) = &s.traffic
        && t.users > 0
    {
        let first = names.users.len() as u32;
        names
            .users
            .extend((1..=t.users).map(|i| format!("user-{i}")));
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x0074_6173_6b66_6c6f);
        let duration = t.duration_ms.max(1);
        let boards = s.boards.len() as u32;
        let devices = s.devices.len() as u32;
        let updates = t.updates();
        for i in 0..traffic_ops {
            let update = i < updates;
            let user = if !update && rng.random_bool(t.hot_share) {
                first
            } else {
                first + rng.random_range(0..t.users)
            };
            ops.push(Op {
                at: rng.random_range(0..duration),
                user: UserId(user),
                device: DeviceId(rng.random_range(0..devices)),
                board: Key(rng.random_range(0..boards)),
                update,
            });
        }
    }
    // A stable radix sort: ties keep their order (scripted operations first, in file
    // order), as with `sort_by_key`, in a few linear passes instead of n·log n
    // comparisons — thousands of operations per scenario, sorted on every run.
    // Validated times are at most MAX_TIME_MS (a day), which fits in 32 bits: half the
    // passes and histograms of a 64-bit key.
    debug_assert!(ops.iter().all(|o| o.at <= MAX_TIME_MS));
    radsort::sort_by_key(&mut ops, |o| o.at as u32);
    (names, ops)
}

/// The scenario with its background traffic turned into scripted operations.
pub fn materialize(s: &TaskFlowScenario, seed: u64) -> TaskFlowScenario {
    let (names, ops) = expand(s, seed);
    let mut out = s.clone();
    out.traffic = None;
    out.ops = ops
        .iter()
        .map(|o| OpSpec {
            at_ms: o.at,
            user: names.user(o.user).to_string(),
            device: names.device(o.device).to_string(),
            op: if o.update {
                OpKind::Update
            } else {
                OpKind::ViewBoard
            },
            board: s.boards[o.board.0 as usize].clone(),
        })
        .collect();
    out.users = names.users;
    out
}

/// The exhaustive scope (see [`crate::scenario::exhaustive`]): carol moves tasks on
/// two boards from her laptop; bob and alice refresh either board from their phone or
/// their laptop. Up to three operations under every trouble (none, replica-1 restored
/// or crashed, a replica joining — `hash(user) mod N` reshuffles); four with bob as
/// the only reader and no trouble; four with bob and alice taking turns on one board
/// from one device, with no trouble or a crash. Only schedules in which a session refreshes
/// twice after an update, ending with a refresh, are kept: the others cannot violate
/// monotonic reads.
pub fn exhaustive() -> Vec<TaskFlowScenario> {
    use crate::scenario::exhaustive::{Kind, Trouble, schedules};
    const READERS: [&str; 2] = ["bob", "alice"];
    const DEVICES: [&str; 2] = ["phone", "laptop"];
    const BOARDS: [&str; 2] = ["launch", "ops"];
    let updates = (0..2).map(|board| Kind {
        user: None,
        device: None,
        key: board,
        write: true,
    });
    let refreshes = (0..2).flat_map(|user| {
        (0..2).flat_map(move |device| {
            (0..2).map(move |board| Kind {
                user: Some(user),
                device: Some(device),
                key: board,
                write: false,
            })
        })
    });
    let kinds: Vec<Kind> = updates.chain(refreshes).collect();
    let matters = |s: &[Kind]| {
        s.last().is_some_and(|k| !k.write)
            && s.iter().position(|k| k.write).is_some_and(|first| {
                (0..2).any(|u| {
                    s[first + 1..]
                        .iter()
                        .filter(|r| !r.write && r.user == Some(u))
                        .count()
                        >= 2
                })
            })
    };
    let bob_alone: Vec<Kind> = kinds
        .iter()
        .copied()
        .filter(|k| k.user.is_none_or(|u| u == 0))
        .collect();
    // Two readers taking turns on one board from one device: state kept for one
    // session must not leak to, or be evicted by, the other.
    let taking_turns: Vec<Kind> = kinds
        .iter()
        .copied()
        .filter(|k| k.key == 0 && k.device.is_none_or(|d| d == 0))
        .collect();
    let all = [
        (
            kinds.clone(),
            schedules(&kinds, 3, &Trouble::ALL, |s| matters(s)),
        ),
        (
            bob_alone.clone(),
            schedules(&bob_alone, 4, &[Trouble::None], |s| {
                s.len() == 4 && matters(s)
            }),
        ),
        (
            taking_turns.clone(),
            schedules(&taking_turns, 4, &[Trouble::None, Trouble::Crash], |s| {
                s.len() == 4 && matters(s) && s.iter().any(|k| k.user == Some(1))
            }),
        ),
    ];
    all.into_iter()
        .flat_map(|(kinds, schedules)| {
            schedules
                .into_iter()
                .map(move |sched| (kinds.clone(), sched))
        })
        .enumerate()
        .map(|(i, (kinds, sched))| {
            let (cluster, faults) = sched.cluster_and_faults();
            TaskFlowScenario {
                schema: crate::scenario::SCHEMA_VERSION,
                kata: "taskflow".into(),
                name: format!("exhaustive-{i}"),
                description: "a schedule of the exhaustive scope".into(),
                cluster,
                faults,
                users: vec!["bob".into(), "alice".into(), "carol".into()],
                devices: DEVICES.iter().map(|d| d.to_string()).collect(),
                boards: BOARDS.iter().map(|b| b.to_string()).collect(),
                ops: sched
                    .ops
                    .iter()
                    .map(|&(k, at_ms)| {
                        let kind = kinds[k];
                        OpSpec {
                            at_ms,
                            user: kind.user.map_or("carol", |u| READERS[u]).into(),
                            device: kind.device.map_or("laptop", |d| DEVICES[d]).into(),
                            op: if kind.write {
                                OpKind::Update
                            } else {
                                OpKind::ViewBoard
                            },
                            board: BOARDS[kind.key].into(),
                        }
                    })
                    .collect(),
                traffic: None,
                budgets: Budgets::default(),
            }
        })
        .collect()
}
