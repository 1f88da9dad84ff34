//! What the learner's conflict resolver sees and returns.
//!
//! Every region is a leader: it accepts the user's writes at once and ships its state to
//! the other regions afterwards. The harness does the bookkeeping of a write (the new
//! version's vector, the cart's dots); the learner decides what two states that met
//! become. Values carry everything the common strategies look at — a wall-clock
//! timestamp, a Lamport timestamp, the region of origin, a version vector — so that the
//! naive strategies and the right one are written against the same types.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// A region, each one a leader that accepts writes (think `us-east` and `eu-west`, or
/// NYC and London). Numbered from 0 in the order the scenario lists them; reports use
/// the scenario's names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Region(pub u32);

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "r{}", self.0)
    }
}

/// A version vector: for each region, how many of its writes (to one field, or to the
/// cart) the state it labels has seen.
///
/// Why a vector and not a timestamp: a region's counter orders the writes *that region*
/// accepted, and nothing else. Which writes a state has seen from *every* region is
/// what tells "this write was made by someone who had seen that one" (it happened
/// after it) from "these two were made without knowledge of each other" (concurrent).
/// Clocks cannot tell: they drift, and two regions can stamp the same millisecond.
///
/// A region missing from the vector counts as 0, so `[A:1]` and `[A:1, B:0]` are the
/// same vector (and compare equal).
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VersionVector {
    /// Only non-zero counters are stored, so equality is equality of vectors.
    counters: BTreeMap<Region, u64>,
}

impl VersionVector {
    /// The empty vector: a state that has seen no write.
    pub fn new() -> Self {
        VersionVector::default()
    }

    /// A vector from `(region, counter)` pairs; later pairs overwrite earlier ones.
    pub fn from_entries(entries: impl IntoIterator<Item = (Region, u64)>) -> Self {
        let mut v = VersionVector::new();
        for (r, n) in entries {
            v.set(r, n);
        }
        v
    }

    /// How many of `region`'s writes this vector has seen (0 if none).
    pub fn get(&self, region: Region) -> u64 {
        self.counters.get(&region).copied().unwrap_or(0)
    }

    /// Sets `region`'s counter (0 removes it).
    pub fn set(&mut self, region: Region, counter: u64) {
        if counter == 0 {
            self.counters.remove(&region);
        } else {
            self.counters.insert(region, counter);
        }
    }

    /// The regions with a non-zero counter, in order, with their counters.
    pub fn entries(&self) -> impl Iterator<Item = (Region, u64)> + '_ {
        self.counters.iter().map(|(&r, &n)| (r, n))
    }

    /// The regions with a non-zero counter, in order.
    pub fn regions(&self) -> impl Iterator<Item = Region> + '_ {
        self.counters.keys().copied()
    }

    /// Whether the vector has seen the write `dot` (its region's counter reaches it).
    pub fn covers(&self, dot: Dot) -> bool {
        self.get(dot.region) >= dot.counter
    }
}

impl fmt::Debug for VersionVector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for VersionVector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (i, (r, n)) in self.entries().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{r}:{n}")?;
        }
        f.write_str("]")
    }
}

/// How two version vectors relate: the answer of [`ConflictResolver::compare`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Causality {
    /// `a` happened before `b`: every counter of `a` is ≤ `b`'s, and one is smaller.
    /// `b`'s writer had seen everything `a` had.
    Before,
    /// `a` happened after `b` (the mirror of `Before`).
    After,
    /// The same vector: the same history.
    Equal,
    /// Neither dominates: each has seen a write the other has not. Neither writer knew
    /// of the other's write — a conflict no clock can settle.
    Concurrent,
}

/// One write as its region accepted it: a region and that region's counter for it.
/// The write that made a version, or that put an item in the cart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Dot {
    pub region: Region,
    pub counter: u64,
}

impl fmt::Display for Dot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.region, self.counter)
    }
}

/// Which write made a version: an identity the grader tracks (the checkers read the
/// final state through it). Cloning a version keeps it; a resolver cannot make one up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WriteId(pub(crate) u32);

impl fmt::Display for WriteId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "write #{}", self.0)
    }
}

