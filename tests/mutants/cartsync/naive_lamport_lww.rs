//! The naive strategy `lamport-lww`: Lamport last-write-wins: never drops a newer write for an older one, but one of two concurrent writes vanishes.

use super::cartsync_naive::{Flaw, Naive};
use crate::harness::Expect;

pub const EXPECT: Expect = Expect::Fail("no-silently-lost-update");

pub struct Resolver;

impl Resolver {
    #[allow(clippy::new_ret_no_self)]
    pub fn new() -> Naive {
        Naive::new(Flaw::LamportLww)
    }
}
