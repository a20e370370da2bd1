//! `tcpmc table`: renders the reaction table (`tcpmc_model::reaction`) as Markdown, CSV or JSON.
//! The rows come from the model; this file only formats them, deterministically.

use crate::input::cli::{Format, TableArgs};
use crate::input::error::InputError;
use crate::input::settings::variant_config;
use std::process::ExitCode;
use tcpmc_model::reaction::Reaction;

const HEADER: [&str; 9] = [
    "state",
    "segment",
    "case",
    "seq",
    "ack",
    "reply",
    "reply numbers",
    "next state",
    "application",
];

fn cells(r: &Reaction) -> [&str; 9] {
    [
        &r.state,
        &r.segment,
        &r.case,
        &r.seq,
        &r.ack,
        &r.reply,
        &r.reply_numbers,
        &r.next_state,
        &r.application,
    ]
}

/// The table in the chosen format, ending with a newline.
pub fn render(rows: &[Reaction], format: Format) -> Result<String, InputError> {
    Ok(match format {
        Format::Md => markdown(rows),
        Format::Csv => csv(rows),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(rows)
                .map_err(|e| InputError(format!("cannot encode the table: {e}")))?;
            s.push('\n');
            s
        }
    })
}

fn markdown(rows: &[Reaction]) -> String {
    let mut out = format!("| {} |\n", HEADER.join(" | "));
    out.push_str(&format!("|{}\n", "---|".repeat(HEADER.len())));
    for r in rows {
        // Cells never contain `|`; escape anyway so a future label cannot break the table.
        let c: Vec<String> = cells(r).iter().map(|c| c.replace('|', "\\|")).collect();
        out.push_str(&format!("| {} |\n", c.join(" | ")));
    }
    out
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn csv(rows: &[Reaction]) -> String {
    let mut out = HEADER.map(csv_field).join(",");
    out.push('\n');
    for r in rows {
        out.push_str(&cells(r).map(csv_field).join(","));
        out.push('\n');
    }
    out
}

/// `tcpmc table`: the reaction table of a variant list on stdout.
pub fn table_command(args: &TableArgs) -> Result<ExitCode, InputError> {
    let cfg = crate::input::settings::ticks_only(variant_config(&args.variant)?)?;
    let rows = tcpmc_model::reaction::table(&cfg);
    print!("{}", render(&rows, args.format)?);
    Ok(ExitCode::SUCCESS)
}
