//! Shrink proposals shared by every scenario of a single-leader cluster.

use crate::grader::removals;
use crate::sim::{ClusterSpec, Fault, FaultKind};

/// A scenario made of scripted operations, faults and a cluster: what the shrinker
/// can take apart.
pub trait ClusterScenario: Clone {
    type Op: Clone;
    fn ops(&self) -> &Vec<Self::Op>;
    fn ops_mut(&mut self) -> &mut Vec<Self::Op>;
    fn faults(&self) -> &Vec<Fault>;
    fn faults_mut(&mut self) -> &mut Vec<Fault>;
    fn cluster_mut(&mut self) -> &mut ClusterSpec;
}

/// Implements [`ClusterScenario`] and [`KataScenario`](crate::katas::KataScenario) for
/// a scenario struct with `name`, `ops`, `faults` and `cluster` fields.
macro_rules! cluster_scenario {
    ($scenario:ty, $op:ty) => {
        impl $crate::scenario::ClusterScenario for $scenario {
            type Op = $op;

            fn ops(&self) -> &Vec<$op> {
                &self.ops
            }

            fn ops_mut(&mut self) -> &mut Vec<$op> {
                &mut self.ops
            }

            fn faults(&self) -> &Vec<$crate::sim::Fault> {
                &self.faults
            }

            fn faults_mut(&mut self) -> &mut Vec<$crate::sim::Fault> {
                &mut self.faults
            }

            fn cluster_mut(&mut self) -> &mut $crate::sim::ClusterSpec {
                &mut self.cluster
            }
        }

        impl $crate::katas::KataScenario for $scenario {
            fn name(&self) -> &str {
                &self.name
            }
        }
    };
}
pub(crate) use cluster_scenario;

/// Operations plus faults: what "shrunk from N to M" counts.
pub fn size<S: ClusterScenario>(s: &S) -> usize {
    s.ops().len() + s.faults().len()
}

/// Smaller variants, most aggressive first: fewer operations (halves down to
/// singles), fewer faults, one replica fewer, shorter faults, shorter lags. Some may
/// be invalid (e.g. a fault left pointing at a removed replica); the shrinker skips
/// those. Lazy, because the shrinker usually takes one of the first.
pub fn proposals<S: ClusterScenario>(s: &S) -> Box<dyn Iterator<Item = S> + '_> {
    let without_ops = removals(s.ops()).map(move |ops| {
        let mut c = s.clone();
        *c.ops_mut() = ops;
        c
    });
    let without_faults = removals(s.faults()).map(move |faults| {
        let mut c = s.clone();
        *c.faults_mut() = faults;
        c
    });
    let fewer_replicas = std::iter::once_with(move || {
        let mut c = s.clone();
        let cluster = c.cluster_mut();
        if cluster.replicas < 2 {
            return None;
        }
        cluster.replicas -= 1;
        cluster.lag_ms.pop();
        Some(c)
    })
    .flatten();
    let shorter_faults = (0..s.faults().len()).filter_map(move |i| {
        let kind = shortened(&s.faults()[i].kind)?;
        let mut c = s.clone();
        c.faults_mut()[i].kind = kind;
        Some(c)
    });
    let lags = s.clone().cluster_mut().lag_ms.clone();
    let positive: Vec<(usize, u64)> = lags
        .into_iter()
        .enumerate()
        .filter(|(_, l)| *l > 0)
        .collect();
    let shorter_lags = positive.into_iter().map(move |(i, lag)| {
        let mut c = s.clone();
        c.cluster_mut().lag_ms[i] = lag / 2;
        c
    });
    Box::new(
        without_ops
            .chain(without_faults)
            .chain(fewer_replicas)
            .chain(shorter_faults)
            .chain(shorter_lags),
    )
}

/// The fault with its lag or duration halved, if there is anything left to halve.
fn shortened(kind: &FaultKind) -> Option<FaultKind> {
    let half = |x: u64| (x >= 2).then_some(x / 2);
    Some(match kind.clone() {
        FaultKind::Spike {
            lag_ms,
            duration_ms,
        } => match (half(lag_ms), half(duration_ms)) {
            (Some(lag_ms), _) => FaultKind::Spike {
                lag_ms,
                duration_ms,
            },
            (None, Some(duration_ms)) => FaultKind::Spike {
                lag_ms,
                duration_ms,
            },
            (None, None) => return None,
        },
        FaultKind::Stall { duration_ms } => FaultKind::Stall {
            duration_ms: half(duration_ms)?,
        },
        FaultKind::Growth {
            rate_ms_per_s,
            duration_ms,
        } => FaultKind::Growth {
            rate_ms_per_s,
            duration_ms: half(duration_ms)?,
        },
        FaultKind::Jitter {
            max_ms,
            every_ms,
            duration_ms,
        } => FaultKind::Jitter {
            max_ms,
            every_ms,
            duration_ms: half(duration_ms)?,
        },
        FaultKind::Crash {
            duration_ms: Some(d),
        } => FaultKind::Crash {
            duration_ms: Some(half(d)?),
        },
        FaultKind::Partition { duration_ms } => FaultKind::Partition {
            duration_ms: half(duration_ms)?,
        },
        FaultKind::Restore {
            backup_age_ms,
            catch_up_ms,
        } => FaultKind::Restore {
            backup_age_ms,
            catch_up_ms: half(catch_up_ms)?,
        },
        _ => return None,
    })
}
