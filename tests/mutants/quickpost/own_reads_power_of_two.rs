//! Correct, balancing by "the power of two choices": an own-profile read with a token
//! looks at two replicas picked by a counter-driven hash among the up replicas whose
//! report already shows the token, and tries first the one this router has sent fewer
//! reads to, then the other, then every remaining up replica freshest reported first,
//! each conditional at the token, then the primary. Others' reads rotate, unconditional,
//! then the primary. Reports only order the attempts; the condition is what is safe.

use crate::harness::Expect;
use replication_katas::katas::quickpost::prelude::*;
use std::collections::BTreeMap;

pub const EXPECT: Expect = Expect::Pass;

pub struct Router {
    tokens: BTreeMap<UserId, Lsn>,
    sent: BTreeMap<ReplicaId, u64>,
    counter: u64,
}

impl Router {
    pub fn new() -> Self {
        Router {
            tokens: BTreeMap::new(),
            sent: BTreeMap::new(),
            counter: 0,
        }
    }

    fn pick(&mut self, n: usize) -> usize {
        // SplitMix64 over a counter: reproducible, well spread.
        self.counter = self.counter.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.counter;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) % n as u64) as usize
    }
}

impl ReadYourWritesRouter for Router {
    fn on_write_acked(&mut self, ack: &WriteAck, _cluster: &ClusterView<'_>) {
        let t = self.tokens.entry(ack.user).or_insert(Lsn::ZERO);
        *t = (*t).max(ack.lsn);
    }

    fn route_read(&mut self, read: &ProfileRead, cluster: &ClusterView<'_>) -> ReadPlan {
        let up: Vec<&ReplicaView> = cluster.replicas().iter().filter(|r| r.is_up()).collect();
        let mut order: Vec<ReplicaId> = Vec::new();
        let token = read
            .is_own_profile()
            .then(|| self.tokens.get(&read.user).copied())
            .flatten();
        if let Some(t) = token {
            let covering: Vec<ReplicaId> = up
                .iter()
                .filter(|r| r.reported_lsn() >= t)
                .map(|r| r.id)
                .collect();
            if !covering.is_empty() {
                let a = covering[self.pick(covering.len())];
                let b = covering[self.pick(covering.len())];
                let load = |id: &ReplicaId| self.sent.get(id).copied().unwrap_or(0);
                let (first, second) = if load(&b) < load(&a) { (b, a) } else { (a, b) };
                order.push(first);
                if second != first {
                    order.push(second);
                }
            }
            let mut rest: Vec<&ReplicaView> = up
                .iter()
                .copied()
                .filter(|r| !order.contains(&r.id))
                .collect();
            rest.sort_by_key(|r| std::cmp::Reverse(r.reported_lsn()));
            order.extend(rest.iter().map(|r| r.id));
        } else if !up.is_empty() {
            let start = self.pick(up.len());
            order.extend((0..up.len()).map(|i| up[(start + i) % up.len()].id));
        }
        order.truncate(MAX_ATTEMPTS - 1);
        if let Some(first) = order.first() {
            *self.sent.entry(*first).or_insert(0) += 1;
        }
        let mut plan = ReadPlan::new();
        for id in order {
            plan = match token {
                Some(t) => plan.replica_at_least(id, t),
                None => plan.replica(id),
            };
        }
        plan.primary()
    }
}
