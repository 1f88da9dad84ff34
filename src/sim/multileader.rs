//! The multi-leader topology of the shared model: regions that each accept writes and
//! replicate to one another asynchronously.
//!
//! A pure, deterministic state machine like the single-leader [`Cluster`](super::Cluster):
//! virtual time in milliseconds, no threads, no wall clock. What it models is the
//! network between leaders, and their clocks:
//!
//! * **links** between regions, each one way with its own lag (a relay topology lists
//!   no direct link between two regions, so their updates travel through a third);
//! * **partitions** that cut a pair of regions apart for a while: what is sent over a
//!   cut link (or is in flight when the cut starts) waits, and arrives one lag after
//!   the link heals — replication queues, it does not drop;
//! * per-link **FIFO** order, as a replication stream delivers;
//! * per-region **clock skew**: a region's wall clock reads the virtual time plus its
//!   offset, seconds apart from the others, either way.
//!
//! The payloads are the kata's business ([`Network`] is generic over them); so is what a
//! region does when a message arrives. The same seed gives the same run: the only
//! order ties are broken by is the order of sending.

use crate::model::Millis;
use serde::Deserialize;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A region as written in a scenario: `{ name: nyc, clock_offset_ms: 900 }`.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RegionSpec {
    pub name: String,
    /// The region's wall clock reads virtual time plus this (negative: behind).
    #[serde(default)]
    pub clock_offset_ms: i64,
}

/// A one-way replication link: `{ from: nyc, to: london, lag_ms: 80 }`.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct LinkSpec {
    pub from: String,
    pub to: String,
    pub lag_ms: Millis,
}

/// Two regions cut apart (both directions) from `at_ms` until `heal_ms`.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PartitionSpec {
    pub at_ms: Millis,
    pub heal_ms: Millis,
    pub between: [String; 2],
}

/// The resolved topology: regions by index, links as (from, to, lag).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Topology {
    pub regions: Vec<RegionSpec>,
    /// `(from, to, lag_ms)`, by region index.
    pub links: Vec<(usize, usize, Millis)>,
    /// `(a, b, at_ms, heal_ms)`, by region index; cuts both directions.
    pub partitions: Vec<(usize, usize, Millis, Millis)>,
}

impl Topology {
    /// Resolves names. `links: None` means every pair both ways, with `lag_ms`. The
    /// message says what to fix.
    pub fn resolve(
        regions: &[RegionSpec],
        links: Option<&[LinkSpec]>,
        lag_ms: Millis,
        partitions: &[PartitionSpec],
    ) -> Result<Topology, String> {
        if regions.is_empty() || regions.len() > 8 {
            return Err("a multi-leader topology has 1 to 8 regions".into());
        }
        let names: Vec<String> = regions.iter().map(|r| r.name.clone()).collect();
        crate::scenario::unique("regions", &names)?;
        let index = |what: &str, name: &str| {
            names.iter().position(|n| n == name).ok_or_else(|| {
                format!(
                    "{what} names region `{name}`, which is not one of the regions ({})",
                    names.join(", ")
                )
            })
        };
        for r in regions {
            if r.clock_offset_ms.unsigned_abs() > crate::scenario::MAX_TIME_MS {
                return Err(format!(
                    "region {}: clock_offset_ms is more than a day either way",
                    r.name
                ));
            }
        }
        let links = match links {
            None => {
                crate::scenario::within_a_day("lag_ms", lag_ms)?;
                let n = regions.len();
                (0..n)
                    .flat_map(|a| (0..n).filter(move |&b| b != a).map(move |b| (a, b, lag_ms)))
                    .collect()
            }
            Some(links) => {
                let mut out: Vec<(usize, usize, Millis)> = Vec::new();
                for l in links {
                    let (a, b) = (index("a link", &l.from)?, index("a link", &l.to)?);
                    if a == b {
                        return Err(format!("a link from {} to itself", l.from));
                    }
                    if out.iter().any(|&(x, y, _)| (x, y) == (a, b)) {
                        return Err(format!("the link {} → {} is listed twice", l.from, l.to));
                    }
                    crate::scenario::within_a_day("a link's lag_ms", l.lag_ms)?;
                    out.push((a, b, l.lag_ms));
                }
                out
            }
        };
        // Every region must reach every other, directly or through relays, or the
        // regions can never converge.
        for from in 0..regions.len() {
            let mut reached = vec![false; regions.len()];
            reached[from] = true;
            let mut frontier = vec![from];
            while let Some(r) = frontier.pop() {
                for &(a, b, _) in &links {
                    if a == r && !reached[b] {
                        reached[b] = true;
                        frontier.push(b);
                    }
                }
            }
            if let Some(missed) = reached.iter().position(|&x| !x) {
                return Err(format!(
                    "no path of links from {} to {}: their updates could never meet",
                    names[from], names[missed]
                ));
            }
        }
        let mut cuts = Vec::new();
        for p in partitions {
            let a = index("a partition", &p.between[0])?;
            let b = index("a partition", &p.between[1])?;
            if a == b {
                return Err(format!("a partition between {} and itself", p.between[0]));
            }
            if p.heal_ms <= p.at_ms {
                return Err(format!(
                    "a partition between {} and {} heals at {} ms, not after it starts ({} ms)",
                    p.between[0], p.between[1], p.heal_ms, p.at_ms
                ));
            }
            crate::scenario::within_a_day("a partition's heal_ms", p.heal_ms)?;
            cuts.push((a, b, p.at_ms, p.heal_ms));
        }
        Ok(Topology {
            regions: regions.to_vec(),
            links,
            partitions: cuts,
        })
    }

