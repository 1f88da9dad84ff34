//! replication-katas: the harness behind the workbook.
//!
//! Everything heavy lives here — the simulated cluster, the checkers, the grader and the
//! reports — so that the binary, which compiles the learner's kata files, stays small
//! and rebuilds in a fraction of a second after each edit.

pub mod checkers;
pub mod cli;
pub mod grader;
pub mod history;
pub mod katas;
pub mod lab;
pub mod model;
pub mod progress;
pub mod quiz;
pub mod report;
pub mod scenario;
pub mod sim;
pub mod term;
