//! The thin binary: it compiles the learner's kata files and the solutions, registers
//! them, and hands over to the library's command line. Keeping it small is what makes
//! edit-to-verdict fast: editing a kata recompiles only this crate.
//!
//! Adding a kata: its files (`katas/`, `solutions/`, `scenarios/<kata>/`, a module
//! in `src/katas/`) and one entry in `registry()` below.

use replication_katas::katas::cartsync::ConflictResolver;
use replication_katas::katas::failover::FailoverCoordinator;
use replication_katas::katas::quickpost::ReadYourWritesRouter;
use replication_katas::katas::quorum::Quorum;
use replication_katas::katas::taskflow::MonotonicReadsRouter;
use replication_katas::katas::{KataRunner, Registry, Solution};
use std::process::ExitCode;

// The learner's files. Skeletons are shipped with `todo!()` bodies, so their parameters
// are unused until the learner writes code.
#[allow(unused_variables, dead_code, clippy::new_without_default)]
#[path = "../katas/quickpost.rs"]
mod quickpost;

#[allow(clippy::new_without_default)]
#[path = "../solutions/quickpost.rs"]
mod quickpost_solution;

#[allow(clippy::new_without_default)]
#[path = "../solutions/quickpost_naive.rs"]
mod quickpost_naive;

#[allow(unused_variables, dead_code, clippy::new_without_default)]
#[path = "../katas/taskflow.rs"]
mod taskflow;

#[allow(clippy::new_without_default)]
#[path = "../solutions/taskflow.rs"]
mod taskflow_solution;

#[allow(clippy::new_without_default)]
#[path = "../solutions/taskflow_naive.rs"]
mod taskflow_naive;

#[allow(unused_variables, dead_code, clippy::new_without_default)]
#[path = "../katas/quorum.rs"]
mod quorum;

#[allow(clippy::new_without_default)]
#[path = "../solutions/quorum.rs"]
mod quorum_solution;

#[path = "../solutions/quorum_naive.rs"]
mod quorum_naive;

#[allow(unused_variables, dead_code, clippy::new_without_default)]
#[path = "../katas/failover.rs"]
mod failover;

#[allow(dead_code, clippy::new_without_default)]
#[path = "../solutions/failover.rs"]
mod failover_solution;

#[path = "../solutions/failover_naive.rs"]
mod failover_naive;

#[allow(unused_variables, dead_code, clippy::new_without_default)]
#[path = "../katas/cartsync.rs"]
mod cartsync;

#[allow(clippy::new_without_default)]
#[path = "../solutions/cartsync.rs"]
mod cartsync_solution;

#[path = "../solutions/cartsync_naive.rs"]
mod cartsync_naive;

/// Implementations that misbehave on purpose, for the isolation tests; debug builds
/// only, registered only when `REPLICATION_KATAS_MISBEHAVING=1` (see the file).
#[cfg(debug_assertions)]
#[allow(clippy::new_without_default)]
#[path = "../tests/misbehaving/quickpost.rs"]
mod misbehaving;

type QuickPostRouter = Box<dyn ReadYourWritesRouter>;
type FailoverImpl = Box<dyn FailoverCoordinator>;
type QuorumImpl = Box<dyn Quorum>;
type TaskFlowRouter = Box<dyn MonotonicReadsRouter>;
type CartSyncImpl = Box<dyn ConflictResolver>;

fn registry() -> Registry {
    Registry::new(vec![
        quickpost(),
        taskflow(),
        quorum(),
        failover(),
        cartsync(),
    ])
}

fn quickpost() -> Box<dyn KataRunner> {
    #[cfg_attr(not(debug_assertions), allow(unused_mut))]
    let mut solutions = quickpost_solutions();
    #[allow(unused_mut)]
    let mut learner: fn() -> QuickPostRouter = || Box::new(quickpost::Router::new());
    #[cfg(debug_assertions)]
    if std::env::var_os("REPLICATION_KATAS_MISBEHAVING").is_some_and(|v| v == "1") {
        let extra = misbehaving::solutions();
        // `REPLICATION_KATAS_MISBEHAVING_LEARNER=test-…` stands one in for the
        // learner's file (and leaves the others out), for the commands that grade
        // only that (`kata list`) or grade it next to the solutions (`compare`).
        match std::env::var("REPLICATION_KATAS_MISBEHAVING_LEARNER")
            .ok()
            .and_then(|name| extra.iter().find(|s| s.name == name))
        {
            Some(stand_in) => learner = stand_in.make,
            None => solutions.extend(extra),
        }
    }
    replication_katas::katas::quickpost::entry(learner, solutions)
}

