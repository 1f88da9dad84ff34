//! The quickpost mutants: one file per implementation, each declaring its `EXPECT`.

#[allow(dead_code, clippy::new_without_default)]
#[path = "../../../solutions/quickpost.rs"]
mod instructor;

crate::suite! {
    kata: "quickpost",
    entry: replication_katas::katas::quickpost::entry,
    subject: dyn replication_katas::katas::quickpost::ReadYourWritesRouter,
    implementation: Router,
    instructor: instructor::Router,
    mutants: [
        window_30s,
    ],
}
