//! Terminal concerns: whether to color output.

use clap::ValueEnum;
use std::io::IsTerminal;

/// `--color auto|always|never`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Color when stdout is a terminal and `NO_COLOR` is not set.
    #[default]
    Auto,
    Always,
    Never,
}

/// Decides once, for the whole process, whether output is colored.
pub fn apply(choice: ColorChoice) {
    let on = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    colored::control::set_override(on);
}

/// The width of the output, when there is one to honour: `COLUMNS` when it is set to
/// a number (so a user, or a test, can choose), else the terminal's width when
/// standard output is a terminal; `None` when piped, where reports keep to 100
/// columns.
pub fn columns() -> Option<usize> {
    let env = std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&c| c > 0);
    if env.is_some() {
        return env;
    }
    if !std::io::stdout().is_terminal() {
        return None;
    }
    terminal_columns()
}

#[cfg(unix)]
fn terminal_columns() -> Option<usize> {
    // SAFETY: TIOCGWINSZ writes one `winsize` into the struct we own; a zeroed
    // winsize is a valid value to start from.
    let mut size: libc::winsize = unsafe { std::mem::zeroed() };
    let ok = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) } == 0;
    (ok && size.ws_col > 0).then_some(usize::from(size.ws_col))
}

#[cfg(not(unix))]
fn terminal_columns() -> Option<usize> {
    None
}

/// Wraps prose at `width` columns, indenting continuation lines by `indent` spaces.
pub fn wrap(text: &str, width: usize, indent: usize) -> String {
    let mut out = String::new();
    let mut line_len = 0;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if line_len > 0 && line_len + 1 + len > width {
            out.push('\n');
            out.push_str(&" ".repeat(indent));
            line_len = indent;
        } else if line_len > 0 {
            out.push(' ');
            line_len += 1;
        }
        out.push_str(word);
        line_len += len;
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn wraps_at_width_with_indent() {
        let text = "one two three four five six seven";
        assert_eq!(
            super::wrap(text, 14, 2),
            "one two three\n  four five\n  six seven"
        );
    }
}
