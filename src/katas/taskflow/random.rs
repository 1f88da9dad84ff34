//! TaskFlow's random batch, systematic rather than sampled (see
//! [`crate::scenario::coverage`]). Each scenario is one row of a pairwise covering
//! array over seven dimensions:
//!
//! | dimension | values |
//! |---|---|
//! | fault | none, steady lag, jitter, spike, stall, growth, crash, partition, restore from backup, replica added (hash mod N reshuffles) |
//! | background | none; light, heavy other users' updates and refreshes; hot users (one makes 30–70 % of the refreshes); many sessions (100–400 users) |
//! | timing of the later read after the update the session saw | 0–10 ms; at 1 s, 5 s, 30 s, 60 s; just past 61 s, 121 s, 301 s; 10–30 min; idle session (active, quiet 2–45 min, refreshes again) |
//! | replicas | 1, 2, 3, 32 (the most a scenario allows) |
//! | named sessions | 1, 3, 12 |
//! | boards a session reads | one; two (the later read is of the other board: the guarantee is per session across boards); three in turn |
//! | devices | the later read from the same device, or from the other one |
//!
//! A named session refreshes a board right after someone updates it, then again after
//! the row's delay, while the row's fault keeps a replica believed up behind. Scenario
//! `index` takes row `index mod rows` (100 rows, the least possible with two dimensions
//! of ten values), so every batch of that many or more covers every pair of values
//! whatever the seed; the seed picks the details.

use super::scenario::{Budgets, OpKind, OpSpec, TaskFlowScenario, Traffic};
use crate::grader::splitmix64;
use crate::model::Millis;
use crate::scenario::SCHEMA_VERSION;
use crate::scenario::coverage::{
    Background, FaultClass, NAMES, REPLICA_COUNTS, SESSIONS, Timing, Window, pairwise, plan_faults,
    report_interval,
};
use crate::sim::ClusterSpec;
use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::sync::OnceLock;

const BOARDS: [&str; 3] = ["launch", "ops", "hiring"];
const DEVICES: [&str; 2] = ["phone", "laptop"];

pub const BACKGROUNDS: [Background; 5] = [
    Background::None,
    Background::Light,
    Background::Heavy,
    Background::Hot,
    Background::Many,
];

/// Boards a named session reads: 1, 2 or 3.
pub const BOARD_COUNTS: [usize; 3] = [1, 2, 3];

/// How many values each dimension has, in the order of the table above.
pub const SIZES: [usize; 7] = [
    FaultClass::ALL.len(),
    BACKGROUNDS.len(),
    Timing::ALL.len(),
    REPLICA_COUNTS.len(),
    SESSIONS.len(),
    BOARD_COUNTS.len(),
    2,
];

/// At most about this many position reports per scenario (see the QuickPost
/// generator).
const REPORT_BUDGET: u64 = 2_000;

/// The covering array, built once.
pub fn rows() -> &'static [Vec<usize>] {
    static ROWS: OnceLock<Vec<Vec<usize>>> = OnceLock::new();
    ROWS.get_or_init(|| pairwise(&SIZES))
}

/// One row of the covering array, decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Row {
    pub fault: FaultClass,
    pub background: Background,
    pub timing: Timing,
    pub replicas: u32,
    pub sessions: usize,
    pub boards: usize,
    pub other_device: bool,
}

/// The row of random scenario `index`.
pub fn row(index: usize) -> Row {
    let rows = rows();
    let r = &rows[index % rows.len()];
    Row {
        fault: FaultClass::ALL[r[0]],
        background: BACKGROUNDS[r[1]],
        timing: Timing::ALL[r[2]],
        replicas: REPLICA_COUNTS[r[3]],
        sessions: SESSIONS[r[4]],
        boards: BOARD_COUNTS[r[5]],
        other_device: r[6] == 1,
    }
}