    /// Region `r`'s wall clock at virtual time `t`.
    pub fn clock(&self, r: usize, t: Millis) -> i64 {
        t as i64 + self.regions[r].clock_offset_ms
    }

    /// The regions `r` ships its state to.
    pub fn neighbours(&self, r: usize) -> impl Iterator<Item = usize> + '_ {
        self.links
            .iter()
            .filter(move |&&(a, _, _)| a == r)
            .map(|&(_, b, _)| b)
    }

    /// When a message sent at `now` over `from → to` arrives: one lag later, or, if a
    /// partition cuts the link while it is on the wire, one lag after the link heals.
    pub fn arrival(&self, from: usize, to: usize, now: Millis) -> Option<Millis> {
        let lag = self
            .links
            .iter()
            .find(|&&(a, b, _)| (a, b) == (from, to))?
            .2;
        let mut sent = now;
        loop {
            let arrives = sent + lag;
            let cut = self.partitions.iter().find(|&&(a, b, at, heal)| {
                ((a, b) == (from, to) || (b, a) == (from, to)) && at <= arrives && heal > sent
            });
            match cut {
                Some(&(_, _, _, heal)) => sent = heal,
                None => return Some(arrives),
            }
        }
    }

    /// The last moment any partition heals (0 without partitions).
    pub fn last_heal(&self) -> Millis {
        self.partitions.iter().map(|p| p.3).max().unwrap_or(0)
    }
}

/// A message on its way: sent by `from` at `sent`, for `to`, arriving at `at`.
#[derive(Clone, Debug, PartialEq)]
pub struct Delivery<M> {
    pub at: Millis,
    pub sent: Millis,
    pub from: usize,
    pub to: usize,
    pub message: M,
}

/// The messages in flight between regions, delivered in time order (FIFO per link;
/// ties in the order of sending).
pub struct Network<M> {
    topology: Topology,
    queue: BinaryHeap<Reverse<(Millis, u64)>>,
    pending: std::collections::BTreeMap<u64, Delivery<M>>,
    /// The last arrival time scheduled per link, so a later message never overtakes.
    last_arrival: std::collections::BTreeMap<(usize, usize), Millis>,
    seq: u64,
    sent: u64,
}

impl<M> Network<M> {
    pub fn new(topology: Topology) -> Self {
        Network {
            topology,
            queue: BinaryHeap::new(),
            pending: Default::default(),
            last_arrival: Default::default(),
            seq: 0,
            sent: 0,
        }
    }

    pub fn topology(&self) -> &Topology {
        &self.topology
    }

    /// Sends `message` from `from` to `to` at `now`; ignored if there is no such link.
    pub fn send(&mut self, now: Millis, from: usize, to: usize, message: M) {
        let Some(mut at) = self.topology.arrival(from, to, now) else {
            return;
        };
        let last = self.last_arrival.entry((from, to)).or_insert(0);
        at = at.max(*last);
        *last = at;
        self.seq += 1;
        self.sent += 1;
        self.queue.push(Reverse((at, self.seq)));
        self.pending.insert(
            self.seq,
            Delivery {
                at,
                sent: now,
                from,
                to,
                message,
            },
        );
    }

