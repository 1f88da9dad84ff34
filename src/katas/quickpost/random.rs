//! Random QuickPost scenarios, biased towards the places where routers break: a read
//! right after a write, a read from the other device, lag spikes and growth that
//! outlast common time windows, crashes, restores from old backups (stale-high
//! reports), replicas joining from old snapshots, and stalls. Background browsing
//! keeps the primary-load budget meaningful.

use super::scenario::{Budgets, OpKind, OpSpec, QuickPostScenario, Traffic};
use crate::grader::splitmix64;
use crate::model::Millis;
use crate::scenario::SCHEMA_VERSION;
use crate::sim::{ClusterSpec, Fault, FaultKind};
use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

const USERS: [&str; 3] = ["alice", "bob", "carol"];
const DEVICES: [&str; 2] = ["phone", "laptop"];

struct Builder {
    rng: ChaCha8Rng,
    replicas: u32,
    added: u32,
    lags: Vec<Millis>,
    report_interval: Millis,
    faults: Vec<Fault>,
    ops: Vec<OpSpec>,
    users: usize,
    t: Millis,
}

impl Builder {
    fn user(&mut self) -> &'static str {
        USERS[self.rng.random_range(0..self.users)]
    }

    fn device(&mut self) -> &'static str {
        DEVICES.choose(&mut self.rng).expect("devices")
    }

    fn replica(&mut self) -> u32 {
        self.rng.random_range(1..=self.replicas)
    }

    fn op(&mut self, at_ms: Millis, user: &str, device: &str, op: OpKind) {
        self.ops.push(OpSpec {
            at_ms,
            user: user.into(),
            device: device.into(),
            op,
            of: None,
        });
    }

    fn fault(&mut self, at_ms: Millis, replica: u32, kind: FaultKind) {
        self.faults.push(Fault {
            at_ms,
            replica,
            kind,
        });
    }

    /// A post, then views of one's own profile soon after, possibly from the other
    /// device.
    fn post_then_view(&mut self, at: Millis, max_delay: Millis, views: u32) {
        let user = self.user();
        let device = self.device();
        self.op(at, user, device, OpKind::Post);
        for _ in 0..views {
            let delay = if self.rng.random_bool(0.5) {
                self.rng.random_range(1..=10)
            } else {
                self.rng.random_range(1..=max_delay.max(1))
            };
            let device = if self.rng.random_bool(0.4) {
                self.device()
            } else {
                device
            };
            self.op(at + delay, user, device, OpKind::ViewProfile);
        }
    }

    fn episode(&mut self) {
        let t = self.t;
        let length: Millis = match self.rng.random_range(0..8) {
            0 => {
                self.post_then_view(t, 3_000, 3);
                4_000
            }
            1 => {
                // A spike outlasting a one-minute window.
                let lag = *[30_000, 65_000, 90_000, 150_000]
                    .choose(&mut self.rng)
                    .expect("lags");
                let everyone = self.rng.random_bool(0.5);
                for r in 1..=self.replicas {
                    if everyone || r == 1 {
                        self.fault(
                            t,
                            r,
                            FaultKind::Spike {
                                lag_ms: lag,
                                duration_ms: 200_000,
                            },
                        );
                    }
                }
                let user = self.user();
                let device = self.device();
                self.op(t + 1_000, user, device, OpKind::Post);
                for d in [5_000, 61_000 + self.rng.random_range(0..40_000)] {
                    self.op(t + 1_000 + d, user, device, OpKind::ViewProfile);
                }
                205_000
            }
            2 => {
                let rate = *[500, 1_500].choose(&mut self.rng).expect("rates");
                for r in 1..=self.replicas {
                    self.fault(
                        t,
                        r,
                        FaultKind::Growth {
                            rate_ms_per_s: rate,
                            duration_ms: 120_000,
                        },
                    );
                }
                self.post_then_view(t + 10_000, 90_000, 3);
                125_000
            }
            3 => {
                let r = self.replica();
                let restart = if self.rng.random_bool(0.7) {
                    Some(self.rng.random_range(1_000..20_000))
                } else {
                    None
                };
                self.fault(
                    t,
                    r,
                    FaultKind::Crash {
                        duration_ms: restart,
                    },
                );
                let at = t + self.rng.random_range(0..3_000);
                self.post_then_view(at, 5_000, 3);
                restart.unwrap_or(8_000) + 5_000
            }
            4 => {
                // Restore from backup right after the replica reported the post.
                let r = self.replica();
                let user = self.user();
                let device = self.device();
                self.op(t, user, device, OpKind::Post);
                let restore_at = t
                    + self.lags[r as usize - 1]
                    + self.report_interval
                    + self.rng.random_range(1..400);
                let restore = FaultKind::Restore {
                    backup_age_ms: self.rng.random_range(30_000..600_000),
                    catch_up_ms: self.rng.random_range(1_000..10_000),
                };
                self.fault(restore_at, r, restore);
                for _ in 0..3 {
                    let at = restore_at + self.rng.random_range(1..self.report_interval);
                    self.op(at, user, device, OpKind::ViewProfile);
                }
                self.report_interval + 15_000
            }
            5 if self.added < 2 => {
                self.added += 1;
                let id = self.replicas + self.added;
                self.post_then_view(t, 500, 1);
                let add = FaultKind::AddReplica {
                    snapshot_age_ms: self.rng.random_range(10_000..300_000),
                    catch_up_ms: self.rng.random_range(0..5_000),
                    lag_ms: self.rng.random_range(0..500),
                };
                self.fault(t + 1_000, id, add);
                let user = self.ops.last().map(|o| o.user.clone()).expect("an op");
                for _ in 0..3 {
                    let at = t + 1_000 + self.rng.random_range(1..3_000);
                    let device = self.device();
                    self.op(at, &user, device, OpKind::ViewProfile);
                }
                6_000
            }
            6 => {
                let r = self.replica();
                self.fault(
                    t,
                    r,
                    FaultKind::Stall {
                        duration_ms: 20_000,
                    },
                );
                self.post_then_view(t + 500, 15_000, 3);
                21_000
            }
            _ => {
                let r = self.replica();
                self.fault(
                    t,
                    r,
                    FaultKind::Jitter {
                        max_ms: 3_000,
                        every_ms: 200,
                        duration_ms: 10_000,
                    },
                );
                self.post_then_view(t + 100, 4_000, 3);
                self.post_then_view(t + 5_000, 4_000, 2);
                10_000
            }
        };
        self.t += length;
    }
}

