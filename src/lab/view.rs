//! The live view: a lane per node with its applied position and lag, the last
//! requests through the router, and read-your-writes violations as they happen —
//! plus keys that inject the same faults as `POST /admin/replica/<n>/…`.
//!
//! It only reads the lab's state ([`Cluster::statuses`], the event ring) and calls
//! [`Cluster::admin`]; `--no-tui` prints the same events as lines instead.

use super::events::{EventKind, LabEvent};
use super::server::{AdminParams, Cluster, NodeStatus};
use crate::model::fmt_time;
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// The delays `d` and `D` step through.
const DELAYS_MS: [u64; 9] = [0, 200, 500, 1_000, 2_000, 5_000, 10_000, 30_000, 90_000];

const KEYS: &str = "1-9 pick replica · d/D delay up/down · s stall · r resume · c crash · \
                    R restart · b restore from backup · q quit";

/// Runs the view until `q`, Ctrl-C or `stop`.
pub fn run(cluster: Arc<Cluster>, stop: &AtomicBool) -> std::io::Result<()> {
    let mut terminal = ratatui::try_init()?;
    let result = view_loop(&mut terminal, &cluster, stop);
    ratatui::restore();
    result
}

fn view_loop(
    terminal: &mut ratatui::DefaultTerminal,
    cluster: &Cluster,
    stop: &AtomicBool,
) -> std::io::Result<()> {
    let mut selected: u32 = 1;
    let mut message = String::new();
    while !stop.load(Ordering::Relaxed) {
        let statuses = cluster.statuses();
        terminal.draw(|frame| draw(frame, cluster, &statuses, selected, &message))?;
        if !event::poll(Duration::from_millis(100))? {
            continue;
        }
        let Event::Key(key) = event::read()? else {
            continue;
        };
        if key.kind != KeyEventKind::Press {
            continue;
        }
        let n = cluster.replica_count() as u32;
        let act = |action: &str, params: AdminParams| match cluster.admin(selected, action, &params)
        {
            Ok(text) | Err(text) => text,
        };
        match key.code {
            KeyCode::Char('q') | KeyCode::Esc => return Ok(()),
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => return Ok(()),
            KeyCode::Char(c @ '1'..='9') => {
                let pick = c.to_digit(10).unwrap_or(1);
                if pick <= n {
                    selected = pick;
                    message = format!("replica-{selected} selected");
                }
            }
            KeyCode::Char('d') | KeyCode::Char('D') => {
                let current = statuses
                    .get(selected as usize)
                    .and_then(|s| s.delay_ms)
                    .unwrap_or(0);
                let next = if key.code == KeyCode::Char('d') {
                    DELAYS_MS
                        .iter()
                        .copied()
                        .find(|d| *d > current)
                        .unwrap_or(current)
                } else {
                    DELAYS_MS
                        .iter()
                        .rev()
                        .copied()
                        .find(|d| *d < current)
                        .unwrap_or(0)
                };
                message = act(
                    "delay",
                    AdminParams {
                        ms: Some(next),
                        ..AdminParams::default()
                    },
                );
            }
            KeyCode::Char('s') => message = act("stall", AdminParams::default()),
            KeyCode::Char('r') => message = act("resume", AdminParams::default()),
            KeyCode::Char('c') => message = act("crash", AdminParams::default()),
            KeyCode::Char('R') => message = act("restart", AdminParams::default()),
            KeyCode::Char('b') => message = act("restore", AdminParams::default()),
            _ => {}
        }
    }
    Ok(())
}

