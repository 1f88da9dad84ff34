//! Systematic coverage for the random batches of the read-routing katas.
//!
//! A random batch used to *sample* scenarios and hope that the dangerous combinations
//! came up: other users' writes during a restore, a read half an hour after the write
//! while a replica still lacks it, a hundred sessions under a lag spike. Some never did,
//! and the bugs that live there passed. Here a batch is built from **dimensions** —
//! what goes wrong ([`FaultClass`]), who else is using the system ([`Background`]),
//! when the read that matters comes ([`Timing`]), how big the cluster is
//! ([`REPLICA_COUNTS`]) and how many named sessions there are ([`SESSIONS`]), plus
//! kata-specific ones — and a **pairwise covering array** over them ([`pairwise`]):
//! every pair of values of any two dimensions appears in at least one row. Random
//! scenario `index` takes row `index mod rows`, so every batch at least as large as
//! the array (the default 2,000 is far larger) covers every pair *whatever the seed*;
//! the seed only chooses the details inside a row (which replica, exact lags, ties,
//! names), through `ChaCha8Rng`.
//!
//! The fault of a row is sized against the row's timing ([`plan_faults`]): a spike
//! outlasts the read it must catch, a restore's backup is older than the write, a
//! replica added mid-run joins from a snapshot taken before it — so "a replica still
//! lacks the write when the read comes" holds by construction, including 10 to 45
//! minutes after the write (lag has no upper bound, and the grader shows it).

use crate::model::Millis;
use crate::scenario::MAX_REPLICAS;
use crate::sim::{Fault, FaultKind};
use rand::seq::IndexedRandom;
use rand::{Rng, RngExt};

/// A pairwise covering array over dimensions of `sizes` values each: rows of value
/// indexes such that for any two dimensions, every pair of their values appears in at
/// least one row. Deterministic (the same sizes always give the same rows): greedy in
/// the manner of AETG, each row started from the first pair not yet covered and
/// completed, dimension by dimension, with the value covering the most new pairs
/// (ties to the value used least so far, then the lowest).
pub fn pairwise(sizes: &[usize]) -> Vec<Vec<usize>> {
    let n = sizes.len();
    assert!(sizes.iter().all(|&s| s > 0), "every dimension has a value");
    // uncovered[i][j][a * sizes[j] + b] for i < j: the pair (a, b) of dimensions i, j.
    let mut uncovered: Vec<Vec<Vec<bool>>> = (0..n)
        .map(|i| (0..n).map(|j| vec![i < j; sizes[i] * sizes[j]]).collect())
        .collect();
    let mut remaining: usize = (0..n)
        .flat_map(|i| (i + 1..n).map(move |j| (i, j)))
        .map(|(i, j)| sizes[i] * sizes[j])
        .sum();
    let mut used: Vec<Vec<usize>> = sizes.iter().map(|&s| vec![0; s]).collect();
    let mut rows = Vec::new();
    if n == 1 {
        return (0..sizes[0]).map(|v| vec![v]).collect();
    }
    while remaining > 0 {
        let mut row: Vec<Option<usize>> = vec![None; n];
        'seed: for i in 0..n {
            for j in i + 1..n {
                if let Some(p) = uncovered[i][j].iter().position(|&u| u) {
                    row[i] = Some(p / sizes[j]);
                    row[j] = Some(p % sizes[j]);
                    break 'seed;
                }
            }
        }
        for d in 0..n {
            if row[d].is_some() {
                continue;
            }
            let gain = |v: usize| {
                (0..n)
                    .filter_map(|e| row[e].map(|w| (e, w)))
                    .filter(|&(e, w)| {
                        let (i, a, j, b) = if e < d { (e, w, d, v) } else { (d, v, e, w) };
                        uncovered[i][j][a * sizes[j] + b]
                    })
                    .count()
            };
            let best = (0..sizes[d])
                .max_by_key(|&v| (gain(v), std::cmp::Reverse(used[d][v]), std::cmp::Reverse(v)))
                .expect("a dimension has values");
            row[d] = Some(best);
        }
        let row: Vec<usize> = row.into_iter().map(|v| v.expect("filled")).collect();
        for i in 0..n {
            used[i][row[i]] += 1;
            for j in i + 1..n {
                let cell = &mut uncovered[i][j][row[i] * sizes[j] + row[j]];
                if *cell {
                    *cell = false;
                    remaining -= 1;
                }
            }
        }
        rows.push(row);
    }
    rows
}

