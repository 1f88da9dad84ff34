//! QuickPost's scenario schema (version 1), its validation, and the expansion of a
//! scenario into a time-ordered list of client operations.

use crate::model::{DeviceId, Millis, Names, UserId};
use crate::sim::{ClusterSpec, Fault};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Deserialize;

/// A QuickPost scenario file. See `docs/scenarios.md` for an annotated example.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct QuickPostScenario {
    pub schema: u32,
    pub kata: String,
    pub name: String,
    /// What the scenario attacks, in a sentence or two.
    #[serde(default)]
    pub description: String,
    pub cluster: ClusterSpec,
    #[serde(default)]
    pub faults: Vec<Fault>,
    /// The named users of the story (alice, bob, …).
    pub users: Vec<String>,
    #[serde(default = "default_devices")]
    pub devices: Vec<String>,
    /// Scripted operations of the named users.
    #[serde(default)]
    pub ops: Vec<OpSpec>,
    /// Background load from anonymous users, drawn from the scenario's seed.
    #[serde(default)]
    pub traffic: Option<Traffic>,
    #[serde(default)]
    pub budgets: Budgets,
}

fn default_devices() -> Vec<String> {
    vec!["phone".into(), "laptop".into()]
}

/// One scripted operation: `{ at_ms: 1200, user: alice, device: laptop, op: view_profile }`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OpSpec {
    pub at_ms: Millis,
    pub user: String,
    pub device: String,
    pub op: OpKind,
    /// Whose profile `view_profile` reads; the user's own if omitted.
    #[serde(default)]
    pub of: Option<String>,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum OpKind {
    /// Post to one's own profile (a write to the primary).
    Post,
    /// View a profile (a read, routed by the learner's router).
    ViewProfile,
}

/// Background users that post now and then, check their own profile shortly after
/// posting, and otherwise browse other people's profiles.
///
/// Read through [`TrafficFields`], so that a section that would expand into more
/// operations than the documented limit is refused while the file is parsed — with
/// the line and column of the section, before anything is generated.
#[derive(Clone, Debug, PartialEq)]
pub struct Traffic {
    pub users: u32,
    pub duration_ms: Millis,
    /// Reads of other users' profiles per second, over all background users.
    pub browse_per_s: u32,
    /// Posts per second, over all background users.
    pub posts_per_s: u32,
    /// Each post is followed by a view of one's own profile within this delay.
    pub check_within_ms: Millis,
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
    browse_per_s: u32,
    posts_per_s: u32,
    #[serde(default = "default_check")]
    check_within_ms: Millis,
}

impl TryFrom<TrafficFields> for Traffic {
    type Error = String;

    fn try_from(f: TrafficFields) -> Result<Traffic, String> {
        let t = Traffic {
            users: f.users,
            duration_ms: f.duration_ms,
            browse_per_s: f.browse_per_s,
            posts_per_s: f.posts_per_s,
            check_within_ms: f.check_within_ms,
        };
        crate::scenario::traffic_size(t.users, t.operations(), t.duration_ms)?;
        Ok(t)
    }
}

impl Traffic {
    /// Background reads of other users' profiles over the whole duration.
    pub fn browses(&self) -> u64 {
        per_duration(self.browse_per_s.into(), self.duration_ms)
    }

    /// Background posts over the whole duration; each adds a check of one's own
    /// profile.
    pub fn posts(&self) -> u64 {
        per_duration(self.posts_per_s.into(), self.duration_ms)
    }

    /// Every background operation: browses, posts and the checks after them.
    pub fn operations(&self) -> u64 {
        self.browses()
            .saturating_add(self.posts().saturating_mul(2))
    }
}

fn default_check() -> Millis {
    2_000
}

/// Budgets, shared with the other read-routing katas.
pub use crate::katas::reads::ReadBudgets as Budgets;

crate::scenario::cluster_scenario!(QuickPostScenario, OpSpec);

