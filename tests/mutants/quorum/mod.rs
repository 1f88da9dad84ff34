//! The quorum mutants: one file per implementation, each declaring its `EXPECT`.

#[allow(dead_code, clippy::new_without_default)]
#[path = "../../../solutions/quorum.rs"]
mod instructor;

crate::suite! {
    kata: "quorum",
    entry: replication_katas::katas::quorum::entry,
    subject: dyn replication_katas::katas::quorum::Quorum,
    implementation: Quorums,
    instructor: instructor::Quorums,
    mutants: [
    ],
}
