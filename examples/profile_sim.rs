//! The benchmark's simulation workload without criterion, for instruction counts that do
//! not vary from run to run (wall-clock time on a shared machine varies by ±15 %):
//!
//! ```text
//! cargo build --release --example profile_sim
//! valgrind --tool=callgrind target/release/examples/profile_sim taskflow 3
//! ```
//!
//! Runs the kata's curated + 200 random scenarios `REPS` times with the instructor's
//! solution and prints the simulated events. Instructions per event: the difference
//! between the counts for 3 and 1 repetitions over the difference in events (which
//! leaves out loading the scenarios).

#[path = "../benches/support/mod.rs"]
mod support;

use replication_katas::grader::Make;
use replication_katas::katas::Kata;
use replication_katas::katas::cartsync::CartSync;
use replication_katas::katas::failover::Failover;
use replication_katas::katas::quickpost::QuickPost;
use replication_katas::katas::quorum::QuorumKata;
use replication_katas::katas::taskflow::TaskFlow;
use std::process::ExitCode;
use support::{CARTSYNC, FAILOVER, Preloaded, QUICKPOST, QUORUM, TASKFLOW};

const USAGE: &str = "usage: profile_sim <quickpost|taskflow|quorum|failover|cartsync> [REPS]";

fn simulate<K: Kata>(kata: K, make: Make<K>, reps: u64) {
    let preloaded = Preloaded::new(kata, make);
    let events: u64 = (0..reps).map(|_| preloaded.run()).sum();
    println!("{events} simulated events");
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let kata = args.next().unwrap_or_default();
    let Ok(reps) = args.next().map_or(Ok(1), |r| r.parse::<u64>()) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    match kata.as_str() {
        "quickpost" => simulate(QuickPost, QUICKPOST, reps),
        "taskflow" => simulate(TaskFlow, TASKFLOW, reps),
        "quorum" => simulate(QuorumKata, QUORUM, reps),
        "failover" => simulate(Failover, FAILOVER, reps),
        "cartsync" => simulate(CartSync, CARTSYNC, reps),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}
