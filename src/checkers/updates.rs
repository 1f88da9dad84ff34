//! No silently lost update, causality, and spurious siblings: what a multi-leader (or
//! leaderless) store does with updates that meet.
//!
//! These checkers read the *true* causal order, not the store's opinion of it: update
//! `u` happened before `v` (Lamport 1978) when `v`'s writer had received `u` — directly
//! or through any chain of messages — before writing. The harness records that order
//! as it delivers messages, whatever the code under test made of them. Then, given
//! the updates a replica holds at a moment (each object's surviving writes):
//!
//! * **no silently lost update** — every update the replica has received is held, or
//!   superseded by an update of the same object that happened after it. Concurrent
//!   updates must all be held (as siblings, or in a set that keeps both): picking one,
//!   as last-write-wins does, drops the other without telling anyone.
//! * **causality** — no update is held in place of one that happened after it: the
//!   newer title overwritten by the older because the older region's clock ran fast,
//!   an item brought back although its removal followed its addition.
//! * **spurious siblings** (a count, for a budget) — versions of a single-value field
//!   held side by side although one happened after the other (or the same version
//!   twice): nothing is lost, but the user must settle a conflict that never was.

use super::{Guarantee, Violation};
use crate::model::{Millis, fmt_time};
use std::collections::{BTreeMap, BTreeSet};

/// How an update acts on its object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpdateKind {
    /// Sets a single-value field: one value wins, or concurrent ones are siblings.
    Assign,
    /// Puts an element in a set (an item in a cart).
    Add,
    /// Takes an element out of a set.
    Remove,
}

/// One acknowledged update and its causal past.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Update {
    pub op: usize,
    /// What it updates: a field ("title") or a set's element ("cart: phone case").
    pub object: String,
    pub kind: UpdateKind,
    /// For reports: "alice's title 'Staff Engineer' (london, t=100 ms)".
    pub what: String,
    pub at: Millis,
    pub user: String,
    /// Every update (of any object) that happened before it.
    pub after: BTreeSet<usize>,
}

/// What one replica held at one moment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StateSeen<'a> {
    /// The operation number standing for this observation (a read, or the final state).
    pub op: usize,
    pub at: Millis,
    /// The replica ("london").
    pub place: &'a str,
    /// Per object, the updates whose effect the state holds (a field's siblings, the
    /// additions keeping an element in a set), duplicates included.
    pub held: &'a BTreeMap<String, Vec<usize>>,
    /// The updates the replica had received (and made) by then.
    pub known: &'a BTreeSet<usize>,
}

fn index(updates: &[Update]) -> BTreeMap<usize, &Update> {
    updates.iter().map(|u| (u.op, u)).collect()
}

/// The updates of `u`'s object, known to the replica, that happened after `u`.
fn successors<'u>(
    updates: &'u [Update],
    u: &Update,
    known: &BTreeSet<usize>,
) -> impl Iterator<Item = &'u Update> {
    let (object, op) = (u.object.clone(), u.op);
    updates
        .iter()
        .filter(move |v| v.object == object && known.contains(&v.op) && v.after.contains(&op))
}

/// Flags every known Assign or Add update that the state neither holds nor supersedes.
pub fn no_silently_lost_update(updates: &[Update], seen: &StateSeen<'_>) -> Vec<Violation> {
    let mut out = Vec::new();
    for u in updates
        .iter()
        .filter(|u| u.kind != UpdateKind::Remove && seen.known.contains(&u.op))
    {
        let held = seen.held.get(&u.object).map_or(&[][..], Vec::as_slice);
        if held.contains(&u.op) || successors(updates, u, seen.known).next().is_some() {
            continue;
        }
        let by = index(updates);
        let instead: Vec<String> = held
            .iter()
            .filter_map(|op| by.get(op))
            .map(|w| w.what.clone())
            .collect();
        let instead = if instead.is_empty() {
            "nothing in its place".to_string()
        } else {
            format!("only {}", instead.join(" and "))
        };
        out.push(Violation {
            guarantee: Guarantee::NoSilentlyLostUpdate,
            at_ms: seen.at,
            user: u.user.clone(),
            node: None,
            operations: vec![u.op, seen.op],
            explanation: format!(
                "{} was acknowledged, yet at t={} {} holds {instead}: no update happened \
                 after it, so it should be there — as a sibling if it was concurrent with \
                 another. It was dropped without anyone being told.",
                u.what,
                fmt_time(seen.at),
                seen.place
            ),
        });
    }
    out
}

/// Flags an update held in place of one that happened after it: per held Assign
/// update whose known successors are none of them held; per set element held only
/// by additions that a known removal followed.
pub fn causality(updates: &[Update], seen: &StateSeen<'_>) -> Vec<Violation> {
    let by = index(updates);
    let mut out = Vec::new();
    for (object, held) in seen.held {
        let unique: BTreeSet<usize> = held.iter().copied().collect();
        let stale: Vec<(&Update, &Update)> = unique
            .iter()
            .filter_map(|op| by.get(op).copied())
            .filter_map(|s| {
                let later: Vec<&Update> = successors(updates, s, seen.known).collect();
                let first = *later.first()?;
                (!later.iter().any(|v| unique.contains(&v.op))).then_some((s, first))
            })
            .collect();
        let is_set = unique
            .iter()
            .filter_map(|op| by.get(op))
            .any(|u| u.kind != UpdateKind::Assign);
        // A set element is there if any one addition keeps it: it is wrongly there only
        // when every addition holding it was followed by a removal.
        if is_set && stale.len() < unique.len() {
            continue;
        }
        for (s, newer) in stale.into_iter().take(if is_set { 1 } else { usize::MAX }) {
            let explanation = if newer.kind == UpdateKind::Remove {
                format!(
                    "{} holds {object} at t={}, though {} happened after {}: a removed item \
                     came back.",
                    seen.place,
                    fmt_time(seen.at),
                    newer.what,
                    s.what
                )
            } else {
                format!(
                    "{} holds {} at t={} instead of {}, which happened after it (its writer \
                     had seen it): an older write overwrote a newer one.",
                    seen.place,
                    s.what,
                    fmt_time(seen.at),
                    newer.what
                )
            };
            out.push(Violation {
                guarantee: Guarantee::Causality,
                at_ms: seen.at,
                user: newer.user.clone(),
                node: None,
                operations: vec![s.op, newer.op, seen.op],
                explanation,
            });
        }
    }
    out
}

