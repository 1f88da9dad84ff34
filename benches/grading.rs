//! Benchmarks for the SPEC §7 targets: simulation throughput per kata (instructor
//! solution, curated + random scenarios), a whole grade including the shrinking of a
//! failing naive strategy, and the exhaustive mode. Run with `cargo bench`.
//!
//! Throughput is reported in simulated events per second: cluster events (reports,
//! fault starts and ends, jitter ticks, failure-detector updates) plus client
//! operations, each counted once — the same count the JSON report gives in
//! `stats.events`.

#[allow(dead_code, clippy::new_without_default)]
#[path = "../solutions/quickpost_naive.rs"]
mod quickpost_naive;
mod support;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};
use replication_katas::grader::{Guard, Make, Target};
use replication_katas::katas::Kata;
use replication_katas::katas::cartsync::CartSync;
use replication_katas::katas::failover::Failover;
use replication_katas::katas::quickpost::{QuickPost, ReadYourWritesRouter};
use replication_katas::katas::quorum::QuorumKata;
use replication_katas::katas::taskflow::TaskFlow;
use replication_katas::katas::{KataRunner, Solution};
use std::hint::black_box;
use std::time::Duration;
use support::{CARTSYNC, FAILOVER, Preloaded, QUICKPOST, QUORUM, TASKFLOW, request};

/// QuickPost with the instructor's solution as the learner's, and one naive strategy
/// to fail, shrink and report.
fn quickpost() -> Box<dyn KataRunner> {
    let naive = Solution {
        name: "primary-window-60s",
        flaw: "",
        make: || -> Box<dyn ReadYourWritesRouter> {
            Box::new(quickpost_naive::PrimaryWindow::new())
        },
        source: "",
    };
    replication_katas::katas::quickpost::entry(QUICKPOST, vec![naive])
}

/// Simulation throughput per core: the instructor's solution run over curated + 200
/// random scenarios on one thread, in simulated events per second. The scenarios are
/// loaded and generated once, outside the measurement (see `support`).
fn simulation(c: &mut Criterion) {
    fn bench<K: Kata>(
        group: &mut BenchmarkGroup<'_, WallTime>,
        name: &str,
        kata: K,
        make: Make<K>,
    ) {
        let preloaded = Preloaded::new(kata, make);
        group.throughput(Throughput::Elements(preloaded.run()));
        group.bench_function(name, |b| b.iter(|| black_box(preloaded.run())));
    }
    let mut group = c.benchmark_group("simulation");
    bench(&mut group, "quickpost", QuickPost, QUICKPOST);
    bench(&mut group, "taskflow", TaskFlow, TASKFLOW);
    bench(&mut group, "quorum", QuorumKata, QUORUM);
    bench(&mut group, "failover", Failover, FAILOVER);
    bench(&mut group, "cartsync", CartSync, CARTSYNC);
    group.finish();
}

/// A whole grade as `cargo run -- grade` runs it (all cores): curated + 2,000 random
/// scenarios; for a failing strategy, the determinism check and shrinking too.
fn whole_grade(c: &mut Criterion) {
    let guard = Guard::new();
    let qp = quickpost();
    let tf = replication_katas::katas::taskflow::entry(TASKFLOW, Vec::new());
    let mut group = c.benchmark_group("grade");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    let pass = request(Target::Learner, 2_000, false);
    group.bench_function("quickpost-instructor", |b| {
        b.iter(|| black_box(qp.grade(&pass, &guard).unwrap()))
    });
    group.bench_function("taskflow-instructor", |b| {
        b.iter(|| black_box(tf.grade(&pass, &guard).unwrap()))
    });
    let fail = request(Target::Solution("primary-window-60s".into()), 2_000, false);
    group.bench_function("quickpost-failing-with-shrink", |b| {
        b.iter(|| black_box(qp.grade(&fail, &guard).unwrap()))
    });
    group.finish();
}

/// Every schedule of the bounded scope (13,986 for the read katas, 1,520 for failover;
/// the full parameter sweep for quorum).
fn exhaustive(c: &mut Criterion) {
    let guard = Guard::new();
    let qp = quickpost();
    let tf = replication_katas::katas::taskflow::entry(TASKFLOW, Vec::new());
    let quorum = replication_katas::katas::quorum::entry(QUORUM, Vec::new());
    let failover = replication_katas::katas::failover::entry(FAILOVER, Vec::new());
    let req = request(Target::Learner, 0, true);
    let mut group = c.benchmark_group("exhaustive");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("quickpost", |b| {
        b.iter(|| black_box(qp.grade(&req, &guard).unwrap()))
    });
    group.bench_function("taskflow", |b| {
        b.iter(|| black_box(tf.grade(&req, &guard).unwrap()))
    });
    group.bench_function("quorum", |b| {
        b.iter(|| black_box(quorum.grade(&req, &guard).unwrap()))
    });
    group.bench_function("failover", |b| {
        b.iter(|| black_box(failover.grade(&req, &guard).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, simulation, whole_grade, exhaustive);
criterion_main!(benches);
