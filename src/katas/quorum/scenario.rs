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
    /// Every function, on every invalid configuration: each must be the error the
    /// contract on `QuorumError` names.
    InvalidParameters,
    /// The specific numbers of the source material (N=3, R=W=1 → 2/3; …).
    CheckValues,
    /// The read coordinator, `resolve`, on every sequence of 1 to `max_n` responses
    /// (distinct nodes, in every order) with versions from nothing, v1, …, v`versions`.
    Resolve,
}

/// Read through [`SweepFields`], so that lists long enough to multiply a sweep into
/// billions of calls are refused while the file is parsed, with the line and column of
/// the section, before anything runs.
#[derive(Clone, Debug, PartialEq)]
pub struct Sweep {
    pub function: Function,
    /// The largest N. For `resolve`, the most responders (at most 5).
    pub max_n: u32,
    /// Every N up to this one is swept with every W, R and k; the N above it, up to
    /// `max_n`, are the boundaries of [`math::boundary_ns`](super::math::boundary_ns)
    /// with W, R and k at their boundaries (1, 2, N/2, N/2 + 1, N − 1, N, and R + W =
    /// N − 1, N, N + 1).
    pub exhaustive_up_to: u32,
    /// Per-node availabilities for `availability`.
    pub p: Vec<f64>,
    /// Versions for `k_staleness`, besides the boundaries every N gets (1, N/2,
    /// N/2 + 1, N, N + 1, 1000 and `u32::MAX`: k counts versions, not nodes).
    pub k: Vec<u32>,
    /// For `resolve`: versions v1 to v`versions` (and nothing) in the responses.
    pub versions: u32,
}

/// Most values a sweep's `p` or `k` list may hold. Each value multiplies the sweep:
/// `k_staleness` up to N = 50 with every W and R is 42,925 calls per k, so 64 values
/// are about 3 million calls (half a second); a 4 MiB file could list 500,000.
pub const MAX_SWEEP_VALUES: usize = 64;

/// A `sweep` section as written in a file, before its size is checked.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SweepFields {
    function: Function,
    #[serde(default = "default_max_n")]
    max_n: u32,
    #[serde(default = "default_exhaustive_up_to")]
    exhaustive_up_to: u32,
    #[serde(default = "default_ps")]
    p: Vec<f64>,
    #[serde(default = "default_ks")]
    k: Vec<u32>,
    #[serde(default = "default_versions")]
    versions: u32,
}

impl TryFrom<SweepFields> for Sweep {
    type Error = String;

    fn try_from(f: SweepFields) -> Result<Sweep, String> {
        for (what, len) in [("p", f.p.len()), ("k", f.k.len())] {
            if len > MAX_SWEEP_VALUES {
                return Err(format!(
                    "sweep.{what} lists {len} values; the limit is {MAX_SWEEP_VALUES} \
                     (docs/scenarios.md): each one multiplies the sweep, so pick the values \
                     that matter, or split them over several scenarios"
                ));
            }
        }
        Ok(Sweep {
            function: f.function,
            max_n: f.max_n,
            exhaustive_up_to: f.exhaustive_up_to,
            p: f.p,
            k: f.k,
            versions: f.versions,
        })
    }
}

impl<'de> Deserialize<'de> for Sweep {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::scenario::checked_map::<D, SweepFields, Sweep>(d)
    }
}

fn default_max_n() -> u32 {
    50
}

fn default_exhaustive_up_to() -> u32 {
    12
}

/// Small and large p, and both ends exactly: availability spans from 1e-150
/// (N = 50, p = 0.001) to 1 − 1e-300 (p = 0.999999). Nines up to nine (1 − 1e-9): a
/// reliable node's p sits within a few thousand f64 steps of 1, where a computation
/// that starts from the tiny (1 − p)ⁿ⁻ᵏ terms underflows.
pub fn default_ps() -> Vec<f64> {
    vec![
        0.0,
        0.001,
        0.01,
        0.1,
        0.5,
        0.9,
        0.99,
        0.999,
        0.999_999,
        0.999_999_999,
        1.0,
    ]
}

fn default_ks() -> Vec<u32> {
    vec![1, 2, 3, 5]
}

fn default_versions() -> u32 {
    3
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
    /// The orders in which a read's answers reach the coordinator: one order or a
    /// list. Each read is handed to the coordinator once per order in the list, with
    /// the same answers — as if that many clients read the key at the same instant —
    /// so a coordinator is judged on every order, not on the one the network happened
    /// to deliver.
    #[serde(default = "default_arrival", deserialize_with = "one_or_many")]
    pub arrival: Vec<Arrival>,
}

/// Answer order. Adversarial orders catch a coordinator that trusts position: the
/// stalest first catches "the first answer wins", the newest first catches "the last
/// answer wins", and shuffles catch the rest.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Arrival {
    /// Oldest version first (nothing before v1); ties in the order the nodes were asked.
    StalestFirst,
    /// Newest version first; ties in the order the nodes were asked.
    NewestFirst,
    /// Shuffled by the scenario's seed (a new permutation for every read).
    Random,
}

impl Arrival {
    /// How the trace names the order.
    pub fn describe(self) -> &'static str {
        match self {
            Arrival::StalestFirst => "stalest first",
            Arrival::NewestFirst => "newest first",
            Arrival::Random => "shuffled",
        }
    }
}

/// Every read in the three orders: stalest first, newest first, shuffled.
pub fn default_arrival() -> Vec<Arrival> {
    vec![Arrival::StalestFirst, Arrival::NewestFirst, Arrival::Random]
}

/// `arrival: random` or `arrival: [stalest_first, random]`; an unknown order is named
/// with the ones that exist.
fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Arrival>, D::Error> {
    use serde::de::{self, IntoDeserializer, SeqAccess, Visitor};
    struct OneOrMany;
    impl<'de> Visitor<'de> for OneOrMany {
        type Value = Vec<Arrival>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an arrival order (stalest_first, newest_first, random) or a list of them")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<Arrival>, E> {
            Arrival::deserialize(v.into_deserializer()).map(|a| vec![a])
        }
        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Vec<Arrival>, A::Error> {
            Vec::deserialize(de::value::SeqAccessDeserializer::new(seq))
        }
    }
    d.deserialize_any(OneOrMany)
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
            if sweep.function == Function::Resolve {
                if sweep.max_n == 0 || sweep.max_n > 5 {
                    return Err(
                        "a resolve sweep's max_n (the most responders) must be between 1 and 5"
                            .into(),
                    );
                }
                if sweep.versions == 0 || sweep.versions > 4 {
                    return Err("sweep.versions must be between 1 and 4".into());
                }
            }
            if sweep.max_n == 0 || sweep.max_n > 50 {
                return Err("sweep.max_n must be between 1 and 50".into());
            }
            if sweep.exhaustive_up_to > 50 {
                return Err("sweep.exhaustive_up_to must be at most 50".into());
            }
            if sweep.p.iter().any(|p| !(0.0..=1.0).contains(p)) {
                return Err("sweep.p values must be between 0 and 1".into());
            }
            if sweep.k.contains(&0) {
                return Err("sweep.k values must be at least 1 (k counts versions)".into());
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
            if sim.arrival.is_empty() || sim.arrival.len() > 8 {
                return Err("simulation.arrival lists 1 to 8 orders".into());
            }
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