    /// The next message arriving at or before `t`, if any.
    pub fn next_until(&mut self, t: Millis) -> Option<Delivery<M>> {
        let &Reverse((at, seq)) = self.queue.peek()?;
        if at > t {
            return None;
        }
        self.queue.pop();
        self.pending.remove(&seq)
    }

    /// When the next message arrives, if one is in flight.
    pub fn next_arrival(&self) -> Option<Millis> {
        self.queue.peek().map(|&Reverse((at, _))| at)
    }

    /// Messages sent so far.
    pub fn messages_sent(&self) -> u64 {
        self.sent
    }
}

impl<M: Clone> Network<M> {
    /// Sends `message` to every region `from` has a link to.
    pub fn broadcast(&mut self, now: Millis, from: usize, message: &M) {
        let to: Vec<usize> = self.topology.neighbours(from).collect();
        for r in to {
            self.send(now, from, r, message.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn regions(names: &[&str]) -> Vec<RegionSpec> {
        names
            .iter()
            .map(|n| RegionSpec {
                name: n.to_string(),
                clock_offset_ms: 0,
            })
            .collect()
    }

    #[test]
    fn full_mesh_by_default_and_clocks_are_skewed() {
        let mut r = regions(&["nyc", "london"]);
        r[1].clock_offset_ms = -5_000;
        let t = Topology::resolve(&r, None, 50, &[]).unwrap();
        assert_eq!(t.links, vec![(0, 1, 50), (1, 0, 50)]);
        assert_eq!(t.clock(1, 1_000), -4_000);
        assert_eq!(t.arrival(0, 1, 100), Some(150));
    }

    #[test]
    fn a_partition_holds_messages_until_it_heals() {
        let p = PartitionSpec {
            at_ms: 1_000,
            heal_ms: 60_000,
            between: ["london".into(), "nyc".into()],
        };
        let t = Topology::resolve(&regions(&["nyc", "london"]), None, 50, &[p]).unwrap();
        // Sent during the cut: one lag after the heal.
        assert_eq!(t.arrival(0, 1, 2_000), Some(60_050));
        // In flight when the cut starts: the same.
        assert_eq!(t.arrival(1, 0, 980), Some(60_050));
        // Arrived before the cut: untouched.
        assert_eq!(t.arrival(0, 1, 900), Some(950));
        let mut net: Network<&str> = Network::new(t);
        net.send(2_000, 0, 1, "cut");
        net.send(2_100, 0, 1, "later");
        assert_eq!(net.next_until(60_049).map(|d| d.message), None);
        assert_eq!(net.next_until(60_050).map(|d| d.message), Some("cut"));
        assert_eq!(net.next_until(60_050).map(|d| d.message), Some("later"));
    }

    #[test]
    fn a_relay_topology_needs_a_path_between_every_pair() {
        let link = |a: &str, b: &str| LinkSpec {
            from: a.into(),
            to: b.into(),
            lag_ms: 10,
        };
        let r = regions(&["nyc", "sgp", "london"]);
        let relay = [
            link("nyc", "sgp"),
            link("sgp", "nyc"),
            link("sgp", "london"),
            link("london", "sgp"),
        ];
        let t = Topology::resolve(&r, Some(&relay), 0, &[]).unwrap();
        assert_eq!(t.neighbours(1).collect::<Vec<_>>(), vec![0, 2]);
        assert_eq!(t.arrival(0, 2, 0), None);
        let one_way = [link("nyc", "sgp"), link("sgp", "london")];
        let e = Topology::resolve(&r, Some(&one_way), 0, &[]).unwrap_err();
        assert!(e.contains("no path of links from sgp to nyc"), "{e}");
    }

    #[test]
    fn a_link_never_reorders() {
        let t = Topology::resolve(&regions(&["a", "b"]), None, 100, &[]).unwrap();
        let mut net: Network<u32> = Network::new(t);
        for i in 0..5 {
            net.send(i, 0, 1, i as u32);
        }
        let got: Vec<u32> =
            std::iter::from_fn(|| net.next_until(1_000).map(|d| d.message)).collect();
        assert_eq!(got, vec![0, 1, 2, 3, 4]);
        assert_eq!(net.messages_sent(), 5);
    }
}
