//! The naive strategy `last-arrival-wins`: whatever arrives replaces what a region had: two regions that receive the same writes in different orders keep different ones.

use super::cartsync_naive::{Flaw, Naive};
use crate::harness::Expect;

pub const EXPECT: Expect = Expect::Fail("convergence");

pub struct Resolver;

impl Resolver {
    #[allow(clippy::new_ret_no_self)]
    pub fn new() -> Naive {
        Naive::new(Flaw::LastArrivalWins)
    }
}
