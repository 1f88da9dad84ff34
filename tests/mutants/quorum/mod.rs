//! The quorum mutants: one file per implementation, each declaring its `EXPECT`.

#[allow(dead_code, clippy::new_without_default)]
#[path = "../../../solutions/quorum.rs"]
mod instructor;

/// The correct pieces most bug mutants borrow.
mod base;

crate::suite! {
    kata: "quorum",
    entry: replication_katas::katas::quorum::entry,
    subject: dyn replication_katas::katas::quorum::Quorum,
    implementation: Quorums,
    instructor: instructor::Quorums,
    mutants: [
        // Bugs.
        overlap_r_plus_w_ge_n,
        overlap_both_majorities,
        tolerance_plus_one,
        tolerance_swapped,
        tolerance_keeps_overlap,
        smallest_r_n_minus_w,
        smallest_r_zero_when_w_is_n,
        smallest_r_majority,
        availability_from_k_plus_one,
        availability_to_n_minus_one,
        availability_exponents_swapped,
        availability_factorial_u64,
        availability_factorial_u128,
        availability_stirling,
        availability_log_space_nan,
        availability_recurrence_underflow,
        availability_complement,
        availability_accepts_k_zero,
        availability_accepts_k_above_n,
        p_nan_accepted,
        p_epsilon_tolerance,
        stale_signed_factorials,
        stale_zero_at_boundary,
        stale_with_replacement,
        stale_factorial_u64,
        k_staleness_fresh_base,
        k_staleness_exponent_off_by_one,
        k_staleness_accepts_k_zero,
        k_staleness_rejects_k_above_n,
        error_w_above_n_out_of_range,
        error_empty_before_no_nodes,
        error_larger_before_no_nodes,
        error_per_parameter,
        error_range_first,
        accepts_w_above_n,
        resolve_first_response,
        resolve_last_response,
        resolve_min_version,
        resolve_versions_as_strings,
        resolve_none_is_newest,
        repair_only_missing,
        repair_only_older,
        repair_names_the_source,
        repair_against_first_response,
        // Correct designs.
        log_space_binomials,
        pascal_triangle,
        term_recurrence,
        exact_u128_fractions,
        stale_by_symmetry,
        stale_product_form,
        factorial_f64,
        repair_every_responder,
    ],
}
