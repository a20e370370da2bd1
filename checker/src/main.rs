use clap::Parser;
use std::process::ExitCode;
use tcpmc::cli::{CheckArgs, Cli, Command};
use tcpmc::pictures;
use tcpmc::settings::InputError;
use tcpmc_properties::{registry, Kind, PropertyDef};

fn main() -> ExitCode {
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
                let _ = e.print();
                return if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                    ExitCode::from(2)
                } else {
                    ExitCode::SUCCESS
                };
            }
            // One line: clap's first line without its "error: " prefix.
            let rendered = e.to_string();
            let first = rendered.lines().next().unwrap_or("bad arguments");
            let allowed = rendered
                .lines()
                .find(|l| l.contains("possible values:"))
                .map(|l| format!(" {}", l.trim()))
                .unwrap_or_default();
            eprintln!(
                "tcpmc: {}{allowed} (see tcpmc check --help)",
                first.trim_start_matches("error: ")
            );
            return ExitCode::from(2);
        }
    };
    let result = match cli.command {
        Command::Check(args) => check(&args),
        Command::Diagram(args) => pictures::config(args.config.as_deref(), &args.fields)
            .and_then(|cfg| pictures::diagram(&cfg, args.out.as_deref()))
            .map(|()| ExitCode::SUCCESS),
        Command::Graph(args) => pictures::config(args.config.as_deref(), &args.fields)
            .and_then(|cfg| pictures::graph(&cfg, &args.out, args.max_states))
            .map(|()| ExitCode::SUCCESS),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("tcpmc: {e}");
            ExitCode::from(2)
        }
    }
}

fn check(args: &CheckArgs) -> Result<ExitCode, InputError> {
    if args.list {
        for p in registry() {
            let kind = match p.kind {
                Kind::Invariant => "invariant",
                Kind::Reachability => "coverage",
            };
            println!("{:<32} {:<10} {}", p.name, kind, p.description);
        }
        return Ok(ExitCode::SUCCESS);
    }
    let cfg = pictures::config(args.config.as_deref(), &args.fields)?;
    let props: Vec<&'static PropertyDef> = if args.properties.is_empty() {
        registry().iter().collect()
    } else {
        let mut chosen = Vec::new();
        for name in &args.properties {
            let p = tcpmc_properties::find(name).ok_or_else(|| {
                InputError(format!(
                    "unknown property '{name}' (tcpmc check --list shows them)"
                ))
            })?;
            if !chosen.iter().any(|c: &&PropertyDef| c.name == p.name) {
                chosen.push(p);
            }
        }
        chosen
    };
    let threads = match args.threads {
        Some(0) => return Err(InputError("--threads must be at least 1".into())),
        Some(n) => n,
        None => std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
    };
    if let Some(dir) = &args.out {
        // Fail on an unusable directory before a long search, not after it.
        std::fs::create_dir_all(dir).map_err(|e| {
            InputError(format!(
                "cannot create --out directory {}: {e}",
                dir.display()
            ))
        })?;
    }
    let report = tcpmc::run::check(&cfg, &props, threads, args.stop_early);
    if let Some(dir) = &args.out {
        pictures::write_report_files(&report, dir)?;
    }
    if args.json {
        let text = serde_json::to_string_pretty(&report)
            .map_err(|e| InputError(format!("cannot encode the report: {e}")))?;
        println!("{text}");
    } else {
        print!("{}", tcpmc_reports::text::render(&report));
    }
    Ok(if report.violated() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
