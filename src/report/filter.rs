//! Which events of a replay to show. A scenario with background traffic has hundreds
//! of events, nearly all of them other users browsing; a learner wants the failing
//! reads and what explains them, one user's session, or one moment.

use super::{Lane, ReplayReport, TraceEvent};
use crate::model::{Millis, fmt_time};
use std::collections::BTreeSet;

/// A replay with at most this many events is shown whole by default.
pub const SHOW_ALL_UP_TO: usize = 60;

/// How a replay is narrowed; filters combine (an event must pass each one given).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReplayFilter {
    /// Every event, however many.
    pub all: bool,
    /// Only this user's operations (and the cluster's own events).
    pub user: Option<String>,
    /// Only events within `window` of this time.
    pub around: Option<(Millis, Millis)>,
    /// Only the failing operations, the operations they involve, and the cluster's
    /// events.
    pub violations: bool,
}

/// What was shown, for the line under the replay.
#[derive(Debug, PartialEq, Eq)]
pub struct Selection {
    pub shown: Vec<usize>,
    pub total: usize,
    /// Why these: "the failing reads and what explains them", or empty when nothing
    /// was left out.
    pub reason: String,
}

/// Parses a time given on the command line: seconds (`71.05`, `71.05s`) or
/// milliseconds (`71050ms`).
pub fn parse_time(text: &str) -> Result<Millis, String> {
    let t = text.trim();
    let (number, scale) = if let Some(ms) = t.strip_suffix("ms") {
        (ms, 1.0)
    } else {
        (t.strip_suffix('s').unwrap_or(t), 1_000.0)
    };
    match number.trim().parse::<f64>() {
        Ok(x) if x.is_finite() && x >= 0.0 && x * scale < 8.64e7 => {
            Ok((x * scale).round() as Millis)
        }
        _ => Err(format!(
            "`{text}` is not a time: give seconds (71.05, 71.05s) or milliseconds (71050ms), \
             at most a day"
        )),
    }
}

fn user_of(e: &TraceEvent) -> Option<&str> {
    match &e.lane {
        Lane::Client { user, .. } => Some(user),
        Lane::Node(_) => None,
    }
}

/// The users that appear in a trace, sorted.
pub fn users(trace: &[TraceEvent]) -> Vec<String> {
    trace
        .iter()
        .filter_map(user_of)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(str::to_string)
        .collect()
}

/// The operations a failure involves: each violating operation, and the operations
/// its violation names (the write that was missed, the earlier read that saw it).
fn involved(r: &ReplayReport) -> BTreeSet<usize> {
    let mut ops: BTreeSet<usize> = r
        .result
        .violations
        .iter()
        .flat_map(|v| v.operations.iter().copied())
        .collect();
    ops.extend(
        r.trace
            .iter()
            .filter(|e| e.violates.is_some())
            .filter_map(|e| e.op),
    );
    ops
}

/// Picks the events to show. Without any filter, a long replay shows what matters:
/// the failures and what explains them (or, with no violation, the operations that
/// spent a budget needlessly), with the cluster's own events (faults) that frame them.
pub fn select(r: &ReplayReport, filter: &ReplayFilter) -> Selection {
    let total = r.trace.len();
    let everything = || Selection {
        shown: (0..total).collect(),
        total,
        reason: String::new(),
    };
    let explicit = filter.user.is_some() || filter.around.is_some() || filter.violations;
    if filter.all || (!explicit && total <= SHOW_ALL_UP_TO) {
        return everything();
    }
    let failing = involved(r);
    let wasteful = r.trace.iter().any(|e| e.wastes.is_some());
    let (violations, reason) = if explicit {
        (filter.violations, Vec::new())
    } else if !failing.is_empty() {
        (
            true,
            vec!["the failing operations and what explains them".to_string()],
        )
    } else if wasteful {
        (
            false,
            vec!["the reads that spent the primary's budget needlessly".to_string()],
        )
    } else {
        return everything();
    };
    let mut reason = reason;
    if explicit {
        if filter.violations {
            reason.push("the failing operations and what explains them".into());
        }
        if let Some(user) = &filter.user {
            reason.push(format!("{user}'s operations"));
        }
        if let Some((at, window)) = filter.around {
            reason.push(format!("t={} ± {}", fmt_time(at), fmt_time(window)));
        }
    }
    let waste_only = !explicit && failing.is_empty();
    let mut shown: Vec<usize> = r
        .trace
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            let cluster_event = user_of(e).is_none();
            let by_failure =
                !violations || cluster_event || e.op.is_some_and(|op| failing.contains(&op));
            let by_waste = !waste_only || cluster_event || e.wastes.is_some();
            let by_user = filter
                .user
                .as_deref()
                .is_none_or(|u| cluster_event || user_of(e) == Some(u));
            let by_time = filter
                .around
                .is_none_or(|(at, w)| e.at + w >= at && e.at <= at.saturating_add(w));
            by_failure && by_waste && by_user && by_time
        })
        .map(|(i, _)| i)
        .collect();
    let mut reason = reason.join(", ");
    // A default view stays short: when even the failures are many (a budget missed on
    // every read), the first of them make the point.
    if !explicit && shown.len() > SHOW_ALL_UP_TO {
        reason = format!("the first {SHOW_ALL_UP_TO} of {}", reason);
        shown.truncate(SHOW_ALL_UP_TO);
    }
    Selection {
        shown,
        total,
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_as_seconds_or_milliseconds() {
        assert_eq!(parse_time("71.05"), Ok(71_050));
        assert_eq!(parse_time("71.05s"), Ok(71_050));
        assert_eq!(parse_time("250ms"), Ok(250));
        assert!(parse_time("soon").unwrap_err().contains("seconds"));
        assert!(parse_time("-1").is_err());
    }
}
