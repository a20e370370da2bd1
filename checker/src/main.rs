use clap::Parser;
use std::process::ExitCode;
use tcpmc::cli::{
    BenchArgs, BenchRunArgs, CheckArgs, Cli, Command, ExploreArgs, MinimizeArgs, ReplayArgs,
    SweepArgs, TableArgs,
};
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
                .filter(|a| ["check", "replay", "table", "explore"].contains(&a.as_str()))
                .map(|a| format!("{a} "))
                .unwrap_or_default();
            eprintln!("tcpmc: {first}{allowed} (see tcpmc {sub}--help)");
            return ExitCode::from(2);
        }
    };
    match cli.command {
        Command::Check(args) => match check(&args) {
            Ok(code) => code,
            Err(e) => bad_input(&e),
        },
        Command::Replay(args) => replay(&args).unwrap_or_else(|e| bad_input(&e)),
        Command::Table(args) => table(&args).unwrap_or_else(|e| bad_input(&e)),
        Command::Sweep(args) => sweep(&args).unwrap_or_else(|e| bad_input(&e)),
        Command::Minimize(args) => minimize(&args).unwrap_or_else(|e| bad_input(&e)),
        Command::Variants => {
            for v in tcpmc::variant::VARIANTS {
                let role = match v.role {
                    tcpmc::variant::Role::Base => "stack",
                    tcpmc::variant::Role::Modifier => "modifier",
                };
                println!("{:<16} {:<9} {}", v.name, role, v.summary);
            }
            ExitCode::SUCCESS
        }
        Command::Diagram(args) => args
            .cfg
            .build()
            .and_then(|cfg| pictures::diagram(&cfg, args.out.as_deref()))
            .map(|()| ExitCode::SUCCESS)
            .unwrap_or_else(|e| bad_input(&e)),
        Command::Bench(args) => bench(&args).unwrap_or_else(|e| bad_input(&e)),
        Command::BenchRun(args) => bench_run(&args).unwrap_or_else(|e| bad_input(&e)),
        Command::Graph(args) => args
            .cfg
            .build()
            .and_then(|cfg| pictures::graph(&cfg, &args.out, args.max_states))
            .map(|()| ExitCode::SUCCESS)
            .unwrap_or_else(|e| bad_input(&e)),
        Command::Explore(args) => explore(&args).unwrap_or_else(|e| bad_input(&e)),
    }
}

/// `tcpmc explore`: prints the URL and serves stateright's Explorer until Ctrl-C.
fn explore(args: &ExploreArgs) -> Result<ExitCode, InputError> {
    use std::io::Write;
    let cfg = args.cfg.build()?;
    let addr = std::net::SocketAddr::new(args.bind, args.port);
    tcpmc::explorer::check_address(addr)?;
    if let Some(note) = std::env::current_dir()
        .ok()
        .and_then(|d| tcpmc::explorer::ui_folder_note(&d))
    {
        eprintln!("{note}");
    }
    tcpmc::explorer::stop_cleanly_on_interrupt();
    println!("tcpmc explorer: http://{addr}/  (Ctrl-C stops it)");
    let _ = std::io::stdout().flush();
    tcpmc::explorer::serve(cfg, addr);
    Ok(ExitCode::SUCCESS)
}

/// The named properties, or `default` when none is named.
fn select_properties(
    names: &[String],
    default: impl Fn(&PropertyDef) -> bool,
) -> Result<Vec<&'static PropertyDef>, InputError> {
    if names.is_empty() {
        return Ok(registry().iter().filter(|p| default(p)).collect());
    }
    let mut chosen: Vec<&'static PropertyDef> = Vec::new();
    for name in names {
        let p = tcpmc_properties::find(name).ok_or_else(|| {
            InputError(format!(
                "unknown property '{name}' (tcpmc check --list shows them)"
            ))
        })?;
        if !chosen.iter().any(|c| c.name == p.name) {
            chosen.push(p);
        }
    }
    Ok(chosen)
}

/// A count flag (`--jobs`, `--threads`): at least 1, the number of cores when not given.
fn count(flag: &str, requested: Option<usize>) -> Result<usize, InputError> {
    match requested {
        Some(0) => Err(InputError(format!("--{flag} must be at least 1"))),
        Some(n) => Ok(n),
        None => Ok(std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)),
    }
}

