//! The naive strategy `union-cart`: carts merged by union of their dots: an item removed after it was added comes back.

use super::cartsync_naive::{Flaw, Naive};
use crate::harness::Expect;

pub const EXPECT: Expect = Expect::Fail("causality");

pub struct Resolver;

impl Resolver {
    #[allow(clippy::new_ret_no_self)]
    pub fn new() -> Naive {
        Naive::new(Flaw::UnionCart)
    }
}
