//! What a read router was told, next to what was true: the line drawn under a failing
//! read in the read katas' timelines. "replica-2 reported LSN 1 … in truth at LSN 0"
//! is the whole lesson of a restore from backup, and the timeline alone hides it.

use crate::model::fmt_time;
use crate::sim::Cluster;

/// "The router was told: replica-1 up, reported LSN 3 200 ms ago; replica-2 down …
/// In truth: replica-1 at LSN 3; replica-2 at LSN 0, unreachable." Harness only: the
/// true positions are read here to explain a failure, never shown to a router.
pub fn belief(cluster: &mut Cluster) -> String {
    let now = cluster.now();
    let views = cluster.view().replicas().to_vec();
    let told: Vec<String> = views
        .iter()
        .map(|v| {
            let health = if v.is_up() { "up" } else { "down" };
            match v.last_report {
                Some(r) => {
                    let age = now.saturating_sub(r.at);
                    let when = if age == 0 {
                        "just now".to_string()
                    } else {
                        format!("{} ago", fmt_time(age))
                    };
                    format!("{} {health}, reported {} {when}", v.id, r.lsn)
                }
                None => format!("{} {health}, no report yet", v.id),
            }
        })
        .collect();
    let truth: Vec<String> = views
        .iter()
        .map(|v| {
            let reachable = if cluster.is_reachable(v.id) {
                ""
            } else {
                ", unreachable"
            };
            match cluster.applied_lsn(v.id) {
                Some(lsn) => format!("{} at {lsn}{reachable}", v.id),
                None => format!("{} not joined", v.id),
            }
        })
        .collect();
    format!(
        "The router was told: {}; primary at {}. In truth: {}.",
        told.join("; "),
        cluster.view().primary_lsn(),
        truth.join("; ")
    )
}
