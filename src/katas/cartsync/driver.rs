//! Runs a cartsync scenario: the user's writes at each region, the regions' states
//! shipped over the shared model's multi-leader network, the learner's resolver at
//! every meeting, and the checkers over what each region shows and finally holds.
//!
//! The harness keeps the true causal order on the side (which writes each region has
//! received, through any chain of messages), whatever the resolver makes of them: the
//! checkers judge against it.

use super::api::{Cart, Causality, ConflictResolver, Dot, Region, Version, VersionVector, WriteId};
use super::scenario::{Action, CartSyncScenario};
use crate::checkers::{
    CausalWrite, Observation, StateSeen, Update, UpdateKind, Violation, causality,
    consistent_prefix, convergence, no_silently_lost_update, spurious_siblings,
};
use crate::grader::{Guard, LearnerFault, LearnerFn};
use crate::katas::ScenarioRun;
use crate::model::{Millis, fmt_time};
use crate::report::{BudgetCheck, Lane, Metric, Relative, TraceEvent, Unit};
use crate::sim::multileader::{Network, Topology};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::rc::Rc;

pub static COMPARE: LearnerFn = LearnerFn::new("ConflictResolver::compare");
pub static MERGE: LearnerFn = LearnerFn::new("ConflictResolver::merge");
pub static RESOLVE: LearnerFn = LearnerFn::new("ConflictResolver::resolve");
pub static MERGE_CART: LearnerFn = LearnerFn::new("ConflictResolver::merge_cart");

/// Replication stops being followed this long after the last operation or heal: a
/// resolver whose regions keep sending each other changed states never drains.
pub const SETTLE_MS: Millis = 10 * 60_000;

/// Deliveries that change a state drawn in a timeline at most; past them, one line
/// says the rest were left out.
pub const MAX_TRACED_DELIVERIES: usize = 40;

/// How many copies of one write a region's field may hold (see `canonical`).
const MAX_COPIES_OF_A_WRITE: usize = 2;

/// Delivers messages up to a time, within a budget of deliveries.
struct Pump {
    deliveries: u64,
    cap: u64,
    /// When the last message was delivered.
    last: Millis,
}

/// The set of writes a region has received: a bitset over operation numbers, cheap to
/// copy into every message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Known(Vec<u64>);

impl Known {
    fn insert(&mut self, op: usize) {
        let (w, b) = (op / 64, op % 64);
        if self.0.len() <= w {
            self.0.resize(w + 1, 0);
        }
        self.0[w] |= 1 << b;
    }

    fn union(&mut self, other: &Known) {
        if self.0.len() < other.0.len() {
            self.0.resize(other.0.len(), 0);
        }
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a |= b;
        }
    }

    fn set(&self) -> BTreeSet<usize> {
        let mut out = BTreeSet::new();
        for (w, &bits) in self.0.iter().enumerate() {
            for b in 0..64 {
                if bits & (1 << b) != 0 {
                    out.insert(w * 64 + b);
                }
            }
        }
        out
    }
}

/// A region's state, and what it ships.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct State {
    fields: BTreeMap<String, Vec<Version>>,
    cart: Cart,
    lamport: u64,
    /// The oracle's side: writes received (not the learner's business).
    known: Known,
}

struct Run<'a> {
    s: &'a CartSyncScenario,
    topo: Topology,
    names: Vec<String>,
    guard: &'a Guard,
    trace: bool,
    out: ScenarioRun,
    updates: Vec<Update>,
    /// Field versions by write id: what each write really was.
    versions: BTreeMap<WriteId, (Version, usize)>,
    /// Cart additions by dot.
    dots: BTreeMap<Dot, usize>,
    /// Per region and object, the last counter the region gave out.
    counters: BTreeMap<(usize, String), u64>,
    next_write: u32,
    next_op: usize,
    spurious: usize,
    siblings_shown: usize,
    /// Deliveries that changed the receiving region's state.
    changed_deliveries: usize,
    /// Deliveries drawn in the timeline although they changed nothing (see `deliver`).
    unchanged_drawn: usize,
}

