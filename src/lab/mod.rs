//! The lab: a live replicated cluster on 127.0.0.1 that you can `curl`, with your
//! own QuickPost router in front (`cargo run -- lab`, docs/lab.md).
//!
//! The katas teach read-your-writes in a simulation; the lab closes the loop with the
//! workshop's setup — a primary and replicas as real HTTP servers, replication as a
//! real stream with an injected delay — and the learner's router, unchanged, routing
//! real reads. Every read through the router port is checked as it happens by the
//! grader's own read-your-writes checker.
//!
//! Layout: the parts that decide are sans-IO and unit-tested — [`node`] (log, applied
//! position, the replica's delayed queue and its faults), [`live`] (the live history
//! and its incremental check), [`wire`] (router calls as data), [`events`] (the event
//! lines) — and the IO sits at the edges: [`server`] (axum servers, the stream, the
//! position poller), [`view`] (the ratatui live view) and [`demo`].

pub mod demo;
pub mod events;
pub mod host;
pub mod live;
pub mod node;
pub mod server;
pub mod view;
pub mod wire;

use crate::katas::quickpost::QuickPost;
use crate::katas::{KataEntry, Registry};
use crate::model::Millis;

/// Parses a duration as people write it: `5s`, `500ms`, `1.5s`, `2m`, or a bare number
/// of seconds.
pub fn parse_duration(text: &str) -> Result<Millis, String> {
    let t = text.trim();
    let (number, scale) = if let Some(n) = t.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = t.strip_suffix('s') {
        (n, 1_000.0)
    } else if let Some(n) = t.strip_suffix('m') {
        (n, 60_000.0)
    } else {
        (t, 1_000.0)
    };
    match number.trim().parse::<f64>() {
        Ok(x) if x.is_finite() && x >= 0.0 && x * scale < 86_400_000.0 => {
            Ok((x * scale).round() as Millis)
        }
        _ => Err(format!(
            "`{text}` is not a duration: write it like 5s, 500ms or 1.5s (at most a day)"
        )),
    }
}

/// The QuickPost router to run: the learner's (`None`) or a solution by name.
pub fn router_maker(
    registry: &Registry,
    solution: Option<&str>,
) -> Result<host::MakeRouter, String> {
    let entry = registry
        .find("quickpost")
        .and_then(|k| k.as_any().downcast_ref::<KataEntry<QuickPost>>())
        .ok_or_else(|| "this binary has no QuickPost kata".to_string())?;
    match solution {
        None => Ok(entry.learner),
        Some(name) => entry
            .solutions
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.make)
            .ok_or_else(|| {
                format!(
                    "quickpost has no solution named `{name}`; the solutions are: {}",
                    entry
                        .solutions
                        .iter()
                        .map(|s| s.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_people_write_them() {
        assert_eq!(parse_duration("5s"), Ok(5_000));
        assert_eq!(parse_duration("500ms"), Ok(500));
        assert_eq!(parse_duration("1.5s"), Ok(1_500));
        assert_eq!(parse_duration("2m"), Ok(120_000));
        assert_eq!(parse_duration("3"), Ok(3_000));
        assert_eq!(parse_duration("0"), Ok(0));
        assert!(parse_duration("-1s").unwrap_err().contains("like 5s"));
        assert!(parse_duration("soon").is_err());
    }

    #[test]
    fn ports_follow_the_workshops_layout_or_are_all_free() {
        let p = server::Ports::from_base(13_000, 2);
        assert_eq!(
            (p.primary, p.replicas.as_slice(), p.router),
            (13_000, &[13_001, 13_002][..], 13_100)
        );
        let free = server::Ports::from_base(0, 3);
        assert_eq!(
            (free.primary, free.replicas.as_slice(), free.router),
            (0, &[0, 0, 0][..], 0)
        );
    }
}
