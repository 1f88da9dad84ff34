//! A trace drawn as a timeline: virtual time down the side, one lane for the clients
//! and one per node, faults and routing decisions in the lanes where they happened.
//!
//! ```text
//! time            client                  primary  replica-1  replica-2
//! 10.050 s        alice@phone post        + LSN 1
//! 1 min 11.040 s                                              restore
//! 1 min 11.050 s  ✗ alice@phone view own                      1 ✓ LSN 0
//! ```
//!
//! Plain text; the human renderer colors the violating rows. Columns take the width
//! their contents need; only when the whole does not fit the width given (the
//! terminal's, or [`WIDTH`] when piped) are the widest columns cut, with `…`.

use super::{Lane, TraceEvent};
use crate::model::{Millis, NodeId, fmt_time};
use crate::sim::AttemptOutcome;

/// The width a timeline uses when there is no terminal to measure: it fits 100
/// columns with the report's indentation.
pub const WIDTH: usize = 96;
/// The narrowest a lane or the client column is cut to when space is short.
const MIN_LANE: usize = 9;
const MIN_CLIENT: usize = 16;
/// Spaces before each lane, so that neighbouring cells read apart.
const GAP: usize = 2;

/// One rendered row, and whether it shows a violation or a line the code printed.
pub struct Row {
    pub text: String,
    pub violation: bool,
    pub printed: bool,
}

/// A line the graded code printed, to draw among the events: at the simulated time of
/// the step whose learner call printed it (`None`: after every event).
pub struct PrintLine {
    pub at: Option<Millis>,
    pub text: String,
}

/// What marks a printed line in a timeline (and its legend).
pub const PRINT_MARK: &str = "»";

