//! The naive strategy `counter-per-region`: versions ordered by their own region's counter only: causally ordered writes from two regions are kept as siblings.

use super::cartsync_naive::{Flaw, Naive};
use crate::harness::Expect;

pub const EXPECT: Expect = Expect::Fail("budget:spurious_siblings");

pub struct Resolver;

impl Resolver {
    #[allow(clippy::new_ret_no_self)]
    pub fn new() -> Naive {
        Naive::new(Flaw::CounterPerRegion)
    }
}
