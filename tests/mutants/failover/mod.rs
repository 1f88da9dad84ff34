//! The failover mutants: one file per implementation, each declaring its `EXPECT`.

#[allow(dead_code, clippy::new_without_default)]
#[path = "../../../solutions/failover.rs"]
mod instructor;

crate::suite! {
    kata: "failover",
    entry: replication_katas::katas::failover::entry,
    subject: dyn replication_katas::katas::failover::FailoverCoordinator,
    implementation: Coordinator,
    instructor: instructor::Coordinator,
    mutants: [
    ],
}
