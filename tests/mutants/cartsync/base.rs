//! A plain, correct learner implementation in pieces, written from the skeleton, the
//! hints and the story alone. Most bug mutants change one piece and take the rest from
//! here, so that each one fails for exactly the reason its file states; the correct but
//! unusual designs are written out in full instead.
//!
//! The pieces take the vector comparison and merge as arguments where a learner would
//! call `self.compare` / `self.merge`: a mutant with a wrong `compare` then resolves
//! with its own wrong `compare`, as the learner's code would.

use replication_katas::katas::cartsync::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// Every region either vector mentions, in order (a missing one counts 0).
pub fn regions(a: &VersionVector, b: &VersionVector) -> BTreeSet<Region> {
    a.regions().chain(b.regions()).collect()
}

/// Before when no counter of `a` is larger and one is smaller; Concurrent when each
/// has a larger counter somewhere.
pub fn compare(a: &VersionVector, b: &VersionVector) -> Causality {
    let mut a_larger = false;
    let mut b_larger = false;
    for r in regions(a, b) {
        let (x, y) = (a.get(r), b.get(r));
        if x > y {
            a_larger = true;
        }
        if y > x {
            b_larger = true;
        }
    }
    match (a_larger, b_larger) {
        (false, false) => Causality::Equal,
        (false, true) => Causality::Before,
        (true, false) => Causality::After,
        (true, true) => Causality::Concurrent,
    }
}

/// Per region, the larger counter.
pub fn merge(a: &VersionVector, b: &VersionVector) -> VersionVector {
    VersionVector::from_entries(
        regions(a, b)
            .into_iter()
            .map(|r| (r, a.get(r).max(b.get(r)))),
    )
}

/// Both sides together; keep each version no other version is After, once.
pub fn resolve_with(
    local: &[Version],
    remote: &[Version],
    compare: impl Fn(&VersionVector, &VersionVector) -> Causality,
) -> Vec<Version> {
    let all: Vec<&Version> = local.iter().chain(remote).collect();
    let mut kept: Vec<Version> = Vec::new();
    for v in &all {
        let superseded = all
            .iter()
            .any(|w| compare(&w.vector, &v.vector) == Causality::After);
        let duplicate = kept
            .iter()
            .any(|k| compare(&k.vector, &v.vector) == Causality::Equal);
        if !superseded && !duplicate {
            kept.push((*v).clone());
        }
    }
    // One order for every region: siblings sorted by the write that made them.
    kept.sort_by_key(|v| (v.dot(), v.write));
    kept
}

/// The correct resolve.
pub fn resolve(local: &[Version], remote: &[Version]) -> Vec<Version> {
    resolve_with(local, remote, compare)
}

/// Whether a dot held by one side survives against the other side: the other side
/// holds it too, or has not seen it (so cannot have removed it).
pub fn dot_survives(dot: Dot, other_holds: bool, other: &Cart) -> bool {
    other_holds || !other.context.covers(dot)
}

/// The add-wins merge, with the survival rule and the context merge as arguments.
pub fn merge_cart_with(
    local: &Cart,
    remote: &Cart,
    survives: impl Fn(Dot, bool, &Cart) -> bool,
    context: VersionVector,
) -> Cart {
    let names: BTreeSet<&String> = local.items.keys().chain(remote.items.keys()).collect();
    let empty = BTreeSet::new();
    let mut items = BTreeMap::new();
    for name in names {
        let l = local.items.get(name).unwrap_or(&empty);
        let r = remote.items.get(name).unwrap_or(&empty);
        let mut dots = BTreeSet::new();
        for &d in l {
            if survives(d, r.contains(&d), remote) {
                dots.insert(d);
            }
        }
        for &d in r {
            if survives(d, l.contains(&d), local) {
                dots.insert(d);
            }
        }
        if !dots.is_empty() {
            items.insert(name.clone(), dots);
        }
    }
    Cart { items, context }
}

/// The correct cart merge.
pub fn merge_cart(local: &Cart, remote: &Cart) -> Cart {
    merge_cart_with(
        local,
        remote,
        dot_survives,
        merge(&local.context, &remote.context),
    )
}
