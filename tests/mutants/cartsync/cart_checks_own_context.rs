//! The survival test looks at the wrong context: a dot one side holds is kept if *its
//! own* context has not seen it — which never happens, since a cart's context covers every
//! dot it holds. Only dots both sides hold survive: an item added concurrently in one
//! region disappears everywhere (an intersection). Lost updates.

use super::base;
use crate::harness::Expect;
use replication_katas::katas::cartsync::prelude::*;

pub const EXPECT: Expect = Expect::Fail("no-silently-lost-update");

pub struct Resolver {}

impl Resolver {
    pub fn new() -> Self {
        Resolver {}
    }
}

impl ConflictResolver for Resolver {
    fn compare(&self, a: &VersionVector, b: &VersionVector) -> Causality {
        base::compare(a, b)
    }

    fn merge(&self, a: &VersionVector, b: &VersionVector) -> VersionVector {
        base::merge(a, b)
    }

    fn resolve(&mut self, local: &[Version], remote: &[Version]) -> Vec<Version> {
        base::resolve(local, remote)
    }

    fn merge_cart(&mut self, local: &Cart, remote: &Cart) -> Cart {
        let mut items = std::collections::BTreeMap::new();
        let names: std::collections::BTreeSet<&String> =
            local.items.keys().chain(remote.items.keys()).collect();
        for name in names {
            let l = local.items.get(name).cloned().unwrap_or_default();
            let r = remote.items.get(name).cloned().unwrap_or_default();
            let mut dots = std::collections::BTreeSet::new();
            for &d in &l {
                if r.contains(&d) || !local.context.covers(d) {
                    dots.insert(d);
                }
            }
            for &d in &r {
                if l.contains(&d) || !remote.context.covers(d) {
                    dots.insert(d);
                }
            }
            if !dots.is_empty() {
                items.insert(name.clone(), dots);
            }
        }
        Cart {
            items,
            context: base::merge(&local.context, &remote.context),
        }
    }
}
