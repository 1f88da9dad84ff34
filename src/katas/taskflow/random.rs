//! Random TaskFlow scenarios, biased to where monotonic reads break: lags that differ
//! between replicas, a user's replica crashing, a restore from an old backup, a replica
//! joining mid-run (reshuffling hash(user) mod N), stalls and spikes, and hot users.

use super::scenario::{Budgets, TaskFlowScenario, Traffic};
use crate::grader::splitmix64;
use crate::scenario::SCHEMA_VERSION;
use crate::sim::{ClusterSpec, Fault, FaultKind};
use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

const BOARDS: [&str; 3] = ["launch", "ops", "hiring"];

/// The `index`-th random scenario of the batch drawn from `seed`.
pub fn scenario(seed: u64, index: usize) -> TaskFlowScenario {
    let mut rng = ChaCha8Rng::seed_from_u64(splitmix64(seed ^ splitmix64(index as u64 + 7)));
    let replicas: u32 = rng.random_range(2..=3);
    let lags: Vec<u64> = (0..replicas)
        .map(|_| {
            *[0, 50, 300, 1_000, 3_000, 8_000]
                .choose(&mut rng)
                .expect("lags")
        })
        .collect();
    let duration: u64 = rng.random_range(20_000..60_000);
    let mut faults = Vec::new();
    let mut added = 0;
    for _ in 0..rng.random_range(0..=3) {
        let at = rng.random_range(2_000..duration - 1_000);
        let replica = rng.random_range(1..=replicas);
        let kind = match rng.random_range(0..6) {
            0 => FaultKind::Crash {
                duration_ms: rng
                    .random_bool(0.7)
                    .then(|| rng.random_range(1_000..15_000)),
            },
            1 => FaultKind::Restore {
                backup_age_ms: rng.random_range(10_000..300_000),
                catch_up_ms: rng.random_range(500..10_000),
            },
            2 if added < 2 => {
                added += 1;
                faults.push(Fault {
                    at_ms: at,
                    replica: replicas + added,
                    kind: FaultKind::AddReplica {
                        snapshot_age_ms: rng.random_range(5_000..120_000),
                        catch_up_ms: rng.random_range(0..5_000),
                        lag_ms: rng.random_range(0..500),
                    },
                });
                continue;
            }
            3 => FaultKind::Stall {
                duration_ms: rng.random_range(2_000..15_000),
            },
            4 => FaultKind::Spike {
                lag_ms: rng.random_range(2_000..20_000),
                duration_ms: rng.random_range(2_000..15_000),
            },
            _ => FaultKind::Jitter {
                max_ms: rng.random_range(100..3_000),
                every_ms: 200,
                duration_ms: rng.random_range(2_000..15_000),
            },
        };
        faults.push(Fault {
            at_ms: at,
            replica,
            kind,
        });
    }
    // Added replicas must be numbered in the order they join.
    let mut joins: Vec<u64> = faults
        .iter()
        .filter(|f| matches!(f.kind, FaultKind::AddReplica { .. }))
        .map(|f| f.at_ms)
        .collect();
    joins.sort_unstable();
    let mut next = joins.into_iter();
    let mut adds: Vec<&mut Fault> = faults
        .iter_mut()
        .filter(|f| matches!(f.kind, FaultKind::AddReplica { .. }))
        .collect();
    adds.sort_by_key(|f| f.replica);
    for f in adds {
        f.at_ms = next.next().expect("as many joins as adds");
    }
    let mut cluster = ClusterSpec::with_lags(lags);
    cluster.report_interval_ms = *[250, 500, 1_000].choose(&mut rng).expect("intervals");
    cluster.detector_delay_ms = *[200, 1_000, 3_000].choose(&mut rng).expect("delays");
    let boards = rng.random_range(1..=BOARDS.len());
    TaskFlowScenario {
        schema: SCHEMA_VERSION,
        kata: "taskflow".into(),
        name: format!("random-{index}"),
        description: "drawn by the random generator".into(),
        cluster,
        faults,
        users: Vec::new(),
        devices: vec!["phone".into(), "laptop".into()],
        boards: BOARDS[..boards].iter().map(|b| b.to_string()).collect(),
        ops: Vec::new(),
        traffic: Some(Traffic {
            users: rng.random_range(2..12),
            duration_ms: duration,
            refresh_per_s: rng.random_range(3..12),
            updates_per_s: rng.random_range(1..5),
            hot_share: if rng.random_bool(0.3) {
                rng.random_range(0.3..0.7)
            } else {
                0.0
            },
        }),
        budgets: Budgets::default(),
    }
}
