//! `tcpmc explore`: prints the URL and serves stateright's Explorer ([`explorer`]) until Ctrl-C.

pub mod explorer;

use crate::input::cli::ExploreArgs;
use crate::input::error::InputError;
use std::process::ExitCode;

/// `tcpmc explore`: serves until interrupted; exit status 0, or 2 on bad input.
pub fn explore_command(args: &ExploreArgs) -> Result<ExitCode, InputError> {
    use std::io::Write;
    let cfg = args.cfg.build()?;
    let addr = std::net::SocketAddr::new(args.bind, args.port);
    explorer::check_address(addr)?;
    if let Some(note) = std::env::current_dir()
        .ok()
        .and_then(|d| explorer::ui_folder_note(&d))
    {
        eprintln!("{note}");
    }
    explorer::stop_cleanly_on_interrupt();
    println!("tcpmc explorer: http://{addr}/  (Ctrl-C stops it)");
    let _ = std::io::stdout().flush();
    explorer::serve(cfg, addr);
    Ok(ExitCode::SUCCESS)
}