fn quickpost_solutions() -> Vec<Solution<dyn ReadYourWritesRouter>> {
    vec![
        Solution {
            name: "instructor",
            flaw: "",
            make: || -> QuickPostRouter { Box::new(quickpost_solution::Router::new()) },
            source: include_str!("../solutions/quickpost.rs"),
        },
        Solution {
            name: "always-replica",
            flaw: "every read to a replica: users miss their own posts",
            make: || -> QuickPostRouter { Box::new(quickpost_naive::AlwaysReplica::new()) },
            source: "",
        },
        Solution {
            name: "always-primary",
            flaw: "every read to the primary: correct, but over the primary-load budget",
            make: || -> QuickPostRouter { Box::new(quickpost_naive::AlwaysPrimary) },
            source: "",
        },
        Solution {
            name: "primary-window-60s",
            flaw: "primary for 60 s after a post: a longer lag spike outlasts the window",
            make: || -> QuickPostRouter { Box::new(quickpost_naive::PrimaryWindow::new()) },
            source: "",
        },
        Solution {
            name: "per-device-token",
            flaw: "token kept per device: a post on the phone is missing on the laptop",
            make: || -> QuickPostRouter { Box::new(quickpost_naive::PerDeviceToken::new()) },
            source: "",
        },
        Solution {
            name: "trust-reported-lsn",
            flaw: "trusts reported positions: wrong after a restore from an old backup",
            make: || -> QuickPostRouter { Box::new(quickpost_naive::TrustReportedLsn::new()) },
            source: "",
        },
    ]
}

fn taskflow() -> Box<dyn KataRunner> {
    replication_katas::katas::taskflow::entry(
        || -> TaskFlowRouter { Box::new(taskflow::Router::new()) },
        vec![
            Solution {
                name: "instructor",
                flaw: "",
                make: || -> TaskFlowRouter { Box::new(taskflow_solution::Router::new()) },
                source: include_str!("../solutions/taskflow.rs"),
            },
            Solution {
                name: "random-replica",
                flaw: "any replica at random: with lags that differ, boards go back in time",
                make: || -> TaskFlowRouter { Box::new(taskflow_naive::RandomReplica::new()) },
                source: "",
            },
            Solution {
                name: "hash-mod-n",
                flaw: "sticky by hash(user) mod N: breaks when a replica crashes, joins or is restored",
                make: || -> TaskFlowRouter { Box::new(taskflow_naive::HashModN) },
                source: "",
            },
            Solution {
                name: "always-primary",
                flaw: "every read to the primary: over the primary-load budget",
                make: || -> TaskFlowRouter { Box::new(taskflow_naive::AlwaysPrimary) },
                source: "",
            },
            Solution {
                name: "freshest-replica",
                flaw: "everyone on the freshest replica: over the load-imbalance budget",
                make: || -> TaskFlowRouter { Box::new(taskflow_naive::FreshestReplica) },
                source: "",
            },
        ],
    )
}

fn main() -> ExitCode {
    replication_katas::cli::run(registry(), env!("CARGO_MANIFEST_DIR").into())
}

