//! The command line: argument parsing and dispatch. Each command lives in its own
//! module and returns an [`ExitCode`]; nothing deeper calls `process::exit`.
//!
//! Exit codes: 0 pass, 1 fail or not implemented, 2 usage or input error.

mod compare;
mod grade;
mod hint;
mod kata;
mod lab;
mod quiz;
mod reset;
mod supervise;
mod watch;

pub use kata::{STATUS_HANG, Status, list_request, status, status_here};

use crate::grader::{DEFAULT_RANDOM_SCENARIOS, INSTRUCTOR, Target};
use crate::katas::{KataRunner, Registry};
use crate::term::{self, ColorChoice};
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// Exit code for a pass.
pub const EXIT_PASS: u8 = 0;
/// Exit code for a failure, or code that is not implemented yet.
pub const EXIT_FAIL: u8 = 1;
/// Exit code for bad usage or bad input (unknown kata, malformed scenario file).
pub const EXIT_USAGE: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "replication-katas",
    version,
    about = "Katas on replicated databases: write the routing and failover logic, then watch \
             adversarial replication-lag scenarios attack it.",
    after_help = "Start with `cargo run -- kata list`."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// When to color the output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List the katas or show one.
    #[command(subcommand)]
    Kata(KataCommand),
    /// Grade an implementation against the curated and random scenarios.
    Grade(GradeArgs),
    /// Show the next hint for a kata (or a given one).
    Hint {
        /// The kata, e.g. quickpost.
        kata: String,
        /// Show this hint (1-based) instead of the next one.
        number: Option<usize>,
        /// Show every hint.
        #[arg(long)]
        all: bool,
    },
    /// Re-run one scenario as a timeline, with each routing decision (a long one shows the
    /// failure and what explains it; --all shows every step).
    Replay(ReplayArgs),
    /// Your implementation, the instructor's and every naive strategy, side by side.
    Compare {
        kata: String,
        /// Seed shared by every implementation; a fresh one by default.
        #[arg(long)]
        seed: Option<u64>,
        /// Random scenarios per implementation.
        #[arg(long, default_value_t = 500, value_name = "N", value_parser = random_count)]
        random: usize,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Show the instructor's source even before your implementation passes.
        #[arg(long)]
        reveal: bool,
    },
    /// Concept checks: multiple-choice questions and design challenges, with your score.
    Quiz(quiz::QuizArgs),
    /// Re-grade every time you save the kata file.
    Watch {
        kata: String,
        /// Ignore file events; re-grade only when you press Enter.
        #[arg(long)]
        manual: bool,
        /// How long the file must be quiet after a save before grading.
        #[arg(long, default_value_t = 200, value_name = "MS")]
        debounce_ms: u64,
        /// Grade every save on this seed, so each run meets the same scenarios; a
        /// fresh seed each run by default.
        #[arg(long)]
        seed: Option<u64>,
    },
    /// Print a shell completion script, e.g. `cargo run -- completions bash`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// A live cluster on 127.0.0.1 — a primary, replicas with a replication delay,
    /// and your QuickPost router in front — to poke with curl (docs/lab.md).
    Lab(lab::LabArgs),
    /// The grader's supervised child process (internal: see `cli/supervise.rs`).
    #[command(name = "__child", hide = true)]
    Child,
}

#[derive(Debug, Subcommand)]
enum KataCommand {
    /// Every kata, with its topic and your status (a full grade of each, as `grade`
    /// runs it).
    List {
        /// Seed for the random scenarios; a fresh one by default.
        #[arg(long)]
        seed: Option<u64>,
    },
    /// A kata's story, the file to edit and what to implement.
    Show { kata: String },
    /// Put the shipped skeleton back in the kata file (asks first).
    Reset {
        kata: String,
        /// Do not ask.
        #[arg(long)]
        yes: bool,
        /// Also clear your quiz score for the kata (kept otherwise).
        #[arg(long)]
        quiz: bool,
    },
}

#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum, serde::Serialize, serde::Deserialize,
)]
pub(crate) enum Format {
    #[default]
    Human,
    Json,
}

#[derive(Debug, clap::Args)]
struct Implementation {
    /// Grade a solution from solutions/ instead of your kata file: the instructor's
    /// (no value) or a naive strategy by name.
    #[arg(long, num_args = 0..=1, default_missing_value = INSTRUCTOR, value_name = "NAME")]
    solution: Option<String>,
    /// Also load the scenario files (*.yaml) of this directory.
    #[arg(long, value_name = "DIR")]
    scenarios: Option<PathBuf>,
}

