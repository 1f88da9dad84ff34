//! CartSync — the multi-leader conflicts kata (SPEC §5.5): version vectors, siblings
//! for a single-value field, and an add-wins cart.
//!
//! Files of this kata: the learner's skeleton `katas/cartsync.rs`, the solutions in
//! `solutions/cartsync*.rs`, the curated scenarios in `scenarios/cartsync/`. The
//! multi-leader network it runs on is the shared model's `crate::sim::multileader`.

mod api;
pub mod text;

pub use api::{Cart, Causality, ConflictResolver, Dot, Region, Version, VersionVector, WriteId};

/// Everything a conflict resolver needs, in one `use`.
pub mod prelude {
    pub use super::{
        Cart, Causality, ConflictResolver, Dot, Region, Version, VersionVector, WriteId,
    };
    pub use std::collections::{BTreeMap, BTreeSet};
}