/// The first pair of values (dimension, value, dimension, value) that none of `rows`
/// contains, if any: what the coverage tests assert on.
pub fn missing_pair<'a>(
    sizes: &[usize],
    rows: impl IntoIterator<Item = &'a [usize]>,
) -> Option<(usize, usize, usize, usize)> {
    let n = sizes.len();
    let mut seen: Vec<Vec<Vec<bool>>> = (0..n)
        .map(|i| (0..n).map(|j| vec![false; sizes[i] * sizes[j]]).collect())
        .collect();
    for row in rows {
        for i in 0..n {
            for j in i + 1..n {
                seen[i][j][row[i] * sizes[j] + row[j]] = true;
            }
        }
    }
    (0..n)
        .flat_map(|i| (i + 1..n).map(move |j| (i, j)))
        .find_map(|(i, j)| {
            let p = seen[i][j].iter().position(|&s| !s)?;
            Some((i, p / sizes[j], j, p % sizes[j]))
        })
}

/// What goes wrong in a scenario: one of the fault kinds of the shared model, or
/// nothing (quiet replicas, small lags and ties), or a steady lag sized against the
/// timing. A mid-run failover joins this list once the shared model supports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultClass {
    None,
    SteadyLag,
    Jitter,
    Spike,
    Stall,
    Growth,
    Crash,
    Partition,
    Restore,
    ReplicaAdded,
}

impl FaultClass {
    pub const ALL: [FaultClass; 10] = [
        FaultClass::None,
        FaultClass::SteadyLag,
        FaultClass::Jitter,
        FaultClass::Spike,
        FaultClass::Stall,
        FaultClass::Growth,
        FaultClass::Crash,
        FaultClass::Partition,
        FaultClass::Restore,
        FaultClass::ReplicaAdded,
    ];

    pub fn name(self) -> &'static str {
        match self {
            FaultClass::None => "none",
            FaultClass::SteadyLag => "steady-lag",
            FaultClass::Jitter => "jitter",
            FaultClass::Spike => "spike",
            FaultClass::Stall => "stall",
            FaultClass::Growth => "growth",
            FaultClass::Crash => "crash",
            FaultClass::Partition => "partition",
            FaultClass::Restore => "restore",
            FaultClass::ReplicaAdded => "replica-added",
        }
    }
}

/// Other users of the system: none, a light load, a heavy load of other users'
/// writes and reads, hot users (one user making most of the reads; TaskFlow only), or
/// many concurrent sessions (100 to 400 background users).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Background {
    None,
    Light,
    Heavy,
    Hot,
    Many,
}

impl Background {
    pub fn name(self) -> &'static str {
        match self {
            Background::None => "none",
            Background::Light => "light",
            Background::Heavy => "heavy",
            Background::Hot => "hot-users",
            Background::Many => "many-sessions",
        }
    }
}

/// When the read that matters comes after the write it depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timing {
    /// 0 to 10 ms after the write.
    Immediate,
    /// At, or a millisecond inside, a common time window: 1 s, 5 s, 30 s or 60 s.
    Within(Millis),
    /// Exactly at, or a millisecond past, 61 s, 121 s or 301 s: just past the
    /// windows people pick.
    Past(Millis),
    /// 10 to 30 minutes later, with a replica still lacking the write.
    Long,
    /// The session is active, goes quiet for 2 to 45 minutes, then reads again.
    Idle,
}

impl Timing {
    pub const ALL: [Timing; 10] = [
        Timing::Immediate,
        Timing::Within(1_000),
        Timing::Within(5_000),
        Timing::Within(30_000),
        Timing::Within(60_000),
        Timing::Past(61_000),
        Timing::Past(121_000),
        Timing::Past(301_000),
        Timing::Long,
        Timing::Idle,
    ];