impl Implementation {
    fn target(&self) -> Target {
        match &self.solution {
            Some(name) => Target::Solution(name.clone()),
            None => Target::Learner,
        }
    }
}

/// Limits on the process that runs the graded code.
#[derive(Debug, clap::Args)]
struct LimitArgs {
    /// Stop after this many seconds and report what was graded (0: no limit).
    #[arg(long, default_value_t = supervise::DEFAULT_TIME_LIMIT_S, value_name = "SECONDS")]
    time_limit: u64,
    /// Memory (address space) the graded code may use, in MiB (0: no limit).
    #[arg(long, default_value_t = supervise::DEFAULT_MEMORY_MIB, value_name = "MIB")]
    memory_limit: u64,
}

#[derive(Debug, clap::Args)]
struct GradeArgs {
    /// The kata, e.g. quickpost.
    kata: String,
    #[command(flatten)]
    implementation: Implementation,
    /// Seed for the random scenarios and the simulation; a fresh one by default.
    #[arg(long)]
    seed: Option<u64>,
    /// How many random scenarios to add to the curated ones (at most 100,000).
    #[arg(long, default_value_t = DEFAULT_RANDOM_SCENARIOS, value_name = "N", value_parser = random_count)]
    random: usize,
    /// Explore every schedule of the kata's small scope (2 replicas, up to 4
    /// operations, lags from {0, 1 s, 90 s}, a restore or not) instead of curated and
    /// random scenarios.
    #[arg(long, conflicts_with_all = ["random", "scenarios"])]
    exhaustive: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Measure grading time (printed to stderr; in JSON as stats.elapsed_ms). Off by
    /// default so that the same seed gives the same bytes.
    #[arg(long)]
    timings: bool,
    /// How long one call into the graded code may take before it counts as a hang.
    #[arg(long, default_value_t = 2_000, value_name = "MS")]
    hang_limit_ms: u64,
    /// Grading threads (default: one per core, at most four). Results do not depend
    /// on it.
    #[arg(long, short = 'j', default_value_t = 0, value_name = "N")]
    jobs: usize,
    #[command(flatten)]
    limits: LimitArgs,
}

#[derive(Debug, clap::Args)]
struct ReplayArgs {
    kata: String,
    /// The scenario's name: a curated one, or random-N.
    #[arg(long)]
    scenario: String,
    /// The seed of the grade that failed.
    #[arg(long)]
    seed: u64,
    #[command(flatten)]
    implementation: Implementation,
    /// One sentence per event instead of the timeline.
    #[arg(long)]
    lines: bool,
    /// Every event. By default a long replay shows the failing operations and what
    /// explains them (or the reads that spent a budget), with the cluster's events.
    #[arg(long, conflicts_with_all = ["user", "around", "violations"])]
    all: bool,
    /// Only this user's operations (and the cluster's events).
    #[arg(long, value_name = "NAME")]
    user: Option<String>,
    /// Only what happened around this time: seconds (71.05) or milliseconds (71050ms).
    #[arg(long, value_name = "T")]
    around: Option<String>,
    /// How far either side of --around to show (seconds, or milliseconds with `ms`).
    #[arg(long, value_name = "T", default_value = "5", requires = "around")]
    window: String,
    /// Only the failing operations and the events that explain them.
    #[arg(long)]
    violations: bool,
    #[arg(long, default_value_t = 2_000, value_name = "MS")]
    hang_limit_ms: u64,
    #[command(flatten)]
    limits: LimitArgs,
}

/// Most random scenarios one grade may ask for: they are generated up front and kept
/// in memory (about 4 KiB each), and the child has a memory limit; a bigger number
/// would end as "out of memory", blamed on the learner's code.
pub const MAX_RANDOM: usize = 100_000;

/// Parses `--random N`, refusing more than [`MAX_RANDOM`].
fn random_count(text: &str) -> Result<usize, String> {
    let n: usize = text
        .parse()
        .map_err(|_| format!("`{text}` is not a whole number of scenarios"))?;
    if n > MAX_RANDOM {
        return Err(format!(
            "at most {MAX_RANDOM} random scenarios per grade (each is kept in memory); for \
             more coverage, grade several seeds"
        ));
    }
    Ok(n)
}

const UNKNOWN_KATA: &str = "error: there is no kata named `{name}`.\nThe katas are: {list}.\n\
See them with `cargo run -- kata list`.";

const SCENARIO_SCHEMA: &str = "The scenario schema, with every field and fault kind, is in \
docs/scenarios.md.";

/// Why grading could not start, and where to look next.
fn input_error_text(e: &crate::grader::GradeError) -> String {
    let mut text = format!("error: {e}\n");
    if let crate::grader::GradeError::Scenario(_) = e {
        text.push_str(SCENARIO_SCHEMA);
        text.push('\n');
    }
    text
}