fn jobs(requested: Option<usize>) -> Result<usize, InputError> {
    count("jobs", requested)
}

/// Creates an `--out` directory before a long search, so a bad path fails at once.
fn create_out_dir(dir: &std::path::Path) -> Result<(), InputError> {
    std::fs::create_dir_all(dir).map_err(|e| {
        InputError(format!(
            "cannot create --out directory {}: {e}",
            dir.display()
        ))
    })
}

/// `tcpmc sweep`: the matrix variant × property.
fn sweep(args: &SweepArgs) -> Result<ExitCode, InputError> {
    use tcpmc::sweep;
    let params = args
        .param
        .iter()
        .map(|p| sweep::parse_param(p))
        .collect::<Result<Vec<_>, _>>()?;
    let props = select_properties(&args.properties, |p| p.kind == Kind::Invariant)?;
    let overrides = args.shared.fields.overrides();
    let runs = sweep::plan(
        args.shared.config.as_deref(),
        &args.variants,
        &params,
        &overrides,
    )?;
    if let Some(dir) = &args.out {
        create_out_dir(dir)?;
    }
    let reports = sweep::run_all(&runs, &props, args.shared.options(), jobs(args.jobs)?, true);
    let rows = sweep::rows(&runs, &reports, args.out.as_deref())?;
    let md = sweep::markdown(&rows);
    let json = serde_json::to_string_pretty(&rows)
        .map_err(|e| InputError(format!("cannot encode the matrix: {e}")))?;
    if let Some(dir) = &args.out {
        for (name, text) in [("sweep.md", &md), ("sweep.json", &json)] {
            std::fs::write(dir.join(name), text).map_err(|e| {
                InputError(format!("cannot write {}: {e}", dir.join(name).display()))
            })?;
        }
    }
    if args.json {
        println!("{json}");
    } else {
        print!("{md}");
    }
    Ok(ExitCode::SUCCESS)
}

