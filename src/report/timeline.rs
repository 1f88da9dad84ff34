//! A trace drawn as a timeline: virtual time down the side, one lane for the clients
//! and one per node, faults and routing decisions in the lanes where they happened.
//!
//! ```text
//! time               client                primary       replica-1     replica-2
//! 10.050 s           alice@phone post      + LSN 1
//! 1 min 11.040 s                                                       restore
//! 1 min 11.050 s   ✗ alice@phone view own                              1 ✓ LSN 0
//! ```
//!
//! Plain text; the human renderer colors the violating rows. Fits 100 columns, indented.

use super::{Lane, TraceEvent};
use crate::model::{NodeId, fmt_time};
use crate::sim::AttemptOutcome;

/// Total width the timeline may use.
pub const WIDTH: usize = 96;
const TIME: usize = 17;
const CLIENT: usize = 24;

/// One rendered row, and whether it shows a violation.
pub struct Row {
    pub text: String,
    pub violation: bool,
}

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
/// it), then the others in number order (`replica-2` before `replica-10`, `node-1` …).
fn nodes(trace: &[TraceEvent]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut primary = false;
    let mut note = |name: String| {
        if name == "primary" {
            primary = true;
        } else if !names.contains(&name) {
            names.push(name);
        }
    };
    for e in trace {
        if let Lane::Node(n) = &e.lane {
            note(n.clone());
        }
        if e.wrote.is_some() {
            note("primary".into());
        }
        for a in &e.attempts {
            note(a.target.to_string());
        }
    }
    let number = |n: &String| -> (String, u32) {
        let split = n.rfind('-').map_or(n.len(), |i| i + 1);
        (n[..split].to_string(), n[split..].parse().unwrap_or(0))
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

/// Renders the trace as rows of at most [`WIDTH`] columns, header first.
pub fn render(trace: &[TraceEvent]) -> Vec<Row> {
    let nodes = nodes(trace);
    let lane = ((WIDTH - TIME - CLIENT - 2) / nodes.len().max(1)).clamp(9, 16) - 1;
    let mut rows = Vec::with_capacity(trace.len() + 1);
    let mut header = format!("{}{}", fit("time", TIME), fit("client", CLIENT));
    for n in &nodes {
        header.push(' ');
        header.push_str(&fit(n, lane));
    }
    rows.push(Row {
        text: header.trim_end().to_string(),
        violation: false,
    });
    for e in trace {
        let mut cells: Vec<String> = vec![String::new(); nodes.len()];
        let client = match &e.lane {
            Lane::Client { user, device } => {
                let mark = if e.violates.is_some() { "✗ " } else { "" };
                format!("{mark}{user}@{device} {}", e.label)
            }
            Lane::Node(n) => {
                if let Some(i) = nodes.iter().position(|x| x == n) {
                    cells[i] = e.label.clone();
                }
                String::new()
            }
        };
        if let (Some(lsn), Some(i)) = (e.wrote, nodes.iter().position(|n| n == "primary")) {
            cells[i] = format!("+ LSN {}", lsn.0);
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
            if let Some(i) = nodes.iter().position(|x| *x == name) {
                let cell = format!("{} {}", k + 1, attempt_cell(a.outcome));
                if cells[i].is_empty() {
                    cells[i] = cell;
                } else {
                    cells[i] = format!("{}, {cell}", cells[i]);
                }
            }
        }
        let mut text = format!("{}{}", fit(&fmt_time(e.at), TIME), fit(&client, CLIENT));
        for c in &cells {
            text.push(' ');
            text.push_str(&fit(c, lane));
        }
        rows.push(Row {
            text: text.trim_end().to_string(),
            violation: e.violates.is_some(),
        });
        if let Some(g) = e.violates {
            // Name the guarantee under the row that broke it.
            rows.push(Row {
                text: format!("{}└ {g} violated: {}", " ".repeat(TIME), e.text),
                violation: true,
            });
            let last = rows.last_mut().expect("just pushed");
            if last.text.chars().count() > WIDTH {
                last.text = fit(&last.text, WIDTH);
            }
        }
    }
    rows
}

/// A legend for the symbols, under 100 columns.
pub const LEGEND: &str =
    "+ written as · ✓ served at · ✗ refused (had only) · ⌀ no answer · 1 2 3 attempt order";
