//! Model tests: the behaviours the katas rely on, each able to fail.

use super::*;

fn cluster(lags: Vec<Millis>, faults: Vec<Fault>) -> Cluster {
    Cluster::new(&ClusterSpec::with_lags(lags), &faults, 7)
}

fn fault(at_ms: Millis, replica: u32, kind: FaultKind) -> Fault {
    Fault {
        at_ms,
        replica,
        kind,
    }
}

fn write_at(c: &mut Cluster, t: Millis) -> Lsn {
    c.advance_to(t);
    c.write()
}

#[test]
fn replica_applies_a_write_after_its_lag() {
    let mut c = cluster(vec![300], vec![]);
    let lsn = write_at(&mut c, 1_000);
    c.advance_to(1_299);
    assert_eq!(c.applied_lsn(ReplicaId(1)), Some(Lsn(0)));
    c.advance_to(1_300);
    assert_eq!(c.applied_lsn(ReplicaId(1)), Some(lsn));
}

#[test]
fn restore_from_backup_moves_the_applied_position_backwards() {
    let restore = FaultKind::Restore {
        backup_age_ms: 5_000,
        catch_up_ms: 2_000,
    };
    let mut c = cluster(vec![10], vec![fault(8_000, 1, restore)]);
    for t in [1_000, 2_000, 6_000, 7_000] {
        write_at(&mut c, t);
    }
    c.advance_to(7_990);
    assert_eq!(c.applied_lsn(ReplicaId(1)), Some(Lsn(4)));
    c.advance_to(8_000);
    // The backup was taken at t=3000: only the writes of t=1000 and t=2000 survive.
    assert_eq!(c.applied_lsn(ReplicaId(1)), Some(Lsn(2)));
    c.advance_to(9_999);
    assert_eq!(
        c.applied_lsn(ReplicaId(1)),
        Some(Lsn(2)),
        "frozen while replaying"
    );
    c.advance_to(10_000);
    assert_eq!(
        c.applied_lsn(ReplicaId(1)),
        Some(Lsn(4)),
        "caught up after replay"
    );
}

#[test]
fn reports_are_stale_and_stale_high_after_a_restore() {
    let restore = FaultKind::Restore {
        backup_age_ms: 60_000,
        catch_up_ms: 5_000,
    };
    let mut c = cluster(vec![0], vec![fault(10_100, 1, restore)]);
    write_at(&mut c, 1_000);
    c.advance_to(1_200);
    // The last report was sent at t=1000, before the write was applied? It was
    // applied at 1000 with zero lag; the report of t=1000 ran first (scheduled earlier).
    let reported = c.view().replica(ReplicaId(1)).unwrap().last_report.unwrap();
    assert_eq!(reported.at, 1_000);
    c.advance_to(10_000);
    let reported = c.view().replica(ReplicaId(1)).unwrap().last_report.unwrap();
    assert_eq!((reported.lsn, reported.at), (Lsn(1), 10_000));
    c.advance_to(10_200);
    assert_eq!(
        c.applied_lsn(ReplicaId(1)),
        Some(Lsn(0)),
        "restored to before the write"
    );
    let view = c.view();
    assert_eq!(
        view.replica(ReplicaId(1)).unwrap().reported_lsn(),
        Lsn(1),
        "the proxy still believes the pre-restore report"
    );
    c.advance_to(10_500);
    assert_eq!(
        c.view().replica(ReplicaId(1)).unwrap().reported_lsn(),
        Lsn(0),
        "the next report tells the truth"
    );
}

#[test]
fn conditional_read_is_refused_by_a_stale_replica_in_one_round_trip() {
    let mut c = cluster(vec![1_000], vec![]);
    let lsn = write_at(&mut c, 100);
    c.advance_to(200);
    let exec = c.execute(
        &ReadPlan::new()
            .replica_at_least(ReplicaId(1), lsn)
            .primary(),
    );
    assert_eq!(
        exec.attempts[0].outcome,
        AttemptOutcome::TooStale {
            applied: Lsn(0),
            wanted: lsn
        }
    );
    assert_eq!(exec.served, Some((NodeId::Primary, lsn)));
    assert_eq!((exec.round_trips, exec.latency_ms), (2, 2));
    let unconditional = c.execute(&ReadPlan::new().replica(ReplicaId(1)));
    assert_eq!(
        unconditional.served,
        Some((NodeId::Replica(ReplicaId(1)), Lsn(0)))
    );
}

#[test]
fn crashed_replica_is_unreachable_and_detector_lags() {
    let crash = FaultKind::Crash {
        duration_ms: Some(5_000),
    };
    let mut c = cluster(vec![0], vec![fault(1_000, 1, crash)]);
    c.advance_to(1_500);
    assert!(
        c.view().replica(ReplicaId(1)).unwrap().is_up(),
        "not noticed yet"
    );
    let exec = c.execute(&ReadPlan::new().replica(ReplicaId(1)));
    assert_eq!(exec.served, None);
    assert_eq!(exec.latency_ms, c.spec().timeout_ms);
    c.advance_to(2_000);
    assert!(!c.view().replica(ReplicaId(1)).unwrap().is_up());
    c.advance_to(6_500);
    assert!(
        !c.view().replica(ReplicaId(1)).unwrap().is_up(),
        "restart not noticed yet"
    );
    c.advance_to(7_000);
    assert!(c.view().replica(ReplicaId(1)).unwrap().is_up());
}

