//! Leadership: positions from lags, promotion and lost writes, semi-synchronous
//! acknowledgement, fencing by term, rejoin with truncation, split brain.

use super::*;

fn spec(lags: &[Millis], sync: Option<u32>) -> LeaderSpec {
    LeaderSpec {
        start: Position::new(1, 0),
        writes_per_s: 100,
        lag_ms: lags.to_vec(),
        sync,
        heartbeat_ms: 1_000,
    }
}

fn crash(at_ms: Millis) -> LeaderFault {
    LeaderFault {
        at_ms,
        target: Target::Leader,
        trouble: Trouble::Crash {
            restart_after_ms: None,
        },
    }
}

#[test]
fn positions_at_a_crash_come_from_the_lags_and_stay_there() {
    // 100 writes/s: 100 ms of lag is 10 writes. DDIA's 1090 / 1100 / 1085.
    let mut c = LeaderCluster::new(&spec(&[100, 0, 150], None), &[crash(11_000)], &[]);
    c.advance_to(11_000);
    assert_eq!(c.head(), Position::new(1, 1100));
    c.advance_to(40_000);
    let got: Vec<u64> = (2..=4).map(|n| c.poll(n).unwrap().lsn.0).collect();
    assert_eq!(
        got,
        [1090, 1100, 1085],
        "a follower gets nothing more once its leader is gone"
    );
    assert_eq!(c.poll(1), None, "a crashed leader answers nothing");
    // The last heartbeat carried the leader's position at the crash.
    assert_eq!(c.last_heartbeat(), Some((11_000, Position::new(1, 1100))));
}

#[test]
fn promotion_forks_the_log_under_a_new_term_and_counts_what_is_lost() {
    let mut c = LeaderCluster::new(&spec(&[20, 30], None), &[crash(10_100)], &[]);
    c.advance_to(15_000);
    assert_eq!(c.poll(2).unwrap().lsn, Lsn(1008));
    let p = c.promote(2, Term(2));
    assert_eq!(p.kept, Position::new(1, 1008));
    assert_eq!(
        (p.acknowledged, p.lost),
        (Lsn(1010), 2),
        "async: 1009 and 1010 are gone"
    );
    assert_eq!(c.term(), Term(2));
    c.advance_to(16_000);
    // Writes resume on node-2 in term 2; node-3 (1007) follows it.
    assert!(c.head() > Position::new(2, 1008));
    assert_eq!(c.head().term, Term(2));
    assert_eq!(c.poll(3).unwrap().term, Term(2));
    assert!(
        c.downtime() >= 4_900 && c.downtime() <= 5_000,
        "{}",
        c.downtime()
    );
}

#[test]
fn semi_sync_acknowledges_what_the_sync_follower_has() {
    // Sync follower node-3 20 ms behind, async node-2 50 ms: 1001 and 998 at 1003.
    let mut c = LeaderCluster::new(&spec(&[50, 20], Some(3)), &[crash(10_030)], &[]);
    c.advance_to(12_000);
    assert_eq!(c.head().lsn, Lsn(1003));
    assert_eq!(c.poll(3).unwrap().lsn, Lsn(1001));
    assert_eq!(c.poll(2).unwrap().lsn, Lsn(998));
    let p = c.promote(2, Term(2));
    assert_eq!((p.acknowledged, p.lost), (Lsn(1001), 3));
    // Promoting the sync follower instead loses nothing acknowledged.
    let mut c = LeaderCluster::new(&spec(&[50, 20], Some(3)), &[crash(10_030)], &[]);
    c.advance_to(12_000);
    assert_eq!(c.promote(3, Term(2)).lost, 0);
}

#[test]
fn an_async_follower_can_be_ahead_of_the_sync_one() {
    let mut c = LeaderCluster::new(&spec(&[10, 500], Some(3)), &[crash(10_000)], &[]);
    c.advance_to(11_000);
    let (fast, sync) = (c.poll(2).unwrap(), c.poll(3).unwrap());
    assert!(fast > sync, "{fast} vs {sync}");
    let p = c.promote(2, Term(2));
    assert_eq!(p.acknowledged, sync.lsn);
    assert_eq!(p.lost, 0, "it has every acknowledged write, and more");
}