/// Finds a kata or explains which ones exist.
fn find<'r>(registry: &'r Registry, name: &str) -> Result<&'r dyn KataRunner, ExitCode> {
    registry.find(name).ok_or_else(|| {
        eprintln!(
            "{}",
            UNKNOWN_KATA
                .replace("{name}", name)
                .replace("{list}", &registry.names().join(", "))
        );
        ExitCode::from(EXIT_USAGE)
    })
}

/// Where the learner's progress is kept: `$REPLICATION_KATAS_STATE_DIR/progress.json`
/// when that variable is set (tests use it), else `.replication-katas/progress.json`
/// at the repository root.
fn state_file(root: &std::path::Path) -> PathBuf {
    match std::env::var_os("REPLICATION_KATAS_STATE_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir).join("progress.json"),
        _ => crate::progress::path(root),
    }
}

/// Lets `replication-katas … | head` end quietly when `head` stops reading, as Unix
/// tools do, instead of failing a print with "Broken pipe". Rust ignores SIGPIPE by
/// default, which turns a closed pipe into an error on every later print.
fn restore_default_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called once at start-up, before any other thread exists; SIG_DFL is a
    // valid disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// What `println!` panics with when stdout cannot be written (a full disk,
/// `> /dev/full`).
const STDOUT_FAILED: &str = "failed printing to stdout";

/// Runs a command; if printing its output fails, says so and returns exit code 2
/// instead of panicking with a backtrace.
fn reporting_stdout_errors(command: impl FnOnce() -> ExitCode) -> ExitCode {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if !message.starts_with(STDOUT_FAILED) {
            previous(info);
        }
    }));
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(command)) {
        Ok(code) => code,
        Err(payload) => {
            let message = payload
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_default();
            match message.strip_prefix(STDOUT_FAILED) {
                Some(reason) => {
                    eprintln!(
                        "error: cannot write the output to stdout{reason}. Check the disk or \
                         the file stdout goes to."
                    );
                    ExitCode::from(EXIT_USAGE)
                }
                None => std::panic::resume_unwind(payload),
            }
        }
    }
}

/// Runs the command line. `root` is the repository root (where `katas/` lives);
/// `REPLICATION_KATAS_ROOT` overrides it (the project's tests use a scratch copy).
pub fn run(registry: Registry, root: PathBuf) -> ExitCode {
    reporting_stdout_errors(move || run_command(registry, root))
}

fn run_command(registry: Registry, root: PathBuf) -> ExitCode {
    restore_default_sigpipe();
    let root = match std::env::var_os("REPLICATION_KATAS_ROOT") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => root,
    };
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                EXIT_USAGE
            } else {
                EXIT_PASS
            });
        }
    };
    term::apply(cli.color);
    let registry = Arc::new(registry);
    match cli.command {
        Command::Child => supervise::child_main(registry),
        Command::Kata(KataCommand::List { seed }) => kata::list(
            &registry,
            &state_file(&root),
            seed.unwrap_or_else(grade::fresh_seed),
        ),
        Command::Kata(KataCommand::Show { kata }) => kata::show(&registry, &kata),
        Command::Kata(KataCommand::Reset {
            kata,
            yes,
            quiz: clear_quiz,
        }) => match reset::reset(&registry, &root, &kata, yes) {
            code if clear_quiz && code == ExitCode::from(EXIT_PASS) => {
                quiz::forget(&state_file(&root), &kata)
            }
            code => code,
        },
        Command::Quiz(args) => quiz::quiz(&registry, &state_file(&root), args),
        Command::Compare {
            kata,
            seed,
            random,
            format,
            reveal,
        } => compare::compare(
            registry,
            compare::CompareArgs {
                kata,
                seed: seed.unwrap_or_else(grade::fresh_seed),
                random,
                format,
                reveal,
                hang_limit: std::time::Duration::from_secs(2),
            },
        ),
        Command::Watch {
            kata,
            manual,
            debounce_ms,
            seed,
        } => watch::watch(
            &registry,
            &root,
            &kata,
            manual,
            std::time::Duration::from_millis(debounce_ms),
            seed,
        ),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "replication-katas", &mut std::io::stdout());
            ExitCode::from(EXIT_PASS)
        }
        Command::Grade(args) => grade::grade(registry, args),
        Command::Lab(args) => lab::lab(registry, args),
        Command::Replay(args) => grade::replay(registry, args),
        Command::Hint { kata, number, all } => {
            hint::hint(&registry, &state_file(&root), &kata, number, all)
        }
    }
}
