//! The failover mutants: one file per implementation, each declaring its `EXPECT`.

#[allow(dead_code, clippy::new_without_default)]
#[path = "../../../solutions/failover.rs"]
mod instructor;

/// The correct pieces most bug mutants borrow.
mod base;

crate::suite! {
    kata: "failover",
    entry: replication_katas::katas::failover::entry,
    subject: dyn replication_katas::katas::failover::FailoverCoordinator,
    implementation: Coordinator,
    instructor: instructor::Coordinator,
    mutants: [
        // Bugs.
        elect_first_reachable,
        elect_min_lsn,
        elect_highest_node_id,
        no_majority_check,
        majority_half,
        majority_counts_leader,
        majority_of_followers,
        majority_counts_all_followers,
        majority_strict,
        no_term_increment,
        term_own_counter,
        timeout_three_heartbeats,
        timeout_15s,
        timeout_equals_pause,
        timeout_in_seconds,
        timeout_90s,
        dead_latch,
        dead_when_no_progress,
        refuse_always,
        refuse_never,
        refuse_at_the_limit,
        refuse_past_the_limit,
        loss_against_best_follower,
        loss_subtracted_backwards,
        loss_ignores_semi_sync,
        refuse_any_loss,
        loss_limit_hard_coded,
        elect_unwraps_candidate,
        refuse_if_any_unreachable,
        dead_uses_now,
        timeout_learns_from_silence,
        timeout_adaptive,
        // Correct designs.
        timeout_40s,
        debounced_detector,
        prefer_sync_follower,
        ties_to_lowest_id,
        term_from_clock,
        defensive_validate,
        timeout_50s,
    ],
}