impl Run<'_> {
    fn op(&mut self) -> usize {
        self.next_op += 1;
        self.next_op
    }

    fn vector(&self, v: &VersionVector) -> String {
        let mut out = String::from("[");
        for (i, (r, n)) in v.entries().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            let name = self.names.get(r.0 as usize).map_or("?", String::as_str);
            let _ = write!(out, "{name}:{n}");
        }
        out.push(']');
        out
    }

    fn field_cell(&self, versions: &[Version]) -> String {
        if versions.is_empty() {
            return "(none)".into();
        }
        versions
            .iter()
            .map(|v| format!("'{}' {}", v.value, self.vector(&v.vector)))
            .collect::<Vec<_>>()
            .join(" | ")
    }

    /// "cart: charger nyc:1, cable london:2 · seen [nyc:1, london:2]": each item with
    /// the dots that hold it, and the context (every addition seen, removed or not).
    fn cart_cell(&self, cart: &Cart) -> String {
        let name = |r: Region| self.names.get(r.0 as usize).map_or("?", String::as_str);
        let items: Vec<String> = cart
            .items
            .iter()
            .filter(|(_, dots)| !dots.is_empty())
            .map(|(item, dots)| {
                let dots: Vec<String> = dots
                    .iter()
                    .map(|d| format!("{}:{}", name(d.region), d.counter))
                    .collect();
                format!("{item} {}", dots.join("+"))
            })
            .collect();
        let items = if items.is_empty() {
            "empty".to_string()
        } else {
            items.join(", ")
        };
        format!("cart: {items} · seen {}", self.vector(&cart.context))
    }

    /// "title 'A' [nyc:1] · cart: case" — the parts of `state` named.
    fn state_cell(&self, state: &State, fields: &[String], cart: bool) -> String {
        let mut parts: Vec<String> = fields
            .iter()
            .map(|f| {
                let versions = state.fields.get(f).map_or(&[][..], Vec::as_slice);
                format!("{f} {}", self.field_cell(versions))
            })
            .collect();
        if cart {
            parts.push(self.cart_cell(&state.cart));
        }
        parts.join(" · ")
    }

    /// Records a cart operation region `r` has applied: the update the checkers judge
    /// ("alice's addition of 'case' (nyc, t=1.000 s)") and, when tracing, the event
    /// with the cart it left.
    #[allow(clippy::too_many_arguments)]
    fn cart_op(
        &mut self,
        state: &State,
        r: usize,
        op: usize,
        at: Millis,
        lane: Lane,
        item: &str,
        kind: UpdateKind,
        past: BTreeSet<usize>,
        detail: String,
    ) {
        let (noun, verb) = match kind {
            UpdateKind::Add => ("addition", "add"),
            _ => ("removal", "remove"),
        };
        self.updates.push(Update {
            op,
            object: cart_object(item),
            kind,
            what: format!(
                "{}'s {noun} of '{item}' ({}, t={})",
                self.s.user,
                self.names[r],
                fmt_time(at)
            ),
            at,
            user: self.s.user.clone(),
            after: past,
        });
        if self.trace {
            let cell = self.cart_cell(&state.cart);
            let mut e = TraceEvent::new(at, lane, detail, format!("{verb} '{item}'"));
            e.op = Some(op);
            e.cells.push((self.names[r].clone(), format!("= {cell}")));
            self.out.trace.push(e);
        }
    }

    /// Whether the scenario touches the cart at all (else the cart is left out of cells).
    fn uses_cart(&self) -> bool {
        !self.s.initial_cart.is_empty()
            || self
                .s
                .operations
                .iter()
                .any(|o| o.add.is_some() || o.remove.is_some())
    }

    fn new_write(&mut self) -> WriteId {
        self.next_write += 1;
        WriteId(self.next_write)
    }

    fn next_counter(&mut self, region: usize, object: &str, seen: u64) -> u64 {
        let c = self
            .counters
            .entry((region, object.to_string()))
            .or_insert(0);
        *c = (*c).max(seen) + 1;
        *c
    }

    fn what_set(&self, field: &str, value: &str, region: usize, at: Millis) -> String {
        format!(
            "{}'s {field} '{value}' ({}, t={})",
            self.s.user,
            self.names[region],
            fmt_time(at)
        )
    }

    /// The learner's output, read as the writes it keeps: each version replaced by the
    /// write's own (a resolver picks versions, it cannot rewrite them), sorted, and no
    /// write kept more than twice.
    ///
    /// Why the cap: a resolver that never recognises the same write arriving from both
    /// sides keeps it twice, and then four times at the next delivery — the state
    /// doubles with every message and the grade would run out of time or memory before
    /// any checker could say what is wrong. Two copies are all the checkers need (a
    /// version shown twice is a spurious sibling), and a correct design never holds
    /// even two, so the cap changes no verdict of a correct resolver.
    fn canonical(&self, versions: Vec<Version>) -> Vec<Version> {
        let mut out: Vec<Version> = versions
            .into_iter()
            .filter_map(|v| self.versions.get(&v.write).map(|(w, _)| w.clone()))
            .collect();
        out.sort_by_key(|v| v.write);
        let mut copies = 0;
        let mut previous = None;
        out.retain(|v| {
            copies = if previous == Some(v.write) {
                copies + 1
            } else {
                1
            };
            previous = Some(v.write);
            copies <= MAX_COPIES_OF_A_WRITE
        });
        out
    }

    /// Per object, the operations whose effect `state` holds.
    fn held(&self, state: &State) -> BTreeMap<String, Vec<usize>> {
        let mut held: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (field, versions) in &state.fields {
            let ops = versions
                .iter()
                .filter_map(|v| self.versions.get(&v.write).map(|&(_, op)| op))
                .collect();
            held.insert(field.clone(), ops);
        }
        for (item, dots) in &state.cart.items {
            let ops: Vec<usize> = dots
                .iter()
                .filter_map(|d| self.dots.get(d).copied())
                .collect();
            if !dots.is_empty() {
                held.insert(cart_object(item), ops);
            }
        }
        held
    }
}

