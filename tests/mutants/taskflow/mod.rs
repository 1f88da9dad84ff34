//! The taskflow mutants: one file per implementation, each declaring its `EXPECT`.

#[allow(dead_code, clippy::new_without_default)]
#[path = "../../../solutions/taskflow.rs"]
mod instructor;

crate::suite! {
    kata: "taskflow",
    entry: replication_katas::katas::taskflow::entry,
    subject: dyn replication_katas::katas::taskflow::MonotonicReadsRouter,
    implementation: Router,
    instructor: instructor::Router,
    mutants: [
    ],
}
