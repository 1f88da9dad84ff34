//! The naive strategy `lww-wall-clock`: wall-clock last-write-wins: the guide's scenario 3 loses NYC's title, and under skew the causally newer write loses.

use super::cartsync_naive::{Flaw, Naive};
use crate::harness::Expect;

pub const EXPECT: Expect = Expect::Fail("no-silently-lost-update");

pub struct Resolver;

impl Resolver {
    #[allow(clippy::new_ret_no_self)]
    pub fn new() -> Naive {
        Naive::new(Flaw::LwwWallClock)
    }
}
