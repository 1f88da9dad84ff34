//! The cartsync mutants: one file per implementation, each declaring its `EXPECT`.
//! The `naive_*` files are the kata's named naive strategies (`solutions/cartsync_naive.rs`),
//! graded here like any mutant so the matrix shows them next to the others.

#[allow(dead_code, clippy::new_without_default)]
#[path = "../../../solutions/cartsync.rs"]
mod cartsync_solution;

#[path = "../../../solutions/cartsync_naive.rs"]
mod cartsync_naive;

/// The correct pieces most of the independent bug mutants borrow.
mod base;

/// The instructor's resolver, under the name the suite expects.
mod instructor {
    pub use super::cartsync_solution::Resolver;
}

crate::suite! {
    kata: "cartsync",
    entry: replication_katas::katas::cartsync::entry,
    subject: dyn replication_katas::katas::cartsync::ConflictResolver,
    implementation: Resolver,
    instructor: instructor::Resolver,
    mutants: [
        // Bugs: the named naive strategies.
        naive_lww_wall_clock,
        naive_last_arrival_wins,
        naive_lamport_lww,
        naive_union_cart,
        naive_counter_per_region,
        // Bugs written from the learner-facing API and story alone (most borrow the
        // correct pieces in base.rs and change one).
        compare_shared_keys_only,
        compare_only_left_keys,
        compare_strictly_less_everywhere,
        compare_no_equal_case,
        compare_by_counter_sum,
        compare_lexicographic,
        compare_indexes_by_entry_count,
        compare_missing_region_is_concurrent,
        compare_mirrored,
        merge_min,
        merge_sum,
        merge_left_keys_only,
        merge_picks_dominant,
        merge_chained_entries,
        lww_wall_clock,
        lamport_lww,
        last_arrival_wins,
        local_wins_conflicts,
        lowest_region_wins_conflicts,
        wall_clock_breaks_conflicts,
        never_prunes_siblings,
        counter_per_region,
        strict_dominance_in_resolve,
        keeps_oldest,
        compares_first_versions_only,
        prunes_remote_only,
        siblings_capped_at_two,
        keeps_duplicate_from_both_sides,
        wall_clock_window_one_second,
        union_cart,
        cart_checks_own_context,
        cart_absence_wins_when_concurrent,
        cart_context_local_only,
        cart_context_from_items,
        cart_covers_off_by_one,
        cart_covers_exact_counter,
        cart_newer_or_union,
        cart_last_arrival,
        cart_global_tombstones_by_name,
        cart_item_dropped_if_any_dot_covered,
        // Correct but unusual designs.
        sorted_vec_vectors,
        compare_via_merge,
        dotted_supersession,
        incremental_insert,
        siblings_newest_first,
        siblings_in_arrival_order,
        cart_removed_tag_sets,
        cart_per_dot_map,
        memoized_resolver,
        lamport_guided,
    ],
}