fn cart_object(item: &str) -> String {
    format!("cart: {item}")
}

/// The exact answers, from the definitions.
pub fn true_compare(a: &VersionVector, b: &VersionVector) -> Causality {
    let regions: BTreeSet<Region> = a.regions().chain(b.regions()).collect();
    let a_le = regions.iter().all(|&r| a.get(r) <= b.get(r));
    let b_le = regions.iter().all(|&r| b.get(r) <= a.get(r));
    match (a_le, b_le) {
        (true, true) => Causality::Equal,
        (true, false) => Causality::Before,
        (false, true) => Causality::After,
        (false, false) => Causality::Concurrent,
    }
}

pub fn true_merge(a: &VersionVector, b: &VersionVector) -> VersionVector {
    VersionVector::from_entries(
        a.regions()
            .chain(b.regions())
            .map(|r| (r, a.get(r).max(b.get(r)))),
    )
}

pub fn run(
    s: &CartSyncScenario,
    resolver: &mut dyn ConflictResolver,
    guard: &Guard,
    trace: bool,
) -> Result<ScenarioRun, LearnerFault> {
    let topo = s.topology().expect("validated scenario");
    let names: Vec<String> = s.regions.iter().map(|r| r.name.clone()).collect();
    let mut run = Run {
        s,
        topo: topo.clone(),
        names,
        guard,
        trace,
        out: ScenarioRun::default(),
        updates: Vec::new(),
        versions: BTreeMap::new(),
        dots: BTreeMap::new(),
        counters: BTreeMap::new(),
        next_write: 0,
        next_op: 0,
        spurious: 0,
        siblings_shown: 0,
        changed_deliveries: 0,
        unchanged_drawn: 0,
    };
    run.vector_checks(resolver)?;
    let mut states = run.initial_states();
    let mut net: Network<Rc<State>> = Network::new(topo);
    if trace {
        run.trace_partitions();
    }
    // A resolver that changes every state it receives keeps the regions sending each
    // other new states for ever (and, with three regions, ever more of them): past
    // this many deliveries the run stops following replication.
    let n = s.regions.len() as u64;
    let cap = 16 + 4 * (s.operations.len() as u64 + 1) * n * n;
    let mut pump = Pump {
        deliveries: 0,
        cap,
        last: 0,
    };
    for op in &s.operations {
        pump.until(&mut run, resolver, &mut states, &mut net, op.at_ms)?;
        let r = s.region_index(&op.region).expect("validated");
        run.local(resolver, &mut states, &mut net, r, op)?;
    }
    // Drain: every partition heals, every message arrives — unless the resolver keeps
    // the regions sending each other changed states.
    let last = s.operations.last().map_or(0, |o| o.at_ms);
    let quiet = last.max(run.topo.last_heal());
    pump.until(&mut run, resolver, &mut states, &mut net, quiet)?;
    // Once the last operation is made and every partition has healed, each region
    // ships its state once more (anti-entropy, as Dynamo-style stores run in the
    // background): a region that kept its state unchanged on receipt still gets to
    // tell the others what it holds.
    for (r, state) in states.iter().enumerate() {
        net.broadcast(quiet, r, &Rc::new(state.clone()));
    }
    pump.until(&mut run, resolver, &mut states, &mut net, quiet + SETTLE_MS)?;
    let end = pump.last.max(quiet);
    let deliveries = pump.deliveries;
    let settled = net.next_arrival().is_none();
    run.finish(&states, end, settled);
    run.out.events = deliveries + s.operations.len() as u64;
    run.out.metrics.push(Metric::new(
        "messages",
        net.messages_sent() as f64,
        Unit::Count,
    ));
    run.out.trace.sort_by_key(|e| e.at);
    run.out.mark_violations();
    Ok(run.out)
}

