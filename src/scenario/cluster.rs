//! Validation shared by every scenario of a single-leader cluster.

use crate::model::Millis;
use crate::sim::{ClusterSpec, Fault, FaultKind};

/// Most replicas a scenario may have, counting those added mid-run.
pub const MAX_REPLICAS: u32 = 32;

/// Longest scenario accepted: a day of virtual time.
pub const MAX_TIME_MS: Millis = 86_400_000;

/// Checks the cluster and its faults: lags given per replica, faults naming replicas
/// that exist (and have joined), added replicas numbered next in order.
pub fn validate_cluster(c: &ClusterSpec, faults: &[Fault]) -> Result<(), String> {
    if c.replicas == 0 {
        return Err("cluster.replicas must be at least 1".into());
    }
    if c.lag_ms.len() != c.replicas as usize {
        return Err(format!(
            "cluster.lag_ms lists {} lag(s) for {} replica(s); give one per replica",
            c.lag_ms.len(),
            c.replicas
        ));
    }
    if c.report_interval_ms == 0 {
        return Err("cluster.report_interval_ms must be positive".into());
    }
    let cluster_times = [
        ("report_interval_ms", c.report_interval_ms),
        ("detector_delay_ms", c.detector_delay_ms),
        ("rtt_ms", c.rtt_ms),
        ("timeout_ms", c.timeout_ms),
    ];
    for (field, ms) in c.lag_ms.iter().map(|&l| ("lag_ms", l)).chain(cluster_times) {
        within_a_day(&format!("cluster.{field}"), ms)?;
    }
    let mut next_added = c.replicas + 1;
    let mut joined_at: Vec<Millis> = vec![0; c.replicas as usize];
    let mut faults: Vec<&Fault> = faults.iter().collect();
    faults.sort_by_key(|f| f.at_ms);
    for f in &faults {
        if f.at_ms > MAX_TIME_MS {
            return Err(format!("a fault at {} ms is past the 24 h limit", f.at_ms));
        }
        for (field, ms) in f.kind.times_ms() {
            within_a_day(&format!("{} at {} ms: {field}", f.kind.name(), f.at_ms), ms)?;
        }
        if let FaultKind::AddReplica { .. } = f.kind {
            if f.replica != next_added {
                return Err(format!(
                    "add_replica at {} ms adds replica {}, but the next free number is {next_added}",
                    f.at_ms, f.replica
                ));
            }
            next_added += 1;
            joined_at.push(f.at_ms);
            continue;
        }
        let Some(&joined) = joined_at.get((f.replica as usize).wrapping_sub(1)) else {
            return Err(format!(
                "{} at {} ms names replica {}, which does not exist (replicas are 1 to {})",
                f.kind.name(),
                f.at_ms,
                f.replica,
                next_added - 1
            ));
        };
        if f.at_ms < joined {
            return Err(format!(
                "{} at {} ms hits replica {} before it joins at {} ms",
                f.kind.name(),
                f.at_ms,
                f.replica,
                joined
            ));
        }
        if let FaultKind::Jitter { every_ms: 0, .. } = f.kind {
            return Err("jitter.every_ms must be positive".into());
        }
    }
    if next_added - 1 > MAX_REPLICAS {
        return Err(format!(
            "{} replicas in all; a scenario may have at most {MAX_REPLICAS}",
            next_added - 1
        ));
    }
    Ok(())
}

/// Checks that a time parameter stays within the scenario length limit: a day is far
/// more than any lag worth teaching, and the bound keeps time arithmetic exact.
pub fn within_a_day(what: &str, ms: Millis) -> Result<(), String> {
    if ms > MAX_TIME_MS {
        return Err(format!(
            "{what} is {ms} ms, more than the 24 h limit ({MAX_TIME_MS} ms)"
        ));
    }
    Ok(())
}

/// Checks that no name is listed twice. In O(n log n): a file may list 100,000
/// devices, and comparing each with all the others took minutes.
pub fn unique(what: &str, names: &[String]) -> Result<(), String> {
    let mut seen = std::collections::BTreeSet::new();
    for n in names {
        if !seen.insert(n.as_str()) {
            return Err(format!("{what}: `{n}` is listed twice"));
        }
    }
    Ok(())
}

/// Checks that an operation names a known user, device, board…; the error reads
///
/// ```text
/// ops[3] (at 1200 ms): unknown user `alcie`; users are ["alice", "bob"]
/// ```
pub fn known(at: &str, what: &str, name: &str, list: &[String]) -> Result<(), String> {
    if list.iter().any(|x| x == name) {
        Ok(())
    } else {
        // Name the first few: a list of thousands helps nobody.
        const SHOWN: usize = 10;
        let mut names = format!("{:?}", &list[..list.len().min(SHOWN)]);
        if list.len() > SHOWN {
            names.truncate(names.len() - 1);
            names.push_str(&format!(", … ({} in all)]", list.len()));
        }
        Err(format!(
            "{at}: unknown {what} `{name}`; {what}s are {names}"
        ))
    }
}

/// How many events a rate per second gives over `duration_ms`. Saturates instead of
/// overflowing, so that absurd rates or durations in a scenario file reach validation
/// (and its error message) rather than a panic.
pub fn per_duration(per_s: u64, duration_ms: Millis) -> u64 {
    per_s.saturating_mul(duration_ms) / 1_000
}

/// Most background users a scenario may ask for: each gets a name in every run.
pub const MAX_TRAFFIC_USERS: u32 = 10_000;

/// Most operations background traffic may expand into (its rates × its duration):
/// each is generated, simulated and checked on every run, and a failing scenario is
/// shrunk from all of them.
pub const MAX_TRAFFIC_OPERATIONS: u64 = 1_000_000;

/// Checks the size of generated background traffic, from its fields alone: it runs
/// before anything is generated (while the file is parsed), so that a section asking
/// for billions of operations costs nothing.
pub fn traffic_size(users: u32, ops: u64, duration_ms: Millis) -> Result<(), String> {
    if duration_ms > MAX_TIME_MS {
        return Err(format!(
            "traffic.duration_ms is {duration_ms}, past the 24 h limit ({MAX_TIME_MS} ms)"
        ));
    }
    if users > MAX_TRAFFIC_USERS {
        return Err(format!(
            "traffic.users is {users}; the limit is {MAX_TRAFFIC_USERS} background users"
        ));
    }
    if ops > MAX_TRAFFIC_OPERATIONS {
        return Err(format!(
            "the background traffic would generate {ops} operations (its rates per second × \
             duration_ms); the limit is {MAX_TRAFFIC_OPERATIONS} (docs/scenarios.md): lower \
             the rates or the duration"
        ));
    }
    Ok(())
}
