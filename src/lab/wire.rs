//! The router calls the lab makes, as data: what travels over the pipe to the
//! supervised child that runs the learner's router (one JSON line each way), and the
//! one function that performs a call against a router, the same in the child and in
//! the in-process fallback.
//!
//! The kata's own types ([`ClusterView`], [`ReadPlan`]) are the learner's API and stay
//! free of serialization; these mirror them field for field.

use crate::grader::{Guard, LearnerFault};
use crate::katas::quickpost::{ProfileRead, ReadYourWritesRouter, WriteAck};
use crate::model::{DeviceId, Lsn, Millis, NodeId, ReplicaId, UserId};
use crate::sim::{ClusterView, Health, PositionReport, ReadPlan, ReplicaView};
use serde::{Deserialize, Serialize};

/// What the router port knows of one replica: its last position report (polled from
/// `/status`) and whether the last poll got an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireReplica {
    pub id: u32,
    pub reported_lsn: Option<u64>,
    pub reported_at: Option<Millis>,
    pub up: bool,
}

/// A [`ClusterView`] as data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireView {
    pub now: Millis,
    pub primary_lsn: u64,
    pub replicas: Vec<WireReplica>,
}

impl WireView {
    fn replica_views(&self) -> Vec<ReplicaView> {
        self.replicas
            .iter()
            .map(|r| ReplicaView {
                id: ReplicaId(r.id),
                last_report: r.reported_lsn.map(|lsn| PositionReport {
                    lsn: Lsn(lsn),
                    at: r.reported_at.unwrap_or(0),
                }),
                health: if r.up { Health::Up } else { Health::Down },
            })
            .collect()
    }
}

/// One call into the learner's router.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RouterCall {
    /// `on_write_acked`: the primary acknowledged a post.
    WriteAcked {
        user: u32,
        device: u32,
        lsn: u64,
        at: Millis,
        view: WireView,
    },
    /// `route_read`: where should this profile read go?
    RouteRead {
        user: u32,
        device: u32,
        profile_of: u32,
        at: Millis,
        view: WireView,
    },
}

impl RouterCall {
    /// The learner function this call runs, as fault reports name it.
    pub fn function(&self) -> &'static str {
        match self {
            RouterCall::WriteAcked { .. } => "ReadYourWritesRouter::on_write_acked",
            RouterCall::RouteRead { .. } => "ReadYourWritesRouter::route_read",
        }
    }
}

/// One attempt of a plan: a replica (`None`: the primary) and its condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireAttempt {
    pub replica: Option<u32>,
    pub min_lsn: Option<u64>,
}

impl WireAttempt {
    pub fn target(&self) -> NodeId {
        self.replica
            .map_or(NodeId::Primary, |r| NodeId::Replica(ReplicaId(r)))
    }
}

/// The router's answer to a call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RouterAnswer {
    Acked,
    Plan(Vec<WireAttempt>),
    /// The call panicked (or hit a `todo!()`): the guard's report.
    Fault(LearnerFault),
}

/// Performs `call` on `router` through `guard`, so that a panic becomes a fault.
pub fn answer(
    router: &mut dyn ReadYourWritesRouter,
    guard: &Guard,
    call: &RouterCall,
) -> RouterAnswer {
    use crate::katas::quickpost::{ON_WRITE_ACKED, ROUTE_READ};
    let result = match call {
        RouterCall::WriteAcked {
            user,
            device,
            lsn,
            at,
            view,
        } => {
            let replicas = view.replica_views();
            let cluster = ClusterView::new(view.now, Lsn(view.primary_lsn), &replicas);
            let ack = WriteAck {
                user: UserId(*user),
                device: DeviceId(*device),
                lsn: Lsn(*lsn),
                at: *at,
            };
            guard
                .call(&ON_WRITE_ACKED, || router.on_write_acked(&ack, &cluster))
                .map(|()| RouterAnswer::Acked)
        }
        RouterCall::RouteRead {
            user,
            device,
            profile_of,
            at,
            view,
        } => {
            let replicas = view.replica_views();
            let cluster = ClusterView::new(view.now, Lsn(view.primary_lsn), &replicas);
            let read = ProfileRead {
                user: UserId(*user),
                device: DeviceId(*device),
                profile_of: UserId(*profile_of),
                at: *at,
            };
            guard
                .call(&ROUTE_READ, || router.route_read(&read, &cluster))
                .map(|plan| RouterAnswer::Plan(wire_plan(&plan)))
        }
    };
    result.unwrap_or_else(RouterAnswer::Fault)
}

/// A plan as data, cut at [`crate::sim::MAX_ATTEMPTS`] as the simulation cuts it.
fn wire_plan(plan: &ReadPlan) -> Vec<WireAttempt> {
    plan.attempts()
        .iter()
        .take(crate::sim::MAX_ATTEMPTS)
        .map(|a| WireAttempt {
            replica: match a.target {
                NodeId::Primary => None,
                NodeId::Replica(r) => Some(r.0),
            },
            min_lsn: a.min_lsn.map(|l| l.0),
        })
        .collect()
}

/// One sentence for a fault in the router, for an HTTP error body and the event
/// lines: what happened and what to do next.
pub fn fault_sentence(fault: &LearnerFault) -> String {
    match fault {
        LearnerFault::NotImplemented { function, location } => format!(
            "not implemented: `{function}` still reaches the todo!() at {location}; \
             implement it in katas/quickpost.rs and restart the lab"
        ),
        LearnerFault::Panicked {
            function,
            message,
            location,
        } => format!("panicked: `{function}` panicked at {location}: {message}"),
        LearnerFault::Hung { function, limit_ms } => format!(
            "hung: `{function}` did not return within {limit_ms} ms; the router process \
             was killed"
        ),
        LearnerFault::Crashed {
            function,
            signal,
            stack_overflow,
            ..
        } => format!(
            "crashed: {} {}",
            who(function),
            if *stack_overflow {
                "overflowed its stack".to_string()
            } else {
                format!(
                    "crashed the router process ({})",
                    signal.as_deref().unwrap_or("an unusual exit status")
                )
            }
        ),
        LearnerFault::Exited { function, code, .. } => format!(
            "exited: {} ended the router process with exit code {code}",
            who(function)
        ),
        LearnerFault::OutOfMemory {
            function,
            limit_mib,
            ..
        } => format!(
            "out of memory: {} used more than the {limit_mib} MiB limit",
            who(function)
        ),
        LearnerFault::ThreadPanicked {
            thread, message, ..
        } => format!(
            "thread panicked: a thread your router started (`{thread}`) panicked: {message}"
        ),
        LearnerFault::TimedOut { .. } | LearnerFault::Nondeterministic { .. } => {
            format!("{fault:?}")
        }
    }
}

fn who(function: &Option<String>) -> String {
    match function {
        Some(f) => format!("`{f}`"),
        None => "your router".to_string(),
    }
}

/// The fault's kind as the JSON of `grade --format json` names it (`crashed`, …).
pub fn fault_kind(fault: &LearnerFault) -> String {
    serde_json::to_value(fault)
        .ok()
        .and_then(|v| v["kind"].as_str().map(str::to_string))
        .unwrap_or_else(|| "fault".into())
}