#[test]
fn a_paused_leader_is_fenced_by_the_new_term_and_rejoins_truncated() {
    let pause = LeaderFault {
        at_ms: 10_000,
        target: Target::Leader,
        trouble: Trouble::Pause {
            duration_ms: 20_000,
        },
    };
    let mut c = LeaderCluster::new(&spec(&[30, 50], None), &[pause], &[]);
    c.advance_to(15_000);
    c.promote(2, Term(2));
    c.advance_to(40_000);
    let fenced = c.happenings().iter().any(|h| {
        matches!(
            h,
            Happening::Fenced {
                node: 1,
                its_term: Term(1),
                newer: Term(2),
                ..
            }
        )
    });
    assert!(fenced, "{:?}", c.happenings());
    let rejoined = c.happenings().iter().find_map(|h| match h {
        Happening::Rejoined {
            node: 1,
            truncated,
            was_leader: true,
            kept,
            ..
        } => Some((*truncated, *kept)),
        _ => None,
    });
    // node-2 had 997 of the 1000 writes: the old leader's last 3 are its divergent suffix.
    assert_eq!(rejoined, Some((3, Position::new(1, 997))));
    // It follows the new leader now.
    assert_eq!(c.poll(1).unwrap().term, Term(2));
    assert!(
        !c.happenings()
            .iter()
            .any(|h| matches!(h, Happening::TwoLeaders { .. }))
    );
}

#[test]
fn the_same_term_cannot_fence_split_brain() {
    let pause = LeaderFault {
        at_ms: 10_000,
        target: Target::Leader,
        trouble: Trouble::Pause {
            duration_ms: 20_000,
        },
    };
    let mut c = LeaderCluster::new(&spec(&[0, 0], None), &[pause], &[]);
    c.advance_to(15_000);
    c.promote(2, Term(1));
    c.advance_to(40_000);
    assert!(
        c.happenings().iter().any(|h| matches!(
            h,
            Happening::TwoLeaders {
                at: 30_000,
                old: 1,
                new: 2,
                ..
            }
        )),
        "{:?}",
        c.happenings()
    );
}

#[test]
fn a_partitioned_leader_keeps_taking_writes_until_it_meets_the_new_term() {
    let cut = LeaderFault {
        at_ms: 10_000,
        target: Target::Leader,
        trouble: Trouble::Partition {
            with: vec![],
            writes_per_s: 5,
            duration_ms: Some(30_000),
        },
    };
    let mut c = LeaderCluster::new(&spec(&[0, 0, 0], None), &[cut], &[]);
    c.advance_to(20_000);
    assert_eq!(c.poll(1), None);
    assert!(
        c.true_position(1).lsn.0 >= 1000 + 45,
        "clients on its side keep writing"
    );
    let p = c.promote(3, Term(2));
    assert_eq!(p.lost, 0);
    c.advance_to(45_000);
    let truncated = c.happenings().iter().find_map(|h| match h {
        Happening::Rejoined {
            node: 1, truncated, ..
        } => Some(*truncated),
        _ => None,
    });
    // 5 writes/s for the 30 s it was cut off, all fenced and discarded.
    assert_eq!(truncated, Some(150));
    assert_eq!(c.true_position(1).term, Term(2));
}

#[test]
fn a_chained_trouble_hits_the_new_leader_and_a_restart_rejoins() {
    let troubles = [
        LeaderFault {
            at_ms: 10_000,
            target: Target::Leader,
            trouble: Trouble::Crash {
                restart_after_ms: Some(40_000),
            },
        },
        crash(30_000),
    ];
    let mut c = LeaderCluster::new(&spec(&[0, 100, 200], None), &troubles, &[]);
    c.advance_to(12_000);
    c.promote(2, Term(6));
    c.advance_to(30_000);
    assert_eq!(
        c.trouble_node(1),
        2,
        "the second crash hits the leader of the time"
    );
    assert_eq!(c.poll(2), None);
    // node-3 trails node-2 by 100 ms in term 6.
    assert_eq!(c.poll(3).unwrap().term, Term(6));
    c.promote(3, Term(7));
    c.advance_to(60_000);
    // node-1 restarted at 50 s, met term 7, and follows node-3.
    assert_eq!(c.poll(1).unwrap().term, Term(7));
    assert_eq!(c.leader(), 3);
}

#[test]
fn scenarios_can_start_in_any_term() {
    let mut s = spec(&[0], None);
    s.start = Position::new(5, 40_000);
    let mut c = LeaderCluster::new(&s, &[crash(1_000)], &[]);
    c.advance_to(2_000);
    assert_eq!(c.poll(2), Some(Position::new(5, 40_100)));
    c.promote(2, Term(6));
    c.advance_to(3_000);
    assert_eq!(c.head().term, Term(6));
}

#[test]
fn follower_lag_faults_shape_positions() {
    // A stall from 5 s to 8 s on node-2: it is 300 writes behind at a crash at 8 s.
    let stall = (
        2,
        5_000,
        FaultKind::Stall {
            duration_ms: 10_000,
        },
    );
    let mut c = LeaderCluster::new(&spec(&[0, 0], None), &[crash(8_000)], &[stall]);
    c.advance_to(9_000);
    assert_eq!(c.poll(2).unwrap().lsn, Lsn(500));
    assert_eq!(c.poll(3).unwrap().lsn, Lsn(800));
}