    pub fn name(self) -> String {
        match self {
            Timing::Immediate => "immediate".into(),
            Timing::Within(ms) => format!("within-{}s", ms / 1_000),
            Timing::Past(ms) => format!("past-{}s", ms / 1_000 - 1),
            Timing::Long => "long".into(),
            Timing::Idle => "idle".into(),
        }
    }

    /// The delay of the read that matters, drawn inside the class: boundary values
    /// (the window itself, one millisecond off it), never rounded.
    pub fn delay(self, rng: &mut impl Rng) -> Millis {
        match self {
            Timing::Immediate => *[0, 1, 2, 5, 10].choose(rng).expect("delays"),
            Timing::Within(ms) => ms - rng.random_range(0..=1),
            Timing::Past(ms) => ms + rng.random_range(0..=1),
            Timing::Long => rng.random_range(600_000..=1_800_000),
            Timing::Idle => rng.random_range(120_000..=2_700_000),
        }
    }
}

/// Replica counts at the boundaries: one, two, three, and the most one read plan can
/// reach (`MAX_ATTEMPTS` − 1: one attempt is kept for the primary), counting a replica
/// added mid-run. Beyond that, "every replica before the primary" — what the katas
/// teach — cannot be written, and a router must choose replicas from stale reports,
/// which no kata teaches yet; the schema still accepts up to 32 for curated files.
pub const REPLICA_COUNTS: [u32; 4] = [1, 2, 3, crate::sim::MAX_ATTEMPTS as u32 - 1];

/// Named sessions (users) of the story: one, a few, many.
pub const SESSIONS: [usize; 3] = [1, 3, 12];

/// Names for the named sessions; background users are `user-1`, `user-2`, ….
pub const NAMES: [&str; 12] = [
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory",
    "niaj",
];

/// The window a row's fault must cover. Each session's read that matters comes
/// `delay` ms after its write; the first write is at `write_at`, the last read at
/// `last_read` (sessions may be spread out a little).
#[derive(Clone, Copy, Debug)]
pub struct Window {
    pub write_at: Millis,
    pub delay: Millis,
    pub last_read: Millis,
}

impl Window {
    /// The first read that matters.
    pub fn first_read(&self) -> Millis {
        self.write_at + self.delay
    }
}

/// The cluster part of a row: base lags of the starting replicas and the faults.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub lags: Vec<Millis>,
    pub faults: Vec<Fault>,
}

/// How long before the write a fault that must cover it starts.
pub const LEAD_MS: Millis = 1_500;

