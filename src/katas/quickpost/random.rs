//! QuickPost's random batch, systematic rather than sampled (see
//! [`crate::scenario::coverage`]). Each scenario is one row of a pairwise covering
//! array over six dimensions:
//!
//! | dimension | values |
//! |---|---|
//! | fault | none, steady lag, jitter, spike, stall, growth, crash, partition, restore from backup, replica added |
//! | background | none; light, heavy other users' posts and reads; many sessions (100–400 users) |
//! | timing of the read after the post | 0–10 ms; at 1 s, 5 s, 30 s, 60 s; just past 61 s, 121 s, 301 s; 10–30 min; idle session (active, quiet 2–45 min, reads again) |
//! | replicas | 1, 2, 3, 32 (the most a scenario allows) |
//! | named users | 1, 3, 12 |
//! | devices of the first user's post → read | phone → phone, phone → laptop, laptop → phone, laptop → laptop |
//!
//! Scenario `index` takes row `index mod rows` (100 rows, the least possible with two
//! dimensions of ten values), so every batch of that many or more covers every pair of
//! values whatever the seed. The seed picks the rest: exact delays (on a window, a millisecond off it), which replica a fault hits,
//! lags with ties and zero, earlier posts from the other device, background rates.

use super::scenario::{Budgets, OpKind, OpSpec, QuickPostScenario, Traffic};
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

const DEVICES: [&str; 2] = ["phone", "laptop"];

/// The background values QuickPost uses (it has no hot users: a profile read is cheap
/// whoever makes it).
pub const BACKGROUNDS: [Background; 4] = [
    Background::None,
    Background::Light,
    Background::Heavy,
    Background::Many,
];

/// How many values each dimension has, in the order of the table above.
pub const SIZES: [usize; 6] = [
    FaultClass::ALL.len(),
    BACKGROUNDS.len(),
    Timing::ALL.len(),
    REPLICA_COUNTS.len(),
    SESSIONS.len(),
    DEVICES.len() * DEVICES.len(),
];

/// At most about this many position reports per scenario: reports are spaced out
/// only in scenarios that span many minutes with many replicas. Not fewer: a router
/// can balance only over the replicas whose reports show what a read needs, while the
/// budget's best possible router knows the truth, so reports spaced too far apart
/// would make a fair balance impossible rather than hard.
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
    pub users: usize,
    pub post_device: usize,
    pub read_device: usize,
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
        users: SESSIONS[r[4]],
        post_device: r[5] / DEVICES.len(),
        read_device: r[5] % DEVICES.len(),
    }
}

impl Row {
    /// The row in words, for the scenario's description: what `random-N` combines.
    pub fn describe(&self) -> String {
        format!(
            "fault {}, background {}, read {} after the post, {} replica(s), {} user(s), \
             post from the {}, read from the {}",
            self.fault.name(),
            self.background.name(),
            self.timing.name(),
            self.replicas,
            self.users,
            DEVICES[self.post_device],
            DEVICES[self.read_device]
        )
    }
}

fn op(at_ms: Millis, user: &str, device: &str, op: OpKind) -> OpSpec {
    OpSpec {
        at_ms,
        user: user.into(),
        device: device.into(),
        op,
        of: None,
    }
}

