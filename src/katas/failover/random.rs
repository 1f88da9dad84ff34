//! Random failover scenarios, drawn by dimension rather than aimed at any one bug:
//!
//! * cluster sizes 3 to 7, even and odd; any starting term and LSN;
//! * follower lags from profiles — steady, a spike, a stall, steady growth, a restore
//!   from a backup — so positions at the failure are wherever the lags put them;
//! * asynchronous, or semi-synchronous with the sync follower at any lag (behind the
//!   leader, and often behind an asynchronous follower);
//! * a crash (sometimes restarting, so the old leader rejoins), a pause short, just
//!   under, just over or far over the failover timeout, or a partition that cuts the
//!   leader off with any subset of followers (the freshest among them, or a majority);
//! * sometimes a second trouble for whoever leads next, or the freshest follower
//!   failing before the failover;
//! * the allowed loss set around what the best possible failover loses: below it,
//!   exactly at it, or one over.

use super::driver::{CHECK_MS, FAILOVER_TIMEOUT_MS};
use super::scenario::{FailoverScenario, FollowerSpec, LagFault, SCHEMA, Start, Trouble};
use crate::grader::splitmix64;
use crate::model::{Millis, Position};
use crate::sim::{FaultKind, LeaderCluster};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub fn scenario(seed: u64, index: usize) -> FailoverScenario {
    let mut rng = ChaCha8Rng::seed_from_u64(splitmix64(seed ^ splitmix64(index as u64 + 29)));
    let writes_per_s: u32 = [10, 20, 50, 100][rng.random_range(0..4)];
    let every = 1_000 / Millis::from(writes_per_s);
    let count: usize = rng.random_range(2..=6);
    let semi_sync = rng.random_bool(0.4);
    let sync_index = rng.random_range(0..count);
    let followers: Vec<FollowerSpec> = (0..count)
        .map(|i| FollowerSpec {
            // 0 to 30 writes behind, in whole writes.
            lag_ms: rng.random_range(0..=30) * every,
            sync: semi_sync && i == sync_index,
        })
        .collect();
    // On a heartbeat, so that the last heartbeat carries the leader's position.
    let at_ms: Millis = rng.random_range(5..30) * 1_000;
    let mut lag_faults = Vec::new();
    for node in 2..=count as u32 + 1 {
        if rng.random_bool(0.25) {
            let start = rng.random_range(1..at_ms / 1_000) * 1_000;
            let kind = match rng.random_range(0..4) {
                0 => FaultKind::Spike {
                    lag_ms: rng.random_range(1..=50) * every,
                    duration_ms: rng.random_range(1_000..60_000),
                },
                1 => FaultKind::Stall {
                    duration_ms: rng.random_range(500..30_000),
                },
                2 => FaultKind::Growth {
                    rate_ms_per_s: rng.random_range(10..400),
                    duration_ms: rng.random_range(1_000..60_000),
                },
                _ => FaultKind::Restore {
                    backup_age_ms: rng.random_range(1_000..20_000),
                    catch_up_ms: rng.random_range(0..5_000),
                },
            };
            lag_faults.push(LagFault {
                at_ms: start,
                node,
                kind,
            });
        }
    }
    let n = count as u32 + 1;
    let trouble = match rng.random_range(0..4) {
        0 | 1 => Trouble::Crash {
            at_ms,
            node: None,
            restart_after_ms: rng
                .random_bool(0.4)
                .then(|| rng.random_range(30_000..80_000)),
        },
        2 => {
            let timeout = FAILOVER_TIMEOUT_MS;
            let duration_ms = match rng.random_range(0..4) {
                0 => rng.random_range(1_000..20_000),
                // Just under and just over the timeout, within one check.
                1 => timeout - rng.random_range(1..CHECK_MS),
                2 => timeout + rng.random_range(1..CHECK_MS),
                _ => rng.random_range(timeout + CHECK_MS..90_000),
            };
            Trouble::Pause {
                at_ms,
                node: None,
                duration_ms,
            }
        }
        _ => {
            // Any subset of followers on the leader's side: it may be a minority, half
            // the cluster or a majority, and hold the freshest follower or not.
            let with: Vec<u32> = (2..=n).filter(|_| rng.random_bool(0.3)).collect();
            Trouble::Partition {
                at_ms,
                node: None,
                with,
                writes_per_s: rng.random_range(0..10),
                duration_ms: rng
                    .random_bool(0.6)
                    .then(|| rng.random_range(5_000..80_000)),
            }
        }
    };
    let mut troubles = vec![trouble];
    // Sometimes the next leader fails too.
    if rng.random_bool(0.25) {
        let later = at_ms + rng.random_range(35..60) * 1_000;
        troubles.push(Trouble::Crash {
            at_ms: later,
            node: None,
            restart_after_ms: None,
        });
    }
    let mut s = FailoverScenario {
        schema: SCHEMA,
        kata: "failover".into(),
        name: format!("random-{index}"),
        description: "drawn by the random generator".into(),
        start: Start {
            term: rng.random_range(1..=9),
            lsn: rng.random_range(0..100_000),
        },
        writes_per_s,
        followers,
        lag_faults,
        troubles,
        max_data_loss: 0,
        heartbeat_ms: 1_000,
        duration_ms: 120_000,
    };
    // Sometimes the freshest follower fails after the trouble, before the failover.
    if rng.random_bool(0.15) {
        let (freshest, _) = freshest_at(&s, at_ms);
        s.lag_faults.push(LagFault {
            at_ms: at_ms + rng.random_range(1..20) * 1_000,
            node: freshest,
            kind: FaultKind::Crash { duration_ms: None },
        });
    }
    // The allowed loss, around what the freshest reachable follower would lose when the
    // failover timeout expires: below it, exactly at it, or one over.
    let decide = at_ms + FAILOVER_TIMEOUT_MS;
    let best_loss = best_loss_at(&s, decide);
    s.max_data_loss = match rng.random_range(0..4) {
        0 => best_loss + rng.random_range(1..20),
        1 | 2 => best_loss,
        _ => best_loss.saturating_sub(1),
    };
    debug_assert!(s.cluster_size() == n);
    s
}

/// The follower with the freshest position at `t` (node number, position).
fn freshest_at(s: &FailoverScenario, t: Millis) -> (u32, Position) {
    let mut sim = LeaderCluster::new(&s.spec(), &s.sim_troubles(), &s.sim_lag_faults());
    sim.advance_to(t);
    (2..=s.cluster_size())
        .map(|node| (node, sim.true_position(node)))
        .max_by_key(|&(node, p)| (p, std::cmp::Reverse(node)))
        .expect("a cluster has followers")
}

/// What promoting the freshest follower the coordinator can reach at `t` would lose of
/// the acknowledged writes (0 if none is reachable).
fn best_loss_at(s: &FailoverScenario, t: Millis) -> u64 {
    let mut sim = LeaderCluster::new(&s.spec(), &s.sim_troubles(), &s.sim_lag_faults());
    sim.advance_to(t);
    let leader = sim.leader();
    let Some(node) = (1..=s.cluster_size())
        .filter(|&x| x != leader)
        .filter_map(|x| sim.poll(x).map(|p| (p, x)))
        .max()
        .map(|(_, x)| x)
    else {
        return 0;
    };
    sim.promote(node, crate::model::Term(sim.term().0 + 1)).lost
}