/// Versions of single-value fields held side by side although one happened after the
/// other, plus copies of a version already held: what a correct design never shows.
pub fn spurious_siblings(updates: &[Update], seen: &StateSeen<'_>) -> usize {
    let by = index(updates);
    let mut count = 0;
    for held in seen.held.values() {
        let unique: BTreeSet<usize> = held.iter().copied().collect();
        if unique
            .iter()
            .filter_map(|op| by.get(op))
            .any(|u| u.kind != UpdateKind::Assign)
        {
            continue;
        }
        count += held.len() - unique.len();
        count += unique
            .iter()
            .filter(|&&s| {
                unique
                    .iter()
                    .filter_map(|op| by.get(op))
                    .any(|v| v.after.contains(&s))
            })
            .count();
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    fn update(op: usize, object: &str, kind: UpdateKind, after: &[usize]) -> Update {
        Update {
            op,
            object: object.into(),
            kind,
            what: format!("update {op}"),
            at: 100,
            user: "alice".into(),
            after: after.iter().copied().collect(),
        }
    }

    fn seen<'a>(
        held: &'a BTreeMap<String, Vec<usize>>,
        known: &'a BTreeSet<usize>,
    ) -> StateSeen<'a> {
        StateSeen {
            op: 99,
            at: 5_000,
            place: "nyc",
            held,
            known,
        }
    }

    fn held(entries: &[(&str, &[usize])]) -> BTreeMap<String, Vec<usize>> {
        entries
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_vec()))
            .collect()
    }

    /// The replication guide's scenario 3: two concurrent titles, LWW keeps one.
    #[test]
    fn last_write_wins_loses_the_concurrent_title() {
        use UpdateKind::Assign;
        let updates = [
            update(1, "title", Assign, &[]),
            update(2, "title", Assign, &[]),
        ];
        let known: BTreeSet<usize> = [1, 2].into();
        let lww = held(&[("title", &[2])]);
        let v = no_silently_lost_update(&updates, &seen(&lww, &known));
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].operations, vec![1, 99]);
        assert!(
            v[0].explanation.contains("only update 2"),
            "{}",
            v[0].explanation
        );
        let siblings = held(&[("title", &[1, 2])]);
        assert!(no_silently_lost_update(&updates, &seen(&siblings, &known)).is_empty());
        assert!(causality(&updates, &seen(&siblings, &known)).is_empty());
        assert_eq!(spurious_siblings(&updates, &seen(&siblings, &known)), 0);
    }

    #[test]
    fn an_older_write_in_place_of_a_newer_one_breaks_causality() {
        use UpdateKind::Assign;
        let updates = [
            update(1, "email", Assign, &[]),
            update(2, "email", Assign, &[1]),
        ];
        let known: BTreeSet<usize> = [1, 2].into();
        let skewed = held(&[("email", &[1])]);
        let v = causality(&updates, &seen(&skewed, &known));
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].operations, vec![1, 2, 99]);
        // And the newer write is gone: nothing happened after it.
        let lost = no_silently_lost_update(&updates, &seen(&skewed, &known));
        assert_eq!(lost.len(), 1);
        assert_eq!(lost[0].operations[0], 2);
        // Not yet received: nothing to say.
        let only_first: BTreeSet<usize> = [1].into();
        assert!(causality(&updates, &seen(&skewed, &only_first)).is_empty());
        // Both kept: spurious, not a violation; a copy is spurious too.
        let both = held(&[("email", &[1, 2, 2])]);
        assert!(causality(&updates, &seen(&both, &known)).is_empty());
        assert_eq!(spurious_siblings(&updates, &seen(&both, &known)), 2);
    }

    #[test]
    fn a_removed_item_must_not_come_back_but_a_concurrent_addition_wins() {
        use UpdateKind::{Add, Remove};
        let updates = [
            update(1, "cart: case", Add, &[]),
            update(2, "cart: case", Remove, &[1]),
            update(3, "cart: case", Add, &[]),
        ];
        let known: BTreeSet<usize> = [1, 2].into();
        let back = held(&[("cart: case", &[1])]);
        let v = causality(&updates, &seen(&back, &known));
        assert_eq!(v.len(), 1);
        assert!(
            v[0].explanation.contains("came back"),
            "{}",
            v[0].explanation
        );
        // The removal superseded the addition: an empty cart loses nothing.
        let empty = held(&[]);
        assert!(no_silently_lost_update(&updates, &seen(&empty, &known)).is_empty());
        // A concurrent addition keeps the item (addition wins), and must not be lost.
        let all: BTreeSet<usize> = [1, 2, 3].into();
        let kept = held(&[("cart: case", &[3])]);
        assert!(causality(&updates, &seen(&kept, &all)).is_empty());
        assert!(no_silently_lost_update(&updates, &seen(&kept, &all)).is_empty());
        let v = no_silently_lost_update(&updates, &seen(&empty, &all));
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].operations[0], 3);
    }
}