impl Pump {
    fn until(
        &mut self,
        run: &mut Run<'_>,
        resolver: &mut dyn ConflictResolver,
        states: &mut [State],
        net: &mut Network<Rc<State>>,
        t: Millis,
    ) -> Result<(), LearnerFault> {
        while self.deliveries < self.cap {
            let Some(d) = net.next_until(t) else {
                break;
            };
            self.deliveries += 1;
            self.last = d.at;
            run.deliver(resolver, states, net, d.to, d.from, d.at, d.message)?;
        }
        Ok(())
    }
}

impl Run<'_> {
    /// `compare` and `merge` on the scenario's vector pairs, against the definitions.
    fn vector_checks(&mut self, resolver: &mut dyn ConflictResolver) -> Result<(), LearnerFault> {
        let s = self.s;
        let by_name = |m: &BTreeMap<String, u64>| {
            VersionVector::from_entries(m.iter().map(|(name, &n)| {
                let r = s.region_index(name).expect("validated") as u32;
                (Region(r), n)
            }))
        };
        let mut wrong = 0usize;
        for pair in &s.vectors {
            let (a, b) = (by_name(&pair.a), by_name(&pair.b));
            let op = self.op();
            let got = self.guard.call(&COMPARE, || resolver.compare(&a, &b))?;
            let want = true_compare(&a, &b);
            let mut problems = Vec::new();
            if got != want {
                problems.push(format!(
                    "compare({}, {}) returned {got:?}; the answer is {want:?}{}",
                    self.vector(&a),
                    self.vector(&b),
                    why(want)
                ));
            }
            let merged = self.guard.call(&MERGE, || resolver.merge(&a, &b))?;
            let want_merge = true_merge(&a, &b);
            if merged != want_merge {
                problems.push(format!(
                    "merge({}, {}) returned {}; the answer is {} (per region, the larger \
                     counter: the least history that includes both)",
                    self.vector(&a),
                    self.vector(&b),
                    self.vector(&merged),
                    self.vector(&want_merge)
                ));
            }
            for p in problems {
                wrong += 1;
                self.out.violations.push(Violation {
                    guarantee: crate::checkers::Guarantee::Causality,
                    at_ms: 0,
                    user: s.user.clone(),
                    node: None,
                    operations: vec![op],
                    explanation: p.clone(),
                });
                if self.trace {
                    let mut e = TraceEvent::new(0, Lane::Node("vectors".into()), p, "✗ wrong");
                    e.op = Some(op);
                    self.out.trace.push(e);
                }
            }
        }
        if !s.vectors.is_empty() {
            self.out.metrics.push(Metric::new(
                "vector_pairs_checked",
                s.vectors.len() as f64,
                Unit::Count,
            ));
            self.out.metrics.push(Metric::new(
                "vector_answers_wrong",
                wrong as f64,
                Unit::Count,
            ));
        }
        Ok(())
    }

    /// Every region starts with the initial values and items, written by the first
    /// region before t=0.
    fn initial_states(&mut self) -> Vec<State> {
        let s = self.s;
        let mut state = State::default();
        let first = Region(0);
        for (field, value) in &s.initial {
            let op = self.op();
            let counter = self.next_counter(0, field, 0);
            let write = self.new_write();
            state.lamport += 1;
            let v = Version {
                value: value.clone(),
                vector: VersionVector::from_entries([(first, counter)]),
                origin: first,
                wall_clock_ms: self.topo.clock(0, 0),
                lamport: state.lamport,
                write,
            };
            self.updates.push(Update {
                op,
                object: field.clone(),
                kind: UpdateKind::Assign,
                what: format!("{}'s initial {field} '{value}'", s.user),
                at: 0,
                user: s.user.clone(),
                after: state.known.set(),
            });
            self.versions.insert(write, (v.clone(), op));
            state.fields.insert(field.clone(), vec![v]);
            state.known.insert(op);
        }
        for item in &s.initial_cart {
            if state.cart.contains(item) {
                continue;
            }
            let op = self.op();
            let counter = self.next_counter(0, "cart", state.cart.context.get(first));
            let dot = Dot {
                region: first,
                counter,
            };
            state.cart.items.insert(item.clone(), [dot].into());
            state.cart.context.set(first, counter);
            self.dots.insert(dot, op);
            self.updates.push(Update {
                op,
                object: cart_object(item),
                kind: UpdateKind::Add,
                what: format!("{}'s initial cart item '{item}'", s.user),
                at: 0,
                user: s.user.clone(),
                after: state.known.set(),
            });
            state.known.insert(op);
        }
        vec![state; s.regions.len()]
    }

    fn trace_partitions(&mut self) {
        for &(a, b, at, heal) in &self.topo.partitions.clone() {
            for (x, y) in [(a, b), (b, a)] {
                let lane = Lane::Node(self.names[x].clone());
                self.out.trace.push(TraceEvent::new(
                    at,
                    lane.clone(),
                    format!(
                        "the link between {} and {} is cut until t={}",
                        self.names[x],
                        self.names[y],
                        fmt_time(heal)
                    ),
                    format!("✂ cut from {}", self.names[y]),
                ));
                self.out.trace.push(TraceEvent::new(
                    heal,
                    lane,
                    format!(
                        "the link between {} and {} heals",
                        self.names[x], self.names[y]
                    ),
                    format!("✂ healed ({})", self.names[y]),
                ));
            }
        }
    }

    /// A region receives another's state and merges it with the learner's code; if its
    /// state changed, it ships it on.
    #[allow(clippy::too_many_arguments)]
    fn deliver(
        &mut self,
        resolver: &mut dyn ConflictResolver,
        states: &mut [State],
        net: &mut Network<Rc<State>>,
        to: usize,
        from: usize,
        at: Millis,
        remote: Rc<State>,
    ) -> Result<(), LearnerFault> {
        let local = &states[to];
        let mut changed_fields = Vec::new();
        let mut new_fields = Vec::new();
        for (field, theirs) in &remote.fields {
            if theirs.is_empty() {
                continue;
            }
            let ours = local.fields.get(field).map_or(&[][..], Vec::as_slice);
            let merged = self
                .guard
                .call(&RESOLVE, || resolver.resolve(ours, theirs))?;
            let merged = self.canonical(merged);
            if merged.as_slice() != ours {
                changed_fields.push(field.clone());
                new_fields.push((field.clone(), merged));
            }
        }
        let mut new_cart = None;
        if remote.cart != Cart::default() {
            let mut merged = self.guard.call(&MERGE_CART, || {
                resolver.merge_cart(&local.cart, &remote.cart)
            })?;
            merged.items.retain(|_, dots| !dots.is_empty());
            if merged != local.cart {
                new_cart = Some(merged);
            }
        }
        let cart_changed = new_cart.is_some();
        let next = &mut states[to];
        next.lamport = next.lamport.max(remote.lamport);
        next.known.union(&remote.known);
        next.fields.extend(new_fields);
        if let Some(cart) = new_cart {
            next.cart = cart;
        }
        let next = &states[to];
        let changed = !changed_fields.is_empty() || cart_changed;
        if changed {
            self.changed_deliveries += 1;
        }
        if self.trace && changed && self.changed_deliveries > MAX_TRACED_DELIVERIES {
            if self.changed_deliveries == MAX_TRACED_DELIVERIES + 1 {
                self.out.trace.push(TraceEvent::new(
                    at,
                    Lane::Node(self.names[to].clone()),
                    "from here on, deliveries that change a state are left out of the \
                     timeline: there are too many (the regions keep changing each other's \
                     state)"
                        .into(),
                    "… (more deliveries left out)",
                ));
            }
        } else if self.trace && changed {
            let cell = self.state_cell(next, &changed_fields, cart_changed);
            let mut e = TraceEvent::new(
                at,
                Lane::Node(self.names[to].clone()),
                format!(
                    "{} receives {}'s state: now {cell}",
                    self.names[to], self.names[from]
                ),
                format!("⇐ {}: {cell}", self.names[from]),
            );
            e.label = format!("⇐ {}: {cell}", self.names[from]);
            self.out.trace.push(e);
        } else if self.trace && self.unchanged_drawn < MAX_TRACED_DELIVERIES {
            // A delivery that brought something the region did not hold, and that its
            // merge kept out: drawn, because that is where a merge that drops or
            // resurrects something goes wrong. Deliveries of what the region already
            // holds (anti-entropy echoes) are not.
            let local = &states[to];
            let fields: Vec<String> = remote
                .fields
                .iter()
                .filter(|(f, theirs)| !theirs.is_empty() && local.fields.get(*f) != Some(*theirs))
                .map(|(f, _)| f.clone())
                .collect();
            let cart = remote.cart != Cart::default() && remote.cart != local.cart;
            if !fields.is_empty() || cart {
                self.unchanged_drawn += 1;
                let got = self.state_cell(&remote, &fields, cart);
                let kept = self.state_cell(local, &fields, cart);
                let label = format!("⇐ {}: no change · got {got}", self.names[from]);
                let mut e = TraceEvent::new(
                    at,
                    Lane::Node(self.names[to].clone()),
                    format!(
                        "{} receives {}'s state ({got}); the merge changes nothing: still \
                         {kept}",
                        self.names[to], self.names[from]
                    ),
                    label.clone(),
                );
                e.label = label;
                self.out.trace.push(e);
            }
        }
        if changed {
            net.broadcast(at, to, &Rc::new(states[to].clone()));
        }
        Ok(())
    }

    /// The user's operation at region `r`.
    fn local(
        &mut self,
        resolver: &mut dyn ConflictResolver,
        states: &mut [State],
        net: &mut Network<Rc<State>>,
        r: usize,
        o: &super::scenario::Operation,
    ) -> Result<(), LearnerFault> {
        let at = o.at_ms;
        let op = self.op();
        let region = Region(r as u32);
        let lane = Lane::Client {
            user: self.s.user.clone(),
            device: o.device.clone(),
        };
        let past = states[r].known.set();
        match o.action().expect("validated") {
            Action::Set { field, value } => {
                // The writer saw every version the region shows: the new version's
                // history is theirs merged (with the learner's merge), plus itself.
                let shown = states[r].fields.get(field).cloned().unwrap_or_default();
                let mut context = VersionVector::new();
                for v in &shown {
                    context = self
                        .guard
                        .call(&MERGE, || resolver.merge(&context, &v.vector))?;
                }
                let counter = self.next_counter(r, field, context.get(region));
                context.set(region, counter);
                let write = self.new_write();
                let state = &mut states[r];
                state.lamport += 1;
                let v = Version {
                    value: value.to_string(),
                    vector: context,
                    origin: region,
                    wall_clock_ms: self.topo.clock(r, at),
                    lamport: state.lamport,
                    write,
                };
                state.known.insert(op);
                self.versions.insert(write, (v.clone(), op));
                // The region applies its own write like any other: through the
                // resolver (a new version whose history includes what was shown
                // supersedes it; a timestamp rule may throw the write away at once).
                let mine = [v.clone()];
                let kept = self
                    .guard
                    .call(&RESOLVE, || resolver.resolve(&shown, &mine))?;
                let kept = self.canonical(kept);
                states[r].fields.insert(field.to_string(), kept);
                let what = self.what_set(field, value, r, at);
                self.updates.push(Update {
                    op,
                    object: field.to_string(),
                    kind: UpdateKind::Assign,
                    what: what.clone(),
                    at,
                    user: self.s.user.clone(),
                    after: past,
                });
                if self.trace {
                    let now = states[r].fields.get(field).map_or(&[][..], Vec::as_slice);
                    let mut e = TraceEvent::new(
                        at,
                        lane,
                        format!(
                            "{what} over {}; vector {}, clock {}, Lamport {}",
                            self.field_cell(&shown),
                            self.vector(&v.vector),
                            v.wall_clock_ms,
                            v.lamport
                        ),
                        format!("set {field}"),
                    );
                    e.op = Some(op);
                    // The write, its vector and clock; and what the region kept, when the
                    // resolver did not simply keep the new version.
                    let mut cell = format!(
                        "+ '{value}' {} clock {}",
                        self.vector(&v.vector),
                        v.wall_clock_ms
                    );
                    if now.len() != 1 || now[0].write != v.write {
                        let _ = write!(cell, " ⇒ {}", self.field_cell(now));
                    }
                    e.cells.push((self.names[r].clone(), cell));
                    self.out.trace.push(e);
                }
            }
            Action::Add(item) => {
                let seen = states[r].cart.context.get(region);
                let counter = self.next_counter(r, "cart", seen);
                let dot = Dot { region, counter };
                let state = &mut states[r];
                state.lamport += 1;
                state.cart.items.insert(item.to_string(), [dot].into());
                state.cart.context.set(region, counter);
                state.known.insert(op);
                self.dots.insert(dot, op);
                let detail = format!(
                    "adds '{item}' at {} (dot {}:{})",
                    self.names[r], self.names[r], dot.counter
                );
                self.cart_op(
                    &states[r],
                    r,
                    op,
                    at,
                    lane,
                    item,
                    UpdateKind::Add,
                    past,
                    detail,
                );
            }
            Action::Remove(item) => {
                if !states[r].cart.contains(item) {
                    if self.trace {
                        self.out.trace.push(TraceEvent::new(
                            at,
                            lane,
                            format!(
                                "would remove '{item}' at {}, which does not show it",
                                self.names[r]
                            ),
                            format!("remove '{item}': not there"),
                        ));
                    }
                    return Ok(());
                }
                let state = &mut states[r];
                state.lamport += 1;
                state.cart.items.remove(item);
                state.known.insert(op);
                let detail = format!("removes '{item}' at {}", self.names[r]);
                self.cart_op(
                    &states[r],
                    r,
                    op,
                    at,
                    lane,
                    item,
                    UpdateKind::Remove,
                    past,
                    detail,
                );
            }
            Action::View => {
                let held = self.held(&states[r]);
                let seen = StateSeen {
                    op,
                    at,
                    place: &self.names[r],
                    held: &held,
                    known: &past,
                };
                let mut violations = causality(&self.updates, &seen);
                violations.extend(self.prefix(op, at, r, &held, &past));
                self.spurious += spurious_siblings(&self.updates, &seen);
                self.siblings_shown += states[r]
                    .fields
                    .values()
                    .map(|v| v.len().saturating_sub(1))
                    .sum::<usize>();
                self.out.violations.extend(violations);
                if self.trace {
                    let fields: Vec<String> = states[r].fields.keys().cloned().collect();
                    let cell = self.state_cell(&states[r], &fields, self.uses_cart());
                    let mut e = TraceEvent::new(
                        at,
                        lane,
                        format!("views the profile and cart at {}: {cell}", self.names[r]),
                        "view".to_string(),
                    );
                    e.op = Some(op);
                    e.cells
                        .push((self.names[r].clone(), format!("shows {cell}")));
                    self.out.trace.push(e);
                }
                return Ok(());
            }
        }
        net.broadcast(at, r, &Rc::new(states[r].clone()));
        Ok(())
    }

    /// Consistent prefix at a view (DDIA's "consistent prefix reads", across objects
    /// and regions): the state shown must not hold a write without each write it
    /// followed — the write itself, or something that replaced it. A view "has" a write
    /// when it holds it, or when the region has received a later write to the same
    /// object. Removals are effects of what they remove, not causes to show.
    fn prefix(
        &self,
        op: usize,
        at: Millis,
        r: usize,
        held: &BTreeMap<String, Vec<usize>>,
        known: &BTreeSet<usize>,
    ) -> Vec<Violation> {
        let shown: BTreeSet<usize> = held.values().flatten().copied().collect();
        let replaced = |u: &Update| {
            self.updates
                .iter()
                .any(|v| v.object == u.object && known.contains(&v.op) && v.after.contains(&u.op))
        };
        let causes: BTreeSet<usize> = self
            .updates
            .iter()
            .filter(|u| u.kind != UpdateKind::Remove)
            .map(|u| u.op)
            .collect();
        let writes: Vec<CausalWrite> = self
            .updates
            .iter()
            .filter(|u| shown.contains(&u.op))
            .map(|u| CausalWrite {
                op: u.op,
                what: u.what.clone(),
                after: u.after.intersection(&causes).copied().collect(),
            })
            .chain(
                self.updates
                    .iter()
                    .filter(|u| !shown.contains(&u.op))
                    .map(|u| CausalWrite {
                        op: u.op,
                        what: u.what.clone(),
                        after: Vec::new(),
                    }),
            )
            .collect();
        let seen: Vec<usize> = self
            .updates
            .iter()
            .filter(|u| shown.contains(&u.op) || (known.contains(&u.op) && replaced(u)))
            .map(|u| u.op)
            .collect();
        consistent_prefix(
            &writes,
            &[Observation {
                op,
                at,
                observer: self.s.user.clone(),
                node: self.names[r].clone(),
                seen,
            }],
        )
    }

    /// The checkers over every region's final state, the metrics and the budget.
    fn finish(&mut self, states: &[State], end: Millis, settled: bool) {
        let mut finals = Vec::new();
        let mut seen_violations: BTreeSet<(crate::checkers::Guarantee, Vec<usize>)> =
            BTreeSet::new();
        let mut final_spurious = 0;
        for (r, state) in states.iter().enumerate() {
            let op = self.op();
            let held = self.held(state);
            let known = state.known.set();
            let seen = StateSeen {
                op,
                at: end,
                place: &self.names[r],
                held: &held,
                known: &known,
            };
            let mut found = no_silently_lost_update(&self.updates, &seen);
            found.extend(causality(&self.updates, &seen));
            final_spurious += spurious_siblings(&self.updates, &seen);
            for v in found {
                let ops = v.operations[..v.operations.len() - 1].to_vec();
                if seen_violations.insert((v.guarantee, ops)) {
                    self.out.violations.push(v);
                }
            }
            let fields: Vec<String> = state.fields.keys().cloned().collect();
            let cell = self.state_cell(state, &fields, self.uses_cart());
            // A scenario of vector pairs alone has no state to show: no timeline.
            if self.trace && !self.s.operations.is_empty() {
                let mut e = TraceEvent::new(
                    end,
                    Lane::Node(self.names[r].clone()),
                    format!("{} holds, once replication drained: {cell}", self.names[r]),
                    format!("final: {cell}"),
                );
                e.op = Some(op);
                self.out.trace.push(e);
            }
            finals.push((self.names[r].clone(), FinalState(cell, held), op));
        }
        self.out
            .violations
            .extend(convergence(&self.s.user, end, &finals));
        if !settled {
            self.out.violations.push(Violation {
                guarantee: crate::checkers::Guarantee::Convergence,
                at_ms: end,
                user: self.s.user.clone(),
                node: None,
                operations: finals.iter().map(|f| f.2).take(1).collect(),
                explanation: format!(
                    "replication never drained: {} minutes after the last operation the \
                     regions were still sending each other changed states (each merge \
                     changed the state it received, so it was sent back, changed again).",
                    SETTLE_MS / 60_000
                ),
            });
            self.out.notes.push(
                "replication never settled: the states kept changing as they were merged".into(),
            );
        }
        self.spurious += final_spurious;
        let writes = self.updates.len();
        let conflicts = self.concurrent_pairs();
        self.out.metrics.extend([
            Metric::new("writes", writes as f64, Unit::Count),
            Metric::new("concurrent_writes", conflicts as f64, Unit::Count),
            Metric::new("siblings_shown", self.siblings_shown as f64, Unit::Count),
            Metric::new("spurious_siblings", self.spurious as f64, Unit::Count),
            Metric::new("settled_at", end as f64, Unit::Millis),
        ]);
        self.out.budgets.push(BudgetCheck::relative(
            "spurious_siblings",
            Unit::Count,
            Relative {
                actual: self.spurious as f64,
                best: 0.0,
                base: 0.0,
                relative: 0.0,
                absolute: 0.0,
                per: 1.0,
                sample: 1.0,
            },
            false,
            "versions shown side by side although one happened after the other, or twice; \
             a correct design shows none"
                .into(),
        ));
        let lost = self
            .out
            .violations
            .iter()
            .filter(|v| v.guarantee == crate::checkers::Guarantee::NoSilentlyLostUpdate)
            .count();
        if lost > 0 {
            self.out.notes.push(format!(
                "{lost} acknowledged update{} vanished without a trace",
                if lost == 1 { "" } else { "s" }
            ));
        }
    }

    /// Pairs of writes to the same object, neither of which happened before the other.
    fn concurrent_pairs(&self) -> usize {
        let mut n = 0;
        for (i, u) in self.updates.iter().enumerate() {
            for v in &self.updates[i + 1..] {
                if u.object == v.object && !v.after.contains(&u.op) && !u.after.contains(&v.op) {
                    n += 1;
                }
            }
        }
        n
    }
}

/// A final state as the convergence checker compares it: what the region shows, and
/// which writes hold it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct FinalState(String, BTreeMap<String, Vec<usize>>);

impl std::fmt::Display for FinalState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn why(want: Causality) -> &'static str {
    match want {
        Causality::Concurrent => ": each vector has a counter larger than the other's",
        Causality::Before => ": no counter of the first is larger, and one is smaller",
        Causality::After => ": no counter of the second is larger, and one is smaller",
        Causality::Equal => ": every counter is the same (a missing region counts 0)",
    }
}