fn draw(
    frame: &mut ratatui::Frame,
    cluster: &Cluster,
    statuses: &[NodeStatus],
    selected: u32,
    message: &str,
) {
    let violations = cluster.events.last_of(EventKind::Violation, 6);
    let [title, nodes, bad, recent, help] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(statuses.len() as u16 + 2),
        Constraint::Length(8),
        Constraint::Min(4),
        Constraint::Length(3),
    ])
    .areas(frame.area());

    let (operations, found) = {
        let live = cluster.live.lock().unwrap_or_else(|e| e.into_inner());
        (
            live.history().writes.len() + live.history().reads.len(),
            live.violations().len(),
        )
    };
    let header = Line::from(vec![
        Span::styled("QuickPost lab", Style::new().add_modifier(Modifier::BOLD)),
        Span::raw(format!(
            " · router http://{} runs {} · {operations} operations · ",
            cluster.addrs.router, cluster.implementation
        )),
        Span::styled(
            format!(
                "{found} read-your-writes violation{}",
                if found == 1 { "" } else { "s" }
            ),
            if found > 0 {
                Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)
            } else {
                Style::new().fg(Color::Green)
            },
        ),
    ]);
    frame.render_widget(
        Paragraph::new(vec![header, Line::from(message.to_string())]).wrap(Wrap { trim: true }),
        title,
    );

    let primary_lsn = statuses.first().map_or(0, |s| s.applied_lsn.0);
    // Narrow terminals drop the addresses (the banner printed them) and shorten the bar.
    let wide = nodes.width >= 120;
    let bar_width = if wide { 24usize } else { 12 };
    let lanes: Vec<Line> = statuses
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let filled = if primary_lsn == 0 {
                bar_width
            } else {
                (s.applied_lsn.0 as usize * bar_width / primary_lsn as usize).min(bar_width)
            };
            let color = match s.state.as_str() {
                "crashed" => Color::Red,
                "stalled" => Color::Yellow,
                _ if s.lag_lsn > 0 => Color::Yellow,
                _ => Color::Green,
            };
            let pick = if i as u32 == selected && i > 0 {
                "▶ "
            } else {
                "  "
            };
            let detail = match s.delay_ms {
                None => "accepts writes".to_string(),
                Some(delay) => format!(
                    "lag {} / {} · delay {} · {}",
                    s.lag_lsn,
                    fmt_time(s.lag_ms),
                    fmt_time(delay),
                    s.state
                ),
            };
            Line::from(vec![
                Span::raw(if wide {
                    format!(
                        "{pick}{:<10} {:<22} ",
                        s.node,
                        s.address.trim_start_matches("http://")
                    )
                } else {
                    format!("{pick}{:<10} ", s.node)
                }),
                Span::styled("█".repeat(filled), Style::new().fg(color)),
                Span::styled(
                    "░".repeat(bar_width - filled),
                    Style::new().fg(Color::DarkGray),
                ),
                Span::raw(format!(" LSN {:<5} {detail}", s.applied_lsn.0)),
            ])
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lanes).block(Block::default().borders(Borders::ALL).title(" nodes ")),
        nodes,
    );

    frame.render_widget(
        Paragraph::new(event_lines(&violations, Some(Color::Red)))
            .wrap(Wrap { trim: true })
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(" session-guarantee violations (the grader's checker, live) "),
            ),
        bad,
    );

    let rows = recent.height.saturating_sub(2) as usize;
    let last = cluster.events.last(rows.max(1));
    frame.render_widget(
        Paragraph::new(event_lines(&last, None)).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" last requests and faults "),
        ),
        recent,
    );
    frame.render_widget(
        Paragraph::new(KEYS)
            .wrap(Wrap { trim: true })
            .style(Style::new().fg(Color::DarkGray)),
        help,
    );
}

fn event_lines(events: &[LabEvent], color: Option<Color>) -> Vec<Line<'static>> {
    events
        .iter()
        .map(|e| {
            let style = match (color, e.kind) {
                (Some(c), _) => Style::new().fg(c),
                (None, EventKind::Violation) | (None, EventKind::RouterFault) => {
                    Style::new().fg(Color::Red)
                }
                (None, EventKind::Fault) => Style::new().fg(Color::Yellow),
                _ => Style::new(),
            };
            Line::styled(e.line(), style)
        })
        .collect()
}