/// `tcpmc minimize`: the smallest value of a parameter for which the properties hold.
fn minimize(args: &MinimizeArgs) -> Result<ExitCode, InputError> {
    use tcpmc::sweep;
    let field = args.param.replace('-', "_");
    sweep::check_integer_field(&field)?;
    if args.from > args.to {
        return Err(InputError(format!(
            "--from {} is above --to {}",
            args.from, args.to
        )));
    }
    let props = select_properties(&args.properties, |p| p.kind == Kind::Invariant)?;
    let param = sweep::Param {
        field: field.clone(),
        values: (args.from..=args.to).collect(),
    };
    let variant = args.variant.clone().unwrap_or_else(|| "baseline".into());
    let overrides = args.shared.fields.overrides();
    let runs = sweep::plan(
        args.shared.config.as_deref(),
        &[variant],
        &[param],
        &overrides,
    )?;
    let reports = sweep::run_all(&runs, &props, args.shared.options(), jobs(args.jobs)?, true);
    let trials: Vec<sweep::Trial> = runs
        .iter()
        .zip(&reports)
        .map(|(r, rep)| sweep::Trial {
            value: r.params[0].1,
            holds: !rep.violated(),
        })
        .collect();
    for (t, rep) in trials.iter().zip(&reports) {
        let broken: Vec<String> = rep
            .verdicts
            .iter()
            .filter(|v| v.verdict == tcpmc_reports::VerdictKind::Violated)
            .map(|v| {
                format!(
                    "{} ({})",
                    v.name,
                    v.steps.as_ref().map_or(0, |s| s.len() - 1)
                )
            })
            .collect();
        let verdict = if t.holds {
            "HOLDS".to_string()
        } else {
            format!("VIOLATED: {}", broken.join(", "))
        };
        println!("{field}={:<3} {verdict}", t.value);
    }
    let (smallest, monotone) = sweep::smallest_safe(&trials);
    if !monotone {
        let odd: Vec<String> = trials
            .iter()
            .filter(|t| t.holds && smallest.is_none_or(|s| t.value < s))
            .map(|t| t.value.to_string())
            .collect();
        println!(
            "not monotone: the properties also hold at {field}={} below the threshold",
            odd.join(",")
        );
    }
    match smallest {
        None => {
            println!(
                "no value of {field} in {}..={} makes the properties hold",
                args.from, args.to
            );
            Ok(ExitCode::from(1))
        }
        Some(v) if v == args.from => {
            println!("smallest {field}: {v} (the properties hold from the start of the range)");
            Ok(ExitCode::SUCCESS)
        }
        Some(v) => {
            println!("smallest {field}: {v}");
            let below = &reports[(v - args.from - 1) as usize];
            if let Some(viol) = below
                .verdicts
                .iter()
                .filter(|x| x.verdict == tcpmc_reports::VerdictKind::Violated)
                .min_by_key(|x| x.steps.as_ref().map_or(usize::MAX, |s| s.len()))
            {
                println!(
                    "\nat {field}={}: VIOLATED {} — {}",
                    v - 1,
                    viol.name,
                    viol.description
                );
                print!(
                    "{}",
                    tcpmc_reports::text::lasso(
                        viol.steps.as_deref().unwrap_or(&[]),
                        viol.loop_start
                    )
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Bad input: one line on stderr, exit status 2.
fn bad_input(e: &InputError) -> ExitCode {
    eprintln!("tcpmc: {e}");
    ExitCode::from(2)
}

fn bench(args: &BenchArgs) -> Result<ExitCode, InputError> {
    use tcpmc::bench;
    let rungs = bench::ladder(&args.ladder)
        .ok_or_else(|| InputError(format!("unknown ladder '{}'", args.ladder)))?;
    if args.threads.contains(&0) {
        return Err(InputError("--threads must be at least 1".into()));
    }
    let timeout = std::time::Duration::from_secs(args.timeout);
    eprintln!("{}", bench::HEADER);
    let rows = bench::run_ladder(&rungs, &args.threads, timeout, |r| {
        eprintln!("{}", bench::render_row(r))
    })
    .map_err(InputError)?;
    let text = bench::render(&rows);
    print!("{text}");
    if let Some(path) = &args.out {
        std::fs::write(path, &text)
            .map_err(|e| InputError(format!("cannot write {}: {e}", path.display())))?;
    }
    Ok(if text.contains("MISMATCH") {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn bench_run(args: &BenchRunArgs) -> Result<ExitCode, InputError> {
    let mut cfg: tcpmc_model::Config = serde_json::from_str(&args.config_json)
        .map_err(|e| InputError(format!("bad --config-json: {e}")))?;
    cfg.validate().map_err(|e| InputError(e.to_string()))?;
    cfg.first_isn_any = args.first_isn_any;
    cfg.unsorted_network = args.unsorted_network;
    let m = tcpmc::bench::measure(&cfg, args.mode, args.threads.max(1));
    let text = serde_json::to_string(&m)
        .map_err(|e| InputError(format!("cannot encode the measurement: {e}")))?;
    println!("{text}");
    Ok(ExitCode::SUCCESS)
}

fn replay(args: &ReplayArgs) -> Result<ExitCode, InputError> {
    let scenario = tcpmc::scenario_file::load(&args.file)?;
    let outcome = tcpmc::replay::run(&scenario);
    print!("{}", outcome.text);
    Ok(if outcome.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn table(args: &TableArgs) -> Result<ExitCode, InputError> {
    let cfg = tcpmc::variant::variant_config(&args.variant)?;
    let rows = tcpmc_model::reaction::table(&cfg);
    print!("{}", tcpmc::table::render(&rows, args.format)?);
    Ok(ExitCode::SUCCESS)
}

fn check(args: &CheckArgs) -> Result<ExitCode, InputError> {
    if args.list {
        for p in registry() {
            let kind = match p.kind {
                Kind::Invariant => "invariant",
                Kind::Reachability => "coverage",
                Kind::Terminates(_) => "liveness",
            };
            println!("{:<32} {:<10} {}", p.name, kind, p.description);
        }
        return Ok(ExitCode::SUCCESS);
    }
    let cfg = args.cfg.build()?;
    let props = select_properties(&args.properties, |_| true)?;
    let threads = count("threads", args.threads)?;
    if let Some(dir) = &args.out {
        create_out_dir(dir)?;
    }
    let opts = tcpmc::run::Options {
        threads,
        search: args.search,
        stop_early: args.stop_early,
        fairness: tcpmc::run::fairness(args.fair_delivery, args.fair_app),
    };
    let report = tcpmc::run::check_with(&cfg, &props, opts);
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