use crate::scenario::{MAX_TIME_MS, known, per_duration, traffic_size, unique, validate_cluster};

/// Checks what serde cannot: references between fields and sensible numbers.
pub fn validate(s: &QuickPostScenario) -> Result<(), String> {
    validate_cluster(&s.cluster, &s.faults)?;
    if s.users.is_empty() && s.traffic.is_none() {
        return Err("a scenario needs users (or traffic)".into());
    }
    unique("users", &s.users)?;
    unique("devices", &s.devices)?;
    if s.devices.is_empty() {
        return Err("devices must not be empty".into());
    }
    for (i, op) in s.ops.iter().enumerate() {
        let at = format!("ops[{i}] (at {} ms)", op.at_ms);
        known(&at, "user", &op.user, &s.users)?;
        known(&at, "device", &op.device, &s.devices)?;
        if let Some(of) = &op.of {
            if !s.users.contains(of) {
                return Err(format!(
                    "{at}: `of: {of}` is not a user; users are {:?}",
                    s.users
                ));
            }
            if op.op == OpKind::Post {
                return Err(format!(
                    "{at}: `of` only applies to view_profile; posts go to one's own profile"
                ));
            }
        }
        if op.at_ms > MAX_TIME_MS {
            return Err(format!("{at}: past the 24 h limit"));
        }
    }
    if let Some(t) = &s.traffic {
        if t.users == 0 && (t.browse_per_s > 0 || t.posts_per_s > 0) {
            return Err("traffic needs at least one user".into());
        }
        traffic_size(t.users, t.operations(), t.duration_ms)?;
        crate::scenario::within_a_day("traffic.check_within_ms", t.check_within_ms)?;
    }
    s.budgets.validate()
}

/// A client operation, resolved to ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Op {
    pub at: Millis,
    pub user: UserId,
    pub device: DeviceId,
    /// `None` for a post; `Some(owner)` for a view of `owner`'s profile.
    pub view_of: Option<UserId>,
}

/// Resolves names to ids and adds the background traffic; operations come out sorted
/// by time (scripted ones first among equals, in file order).
pub fn expand(s: &QuickPostScenario, seed: u64) -> (Names, Vec<Op>) {
    let mut names = Names {
        users: s.users.clone(),
        devices: s.devices.clone(),
        keys: Vec::new(),
    };
    let user = |n: &str| UserId(s.users.iter().position(|u| u == n).unwrap_or(0) as u32);
    let device = |n: &str| DeviceId(s.devices.iter().position(|d| d == n).unwrap_or(0) as u32);
    let mut ops: Vec<Op> = s
        .ops
        .iter()
        .map(|o| Op {
            at: o.at_ms,
            user: user(&o.user),
            device: device(&o.device),
            view_of: match o.op {
                OpKind::Post => None,
                OpKind::ViewProfile => Some(o.of.as_deref().map_or(user(&o.user), user)),
            },
        })
        .collect();
    if let Some(t) = &s.traffic
        && t.users > 0
    {
        let first = names.users.len() as u32;
        names
            .users
            .extend((1..=t.users).map(|i| format!("user-{i}")));
        let everyone = names.users.len() as u32;
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x0074_7261_6666_6963);
        let duration = t.duration_ms.max(1);
        let mut background = Vec::new();
        for _ in 0..t.browses() {
            let reader = UserId(first + rng.random_range(0..t.users));
            let mut owner = UserId(rng.random_range(0..everyone));
            if owner == reader {
                owner = UserId((owner.0 + 1) % everyone);
            }
            background.push(Op {
                at: rng.random_range(0..duration),
                user: reader,
                device: DeviceId(0),
                view_of: Some(owner),
            });
        }
        for _ in 0..t.posts() {
            let poster = UserId(first + rng.random_range(0..t.users));
            let at = rng.random_range(0..duration);
            background.push(Op {
                at,
                user: poster,
                device: DeviceId(0),
                view_of: None,
            });
            background.push(Op {
                at: at + rng.random_range(0..=t.check_within_ms),
                user: poster,
                device: DeviceId(0),
                view_of: Some(poster),
            });
        }
        ops.extend(background);
    }
    ops.sort_by_key(|o| o.at);
    (names, ops)
}