impl Row {
    /// The row in words, for the scenario's description.
    pub fn describe(&self) -> String {
        format!(
            "fault {}, background {}, read again {} after the update, {} replica(s), \
             {} session(s), {} board(s), {} device",
            self.fault.name(),
            self.background.name(),
            self.timing.name(),
            self.replicas,
            self.sessions,
            self.boards,
            if self.other_device { "other" } else { "same" }
        )
    }
}

fn op(at_ms: Millis, user: &str, device: &str, op: OpKind, board: &str) -> OpSpec {
    OpSpec {
        at_ms,
        user: user.into(),
        device: device.into(),
        op,
        board: board.into(),
    }
}

/// The `index`-th random scenario of the batch drawn from `seed`.
pub fn scenario(seed: u64, index: usize) -> TaskFlowScenario {
    let mut rng = ChaCha8Rng::seed_from_u64(splitmix64(seed ^ splitmix64(index as u64 + 7)));
    let row = row(index);
    let users = &NAMES[..row.sessions];
    let boards = &BOARDS[..row.boards];
    let delay = row.timing.delay(&mut rng);
    let first_update = rng.random_range(5_000..=12_000);
    let spread = *[0, 1, 37, 400].choose(&mut rng).expect("spreads");
    let mut ops = Vec::new();
    let mut last_read = first_update;
    for (k, user) in users.iter().enumerate() {
        let w = first_update + k as Millis * spread;
        // The update comes from another named session, or from the session itself.
        let writer = if users.len() > 1 && rng.random_bool(0.7) {
            users[(k + 1) % users.len()]
        } else {
            user
        };
        let first_board = rng.random_range(0..boards.len());
        let board = |i: usize| boards[(first_board + i) % boards.len()];
        let device = *DEVICES.choose(&mut rng).expect("devices");
        let later_device = if row.other_device {
            if device == DEVICES[0] {
                DEVICES[1]
            } else {
                DEVICES[0]
            }
        } else {
            device
        };
        ops.push(op(w, writer, device, OpKind::Update, board(0)));
        // The first refresh sees the update if it lands on a node that has it…
        let seen = w + rng.random_range(1..=10).min(delay.max(1));
        ops.push(op(seen, user, device, OpKind::ViewBoard, board(0)));
        if row.timing == Timing::Idle {
            let active = seen + rng.random_range(1_000..=5_000);
            ops.push(op(active, user, device, OpKind::ViewBoard, board(0)));
        }
        // …and the later one must not go back, whichever board it reads.
        let later = (w + delay).max(seen + 1);
        ops.push(op(later, user, later_device, OpKind::ViewBoard, board(1)));
        let last = later + rng.random_range(1..=1_000);
        ops.push(op(last, user, device, OpKind::ViewBoard, board(2)));
        last_read = last_read.max(last);
    }
    ops.sort_by_key(|o| o.at_ms);

    let span = last_read + 2_000;
    let report = report_interval(row.replicas, span, REPORT_BUDGET, &mut rng);
    let window = Window {
        write_at: first_update,
        delay,
        last_read,
    };
    let plan = plan_faults(row.fault, row.replicas, window, report, &mut rng);
    let mut cluster = ClusterSpec::with_lags(plan.lags);
    cluster.report_interval_ms = report;
    cluster.detector_delay_ms = *[200, 1_000, 3_000].choose(&mut rng).expect("delays");
    // Every read costs the router and the oracle a look at every replica: a cluster
    // of 32 gets a quarter of the background traffic's duration (still a few hundred
    // operations, packed into a few seconds).
    let traffic_for = |ms: Millis| span.min(ms * 8 / Millis::from(row.replicas.max(8)));
    let traffic = match row.background {
        Background::None => None,
        Background::Light => Some(Traffic {
            users: rng.random_range(2..=5),
            duration_ms: traffic_for(60_000),
            refresh_per_s: rng.random_range(2..=4),
            updates_per_s: 1,
            hot_share: 0.0,
        }),
        Background::Heavy => Some(Traffic {
            users: rng.random_range(8..=20),
            duration_ms: traffic_for(20_000),
            refresh_per_s: rng.random_range(15..=25),
            updates_per_s: rng.random_range(3..=6),
            hot_share: 0.0,
        }),
        Background::Hot => Some(Traffic {
            users: rng.random_range(5..=10),
            duration_ms: traffic_for(30_000),
            refresh_per_s: rng.random_range(8..=12),
            updates_per_s: rng.random_range(1..=3),
            hot_share: rng.random_range(0.3..0.7),
        }),
        Background::Many => Some(Traffic {
            users: rng.random_range(100..=400),
            duration_ms: traffic_for(20_000),
            refresh_per_s: rng.random_range(20..=30),
            updates_per_s: rng.random_range(3..=6),
            hot_share: 0.0,
        }),
    };
    TaskFlowScenario {
        schema: SCHEMA_VERSION,
        kata: "taskflow".into(),
        name: format!("random-{index}"),
        description: format!("drawn by the random generator: {}", row.describe()),
        cluster,
        faults: plan.faults,
        users: users.iter().map(|u| u.to_string()).collect(),
        devices: DEVICES.iter().map(|d| d.to_string()).collect(),
        boards: boards.iter().map(|b| b.to_string()).collect(),
        ops,
        traffic,
        budgets: Budgets::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ReplicaId;
    use crate::scenario::MAX_REPLICAS;
    use crate::scenario::coverage::missing_pair;
    use crate::sim::{Cluster, FaultKind};

    /// The row a scenario realizes, read back from its contents (not its index).
    fn realized(s: &TaskFlowScenario) -> Vec<usize> {
        let kinds: Vec<&str> = s.faults.iter().map(|f| f.kind.name()).collect();
        let fault = match kinds.first().copied() {
            None if s.description.contains("fault none") => {
                assert!(s.cluster.lag_ms.iter().all(|&l| l <= 100), "{}", s.name);
                FaultClass::None
            }
            None => FaultClass::SteadyLag,
            Some("add_replica") => FaultClass::ReplicaAdded,
            Some(k) => *FaultClass::ALL
                .iter()
                .find(|c| c.name() == k)
                .unwrap_or_else(|| panic!("{}: fault {k}", s.name)),
        };
        let background = match &s.traffic {
            None => Background::None,
            Some(t) if t.users >= 100 => Background::Many,
            Some(t) if t.hot_share > 0.0 => Background::Hot,
            Some(t) if t.refresh_per_s >= 15 => Background::Heavy,
            Some(_) => Background::Light,
        };
        let added = kinds.iter().filter(|&&k| k == "add_replica").count() as u32;
        let replicas = if s.cluster.replicas + added == MAX_REPLICAS {
            MAX_REPLICAS
        } else {
            s.cluster.replicas
        };
        // alice's session: the update she saw, her first refresh, the later ones.
        let reads: Vec<&OpSpec> = s
            .ops
            .iter()
            .filter(|o| o.user == "alice" && o.op == OpKind::ViewBoard)
            .collect();
        let update = s
            .ops
            .iter()
            .find(|o| o.op == OpKind::Update)
            .expect("an update before alice's first refresh");
        let later = reads[reads.len() - 2];
        let delay = later.at_ms - update.at_ms;
        let timing = if reads.len() == 4 {
            assert!(
                (120_000..=2_700_000).contains(&delay),
                "{}: idle {delay}",
                s.name
            );
            Timing::Idle
        } else if delay <= 11 {
            Timing::Immediate
        } else if (600_000..=1_800_000).contains(&delay) {
            Timing::Long
        } else {
            *Timing::ALL
                .iter()
                .find(|&&t| match t {
                    Timing::Within(w) => delay + 1 == w || delay == w,
                    Timing::Past(p) => delay == p || delay == p + 1,
                    _ => false,
                })
                .unwrap_or_else(|| panic!("{}: no timing class for delay {delay}", s.name))
        };
        let timing = Timing::ALL
            .iter()
            .position(|&t| t == timing)
            .expect("a class");
        let boards: Vec<&str> = reads.iter().map(|o| o.board.as_str()).collect();
        let distinct = BOARDS.iter().filter(|b| boards.contains(b)).count();
        assert_eq!(
            distinct,
            s.boards.len(),
            "{}: alice reads every board",
            s.name
        );
        vec![
            FaultClass::ALL
                .iter()
                .position(|&c| c == fault)
                .expect("class"),
            BACKGROUNDS
                .iter()
                .position(|&b| b == background)
                .expect("bg"),
            timing,
            REPLICA_COUNTS
                .iter()
                .position(|&r| r == replicas)
                .expect("replicas"),
            SESSIONS
                .iter()
                .position(|&n| n == s.users.len())
                .expect("sessions"),
            BOARD_COUNTS
                .iter()
                .position(|&n| n == s.boards.len())
                .expect("boards"),
            usize::from(later.device != reads[0].device),
        ]
    }

    #[test]
    fn every_batch_covers_every_pair_whatever_the_seed() {
        // The least possible: fault class and timing have ten values each.
        assert_eq!(rows().len(), 100);
        for seed in [0, 7, 2024, u64::MAX] {
            let realized: Vec<Vec<usize>> =
                (0..2_000).map(|i| realized(&scenario(seed, i))).collect();
            for (i, r) in realized.iter().enumerate() {
                assert_eq!(r, &rows()[i % rows().len()], "seed {seed}: random-{i}");
            }
            assert_eq!(
                missing_pair(&SIZES, realized.iter().map(Vec::as_slice)),
                None,
                "seed {seed}"
            );
        }
    }

    #[test]
    fn generated_scenarios_are_valid_and_reproducible() {
        for seed in [1, 99] {
            for i in 0..600 {
                let s = scenario(seed, i);
                super::super::scenario::validate(&s)
                    .unwrap_or_else(|e| panic!("random-{i}: {e}\n{s:#?}"));
                assert_eq!(s, scenario(seed, i));
            }
        }
        assert_ne!(scenario(42, 0), scenario(43, 0));
    }

    /// A session's later refresh, minutes after the update it saw, comes while a
    /// replica believed up still lacks that update.
    #[test]
    fn long_refreshes_come_while_a_replica_lacks_the_update() {
        let mut checked = 0;
        for i in 0..rows().len() * 2 {
            let r = row(i);
            let lagging = [
                FaultClass::SteadyLag,
                FaultClass::Spike,
                FaultClass::Stall,
                FaultClass::Growth,
                FaultClass::Restore,
                FaultClass::ReplicaAdded,
            ];
            if r.timing != Timing::Long || !lagging.contains(&r.fault) {
                continue;
            }
            let s = scenario(5, i);
            let mut cluster = Cluster::new(&s.cluster, &s.faults, 5);
            let reads: Vec<&OpSpec> = s
                .ops
                .iter()
                .filter(|o| o.user == "alice" && o.op == OpKind::ViewBoard)
                .collect();
            let later = reads[reads.len() - 2];
            // The first update is the one alice's first refresh follows.
            let mut lsn = None;
            for o in s.ops.iter().filter(|o| o.at_ms <= later.at_ms) {
                cluster.advance_to(o.at_ms);
                if o.op == OpKind::Update {
                    let l = cluster.write();
                    lsn.get_or_insert(l);
                }
            }
            let lsn = lsn.expect("an update");
            cluster.advance_to(later.at_ms);
            let replicas = s.cluster.replicas
                + s.faults
                    .iter()
                    .filter(|f| matches!(f.kind, FaultKind::AddReplica { .. }))
                    .count() as u32;
            let lacking = (1..=replicas).any(|r| {
                cluster.is_reachable(ReplicaId(r))
                    && cluster.applied_lsn(ReplicaId(r)).is_some_and(|a| a < lsn)
            });
            assert!(
                lacking,
                "random-{i} ({}): every replica has it",
                r.describe()
            );
            checked += 1;
        }
        assert!(checked >= 6, "{checked} long scenarios checked");
    }
}
