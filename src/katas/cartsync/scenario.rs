//! The cartsync kata's scenario schema (version 1).
//!
//! ```yaml
//! schema: 1
//! kata: cartsync
//! name: guide-title-conflict
//! regions:
//!   - { name: nyc, clock_offset_ms: 900 }     # its clock reads 1000 at t=100 ms
//!   - { name: london, clock_offset_ms: 901 }
//! lag_ms: 50                                   # every pair linked both ways (or `links:`)
//! initial: { title: Engineer }
//! operations:
//!   - { at_ms: 100, region: nyc, device: phone, set: title, value: Senior Engineer }
//!   - { at_ms: 100, region: london, device: laptop, set: title, value: Staff Engineer }
//! ```

use crate::katas::KataScenario;
use crate::model::Millis;
use crate::scenario::within_a_day;
use crate::sim::multileader::{LinkSpec, PartitionSpec, RegionSpec, Topology};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CartSyncScenario {
    pub schema: u32,
    pub kata: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub regions: Vec<RegionSpec>,
    /// One-way links; omitted: every pair of regions, both ways, with `lag_ms`.
    #[serde(default)]
    pub links: Option<Vec<LinkSpec>>,
    #[serde(default = "default_lag")]
    pub lag_ms: Millis,
    #[serde(default)]
    pub partitions: Vec<PartitionSpec>,
    /// The user whose profile and cart these are.
    #[serde(default = "default_user")]
    pub user: String,
    /// Field values every region holds at the start (written by the first region
    /// before t=0 and replicated everywhere).
    #[serde(default)]
    pub initial: BTreeMap<String, String>,
    /// Items in the cart at the start, likewise.
    #[serde(default)]
    pub initial_cart: Vec<String>,
    #[serde(default)]
    pub operations: Vec<Operation>,
    /// Vector pairs on which `compare` and `merge` must give the exact answer.
    #[serde(default)]
    pub vectors: Vec<VectorPair>,
}

fn default_lag() -> Millis {
    100
}

fn default_user() -> String {
    "alice".into()
}

/// One of the user's actions, at a region, from a device. Exactly one of `set`
/// (with `value`), `add`, `remove` or `view: true`.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    pub at_ms: Millis,
    pub region: String,
    #[serde(default = "default_device")]
    pub device: String,
    /// A field to set (with `value`): over every version the region shows.
    #[serde(default)]
    pub set: Option<String>,
    #[serde(default)]
    pub value: Option<String>,
    /// An item to put in the cart.
    #[serde(default)]
    pub add: Option<String>,
    /// An item to take out of the cart (if the region shows it).
    #[serde(default)]
    pub remove: Option<String>,
    /// Look at the profile and the cart.
    #[serde(default)]
    pub view: bool,
}

fn default_device() -> String {
    "phone".into()
}

/// What an operation does, once validated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action<'a> {
    Set { field: &'a str, value: &'a str },
    Add(&'a str),
    Remove(&'a str),
    View,
}

impl Operation {
    pub fn action(&self) -> Result<Action<'_>, String> {
        let chosen = [
            self.set.is_some(),
            self.add.is_some(),
            self.remove.is_some(),
            self.view,
        ]
        .iter()
        .filter(|&&b| b)
        .count();
        if chosen != 1 {
            return Err(format!(
                "the operation at {} ms does {chosen} things: give exactly one of `set` (with \
                 `value`), `add`, `remove` or `view: true`",
                self.at_ms
            ));
        }
        match (&self.set, &self.value, &self.add, &self.remove) {
            (Some(field), Some(value), _, _) => Ok(Action::Set { field, value }),
            (Some(field), None, _, _) => Err(format!(
                "the operation at {} ms sets `{field}` without a `value`",
                self.at_ms
            )),
            (None, Some(_), _, _) => Err(format!(
                "the operation at {} ms has a `value` but no `set: <field>`",
                self.at_ms
            )),
            (None, None, Some(item), _) => Ok(Action::Add(item)),
            (None, None, None, Some(item)) => Ok(Action::Remove(item)),
            _ => Ok(Action::View),
        }
    }
}

/// Two vectors by region name: `{ a: { nyc: 1 }, b: { london: 1 } }`.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct VectorPair {
    pub a: BTreeMap<String, u64>,
    pub b: BTreeMap<String, u64>,
}

impl KataScenario for CartSyncScenario {
    fn name(&self) -> &str {
        &self.name
    }
}

impl CartSyncScenario {
    pub fn topology(&self) -> Result<Topology, String> {
        Topology::resolve(
            &self.regions,
            self.links.as_deref(),
            self.lag_ms,
            &self.partitions,
        )
    }

    pub fn region_index(&self, name: &str) -> Option<usize> {
        self.regions.iter().position(|r| r.name == name)
    }
}

/// Most operations and vector pairs a scenario may list: the checkers compare every
/// write with every other.
pub const MAX_OPERATIONS: usize = 2_000;
pub const MAX_VECTOR_PAIRS: usize = 100_000;

pub fn validate(s: &CartSyncScenario) -> Result<(), String> {
    s.topology()?;
    if s.operations.len() > MAX_OPERATIONS {
        return Err(format!(
            "{} operations: at most {MAX_OPERATIONS}",
            s.operations.len()
        ));
    }
    if s.vectors.len() > MAX_VECTOR_PAIRS {
        return Err(format!(
            "{} vector pairs: at most {MAX_VECTOR_PAIRS}",
            s.vectors.len()
        ));
    }
    let names: Vec<&str> = s.regions.iter().map(|r| r.name.as_str()).collect();
    let mut last = 0;
    for op in &s.operations {
        within_a_day("an operation's at_ms", op.at_ms)?;
        if op.at_ms < last {
            return Err(format!(
                "operations are listed in time order: {} ms comes after {last} ms",
                op.at_ms
            ));
        }
        last = op.at_ms;
        if s.region_index(&op.region).is_none() {
            return Err(format!(
                "the operation at {} ms names region `{}`; the regions are {}",
                op.at_ms,
                op.region,
                names.join(", ")
            ));
        }
        op.action()?;
    }
    for p in &s.vectors {
        for name in p.a.keys().chain(p.b.keys()) {
            if !names.contains(&name.as_str()) {
                return Err(format!(
                    "a vector pair names region `{name}`; the regions are {}",
                    names.join(", ")
                ));
            }
        }
    }
    Ok(())
}