fn fit(s: &str, width: usize) -> String {
    let len = s.chars().count();
    if len <= width {
        format!("{s:<width$}")
    } else {
        let cut: String = s.chars().take(width.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

/// The nodes that appear in a trace: the primary first (when a read or write involved
/// it), then the others in number order (`replica-2` before `replica-10`, `node-1` …),
/// then lanes without a number (`coordinator`).
fn nodes(trace: &[TraceEvent]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut primary = false;
    let mut note = |name: &str| {
        if name == "primary" {
            primary = true;
        } else if !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
    };
    for e in trace {
        if let Lane::Node(n) = &e.lane {
            note(n);
        }
        if e.wrote.is_some() {
            note("primary");
        }
        for a in &e.attempts {
            note(&a.target.to_string());
        }
        for (lane, _) in &e.cells {
            note(lane);
        }
    }
    let number = |n: &String| -> (bool, String, u32) {
        let split = n.rfind('-').map_or(n.len(), |i| i + 1);
        let number = n[split..].parse::<u32>();
        (number.is_err(), n[..split].to_string(), number.unwrap_or(0))
    };
    names.sort_by_key(number);
    primary
        .then(|| "primary".to_string())
        .into_iter()
        .chain(names)
        .collect()
}

fn attempt_cell(outcome: AttemptOutcome) -> String {
    match outcome {
        AttemptOutcome::Served { observed } => format!("✓ LSN {}", observed.0),
        AttemptOutcome::TooStale { applied, .. } => format!("✗ has {}", applied.0),
        AttemptOutcome::Unreachable => "⌀ no answer".to_string(),
        AttemptOutcome::Skipped => "skipped".to_string(),
    }
}

/// The cells of one event: time, client, then one per lane.
fn cells(e: &TraceEvent, nodes: &[String]) -> Vec<String> {
    let mut lanes: Vec<String> = vec![String::new(); nodes.len()];
    let mut put = |name: &str, text: String| {
        if let Some(i) = nodes.iter().position(|x| x == name) {
            if lanes[i].is_empty() {
                lanes[i] = text;
            } else {
                lanes[i] = format!("{}, {text}", lanes[i]);
            }
        }
    };
    let client = match &e.lane {
        Lane::Client { user, device } => {
            let mark = if e.violates.is_some() { "✗ " } else { "" };
            format!("{mark}{user}@{device} {}", e.label)
        }
        Lane::Node(n) => {
            put(n, e.label.clone());
            String::new()
        }
    };
    if let Some(lsn) = e.wrote {
        put("primary", format!("+ LSN {}", lsn.0));
    }
    for (k, a) in e
        .attempts
        .iter()
        .enumerate()
        .filter(|(_, a)| a.outcome != AttemptOutcome::Skipped)
    {
        let name = match a.target {
            NodeId::Primary => "primary".to_string(),
            NodeId::Replica(r) => r.to_string(),
        };
        put(&name, format!("{} {}", k + 1, attempt_cell(a.outcome)));
    }
    for (lane, text) in &e.cells {
        put(lane, text.clone());
    }
    let mut row = vec![fmt_time(e.at), client];
    row.extend(lanes);
    row
}

/// Column widths: what the contents need (the time column with two spaces after it;
/// every lane is preceded by two), then, while the row is wider than `width`, the
/// widest cuttable column loses a character.
fn widths(header: &[String], rows: &[Vec<String>], width: usize) -> Vec<usize> {
    let mut w: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, c) in row.iter().enumerate() {
            w[i] = w[i].max(c.chars().count());
        }
    }
    w[0] += 2;
    let total = |w: &[usize]| w.iter().sum::<usize>() + GAP * w.len().saturating_sub(2);
    while total(&w) > width {
        let widest = (1..w.len())
            .filter(|&i| w[i] > if i == 1 { MIN_CLIENT } else { MIN_LANE })
            .max_by_key(|&i| (w[i], std::cmp::Reverse(i)));
        match widest {
            Some(i) => w[i] -= 1,
            None => break,
        }
    }
    w
}

fn line(cells: &[String], widths: &[usize]) -> String {
    let mut text = format!("{}{}", fit(&cells[0], widths[0]), fit(&cells[1], widths[1]));
    for (c, &w) in cells[2..].iter().zip(&widths[2..]) {
        text.push_str(&" ".repeat(GAP));
        text.push_str(&fit(c, w));
    }
    text.trim_end().to_string()
}

/// Renders the trace as rows of at most `width` columns (when the lanes can be cut to
/// fit), header first. A violation's explanation and an event's detail are wrapped
/// under its row, never cut.
pub fn render(trace: &[TraceEvent], width: usize) -> Vec<Row> {
    render_with(trace, width, &[])
}

/// As [`render`], with what the code printed drawn among the events: each line
/// (given in the order printed, so in time order) just before the first event at or
/// after its time — the event its call led to — marked with [`PRINT_MARK`] and cut
/// to the width.
pub fn render_with(trace: &[TraceEvent], width: usize, prints: &[PrintLine]) -> Vec<Row> {
    let nodes = nodes(trace);
    let mut header = vec!["time".to_string(), "client".to_string()];
    header.extend(nodes.iter().cloned());
    let all: Vec<Vec<String>> = trace.iter().map(|e| cells(e, &nodes)).collect();
    // A trace without clients (failover) draws no client column.
    if all.iter().all(|row| row[1].is_empty()) {
        header[1].clear();
    }
    let widths = widths(&header, &all, width);
    // Explanations start under the client column, or under the first lane.
    let indent = widths[0] + if widths[1] == 0 { GAP } else { 0 };
    let under = |prefix: &str, text: &str| -> Vec<String> {
        let room = width
            .saturating_sub(indent + prefix.chars().count())
            .max(30);
        crate::term::wrap(text, room, 0)
            .lines()
            .enumerate()
            .map(|(i, l)| {
                let lead = if i == 0 {
                    prefix.to_string()
                } else {
                    " ".repeat(prefix.chars().count())
                };
                format!("{}{lead}{l}", " ".repeat(indent))
            })
            .collect()
    };
    let printed = |p: &PrintLine| {
        let time = p.at.map(fmt_time).unwrap_or_default();
        let room = width.saturating_sub(widths[0]).max(MIN_CLIENT);
        let text = fit(&format!("{PRINT_MARK} {}", p.text), room);
        Row {
            text: format!("{}{}", fit(&time, widths[0]), text.trim_end()),
            violation: false,
            printed: true,
        }
    };
    let mut prints = prints.iter().peekable();
    let mut rows = Vec::with_capacity(trace.len() + 1);
    rows.push(Row {
        text: line(&header, &widths),
        violation: false,
        printed: false,
    });
    for (e, cells) in trace.iter().zip(&all) {
        while let Some(p) = prints.next_if(|p| p.at.is_some_and(|t| t <= e.at)) {
            rows.push(printed(p));
        }
        rows.push(Row {
            text: line(cells, &widths),
            violation: e.violates.is_some(),
            printed: false,
        });
        if let Some(g) = e.violates {
            // Name the guarantee under the row that broke it.
            for text in under("└ ", &format!("{g} violated: {}", e.text)) {
                rows.push(Row {
                    text,
                    violation: true,
                    printed: false,
                });
            }
        }
        if let Some(detail) = &e.detail {
            for text in under("  ", detail) {
                rows.push(Row {
                    text,
                    violation: false,
                    printed: false,
                });
            }
        }
    }
    rows.extend(prints.map(printed));
    rows
}

/// The legend of the read-routing katas' timelines (QuickPost, TaskFlow).
pub const LEGEND: &str =
    "+ written as · ✓ served at · ✗ refused (had only) · ⌀ no answer · 1 2 3 attempt order";

/// The width to draw at: `COLUMNS` when set (a test or a user may fix it), else the
/// terminal's width when standard output is one, else [`WIDTH`]; less `indent`.
pub fn terminal_width(indent: usize) -> usize {
    crate::term::columns()
        .map_or(WIDTH, |c| c.saturating_sub(indent))
        .max(60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Lane;

    fn event(at: u64, lane: &str, label: &str) -> TraceEvent {
        TraceEvent::new(at, Lane::Node(lane.into()), String::new(), label)
    }

    #[test]
    fn lanes_take_what_they_need_and_are_cut_only_when_short_of_room() {
        let trace = vec![
            event(1_000, "replica-1", "restored from a backup 10 min old"),
            event(2_000, "replica-2", "crash"),
        ];
        let wide = render(&trace, 200);
        assert!(wide[1].text.contains("restored from a backup 10 min old"));
        assert!(!wide.iter().any(|r| r.text.contains('…')));
        let narrow = render(&trace, 40);
        assert!(narrow[1].text.contains('…'), "{}", narrow[1].text);
        assert!(narrow.iter().all(|r| r.text.chars().count() <= 40));
    }

    #[test]
    fn prints_go_before_the_first_event_at_or_after_their_time() {
        let trace = vec![
            event(1_000, "replica-1", "crash"),
            event(2_000, "replica-1", "restore"),
        ];
        let print = |at: Option<Millis>, text: &str| PrintLine {
            at,
            text: text.to_string(),
        };
        let prints = [
            print(Some(0), "new"),
            print(Some(2_000), "routing"),
            print(None, "after the last call"),
        ];
        let rows = render_with(&trace, 100, &prints);
        let texts: Vec<&str> = rows.iter().map(|r| r.text.as_str()).collect();
        let at = |s: &str| texts.iter().position(|t| t.contains(s)).unwrap();
        assert!(at("» new") < at("crash"), "{texts:#?}");
        assert!(at("crash") < at("» routing") && at("» routing") < at("restore"));
        assert_eq!(at("» after the last call"), texts.len() - 1);
        assert!(texts[at("» routing")].starts_with("2.000 s"), "{texts:#?}");
        assert!(rows[at("» new")].printed && !rows[at("crash")].printed);
        assert_eq!(render(&trace, 100).len(), rows.len() - 3);
    }

    #[test]
    fn numbered_lanes_come_before_named_ones() {
        let trace = vec![
            event(0, "coordinator", "checks"),
            event(0, "node-10", "a"),
            event(0, "node-2", "b"),
        ];
        let header = &render(&trace, 100)[0].text;
        let at = |s: &str| header.find(s).unwrap();
        assert!(at("node-2") < at("node-10") && at("node-10") < at("coordinator"));
    }
}
