//! Random failover scenarios: crash, pause or partition timings, follower positions,
//! semi-synchronous or not.

use super::scenario::{Budgets, FailoverScenario, FollowerSpec, Trouble};
use crate::grader::splitmix64;
use crate::scenario::SCHEMA_VERSION;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub fn scenario(seed: u64, index: usize) -> FailoverScenario {
    let mut rng = ChaCha8Rng::seed_from_u64(splitmix64(seed ^ splitmix64(index as u64 + 29)));
    let leader_lsn: u64 = rng.random_range(100..5_000);
    let count = rng.random_range(2..=4);
    let semi_sync = rng.random_bool(0.4);
    let sync_index = rng.random_range(0..count);
    let followers: Vec<FollowerSpec> = (0..count)
        .map(|i| {
            let sync = semi_sync && i == sync_index;
            let behind = if sync { 0 } else { rng.random_range(0..30) };
            FollowerSpec {
                lsn: leader_lsn - behind.min(leader_lsn),
                sync,
            }
        })
        .collect();
    let at_ms = rng.random_range(1_000..20_000);
    let trouble = match rng.random_range(0..3) {
        0 => Trouble::Crash { at_ms },
        1 => Trouble::Pause {
            at_ms,
            duration_ms: rng.random_range(1_000..20_000),
        },
        _ => Trouble::Partition {
            at_ms,
            // The leader alone, or with one follower: its side is a minority.
            leader_side: if count >= 3 && rng.random_bool(0.5) {
                vec![2]
            } else {
                Vec::new()
            },
            writes_per_s: rng.random_range(0..5),
        },
    };
    FailoverScenario {
        schema: SCHEMA_VERSION,
        kata: "failover".into(),
        name: format!("random-{index}"),
        description: "drawn by the random generator".into(),
        leader_lsn,
        followers,
        semi_sync,
        trouble,
        max_data_loss: 50,
        heartbeat_ms: 1_000,
        duration_ms: 90_000,
        budgets: Budgets::default(),
    }
}