fn quorum() -> Box<dyn KataRunner> {
    use quorum_naive::{Flaw, Naive};
    replication_katas::katas::quorum::entry(
        || -> QuorumImpl { Box::new(quorum::Quorums::new()) },
        vec![
            Solution {
                name: "instructor",
                flaw: "",
                make: || -> QuorumImpl { Box::new(quorum_solution::Quorums::new()) },
                source: include_str!("../solutions/quorum.rs"),
            },
            Solution {
                name: "overlap-off-by-one",
                flaw: "R + W ≥ N taken for overlap: at R + W = N the quorums can miss",
                make: || -> QuorumImpl { Box::new(Naive::new(Flaw::OverlapOffByOne)) },
                source: "",
            },
            Solution {
                name: "first-response-wins",
                flaw: "returns the first answer, not the newest",
                make: || -> QuorumImpl { Box::new(Naive::new(Flaw::FirstResponseWins)) },
                source: "",
            },
            Solution {
                name: "no-read-repair",
                flaw: "never repairs: stale replicas stay stale",
                make: || -> QuorumImpl { Box::new(Naive::new(Flaw::NoReadRepair)) },
                source: "",
            },
            Solution {
                name: "accept-invalid",
                flaw: "returns numbers for W > N and other nonsense",
                make: || -> QuorumImpl { Box::new(Naive::new(Flaw::AcceptInvalid)) },
                source: "",
            },
        ],
    )
}

fn failover() -> Box<dyn KataRunner> {
    use failover_naive::{Flaw, Naive};
    replication_katas::katas::failover::entry(
        || -> FailoverImpl { Box::new(failover::Coordinator::new()) },
        vec![
            Solution {
                name: "instructor",
                flaw: "",
                make: || -> FailoverImpl { Box::new(failover_solution::Coordinator::new()) },
                source: include_str!("../solutions/failover.rs"),
            },
            Solution {
                name: "first-alive",
                flaw: "promotes the first reachable follower: loses acknowledged writes",
                make: || -> FailoverImpl { Box::new(Naive::new(Flaw::FirstAlive)) },
                source: "",
            },
            Solution {
                name: "no-quorum",
                flaw: "elects on the minority side of a partition",
                make: || -> FailoverImpl { Box::new(Naive::new(Flaw::NoQuorum)) },
                source: "",
            },
            Solution {
                name: "no-fencing",
                flaw: "the right candidate under the old term: split brain",
                make: || -> FailoverImpl { Box::new(Naive::new(Flaw::NoFencing)) },
                source: "",
            },
            Solution {
                name: "always-promote",
                flaw: "never refuses: the GitLab case loses thousands of writes",
                make: || -> FailoverImpl { Box::new(Naive::new(Flaw::AlwaysPromote)) },
                source: "",
            },
            Solution {
                name: "hair-trigger",
                flaw: "5 s timeout: fails over a leader that was only paused",
                make: || -> FailoverImpl { Box::new(Naive::new(Flaw::HairTrigger)) },
                source: "",
            },
        ],
    )
}

fn cartsync() -> Box<dyn KataRunner> {
    use cartsync_naive::{Flaw, Naive};
    replication_katas::katas::cartsync::entry(
        || -> CartSyncImpl { Box::new(cartsync::Resolver::new()) },
        vec![
            Solution {
                name: "instructor",
                flaw: "",
                make: || -> CartSyncImpl { Box::new(cartsync_solution::Resolver::new()) },
                source: include_str!("../solutions/cartsync.rs"),
            },
            Solution {
                name: "lww-wall-clock",
                flaw: "latest wall-clock timestamp wins: NYC's concurrent title is lost, and skew beats causality",
                make: || -> CartSyncImpl { Box::new(Naive::new(Flaw::LwwWallClock)) },
                source: "",
            },
            Solution {
                name: "last-arrival-wins",
                flaw: "whatever arrives replaces what a region had: regions end up different",
                make: || -> CartSyncImpl { Box::new(Naive::new(Flaw::LastArrivalWins)) },
                source: "",
            },
            Solution {
                name: "lamport-lww",
                flaw: "largest Lamport timestamp wins: converges, but a concurrent write vanishes",
                make: || -> CartSyncImpl { Box::new(Naive::new(Flaw::LamportLww)) },
                source: "",
            },
            Solution {
                name: "union-cart",
                flaw: "carts merged by union: a removed item comes back",
                make: || -> CartSyncImpl { Box::new(Naive::new(Flaw::UnionCart)) },
                source: "",
            },
            Solution {
                name: "counter-per-region",
                flaw: "orders versions by their own region's counter only: spurious siblings",
                make: || -> CartSyncImpl { Box::new(Naive::new(Flaw::CounterPerRegion)) },
                source: "",
            },
        ],
    )
}