/// The `index`-th random scenario of the batch drawn from `seed`.
pub fn scenario(seed: u64, index: usize) -> QuickPostScenario {
    let mut rng = ChaCha8Rng::seed_from_u64(splitmix64(seed ^ splitmix64(index as u64 + 1)));
    let row = row(index);
    let users = &NAMES[..row.users];
    let delay = row.timing.delay(&mut rng);
    // The posts that matter come a few seconds in, inside the background traffic.
    let first_post = rng.random_range(5_000..=12_000);
    // Posts of different users: at the same millisecond (a tie) or spread out.
    let spread = *[0, 1, 37, 400].choose(&mut rng).expect("spreads");
    let mut ops = Vec::new();
    let mut last_read = first_post;
    for (k, user) in users.iter().enumerate() {
        let (post_dev, read_dev) = if k == 0 {
            (DEVICES[row.post_device], DEVICES[row.read_device])
        } else {
            (
                *DEVICES.choose(&mut rng).expect("devices"),
                *DEVICES.choose(&mut rng).expect("devices"),
            )
        };
        let other = |d: &str| {
            if d == DEVICES[0] {
                DEVICES[1]
            } else {
                DEVICES[0]
            }
        };
        let w = first_post + k as Millis * spread;
        // An earlier post from the other device: the session's token must not go
        // back to it.
        if rng.random_bool(0.3) {
            ops.push(op(w - 1_000, user, other(post_dev), OpKind::Post));
        }
        ops.push(op(w, user, post_dev, OpKind::Post));
        let read = w + delay;
        match row.timing {
            Timing::Immediate | Timing::Long => {}
            Timing::Within(_) | Timing::Past(_) => {
                if rng.random_bool(0.5) {
                    let soon = w + rng.random_range(1..=10);
                    ops.push(op(soon, user, post_dev, OpKind::ViewProfile));
                }
            }
            Timing::Idle => {
                // Active right after posting, then quiet until the read.
                let soon = w + rng.random_range(1_000..=5_000);
                ops.push(op(soon, user, post_dev, OpKind::ViewProfile));
            }
        }
        ops.push(op(read, user, read_dev, OpKind::ViewProfile));
        if row.timing == Timing::Idle || rng.random_bool(0.3) {
            let again = read + rng.random_range(1..=10);
            ops.push(op(again, user, other(read_dev), OpKind::ViewProfile));
            last_read = last_read.max(again);
        }
        last_read = last_read.max(read);
    }
    ops.sort_by_key(|o| o.at_ms);

    let span = last_read + 2_000;
    let report = report_interval(row.replicas, span, REPORT_BUDGET, &mut rng);
    let window = Window {
        write_at: first_post,
        delay,
        last_read,
    };
    let plan = plan_faults(row.fault, row.replicas, window, report, &mut rng);
    let mut cluster = ClusterSpec::with_lags(plan.lags);
    cluster.report_interval_ms = report;
    cluster.detector_delay_ms = *[200, 1_000, 3_000].choose(&mut rng).expect("delays");
    // Background posts check their own profile within the row's delay (at least
    // 100 ms), so other sessions' reads land late too.
    let check = delay.clamp(100, 120_000);
    // Every read costs the router and the oracle a look at every replica: a cluster
    // of 32 gets a quarter of the background traffic's duration (still a few hundred
    // operations, packed into a few seconds).
    let traffic_for = |ms: Millis| span.min(ms * 8 / Millis::from(row.replicas.max(8)));
    let traffic = match row.background {
        Background::None | Background::Hot => None,
        Background::Light => Some(Traffic {
            users: rng.random_range(2..=5),
            duration_ms: traffic_for(60_000),
            browse_per_s: rng.random_range(1..=2),
            posts_per_s: 1,
            check_within_ms: check,
        }),
        Background::Heavy => Some(Traffic {
            users: rng.random_range(8..=20),
            duration_ms: traffic_for(20_000),
            browse_per_s: rng.random_range(10..=20),
            posts_per_s: rng.random_range(3..=6),
            check_within_ms: check,
        }),
        Background::Many => Some(Traffic {
            users: rng.random_range(100..=400),
            duration_ms: traffic_for(20_000),
            browse_per_s: rng.random_range(5..=10),
            posts_per_s: rng.random_range(8..=12),
            check_within_ms: check,
        }),
    };
    QuickPostScenario {
        schema: SCHEMA_VERSION,
        kata: "quickpost".into(),
        name: format!("random-{index}"),
        description: format!("drawn by the random generator: {}", row.describe()),
        cluster,
        faults: plan.faults,
        users: users.iter().map(|u| u.to_string()).collect(),
        devices: DEVICES.iter().map(|d| d.to_string()).collect(),
        ops,
        traffic,
        budgets: Budgets::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Lsn, ReplicaId};
    use crate::scenario::coverage::missing_pair;
    use crate::sim::{Cluster, FaultKind};

    /// The row a scenario realizes, read back from its contents (not from its
    /// index): what the coverage test counts.
    fn realized(s: &QuickPostScenario) -> Vec<usize> {
        let kinds: Vec<&str> = s.faults.iter().map(|f| f.kind.name()).collect();
        let fault = match kinds.first().copied() {
            // Tiny steady lags and quiet replicas look alike; the description tells
            // them apart, and the lags are checked against it.
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
            Some(t) if t.browse_per_s >= 10 => Background::Heavy,
            Some(_) => Background::Light,
        };
        let added = kinds.iter().filter(|&&k| k == "add_replica").count() as u32;
        let replicas = if s.cluster.replicas + added == crate::scenario::MAX_REPLICAS {
            crate::scenario::MAX_REPLICAS
        } else {
            s.cluster.replicas
        };
        let alice: Vec<&OpSpec> = s.ops.iter().filter(|o| o.user == "alice").collect();
        let post = alice
            .iter()
            .rev()
            .find(|o| o.op == OpKind::Post)
            .expect("alice posts");
        let reads: Vec<&&OpSpec> = alice
            .iter()
            .filter(|o| o.op == OpKind::ViewProfile && o.at_ms >= post.at_ms)
            .collect();
        let delays: Vec<Millis> = reads.iter().map(|o| o.at_ms - post.at_ms).collect();
        let max = delays.iter().copied().max().expect("a read");
        let timing = if max <= 20 {
            Timing::Immediate
        } else if delays.iter().any(|&d| (1_000..=5_000).contains(&d)) && max >= 120_000 {
            Timing::Idle
        } else if delays.iter().all(|&d| d >= 600_000) && max <= 1_800_010 {
            Timing::Long
        } else {
            *Timing::ALL
                .iter()
                .find(|&&t| match t {
                    Timing::Within(w) => delays.iter().any(|&d| d + 1 == w || d == w),
                    Timing::Past(p) => delays.iter().any(|&d| d == p || d == p + 1),
                    _ => false,
                })
                .unwrap_or_else(|| panic!("{}: no timing class for {delays:?}", s.name))
        };
        let device = |d: &str| DEVICES.iter().position(|x| *x == d).expect("a device");
        // The read that matters: the first past the early ones (an idle session's
        // first read is a few seconds after the post).
        let early = if timing == Timing::Idle { 5_000 } else { 10 };
        let key_read = reads
            .iter()
            .find(|o| timing == Timing::Immediate || o.at_ms - post.at_ms > early);
        let devices = device(&post.device) * 2 + device(&key_read.expect("a read").device);
        vec![
            FaultClass::ALL
                .iter()
                .position(|&c| c == fault)
                .expect("class"),
            BACKGROUNDS
                .iter()
                .position(|&b| b == background)
                .expect("bg"),
            Timing::ALL
                .iter()
                .position(|&t| t == timing)
                .expect("a class"),
            REPLICA_COUNTS
                .iter()
                .position(|&r| r == replicas)
                .expect("replicas"),
            SESSIONS
                .iter()
                .position(|&n| n == s.users.len())
                .expect("users"),
            devices,
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
                assert_eq!(
                    r,
                    &rows()[i % rows().len()],
                    "seed {seed}: random-{i} realizes its row"
                );
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

    /// Long reads come while a replica believed up still lacks the post: lag has no
    /// upper bound, and the batch shows it.
    #[test]
    fn long_reads_come_while_a_replica_lacks_the_post() {
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
            let mut lsn = Lsn::ZERO;
            let last_read = s.ops.iter().rfind(|o| o.user == "alice").expect("ops");
            for o in s.ops.iter().filter(|o| o.user == "alice") {
                cluster.advance_to(o.at_ms);
                if o.op == OpKind::Post {
                    lsn = cluster.write();
                }
            }
            cluster.advance_to(last_read.at_ms);
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
                "random-{i} ({}): every replica has the post",
                r.describe()
            );
            checked += 1;
        }
        assert!(checked >= 6, "{checked} long scenarios checked");
    }
}