/// The `index`-th random scenario of the batch drawn from `seed`.
pub fn scenario(seed: u64, index: usize) -> QuickPostScenario {
    let mut rng = ChaCha8Rng::seed_from_u64(splitmix64(seed ^ splitmix64(index as u64 + 1)));
    let replicas = rng.random_range(1..=3);
    let lags = (0..replicas)
        .map(|_| {
            *[0, 20, 100, 300, 800, 2_000]
                .choose(&mut rng)
                .expect("lags")
        })
        .collect::<Vec<_>>();
    let report_interval = *[250, 500, 1_000].choose(&mut rng).expect("intervals");
    let detector_delay = *[200, 1_000, 3_000].choose(&mut rng).expect("delays");
    let users = rng.random_range(1..=USERS.len());
    let episodes = rng.random_range(1..=3);
    let mut b = Builder {
        rng,
        replicas,
        added: 0,
        lags: lags.clone(),
        report_interval,
        faults: Vec::new(),
        ops: Vec::new(),
        users,
        t: 1_000,
    };
    for _ in 0..episodes {
        b.episode();
    }
    let browse = b.rng.random_range(1..=2);
    let mut cluster = ClusterSpec::with_lags(lags);
    cluster.report_interval_ms = report_interval;
    cluster.detector_delay_ms = detector_delay;
    QuickPostScenario {
        schema: SCHEMA_VERSION,
        kata: "quickpost".into(),
        name: format!("random-{index}"),
        description: "drawn by the random generator".into(),
        cluster,
        faults: b.faults,
        users: USERS[..users].iter().map(|u| u.to_string()).collect(),
        devices: DEVICES.iter().map(|d| d.to_string()).collect(),
        ops: b.ops,
        traffic: Some(Traffic {
            users: 4,
            duration_ms: b.t,
            browse_per_s: browse,
            posts_per_s: 0,
            check_within_ms: 2_000,
        }),
        budgets: Budgets::default(),
    }
}