/// The scenario with its background traffic turned into scripted operations.
pub fn materialize(s: &QuickPostScenario, seed: u64) -> QuickPostScenario {
    let (names, ops) = expand(s, seed);
    let mut out = s.clone();
    out.traffic = None;
    out.ops = ops
        .iter()
        .map(|o| OpSpec {
            at_ms: o.at,
            user: names.user(o.user).to_string(),
            device: names.device(o.device).to_string(),
            op: if o.view_of.is_some() {
                OpKind::ViewProfile
            } else {
                OpKind::Post
            },
            of: o.view_of.map(|u| names.user(u).to_string()),
        })
        .collect();
    out.users = names.users;
    out
}

/// The exhaustive scope (see [`crate::scenario::exhaustive`]): alice and bob, each
/// posting and viewing their own profile from the phone or the laptop, up to three
/// operations under every trouble (none, replica-1 restored or crashed, a replica
/// joining), and up to four of alice's alone with no trouble. Only schedules in which
/// someone views their profile after posting, ending with a view, are kept: the
/// others cannot violate read-your-writes.
pub fn exhaustive() -> Vec<QuickPostScenario> {
    use crate::scenario::exhaustive::{Kind, Trouble, schedules};
    const USERS: [&str; 2] = ["alice", "bob"];
    const DEVICES: [&str; 2] = ["phone", "laptop"];
    let kinds: Vec<Kind> = (0..2)
        .flat_map(|user| {
            (0..2).flat_map(move |device| {
                [true, false].map(|write| Kind {
                    user: Some(user),
                    device: Some(device),
                    key: user,
                    write,
                })
            })
        })
        .collect();
    let matters = |s: &[Kind]| {
        s.last().is_some_and(|k| !k.write)
            && s.iter()
                .enumerate()
                .any(|(i, w)| w.write && s[i + 1..].iter().any(|r| !r.write && r.user == w.user))
    };
    let alone: Vec<Kind> = kinds
        .iter()
        .copied()
        .filter(|k| k.user == Some(0))
        .collect();
    let mut all: Vec<(Vec<Kind>, _)> = Vec::new();
    all.push((
        kinds.clone(),
        schedules(&kinds, 3, &Trouble::ALL, |s| matters(s)),
    ));
    all.push((
        alone.clone(),
        schedules(&alone, 4, &[Trouble::None], |s| s.len() == 4 && matters(s)),
    ));
    all.into_iter()
        .flat_map(|(kinds, schedules)| {
            schedules
                .into_iter()
                .map(move |sched| (kinds.clone(), sched))
        })
        .enumerate()
        .map(|(i, (kinds, sched))| {
            let (cluster, faults) = sched.cluster_and_faults();
            QuickPostScenario {
                schema: crate::scenario::SCHEMA_VERSION,
                kata: "quickpost".into(),
                name: format!("exhaustive-{i}"),
                description: "a schedule of the exhaustive scope".into(),
                cluster,
                faults,
                users: USERS.iter().map(|u| u.to_string()).collect(),
                devices: DEVICES.iter().map(|d| d.to_string()).collect(),
                ops: sched
                    .ops
                    .iter()
                    .map(|&(k, at_ms)| {
                        let kind = kinds[k];
                        OpSpec {
                            at_ms,
                            user: USERS[kind.user.unwrap_or(0)].into(),
                            device: DEVICES[kind.device.unwrap_or(0)].into(),
                            op: if kind.write {
                                OpKind::Post
                            } else {
                                OpKind::ViewProfile
                            },
                            of: None,
                        }
                    })
                    .collect(),
                traffic: None,
                budgets: Budgets::default(),
            }
        })
        .collect()
}