/// Builds base lags and faults for `class` so that, where the class can, a replica
/// believed up still lacks the write of `w` when its read comes. `replicas` counts
/// the replicas at the start, except that a [`FaultClass::ReplicaAdded`] row at the
/// schema's maximum starts with one fewer so that it ends at the maximum;
/// `w.write_at` must be at least [`LEAD_MS`] (growth may need more: see
/// [`growth_lead`]).
pub fn plan_faults(
    class: FaultClass,
    replicas: u32,
    w: Window,
    report_ms: Millis,
    rng: &mut impl Rng,
) -> Plan {
    let d = w.delay;
    let starting = if class == FaultClass::ReplicaAdded && replicas == MAX_REPLICAS {
        replicas - 1
    } else {
        replicas
    };
    // Ordinary base lags, with ties and zero; replica-1 is the freshest (lag 0), the
    // one a router is most tempted by and the one the faults below hit first.
    let mut lags: Vec<Millis> = (0..starting)
        .map(|i| {
            if i == 0 {
                0
            } else {
                *[0, 20, 100, 300, 800, 2_000].choose(rng).expect("lags")
            }
        })
        .collect();
    let cover_start = w.write_at - LEAD_MS.min(w.write_at);
    let cover_until = w.last_read.max(w.first_read()) + 1_000;
    let cover = cover_until - cover_start;
    // One replica, or all of them.
    let all = rng.random_bool(0.5);
    let targets: Vec<u32> = if all {
        (1..=starting).collect()
    } else {
        vec![1]
    };
    let fault = |at_ms: Millis, replica: u32, kind: FaultKind| Fault {
        at_ms,
        replica,
        kind,
    };
    let mut faults = Vec::new();
    // The replicas left untouched by a crash or partition lag past the read, so that
    // losing the freshest replica matters.
    let lag_others = |lags: &mut Vec<Millis>, extra: Millis| {
        for l in lags.iter_mut().skip(1) {
            *l = d + extra;
        }
    };
    match class {
        FaultClass::None => {
            for l in lags.iter_mut() {
                *l = *[0, 0, 20, 100].choose(rng).expect("lags");
            }
        }
        FaultClass::SteadyLag => {
            // Around the delay: just past it, exactly on it (a tie), just under it.
            let m = margin(rng, report_ms);
            for l in lags.iter_mut() {
                *l = *[d + m, d, d.saturating_sub(1), 0]
                    .choose(rng)
                    .expect("lags");
            }
            // A lag just past the read's delay: the replica has not applied the write.
            let r = rng.random_range(0..lags.len());
            lags[r] = d + m;
        }
        FaultClass::Jitter => {
            let max_ms = d + margin(rng, report_ms);
            let every_ms = (cover / 40).max(200);
            for &r in &targets {
                faults.push(fault(
                    cover_start,
                    r,
                    FaultKind::Jitter {
                        max_ms,
                        every_ms,
                        duration_ms: cover,
                    },
                ));
            }
        }
        FaultClass::Spike => {
            let lag_ms = d + margin(rng, report_ms);
            for &r in &targets {
                faults.push(fault(
                    cover_start,
                    r,
                    FaultKind::Spike {
                        lag_ms,
                        duration_ms: cover,
                    },
                ));
            }
        }
        FaultClass::Stall => {
            for &r in &targets {
                faults.push(fault(
                    cover_start,
                    r,
                    FaultKind::Stall { duration_ms: cover },
                ));
            }
        }
        FaultClass::Growth => {
            let mut rate = growth_rate(d, rng);
            if growth_lead(d, rate) > w.write_at {
                // Not enough time before the write for a slow growth: a fast one.
                rate = rate.max(1_000);
            }
            let start = w.write_at - growth_lead(d, rate).min(w.write_at);
            for &r in &targets {
                faults.push(fault(
                    start,
                    r,
                    FaultKind::Growth {
                        rate_ms_per_s: rate,
                        duration_ms: cover_until - start,
                    },
                ));
            }
        }
        FaultClass::Crash | FaultClass::Partition => {
            let m = margin(rng, report_ms);
            lag_others(&mut lags, m);
            // Before the write (the detector has long noticed), between write and
            // read, or just before the read (the detector has not noticed yet).
            let at = *[
                cover_start,
                w.write_at + d / 2,
                w.first_read().saturating_sub(10).max(w.write_at),
            ]
            .choose(rng)
            .expect("times");
            let kind = if class == FaultClass::Crash {
                FaultKind::Crash {
                    duration_ms: rng
                        .random_bool(0.5)
                        .then_some(cover_until - at.min(cover_until) + 1_000),
                }
            } else {
                FaultKind::Partition {
                    duration_ms: cover_until - at.min(cover_until) + 1_000,
                }
            };
            faults.push(fault(at, 1, kind));
        }
        FaultClass::Restore => {
            // Restored between the write and the read, after it may have reported the
            // write (its report is then stale-high), from a backup older than the
            // write, still replaying when the read comes.
            let before_read = rng.random_range(0..=d.min(2 * report_ms));
            let at = w.first_read() - before_read;
            let backup_age_ms =
                at - w.write_at + margin(rng, report_ms) + rng.random_range(0..60_000);
            let catch_up_ms = cover_until - at + margin(rng, report_ms);
            let r = if all {
                rng.random_range(1..=starting)
            } else {
                1
            };
            faults.push(fault(
                at,
                r,
                FaultKind::Restore {
                    backup_age_ms,
                    catch_up_ms,
                },
            ));
        }
        FaultClass::ReplicaAdded => {
            // Joins between the write and the read from a snapshot older than the
            // write, still replaying when the read comes.
            let before_read = rng.random_range(0..=d.min(2 * report_ms));
            let at = w.first_read() - before_read;
            faults.push(fault(
                at,
                starting + 1,
                FaultKind::AddReplica {
                    snapshot_age_ms: at - w.write_at
                        + margin(rng, report_ms)
                        + rng.random_range(0..60_000),
                    catch_up_ms: cover_until - at + margin(rng, report_ms),
                    lag_ms: *[0, 20, 300].choose(rng).expect("lags"),
                },
            ));
        }
    }
    Plan { lags, faults }
}

