//! Where the router port's calls into the learner's router go.
//!
//! The command line hosts the router in a supervised child process (see
//! `cli/supervise.rs`, [`crate::cli`]'s lab child), so that nothing the learner's code
//! does can take the lab down; [`InProcess`] is the fallback where that is not
//! available (no Unix, or the child cannot start), which still turns panics into
//! faults. Either way a fault costs the router its state: it is rebuilt with
//! `Router::new()`, and the answer says so.

use super::wire::{RouterAnswer, RouterCall, answer};
use crate::grader::{Guard, LearnerFault};
use crate::katas::quickpost::ReadYourWritesRouter;

/// A call the router could not answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostFault {
    pub fault: LearnerFault,
    /// The router was rebuilt (or its process restarted): what it remembered is gone.
    pub state_lost: bool,
    /// The last lines the router printed before the fault, if known.
    pub output: Vec<String>,
}

/// Something that runs router calls. Built and used on one thread (the lab's router
/// host thread), so it need not be `Send`: learner routers are not required to be.
pub trait RouterHost {
    /// Runs one call; `Ok` holds [`RouterAnswer::Acked`] or [`RouterAnswer::Plan`].
    fn call(&mut self, call: &RouterCall) -> Result<RouterAnswer, Box<HostFault>>;
}

/// Makes a fresh router.
pub type MakeRouter = fn() -> Box<dyn ReadYourWritesRouter>;

/// The router in this process, behind a guard.
pub struct InProcess {
    make: MakeRouter,
    router: Option<Box<dyn ReadYourWritesRouter>>,
    guard: Guard,
}

impl InProcess {
    pub fn new(make: MakeRouter) -> Self {
        InProcess {
            make,
            router: None,
            guard: Guard::new(),
        }
    }
}

/// Runs a call on a router kept in `slot`, building it first if needed; after a
/// fault the slot is emptied, so the next call starts from `Router::new()`. Shared by
/// the in-process host and the supervised child.
pub fn call_in_slot(
    slot: &mut Option<Box<dyn ReadYourWritesRouter>>,
    make: MakeRouter,
    guard: &Guard,
    call: &RouterCall,
) -> RouterAnswer {
    static CONSTRUCTOR: crate::grader::LearnerFn = crate::grader::LearnerFn::new("Router::new");
    if slot.is_none() {
        match guard.call(&CONSTRUCTOR, make) {
            Ok(router) => *slot = Some(router),
            Err(fault) => return RouterAnswer::Fault(fault),
        }
    }
    let router = slot.as_mut().expect("built above");
    let answer = answer(router.as_mut(), guard, call);
    if matches!(answer, RouterAnswer::Fault(_)) {
        *slot = None;
    }
    answer
}

impl RouterHost for InProcess {
    fn call(&mut self, call: &RouterCall) -> Result<RouterAnswer, Box<HostFault>> {
        match call_in_slot(&mut self.router, self.make, &self.guard, call) {
            RouterAnswer::Fault(fault) => Err(Box::new(HostFault {
                fault,
                state_lost: true,
                output: Vec::new(),
            })),
            answer => Ok(answer),
        }
    }
}
