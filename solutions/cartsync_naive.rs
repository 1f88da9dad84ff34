//! CartSync — naive strategies: the instructor's resolver with one idea wrong each.
//! Grade one with `cargo run -- grade cartsync --solution NAME`.

use super::cartsync_solution::Resolver as Sound;
use replication_katas::katas::cartsync::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flaw {
    /// `lww-wall-clock`: the version with the latest wall-clock timestamp wins (ties to
    /// the higher region, then the larger value, as Cassandra breaks them): the
    /// replication guide's scenario 3, and skew flips it.
    LwwWallClock,
    /// `last-arrival-wins`: whatever arrives replaces what the region had.
    LastArrivalWins,
    /// `lamport-lww`: the largest Lamport timestamp wins (ties to the higher region).
    LamportLww,
    /// `union-cart`: a cart merge that takes every dot of both sides.
    UnionCart,
    /// `counter-per-region`: versions compared by their own region's counter only.
    CounterPerRegion,
}

pub struct Naive {
    sound: Sound,
    flaw: Flaw,
}

impl Naive {
    pub fn new(flaw: Flaw) -> Self {
        Naive {
            sound: Sound::new(),
            flaw,
        }
    }
}

/// The one version a last-write-wins rule keeps, by `key`.
fn one_winner<K: Ord>(
    local: &[Version],
    remote: &[Version],
    key: impl Fn(&Version) -> K,
) -> Vec<Version> {
    local
        .iter()
        .chain(remote)
        .max_by_key(|v| key(v))
        .cloned()
        .into_iter()
        .collect()
}

impl ConflictResolver for Naive {
    fn compare(&self, a: &VersionVector, b: &VersionVector) -> Causality {
        self.sound.compare(a, b)
    }

    fn merge(&self, a: &VersionVector, b: &VersionVector) -> VersionVector {
        self.sound.merge(a, b)
    }

    fn resolve(&mut self, local: &[Version], remote: &[Version]) -> Vec<Version> {
        match self.flaw {
            Flaw::LwwWallClock => one_winner(local, remote, |v| {
                (v.wall_clock_ms, v.origin, v.value.clone())
            }),
            Flaw::LamportLww => one_winner(local, remote, |v| (v.lamport, v.origin)),
            Flaw::LastArrivalWins => remote.to_vec(),
            Flaw::CounterPerRegion => {
                // A version is newer than another only if both come from the same
                // region and its counter is larger: two regions never order each other.
                let all: Vec<&Version> = local.iter().chain(remote).collect();
                let mut kept: Vec<Version> = Vec::new();
                for (i, v) in all.iter().enumerate() {
                    let superseded = all.iter().enumerate().any(|(j, w)| {
                        j != i
                            && w.origin == v.origin
                            && (w.dot().counter > v.dot().counter || (w.dot() == v.dot() && j < i))
                    });
                    if !superseded {
                        kept.push((*v).clone());
                    }
                }
                kept
            }
            Flaw::UnionCart => self.sound.resolve(local, remote),
        }
    }

    fn merge_cart(&mut self, local: &Cart, remote: &Cart) -> Cart {
        match self.flaw {
            Flaw::UnionCart => {
                let mut items = local.items.clone();
                for (name, dots) in &remote.items {
                    items.entry(name.clone()).or_default().extend(dots);
                }
                Cart {
                    items,
                    context: self.sound.merge(&local.context, &remote.context),
                }
            }
            Flaw::LastArrivalWins => remote.clone(),
            _ => self.sound.merge_cart(local, remote),
        }
    }
}