/// One version of a single-value field (the email, a job title): the value and
/// everything known about the write that made it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    pub value: String,
    /// The writer's history: every write to this field its region had seen, plus this
    /// one (`vector.get(origin)` is this write's own counter). Compare these.
    pub vector: VersionVector,
    /// The region that accepted the write.
    pub origin: Region,
    /// The origin region's wall clock when it accepted the write, in milliseconds.
    /// Regions' clocks are skewed: seconds apart, either way.
    pub wall_clock_ms: i64,
    /// A Lamport timestamp: one more than the largest timestamp the origin region had
    /// seen. A write that happened after another always has a larger one; concurrent
    /// writes get arbitrary ones.
    pub lamport: u64,
    /// Which write this is.
    pub write: WriteId,
}

impl Version {
    /// The write that made this version, as its region accepted it.
    pub fn dot(&self) -> Dot {
        Dot {
            region: self.origin,
            counter: self.vector.get(self.origin),
        }
    }
}

/// A shopping cart as an add-wins set (an observed-remove set without tombstones, as
/// Riak's ORSWOT): each item present is held by the dots of the additions that put it
/// there, and `context` is every cart write this state has seen.
///
/// How the harness writes it: adding an item at region R takes R's next counter as a
/// new dot, makes it the item's only dot (the additions the user saw are replaced) and
/// records it in `context`. Removing an item drops its dots and leaves `context` as it
/// was — so a removal is remembered as "seen, and gone": a dot the context covers that
/// the state does not hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cart {
    /// Each item in the cart, with the dots of the additions that keep it there (never
    /// empty: an item without dots is not in the cart).
    pub items: BTreeMap<String, BTreeSet<Dot>>,
    /// Every cart write (addition) this state has seen, the removed ones included.
    pub context: VersionVector,
}

impl Cart {
    /// The items in the cart, in order.
    pub fn item_names(&self) -> impl Iterator<Item = &str> {
        self.items
            .iter()
            .filter(|(_, dots)| !dots.is_empty())
            .map(|(name, _)| name.as_str())
    }

    /// Whether the cart holds `item`.
    pub fn contains(&self, item: &str) -> bool {
        self.items.get(item).is_some_and(|dots| !dots.is_empty())
    }
}

/// The learner's job in the cartsync kata: decide what two replicas' states become when
/// they meet.
///
/// The grader calls `compare` and `merge` directly on vector pairs (the textbook cases
/// and every small vector), uses `merge` to build the vector of each new write from
/// the versions its writer saw, and calls `resolve` and `merge_cart` every time a region
/// receives another region's state. A region applies the user's own write to a field
/// through `resolve` too: `local` is what the region showed the user, `remote` the new
/// version alone (whose vector includes everything shown).
pub trait ConflictResolver {
    /// How `a` relates to `b`: `Before` (a happened before b), `After`, `Equal` or
    /// `Concurrent`. `[A:1, B:0, C:0]` against `[A:0, B:1, C:0]` is `Concurrent`.
    fn compare(&self, a: &VersionVector, b: &VersionVector) -> Causality;

    /// The smallest vector that has seen everything `a` and `b` have: the history of a
    /// state that has received both.
    fn merge(&self, a: &VersionVector, b: &VersionVector) -> VersionVector;

    /// The versions of one single-value field after a region holding `local` receives
    /// `remote` (another region's versions of the same field, or the user's new
    /// write). Each side holds one version, or several concurrent ones (siblings).
    /// Only which versions you return counts: a version is its write's, whatever you
    /// change in a copy.
    ///
    /// Keep every version no other version happened after — concurrent ones all stay,
    /// as siblings the user resolves with their next write — and drop the ones that
    /// something newer supersedes. Never keep an older write instead of a newer one;
    /// never keep a version twice.
    fn resolve(&mut self, local: &[Version], remote: &[Version]) -> Vec<Version>;

    /// The cart after a region holding `local` receives `remote`. It must converge
    /// (both orders of merging give the same cart), keep an item that either side added
    /// concurrently with anything else (addition wins), and not bring back an item
    /// whose removal the other side had seen after its addition.
    fn merge_cart(&mut self, local: &Cart, remote: &Cart) -> Cart;
}
