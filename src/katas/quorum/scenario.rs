//! The quorum kata's scenario schema (version 1): a sweep of one function over its
//! parameters, or a leaderless simulation.

use crate::katas::KataScenario;
use crate::model::Millis;
use crate::scenario::within_a_day;
use serde::Deserialize;

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct QuorumScenario {
    pub schema: u32,
    pub kata: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Compare one function with the exact answers over a range of parameters.
    #[serde(default)]
    pub sweep: Option<Sweep>,
    /// Replay failures and writes against the learner's read coordinator.
    #[serde(default)]
    pub simulation: Option<Simulation>,
}

/// Which function a sweep checks.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Function {
    Overlaps,
    ToleratedFailures,
    SmallestOverlappingR,
    Availability,
    StaleReadProbability,
    KStaleness,
    /// Every function, on every invalid configuration: each must be an error.
    InvalidParameters,
    /// The specific numbers of the source material (N=3, R=W=1 → 2/3; …).
    CheckValues,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Sweep {
    pub function: Function,
    /// Every N from 1 to `max_n`, with every W and R.
    #[serde(default = "default_max_n")]
    pub max_n: u32,
    /// Per-node availabilities for `availability`.
    #[serde(default = "default_ps")]
    pub p: Vec<f64>,
    /// Versions for `k_staleness`.
    #[serde(default = "default_ks")]
    pub k: Vec<u32>,
}

fn default_max_n() -> u32 {
    12
}

fn default_ps() -> Vec<f64> {
    vec![0.0, 0.5, 0.9, 0.99, 0.999, 1.0]
}

fn default_ks() -> Vec<u32> {
    vec![1, 2, 3, 5]
}

/// A leaderless cluster: N home nodes replicate every key; writes go to all of them
/// and succeed with W acknowledgements; reads ask R of them.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Simulation {
    pub nodes: u32,
    pub w: u32,
    pub r: u32,
    /// Sloppy quorum: when home nodes are down, writes are accepted by fallback nodes
    /// (which count towards W) and handed off when the home node recovers.
    #[serde(default)]
    pub sloppy: bool,
    /// Fallback nodes available to a sloppy quorum.
    #[serde(default = "default_fallbacks")]
    pub fallback_nodes: u32,
    /// How long after a home node recovers its hinted writes arrive.
    #[serde(default = "default_handoff")]
    pub handoff_ms: Millis,
    #[serde(default = "default_keys")]
    pub keys: Vec<String>,
    #[serde(default)]
    pub faults: Vec<NodeFault>,
    pub ops: Vec<QuorumOp>,
    /// The order in which a read's answers reach the coordinator.
    #[serde(default)]
    pub arrival: Arrival,
}

/// Answer order. The grader is adversarial by default: the stalest answers arrive
/// first, so a coordinator that trusts arrival order is caught every time.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Arrival {
    #[default]
    StalestFirst,
    /// Shuffled by the scenario's seed.
    Random,
}

fn default_fallbacks() -> u32 {
    2
}

fn default_handoff() -> Millis {
    5_000
}

fn default_keys() -> Vec<String> {
    vec!["cart".into()]
}

/// A home node is down from `at_ms` for `duration_ms` (for good if omitted).
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct NodeFault {
    pub at_ms: Millis,
    pub node: u32,
    #[serde(default)]
    pub duration_ms: Option<Millis>,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct QuorumOp {
    pub at_ms: Millis,
    pub op: OpKind,
    #[serde(default = "default_key")]
    pub key: String,
    /// For writes: the only home nodes the write reaches (a coordinator that crashed
    /// half-way); all up nodes if omitted.
    #[serde(default)]
    pub reaches: Option<Vec<u32>>,
}

fn default_key() -> String {
    "cart".into()
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum OpKind {
    Write,
    Read,
}

impl KataScenario for QuorumScenario {
    fn name(&self) -> &str {
        &self.name
    }
}

pub fn validate(s: &QuorumScenario) -> Result<(), String> {
    match (&s.sweep, &s.simulation) {
        (Some(sweep), None) => {
            if sweep.max_n == 0 || sweep.max_n > 50 {
                return Err("sweep.max_n must be between 1 and 50".into());
            }
            if sweep.p.iter().any(|p| !(0.0..=1.0).contains(p)) {
                return Err("sweep.p values must be between 0 and 1".into());
            }
            if sweep.k.iter().any(|&k| k == 0 || k > 100) {
                return Err("sweep.k values must be between 1 and 100".into());
            }
            Ok(())
        }
        (None, Some(sim)) => {
            if let Some(why) = super::math::invalid(sim.nodes, sim.w, sim.r) {
                return Err(format!("simulation: {why}"));
            }
            if sim.nodes > 32 || sim.fallback_nodes > 32 {
                return Err("simulation: at most 32 home and 32 fallback nodes".into());
            }
            crate::scenario::unique("keys", &sim.keys)?;
            within_a_day("simulation.handoff_ms", sim.handoff_ms)?;
            for (j, f) in sim.faults.iter().enumerate() {
                within_a_day(&format!("faults[{j}].at_ms"), f.at_ms)?;
                within_a_day(
                    &format!("faults[{j}].duration_ms"),
                    f.duration_ms.unwrap_or(0),
                )?;
                if f.node == 0 || f.node > sim.nodes {
                    return Err(format!(
                        "a fault at {} ms names node {}, but nodes are 1 to {}",
                        f.at_ms, f.node, sim.nodes
                    ));
                }
            }
            for (i, op) in sim.ops.iter().enumerate() {
                within_a_day(&format!("ops[{i}].at_ms"), op.at_ms)?;
                let at = format!("ops[{i}] (at {} ms)", op.at_ms);
                crate::scenario::known(&at, "key", &op.key, &sim.keys)?;
                if let Some(nodes) = &op.reaches {
                    if op.op == OpKind::Read {
                        return Err(format!("{at}: `reaches` only applies to writes"));
                    }
                    if nodes.iter().any(|&n| n == 0 || n > sim.nodes) {
                        return Err(format!(
                            "{at}: `reaches` names a node outside 1 to {}",
                            sim.nodes
                        ));
                    }
                }
            }
            Ok(())
        }
        _ => {
            Err("a quorum scenario has either `sweep` or `simulation`, not both or neither".into())
        }
    }
}
