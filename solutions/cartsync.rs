//! CartSync — the instructor's conflict resolver.
//!
//! Version vectors compared over every region either mentions; a field keeps every
//! version that no other version happened after (concurrent ones as siblings, each
//! write once); the cart is an add-wins observed-remove set without tombstones: a dot
//! survives where both sides hold it, or where one holds it and the other has not seen
//! it — a dot the other side has seen and no longer holds was removed there.

use replication_katas::katas::cartsync::prelude::*;

pub struct Resolver;

impl Resolver {
    pub fn new() -> Self {
        Resolver
    }
}

impl ConflictResolver for Resolver {
    fn compare(&self, a: &VersionVector, b: &VersionVector) -> Causality {
        let regions: BTreeSet<Region> = a.regions().chain(b.regions()).collect();
        let a_behind = regions.iter().any(|&r| a.get(r) < b.get(r));
        let b_behind = regions.iter().any(|&r| b.get(r) < a.get(r));
        match (a_behind, b_behind) {
            (false, false) => Causality::Equal,
            (true, false) => Causality::Before,
            (false, true) => Causality::After,
            (true, true) => Causality::Concurrent,
        }
    }

    fn merge(&self, a: &VersionVector, b: &VersionVector) -> VersionVector {
        VersionVector::from_entries(
            a.regions()
                .chain(b.regions())
                .map(|r| (r, a.get(r).max(b.get(r)))),
        )
    }

    fn resolve(&mut self, local: &[Version], remote: &[Version]) -> Vec<Version> {
        let all: Vec<&Version> = local.iter().chain(remote).collect();
        let mut kept: Vec<Version> = Vec::new();
        for (i, v) in all.iter().enumerate() {
            let superseded = all.iter().enumerate().any(|(j, w)| {
                j != i
                    && match self.compare(&v.vector, &w.vector) {
                        Causality::Before => true,
                        // The same write on both sides: keep the first copy.
                        Causality::Equal => j < i,
                        _ => false,
                    }
            });
            if !superseded {
                kept.push((*v).clone());
            }
        }
        kept
    }

    fn merge_cart(&mut self, local: &Cart, remote: &Cart) -> Cart {
        let mut items: BTreeMap<String, BTreeSet<Dot>> = BTreeMap::new();
        let names: BTreeSet<&String> = local.items.keys().chain(remote.items.keys()).collect();
        let none = BTreeSet::new();
        for name in names {
            let ours = local.items.get(name).unwrap_or(&none);
            let theirs = remote.items.get(name).unwrap_or(&none);
            let dots: BTreeSet<Dot> = ours
                .iter()
                .filter(|d| theirs.contains(d) || !remote.context.covers(**d))
                .chain(theirs.iter().filter(|d| !local.context.covers(**d)))
                .copied()
                .collect();
            if !dots.is_empty() {
                items.insert(name.clone(), dots);
            }
        }
        Cart {
            items,
            context: self.merge(&local.context, &remote.context),
        }
    }
}