/// A margin past a boundary: a millisecond, a little, a report interval, a second.
fn margin(rng: &mut impl Rng, report_ms: Millis) -> Millis {
    *[1, 50, report_ms, 1_000].choose(rng).expect("margins")
}

/// A growth rate for a read `d` ms after the write: any rate for short delays; for
/// long ones a rate of a second per second or more, under which the replica falls
/// further behind every second — lag growing past ten minutes without the scenario
/// needing hours of lead.
pub fn growth_rate(d: Millis, rng: &mut impl Rng) -> Millis {
    if d > 120_000 {
        *[1_000, 1_500, 3_000].choose(rng).expect("rates")
    } else {
        *[250, 500, 1_000, 2_000].choose(rng).expect("rates")
    }
}

/// How long before the write a growth at `rate` ms per second must start for the lag
/// to exceed `d` when the read comes: lag(read) = rate · (lead + d) / 1000 > d.
pub fn growth_lead(d: Millis, rate: Millis) -> Millis {
    if rate >= 1_000 {
        LEAD_MS
    } else {
        d * (1_000 - rate) / rate + LEAD_MS
    }
}

/// The report interval for a row: one of the usual ones, spaced out in scenarios
/// that are long or have many replicas so that each costs at most about `budget`
/// report events — a grade runs thousands of scenarios, and a position report every
/// 250 ms from 32 replicas for half an hour would be 230,000 events on its own.
pub fn report_interval(replicas: u32, span_ms: Millis, budget: u64, rng: &mut impl Rng) -> Millis {
    let usual = *[250, 500, 1_000].choose(rng).expect("intervals");
    let spaced = u64::from(replicas) * span_ms / budget.max(1);
    usual.max(spaced.div_ceil(250) * 250)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn pairwise_covers_every_pair_and_is_deterministic() {
        for sizes in [
            vec![10, 4, 10, 4, 3, 4],
            vec![10, 5, 10, 4, 3, 3, 2],
            vec![2, 2],
            vec![3],
        ] {
            let rows = pairwise(&sizes);
            assert_eq!(
                missing_pair(&sizes, rows.iter().map(Vec::as_slice)),
                None,
                "{sizes:?}"
            );
            assert_eq!(rows, pairwise(&sizes));
            assert!(
                rows.iter()
                    .all(|r| r.iter().zip(&sizes).all(|(v, s)| v < s))
            );
        }
        // Close to the lower bound (the product of the two largest sizes).
        assert!(pairwise(&[10, 5, 10, 4, 3, 3, 2]).len() <= 130);
    }

    #[test]
    fn a_missing_pair_is_named() {
        let rows = [vec![0, 0], vec![1, 1]];
        assert_eq!(
            missing_pair(&[2, 2], rows.iter().map(Vec::as_slice)),
            Some((0, 0, 1, 1))
        );
    }

    #[test]
    fn growth_outlasts_the_delay() {
        for d in [0, 1_000, 61_000, 301_000, 1_800_000] {
            for rate in [250, 500, 1_000, 3_000] {
                let lead = growth_lead(d, rate);
                assert!(rate * (lead + d) / 1_000 > d, "d {d} rate {rate}");
            }
        }
    }

    #[test]
    fn timing_delays_stay_in_their_class() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for _ in 0..200 {
            assert!(Timing::Immediate.delay(&mut rng) <= 10);
            let d = Timing::Past(61_000).delay(&mut rng);
            assert!((61_000..=61_001).contains(&d));
            let d = Timing::Within(60_000).delay(&mut rng);
            assert!((59_999..=60_000).contains(&d));
            assert!((600_000..=1_800_000).contains(&Timing::Long.delay(&mut rng)));
        }
    }
}