#[test]
fn spike_holds_the_replica_back_then_it_catches_up() {
    let spike = FaultKind::Spike {
        lag_ms: 90_000,
        duration_ms: 120_000,
    };
    let mut c = cluster(vec![100], vec![fault(5_000, 1, spike)]);
    let lsn = write_at(&mut c, 10_000);
    c.advance_to(75_000);
    assert_eq!(c.applied_lsn(ReplicaId(1)), Some(Lsn(0)));
    c.advance_to(100_000);
    assert_eq!(c.applied_lsn(ReplicaId(1)), Some(lsn));
}

#[test]
fn growth_makes_lag_grow_and_never_unapplies() {
    let growth = FaultKind::Growth {
        rate_ms_per_s: 2_000,
        duration_ms: 60_000,
    };
    let mut c = cluster(vec![0], vec![fault(1_000, 1, growth)]);
    write_at(&mut c, 500);
    let lsn = write_at(&mut c, 2_000);
    c.advance_to(30_000);
    assert_eq!(
        c.applied_lsn(ReplicaId(1)),
        Some(Lsn(1)),
        "the horizon stopped at t=1000"
    );
    c.advance_to(61_000);
    assert_eq!(c.applied_lsn(ReplicaId(1)), Some(lsn));
}

#[test]
fn added_replica_appears_in_the_view_when_it_joins() {
    let add = FaultKind::AddReplica {
        snapshot_age_ms: 4_000,
        catch_up_ms: 1_000,
        lag_ms: 50,
    };
    let mut c = cluster(vec![0], vec![fault(5_000, 2, add)]);
    write_at(&mut c, 3_000);
    c.advance_to(4_999);
    assert_eq!(c.view().replicas().len(), 1);
    assert_eq!(c.applied_lsn(ReplicaId(2)), None);
    c.advance_to(5_000);
    assert_eq!(c.view().replicas().len(), 2);
    assert_eq!(
        c.applied_lsn(ReplicaId(2)),
        Some(Lsn(0)),
        "snapshot predates the write"
    );
    c.advance_to(6_000);
    assert_eq!(c.applied_lsn(ReplicaId(2)), Some(Lsn(1)));
}

#[test]
fn jitter_is_deterministic_for_a_seed() {
    let jitter = FaultKind::Jitter {
        max_ms: 2_000,
        every_ms: 100,
        duration_ms: 10_000,
    };
    let run = |seed| {
        let spec = ClusterSpec::with_lags(vec![100]);
        let mut c = Cluster::new(&spec, &[fault(0, 1, jitter.clone())], seed);
        let mut seen = Vec::new();
        for t in (0..10_000).step_by(50) {
            c.advance_to(t);
            c.write();
            seen.push(c.applied_lsn(ReplicaId(1)).unwrap());
        }
        seen
    };
    assert_eq!(run(1), run(1));
    assert_ne!(run(1), run(2));
}

#[test]
fn events_count_internal_events_once_and_not_client_operations() {
    // One replica reporting every 500 ms, starting at t=0: reports at 0, 500, …, 2000.
    let mut c = cluster(vec![10], vec![]);
    let interval = c.spec().report_interval_ms;
    c.advance_to(4 * interval);
    assert_eq!(c.events(), 5, "five position reports");
    c.write();
    c.execute(&ReadPlan::new().primary());
    assert_eq!(
        c.events(),
        5,
        "client operations are counted once, by the driver, not by the cluster"
    );
}

#[test]
fn a_failover_fault_promotes_the_sync_replica_under_a_new_term() {
    let failover = fault(10_000, 1, FaultKind::Failover { downtime_ms: 5_000 });
    let mut c = cluster(vec![300, 2_000], vec![failover]);
    let before = write_at(&mut c, 9_950);
    assert_eq!(c.position(before), crate::model::Position::new(1, before.0));
    c.advance_to(10_000);
    assert_eq!(c.failovers(), 1);
    // The new primary had every acknowledged write: nothing lost, the same LSNs go on
    // under term 2.
    let after = write_at(&mut c, 10_500);
    assert_eq!(after, Lsn(before.0 + 1));
    assert_eq!(c.position(after), crate::model::Position::new(2, after.0));
    assert_eq!(c.position(before).term, crate::model::Term(1));
    // Replica-1's slot is the old primary now: down while it restarts…
    assert!(!c.is_reachable(ReplicaId(1)));
    // Replica-2 was re-pointed and streams on with its own lag: LSN `after`, written at
    // 10.5 s, arrives 2 s later.
    c.advance_to(12_499);
    assert_eq!(c.applied_lsn(ReplicaId(2)), Some(before));
    c.advance_to(12_500);
    assert_eq!(c.applied_lsn(ReplicaId(2)), Some(after));
    // …then replica-1's slot, restarted, holds the whole log and streams on.
    c.advance_to(15_000);
    assert!(c.is_reachable(ReplicaId(1)));
    assert_eq!(c.applied_lsn(ReplicaId(1)), Some(after));
}
