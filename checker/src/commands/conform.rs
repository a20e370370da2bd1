//! `tcpmc conform`: runs a conformance suite against the live kernel and prints the agreement
//! table. The harness (namespace, TUN, packets, sockets) is `crate::conform`; this file checks
//! the inputs, runs the suite on a thread of its own and renders the result.

use crate::input::cli::{ConformArgs, Suite};
use crate::input::error::InputError;
use crate::input::settings::variant_config;
use std::process::ExitCode;

#[cfg(target_os = "linux")]
pub fn conform_command(args: &ConformArgs) -> Result<ExitCode, InputError> {
    use crate::conform::netns::{check_privilege, Namespace};
    use crate::conform::report::{render_json, render_markdown, Report};
    use crate::conform::{scenarios, table, walks};
    use crate::progress::{Display, Meter, Progress};
    use std::sync::Arc;

    /// What the worker runs, checked before the namespace is made.
    enum Job {
        Table(Vec<usize>),
        Scenarios(Vec<scenarios::Prepared>),
        Walks,
    }

    let cfg = crate::input::settings::ticks_only(variant_config(&args.variant)?)?;
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir).map_err(|e| {
            InputError(format!(
                "cannot create output directory {}: {e}",
                dir.display()
            ))
        })?;
    }
    // Inputs first: a bad file or filter is reported before any namespace is made.
    let job = match args.suite {
        Suite::Table => {
            let all = tcpmc_model::reaction::cases(&cfg);
            let pick: Vec<usize> = (0..all.len())
                .filter(|&i| {
                    let r = &all[i].reaction;
                    args.rows.as_ref().is_none_or(|f| {
                        format!("{} | {} | {}", r.state, r.segment, r.case).contains(f.as_str())
                    })
                })
                .collect();
            if pick.is_empty() {
                return Err(InputError(format!(
                    "no reaction-table row matches --rows '{}'",
                    args.rows.as_deref().unwrap_or_default()
                )));
            }
            Job::Table(pick)
        }
        Suite::Scenarios => {
            let prepared = scenarios::files(&args.files)?
                .iter()
                .map(|f| scenarios::prepare(f, &args.variant))
                .collect::<Result<Vec<_>, _>>()?;
            Job::Scenarios(prepared)
        }
        Suite::Walks => Job::Walks,
    };
    if args.suite != Suite::Table && args.rows.is_some() {
        return Err(InputError(
            "--rows goes with --suite table (see tcpmc conform --help)".into(),
        ));
    }
    if args.suite != Suite::Scenarios && !args.files.is_empty() {
        return Err(InputError(
            "scenario files go with --suite scenarios (see tcpmc conform --help)".into(),
        ));
    }
    check_privilege().map_err(|e| InputError(e.0))?;
    let variant = args.variant.clone();
    let run_cfg = cfg.clone();
    let (walks, seed, slow) = (args.walks, args.seed, args.slow);
    let suite = match args.suite {
        Suite::Table => "table",
        Suite::Scenarios => "scenarios",
        Suite::Walks => "walks",
    };
    let meter = Arc::new(Meter::default());
    meter.phase(suite);
    let display = Display::unless_quiet(args.progress.quiet);
    let progress = Progress::start(meter.clone(), display, "conform");
    // The namespace belongs to this thread alone; it vanishes with it, however the run ends.
    let worker = std::thread::spawn(move || -> Result<Report, String> {
        let ns = Namespace::enter(&table::SYSCTLS).map_err(|e| e.0)?;
        let outcomes = match job {
            Job::Table(pick) => table::run(&ns, &run_cfg, Some(&pick), &meter),
            Job::Scenarios(prepared) => scenarios::run(&ns, &prepared, slow, &meter),
            Job::Walks => walks::run(&ns, &run_cfg, &variant, walks, seed, &meter),
        };
        Ok(Report::new(&variant, suite, ns.sysctls.clone(), outcomes))
    });
    let joined = worker.join();
    progress.finish();
    let report = match joined {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => return Err(InputError(e)),
        Err(_) => return Err(InputError("the conformance run failed".into())),
    };
    let md = render_markdown(&report);
    let json = render_json(&report)?;
    if let Some(dir) = &args.out {
        let write = |name: &str, text: &str| {
            std::fs::write(dir.join(name), text)
                .map_err(|e| InputError(format!("cannot write {}: {e}", dir.join(name).display())))
        };
        write("conform.md", &md)?;
        write("conform.json", &json)?;
        crate::conform::report::write_captures(&report, dir)?;
        crate::conform::report::write_replays(&report, dir)?;
    }
    print!("{}", if args.json { &json } else { &md });
    Ok(if report.undeclared() == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

#[cfg(not(target_os = "linux"))]
pub fn conform_command(_: &ConformArgs) -> Result<ExitCode, InputError> {
    Err(InputError(
        "tcpmc conform tests the Linux kernel and runs only on Linux".into(),
    ))
}
