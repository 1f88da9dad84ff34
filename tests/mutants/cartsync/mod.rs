//! The cartsync mutants: one file per implementation, each declaring its `EXPECT`.
//! The `naive_*` files are the kata's named naive strategies (`solutions/cartsync_naive.rs`),
//! graded here like any mutant so the matrix shows them next to the others.

#[allow(dead_code, clippy::new_without_default)]
#[path = "../../../solutions/cartsync.rs"]
mod cartsync_solution;

#[path = "../../../solutions/cartsync_naive.rs"]
mod cartsync_naive;

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
    ],
}
