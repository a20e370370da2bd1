//! `tcpmc table`: renders the reaction table (`tcpmc_model::reaction`) as Markdown, CSV or JSON.
//! The rows come from the model; this file only formats them, deterministically.

use crate::settings::InputError;
use tcpmc_model::reaction::Reaction;

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A Markdown table.
    Md,
    /// Comma-separated values (RFC 4180 quoting), with a header line.
    Csv,
    /// A JSON array of objects.
    Json,
}

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
