//! The `tcpmc` binary: parses the command line and hands it to the subcommand's module.

use clap::Parser;
use std::process::ExitCode;
use tcpmc::commands::{bench, check, conform, explore, pictures, replay, sweep, table, variants};
use tcpmc::input::cli::{Cli, Command};
use tcpmc::input::error::{one_line, InputError};

fn main() -> ExitCode {
    // A closed stdout (`tcpmc check --json | head`) ends tcpmc quietly, as it does any Unix
    // filter, instead of a panic on the failed write.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE, before any thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                if e.kind() == ErrorKind::DisplayVersion && std::env::args().count() > 2 {
                    eprintln!("tcpmc: --version takes no other arguments (see tcpmc --help)");
                    return ExitCode::from(2);
                }
                let _ = e.print();
                return if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                    ExitCode::from(2)
                } else {
                    ExitCode::SUCCESS
                };
            }
            // One line: clap's first line without its "error: " prefix.
            let rendered = e.to_string();
            let mut lines = rendered.lines().filter(|l| !l.trim().is_empty());
            let mut first = lines
                .next()
                .unwrap_or("bad arguments")
                .trim_start_matches("error: ")
                .to_string();
            // "the following required arguments were not provided:" names them on the next line.
            if first.ends_with(':') {
                if let Some(next) = lines.next() {
                    first = format!("{first} {}", next.trim());
                }
            }
            let allowed = rendered
                .lines()
                .find(|l| l.contains("possible values:"))
                .map(|l| format!(" {}", l.trim()))
                .unwrap_or_default();
            // Point at the help of the subcommand the user typed, if any.
            let sub = std::env::args()
                .nth(1)
                .filter(|a| is_subcommand(a))
                .map(|a| format!("{a} "))
                .unwrap_or_default();
            // clap's "tip: a similar argument exists: '--msl'" is worth the same line.
            let tip = rendered
                .lines()
                .map(str::trim)
                .find(|l| l.starts_with("tip: "))
                .map(|l| format!("; {}", l.trim_start_matches("tip: ")))
                .unwrap_or_default();
            let msg = one_line(&format!("{first}{allowed}{tip}"));
            eprintln!("tcpmc: {msg} (see tcpmc {sub}--help)");
            return ExitCode::from(2);
        }
    };
    let result = match cli.command {
        Command::Check(args) => check::check_command(&args),
        Command::Replay(args) => replay::replay_command(&args),
        Command::Table(args) => table::table_command(&args),
        Command::Conform(args) => conform::conform_command(&args),
        Command::Sweep(args) => sweep::sweep_command(&args),
        Command::Minimize(args) => sweep::minimize_command(&args),
        Command::Variants => Ok(variants::variants_command()),
        Command::Diagram(args) => pictures::diagram_command(&args),
        Command::Bench(args) => bench::bench_command(&args),
        Command::BenchRun(args) => bench::bench_run_command(&args),
        Command::Graph(args) => pictures::graph_command(&args),
        Command::Explore(args) => explore::explore_command(&args),
    };
    result.unwrap_or_else(|e| bad_input(&e))
}

/// A visible subcommand's name, whose own `--help` an error should point at.
fn is_subcommand(name: &str) -> bool {
    use clap::CommandFactory;
    Cli::command()
        .get_subcommands()
        .any(|c| !c.is_hide_set() && c.get_name() == name)
}

/// Bad input: one line on stderr (of bounded length, whatever it quotes), exit status 2.
fn bad_input(e: &InputError) -> ExitCode {
    eprintln!("tcpmc: {}", one_line(&e.0));
    ExitCode::from(2)
}
