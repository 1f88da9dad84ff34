//! QuickPost's scenario schema (version 1), its validation, and the expansion of a
//! scenario into a time-ordered list of client operations.

use crate::katas::KataScenario;
use crate::model::{DeviceId, Millis, Names, UserId};
use crate::sim::{ClusterSpec, Fault, FaultKind};
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
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Traffic {
    pub users: u32,
    pub duration_ms: Millis,
    /// Reads of other users' profiles per second, over all background users.
    pub browse_per_s: u32,
    /// Posts per second, over all background users.
    pub posts_per_s: u32,
    /// Each post is followed by a view of one's own profile within this delay.
    #[serde(default = "default_check")]
    pub check_within_ms: Millis,
}

fn default_check() -> Millis {
    2_000
}

/// Budgets: correct but wasteful is not a pass.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Budgets {
    /// Highest acceptable share of reads served by the primary. When omitted, the
    /// budget is the share of reads that *had* to go to the primary (no reachable
    /// replica had applied the user's post) plus `primary_slack`.
    #[serde(default)]
    pub max_primary_read_share: Option<f64>,
    #[serde(default = "default_slack")]
    pub primary_slack: f64,
    #[serde(default)]
    pub max_failed_reads: u64,
}

fn default_slack() -> f64 {
    0.15
}

impl Default for Budgets {
    fn default() -> Self {
        Budgets {
            max_primary_read_share: None,
            primary_slack: default_slack(),
            max_failed_reads: 0,
        }
    }
}

impl KataScenario for QuickPostScenario {
    fn name(&self) -> &str {
        &self.name
    }

    fn set_name(&mut self, name: String) {
        self.name = name;
    }
}

/// Longest scenario accepted: a day of virtual time.
const MAX_TIME_MS: Millis = 86_400_000;

/// Checks what serde cannot: references between fields and sensible numbers.
pub fn validate(s: &QuickPostScenario) -> Result<(), String> {
    let c = &s.cluster;
    if c.replicas == 0 {
        return Err("cluster.replicas must be at least 1".into());
    }
    if c.lag_ms.len() != c.replicas as usize {
        return Err(format!(
            "cluster.lag_ms lists {} lag(s) for {} replica(s); give one per replica",
            c.lag_ms.len(),
            c.replicas
        ));
    }
    if c.report_interval_ms == 0 {
        return Err("cluster.report_interval_ms must be positive".into());
    }
    let mut next_added = c.replicas + 1;
    let mut joined_at: Vec<Millis> = vec![0; c.replicas as usize];
    let mut faults: Vec<&Fault> = s.faults.iter().collect();
    faults.sort_by_key(|f| f.at_ms);
    for f in &faults {
        if f.at_ms > MAX_TIME_MS {
            return Err(format!("a fault at {} ms is past the 24 h limit", f.at_ms));
        }
        if let FaultKind::AddReplica { .. } = f.kind {
            if f.replica != next_added {
                return Err(format!(
                    "add_replica at {} ms adds replica {}, but the next free number is {next_added}",
                    f.at_ms, f.replica
                ));
            }
            next_added += 1;
            joined_at.push(f.at_ms);
            continue;
        }
        let Some(&joined) = joined_at.get((f.replica as usize).wrapping_sub(1)) else {
            return Err(format!(
                "{} at {} ms names replica {}, which does not exist (replicas are 1 to {})",
                f.kind.name(),
                f.at_ms,
                f.replica,
                next_added - 1
            ));
        };
        if f.at_ms < joined {
            return Err(format!(
                "{} at {} ms hits replica {} before it joins at {} ms",
                f.kind.name(),
                f.at_ms,
                f.replica,
                joined
            ));
        }
        if let FaultKind::Jitter { every_ms: 0, .. } = f.kind {
            return Err("jitter.every_ms must be positive".into());
        }
    }
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
        if !s.users.contains(&op.user) {
            return Err(format!(
                "{at}: unknown user `{}`; users are {:?}",
                op.user, s.users
            ));
        }
        if !s.devices.contains(&op.device) {
            return Err(format!(
                "{at}: unknown device `{}`; devices are {:?}",
                op.device, s.devices
            ));
        }
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
        if t.duration_ms > MAX_TIME_MS {
            return Err("traffic.duration_ms is past the 24 h limit".into());
        }
        if t.users == 0 && (t.browse_per_s > 0 || t.posts_per_s > 0) {
            return Err("traffic needs at least one user".into());
        }
        let ops = u64::from(t.browse_per_s + t.posts_per_s * 2) * t.duration_ms / 1_000;
        if ops > 1_000_000 {
            return Err(format!(
                "traffic would generate {ops} operations; keep it under a million"
            ));
        }
    }
    let b = &s.budgets;
    if let Some(share) = b.max_primary_read_share
        && !(0.0..=1.0).contains(&share)
    {
        return Err("budgets.max_primary_read_share must be between 0 and 1".into());
    }
    if !(0.0..=1.0).contains(&b.primary_slack) {
        return Err("budgets.primary_slack must be between 0 and 1".into());
    }
    Ok(())
}

fn unique(what: &str, names: &[String]) -> Result<(), String> {
    for (i, n) in names.iter().enumerate() {
        if names[..i].contains(n) {
            return Err(format!("{what}: `{n}` is listed twice"));
        }
    }
    Ok(())
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
        for _ in 0..u64::from(t.browse_per_s) * duration / 1_000 {
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
        for _ in 0..u64::from(t.posts_per_s) * duration / 1_000 {
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
