//! `tcpmc table`: cells held against RFC 9293 §3.10.7 (and RFC 5961, RFC 1337 where the baseline
//! follows them), and the three formats, which must parse and be byte-identical across runs.

use serde_json::Value;

mod common;
use common::{stdout, tcpmc};

fn rows() -> Vec<Value> {
    let o = tcpmc(&["table", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    v.as_array().expect("an array").clone()
}

/// The row for (state, segment, case); exactly one must exist.
fn cell<'a>(rows: &'a [Value], state: &str, segment: &str, case: &str) -> &'a Value {
    let found: Vec<&Value> = rows
        .iter()
        .filter(|r| r["state"] == state && r["segment"] == segment && r["case"] == case)
        .collect();
    assert_eq!(found.len(), 1, "{state} / {segment} / {case}: {found:?}");
    found[0]
}

/// Asserts reply flags, next state and application signal.
fn assert_reaction(
    rows: &[Value],
    (state, segment, case): (&str, &str, &str),
    reply: &str,
    next: &str,
    app: &str,
) {
    let r = cell(rows, state, segment, case);
    assert_eq!(r["reply"], reply, "{state} / {segment} / {case}: {r}");
    assert_eq!(r["next_state"], next, "{state} / {segment} / {case}: {r}");
    assert_eq!(r["application"], app, "{state} / {segment} / {case}: {r}");
}

#[test]
fn cells_agree_with_rfc_9293() {
    let rows = rows();
    // §3.10.7.1: CLOSED answers a segment without ACK with <SEQ=0><ACK=SEG.SEQ+SEG.LEN><RST,ACK>.
    assert_reaction(
        &rows,
        ("CLOSED", "SYN", "any numbers"),
        "RST,ACK",
        "CLOSED",
        "—",
    );
    let r = cell(&rows, "CLOSED", "SYN", "any numbers");
    assert_eq!(r["reply_numbers"], "seq=0 ack=SEG.SEQ+SEG.LEN");
    // §3.10.7.1: an RST to CLOSED is discarded.
    assert_reaction(&rows, ("CLOSED", "RST", "any numbers"), "—", "CLOSED", "—");
    // §3.10.7.2: any ACK in LISTEN is bad: <SEQ=SEG.ACK><CTL=RST>.
    assert_reaction(
        &rows,
        ("LISTEN", "ACK", "any numbers"),
        "RST",
        "LISTEN",
        "—",
    );
    assert_eq!(
        cell(&rows, "LISTEN", "ACK", "any numbers")["reply_numbers"],
        "seq=SEG.ACK"
    );
    // §3.10.7.2: a SYN in LISTEN: <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>, SYN-RECEIVED.
    assert_reaction(
        &rows,
        ("LISTEN", "SYN", "any numbers"),
        "SYN,ACK",
        "SYN-RECEIVED",
        "—",
    );
    assert_eq!(
        cell(&rows, "LISTEN", "SYN", "any numbers")["reply_numbers"],
        "seq=ISS ack=RCV.NXT"
    );
    // §3.10.7.3: SYN-SENT, an acceptable SYN,ACK: ESTABLISHED, <SEQ=SND.NXT><ACK=RCV.NXT><ACK>.
    assert_reaction(
        &rows,
        ("SYN-SENT", "SYN,ACK", "ack = SND.NXT (acceptable)"),
        "ACK",
        "ESTABLISHED",
        "connected",
    );
    // §3.10.7.3: an unacceptable ACK draws <SEQ=SEG.ACK><CTL=RST> (SEG.ACK =< ISS).
    assert_reaction(
        &rows,
        ("SYN-SENT", "SYN,ACK", "ack = ISS (not acceptable)"),
        "RST",
        "SYN-SENT",
        "—",
    );
    // §3.10.7.3: a bare SYN: simultaneous open, SYN-RECEIVED, <SYN,ACK>.
    assert_reaction(
        &rows,
        ("SYN-SENT", "SYN", "no ACK"),
        "SYN,ACK",
        "SYN-RECEIVED",
        "—",
    );
    // §3.10.7.4 + RFC 5961 §3.2: an RST in the window but not at RCV.NXT: challenge ACK.
    assert_reaction(
        &rows,
        ("ESTABLISHED", "RST", "in window, after RCV.NXT"),
        "ACK",
        "ESTABLISHED",
        "—",
    );
    // An RST exactly at RCV.NXT resets the connection.
    assert_reaction(
        &rows,
        ("ESTABLISHED", "RST", "at RCV.NXT"),
        "—",
        "CLOSED (quiet time)",
        "connection reset",
    );
    // An RST outside the window is dropped silently.
    assert_reaction(
        &rows,
        ("ESTABLISHED", "RST", "right of window"),
        "—",
        "ESTABLISHED",
        "—",
    );
    // SYN-RECEIVED from an active open, reset: "connection refused".
    assert_reaction(
        &rows,
        ("SYN-RECEIVED (active open)", "RST", "at RCV.NXT"),
        "—",
        "CLOSED (quiet time)",
        "connection refused",
    );
    // ... from a passive open: back to LISTEN, the application is not told.
    assert_reaction(
        &rows,
        ("SYN-RECEIVED (passive open)", "RST", "at RCV.NXT"),
        "—",
        "LISTEN (quiet time)",
        "—",
    );
    // The baseline ignores RST in TIME-WAIT (RFC 1337 F1).
    assert_reaction(
        &rows,
        ("TIME-WAIT", "RST", "at RCV.NXT"),
        "—",
        "TIME-WAIT",
        "—",
    );
    // TIME-WAIT: a retransmitted FIN is acknowledged and the 2·MSL timer restarts.
    assert_reaction(
        &rows,
        ("TIME-WAIT", "FIN,ACK", "left of window"),
        "ACK",
        "TIME-WAIT (2MSL restarted)",
        "—",
    );
    // §3.10.7.4 fifth: an ACK of unsent data draws an ACK and is dropped.
    assert_reaction(
        &rows,
        ("ESTABLISHED", "ACK", "at RCV.NXT, ack of unsent data"),
        "ACK",
        "ESTABLISHED",
        "—",
    );
    // Simultaneous close: a FIN that does not acknowledge ours takes FIN-WAIT-1 to CLOSING; an
    // application that still reads (after shutdown) is told the end of data.
    assert_reaction(
        &rows,
        (
            "FIN-WAIT-1 (after shutdown)",
            "FIN,ACK",
            "at RCV.NXT, acks nothing new",
        ),
        "ACK",
        "CLOSING",
        "end of data",
    );
    // A data segment left of the window: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>.
    assert_reaction(
        &rows,
        ("ESTABLISHED", "DATA,ACK", "left of window"),
        "ACK",
        "ESTABLISHED",
        "—",
    );
    assert_reaction(
        &rows,
        ("ESTABLISHED", "DATA,ACK", "at RCV.NXT"),
        "ACK",
        "ESTABLISHED",
        "data",
    );
}

const STATES: [&str; 14] = [
    "CLOSED",
    "LISTEN",
    "SYN-SENT",
    "SYN-RECEIVED (passive open)",
    "SYN-RECEIVED (active open)",
    "ESTABLISHED",
    "FIN-WAIT-1 (after close)",
    "FIN-WAIT-1 (after shutdown)",
    "FIN-WAIT-2 (after close)",
    "FIN-WAIT-2 (after shutdown)",
    "CLOSE-WAIT",
    "CLOSING",
    "LAST-ACK",
    "TIME-WAIT",
];

/// The segment kinds, in table order (FreeBSD tcp-testsuite's flag grid, with and without data).
const KINDS: [&str; 13] = [
    "SYN",
    "SYN,ACK",
    "ACK",
    "FIN,ACK",
    "FIN",
    "SYN,FIN",
    "RST",
    "RST,ACK",
    "DATA,SYN",
    "DATA,SYN,ACK",
    "DATA,ACK",
    "DATA,FIN,ACK",
    "DATA,FIN",
];

/// The cases of (state, kind) in table order, each with its SEG.SEQ and SEG.ACK labels.
fn expected_cases(state: &str, kind: &str) -> Vec<(&'static str, &'static str, &'static str)> {
    let has_ack = kind.ends_with("ACK");
    let ack = |a: &'static str| if has_ack { a } else { "—" };
    match state {
        "CLOSED" | "LISTEN" => vec![("any numbers", "any", ack("any"))],
        "SYN-SENT" if has_ack => vec![
            ("ack = ISS (not acceptable)", "any", "ISS"),
            ("ack = SND.NXT (acceptable)", "any", "SND.NXT"),
            ("ack = SND.NXT+1 (not acceptable)", "any", "SND.NXT+1"),
        ],
        "SYN-SENT" => vec![("no ACK", "any", "—")],
        _ => {
            let mut v = vec![
                ("left of window", "RCV.NXT-1", ack("SND.NXT")),
                ("at RCV.NXT", "RCV.NXT", ack("SND.NXT")),
            ];
            if kind == "ACK" {
                v.push(("at RCV.NXT, ack of unsent data", "RCV.NXT", "SND.NXT+1"));
                v.push(("at RCV.NXT, old ack", "RCV.NXT", "SND.UNA-1"));
            }
            if kind == "FIN,ACK" {
                v.push(("at RCV.NXT, acks nothing new", "RCV.NXT", "SND.UNA"));
            }
            v.extend([
                ("in window, after RCV.NXT", "RCV.NXT+1", ack("SND.NXT")),
                ("right edge of window", "RCV.NXT+RCV.WND-1", ack("SND.NXT")),
                ("right of window", "RCV.NXT+RCV.WND", ack("SND.NXT")),
            ]);
            v
        }
    }
}

/// CLOSED and LISTEN: one row per kind; SYN-SENT: three ACK values for each of the 7 kinds with
/// ACK, one row for each of the 6 without; SYN-RECEIVED (twice), FIN-WAIT-1 and FIN-WAIT-2 (each
/// after close and after shutdown) and the 5 other synchronized states: 5 positions for each of
/// the 13 kinds plus 3 ACK-field cases.
const ROWS: usize = 2 * 13 + (7 * 3 + 6) + 11 * (13 * 5 + 3);

#[test]
fn grid_covers_every_state_kind_and_position_in_a_fixed_order() {
    let rows = rows();
    assert_eq!(ROWS, 801);
    assert_eq!(rows.len(), ROWS, "the README states this count");
    let mut expected = Vec::new();
    for st in STATES {
        for kind in KINDS {
            for (case, seq, ack) in expected_cases(st, kind) {
                expected.push(format!("{st} / {kind} / {case} / {seq} / {ack}"));
            }
        }
    }
    let got: Vec<String> = rows
        .iter()
        .map(|r| {
            let f = |k: &str| r[k].as_str().unwrap_or("?").to_string();
            format!(
                "{} / {} / {} / {} / {}",
                f("state"),
                f("segment"),
                f("case"),
                f("seq"),
                f("ack")
            )
        })
        .collect();
    for (i, (g, e)) in got.iter().zip(&expected).enumerate() {
        assert_eq!(g, e, "row {i}");
    }
    assert_eq!(got.len(), expected.len());
    // Every probe reached the receiver.
    for r in &rows {
        let next = r["next_state"].as_str().unwrap_or("?");
        assert!(!next.starts_with('('), "{r}");
    }
}

/// Rows the FreeBSD tcp-testsuite grid added, held against RFC 9293 §3.10.7 (cells whose rules
/// are settled: not SYN-RECEIVED + SYN,ACK, RST or SYN in TIME-WAIT, data after a close).
#[test]
fn new_rows_agree_with_rfc_9293() {
    let rows = rows();
    let numbers =
        |st: &str, seg: &str, case: &str| cell(&rows, st, seg, case)["reply_numbers"].clone();
    // §3.10.7.1: an RST to CLOSED is discarded, with or without ACK.
    assert_reaction(
        &rows,
        ("CLOSED", "RST,ACK", "any numbers"),
        "—",
        "CLOSED",
        "—",
    );
    // §3.10.7.1: no ACK bit: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
    assert_reaction(
        &rows,
        ("CLOSED", "FIN", "any numbers"),
        "RST,ACK",
        "CLOSED",
        "—",
    );
    assert_eq!(
        numbers("CLOSED", "FIN", "any numbers"),
        "seq=0 ack=SEG.SEQ+SEG.LEN"
    );
    assert_eq!(
        numbers("CLOSED", "DATA,FIN", "any numbers"),
        "seq=0 ack=SEG.SEQ+SEG.LEN"
    );
    // §3.10.7.1: with ACK: <SEQ=SEG.ACK><CTL=RST>.
    assert_reaction(
        &rows,
        ("CLOSED", "DATA,SYN,ACK", "any numbers"),
        "RST",
        "CLOSED",
        "—",
    );
    assert_eq!(
        numbers("CLOSED", "DATA,SYN,ACK", "any numbers"),
        "seq=SEG.ACK"
    );
    // §3.10.7.2 first: an incoming RST is ignored, with or without ACK.
    assert_reaction(
        &rows,
        ("LISTEN", "RST,ACK", "any numbers"),
        "—",
        "LISTEN",
        "—",
    );
    // §3.10.7.2 third: a SYN with data still opens: <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>.
    assert_reaction(
        &rows,
        ("LISTEN", "DATA,SYN", "any numbers"),
        "SYN,ACK",
        "SYN-RECEIVED",
        "—",
    );
    assert_eq!(
        numbers("LISTEN", "DATA,SYN", "any numbers"),
        "seq=ISS ack=RCV.NXT"
    );
    // §3.10.7.2 fourth: neither RST, ACK nor SYN (a bare FIN): drop.
    assert_reaction(&rows, ("LISTEN", "FIN", "any numbers"), "—", "LISTEN", "—");
    // §3.10.7.3 second: an RST with an acceptable ACK: "connection reset" (ECONNREFUSED), CLOSED.
    assert_reaction(
        &rows,
        ("SYN-SENT", "RST,ACK", "ack = SND.NXT (acceptable)"),
        "—",
        "CLOSED (quiet time)",
        "connection refused",
    );
    // §3.10.7.3 first: an unacceptable ACK on an RST: drop the segment, no reply.
    for case in [
        "ack = ISS (not acceptable)",
        "ack = SND.NXT+1 (not acceptable)",
    ] {
        assert_reaction(&rows, ("SYN-SENT", "RST,ACK", case), "—", "SYN-SENT", "—");
    }
    // §3.10.7.3 first: SEG.ACK > SND.NXT: <SEQ=SEG.ACK><CTL=RST>.
    assert_reaction(
        &rows,
        ("SYN-SENT", "SYN,ACK", "ack = SND.NXT+1 (not acceptable)"),
        "RST",
        "SYN-SENT",
        "—",
    );
    assert_eq!(
        numbers("SYN-SENT", "SYN,ACK", "ack = SND.NXT+1 (not acceptable)"),
        "seq=SEG.ACK"
    );
    // §3.10.7.3 fifth: neither SYN nor RST: drop.
    assert_reaction(&rows, ("SYN-SENT", "FIN", "no ACK"), "—", "SYN-SENT", "—");
    // §3.10.7.4 second: an RST,ACK exactly at RCV.NXT resets the connection.
    assert_reaction(
        &rows,
        ("ESTABLISHED", "RST,ACK", "at RCV.NXT"),
        "—",
        "CLOSED (quiet time)",
        "connection reset",
    );
    // RFC 5961 §3.2: an RST at the right edge of the window (in it, not RCV.NXT): challenge ACK.
    assert_reaction(
        &rows,
        ("ESTABLISHED", "RST", "right edge of window"),
        "ACK",
        "ESTABLISHED",
        "—",
    );
    // §3.10.7.4 first: a data segment right of the window: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>.
    assert_reaction(
        &rows,
        ("ESTABLISHED", "DATA,ACK", "right of window"),
        "ACK",
        "ESTABLISHED",
        "—",
    );
    assert_eq!(
        numbers("ESTABLISHED", "DATA,ACK", "right of window"),
        "seq=SND.NXT ack=RCV.NXT"
    );
    // §3.10.7.4 fifth: "if the ACK bit is off, drop the segment" — a FIN without ACK.
    assert_reaction(
        &rows,
        ("ESTABLISHED", "FIN", "at RCV.NXT"),
        "—",
        "ESTABLISHED",
        "—",
    );
    assert_reaction(
        &rows,
        ("ESTABLISHED", "DATA,FIN", "at RCV.NXT"),
        "—",
        "ESTABLISHED",
        "—",
    );
    // §3.10.7.4 fourth (RFC 5961 §4): a SYN in the window, FIN or not: challenge ACK, drop.
    assert_reaction(
        &rows,
        ("ESTABLISHED", "SYN,FIN", "at RCV.NXT"),
        "ACK",
        "ESTABLISHED",
        "—",
    );
    // §3.10.7.4 seventh and eighth: the byte is delivered, then the FIN: one ACK, CLOSE-WAIT.
    assert_reaction(
        &rows,
        ("ESTABLISHED", "DATA,FIN,ACK", "at RCV.NXT"),
        "ACK",
        "CLOSE-WAIT",
        "data + end of data",
    );
}

/// Splits one CSV record (RFC 4180 quoting).
fn csv_record(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().expect("field").push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(String::new()),
            (c, _) => fields.last_mut().expect("field").push(c),
        }
    }
    fields
}

#[test]
fn formats_parse_and_are_byte_identical_across_runs() {
    let json = rows();
    for format in ["md", "csv", "json"] {
        let a = tcpmc(&["table", "--format", format]);
        let b = tcpmc(&["table", "--format", format]);
        assert_eq!(a.status.code(), Some(0));
        assert_eq!(a.stdout, b.stdout, "{format} differs between runs");
    }
    // The default is Markdown for the baseline.
    assert_eq!(
        tcpmc(&["table"]).stdout,
        tcpmc(&["table", "--variant", "baseline", "--format", "md"]).stdout
    );

    let md = stdout(&tcpmc(&["table", "--format", "md"]));
    let lines: Vec<&str> = md.lines().collect();
    assert_eq!(
        lines.len(),
        json.len() + 2,
        "header, rule, one line per row"
    );
    assert!(lines[0].starts_with("| state | segment | case |"));
    for l in &lines {
        assert!(l.starts_with("| ") || l.starts_with("|---"), "{l}");
        assert_eq!(l.matches('|').count(), 10, "{l}");
    }

    let csv = stdout(&tcpmc(&["table", "--format", "csv"]));
    let records: Vec<Vec<String>> = csv.lines().map(csv_record).collect();
    assert_eq!(records.len(), json.len() + 1);
    assert!(records.iter().all(|r| r.len() == 9));
    let closed_syn = &records[1];
    assert_eq!(closed_syn[0], "CLOSED");
    assert_eq!(closed_syn[5], "RST,ACK");
    assert_eq!(json[0]["reply"], "RST,ACK");
}

#[test]
fn unknown_variant_is_a_one_line_error() {
    let o = tcpmc(&["table", "--variant", "solaris"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("unknown variant 'solaris' (tcpmc variants lists them)"));
    let o = tcpmc(&["table", "--format", "xml"]);
    assert_eq!(o.status.code(), Some(2));
}

/// The rules changed to agree with RFC 9293's figures, Linux and FreeBSD, as the table shows them.
#[test]
fn fidelity_cells() {
    let rows = rows();
    // Figure 7: the peer's SYN,ACK repeats the SYN already received; the SYN is trimmed and the
    // ACK completes the open, with nothing sent.
    assert_reaction(
        &rows,
        ("SYN-RECEIVED (active open)", "SYN,ACK", "left of window"),
        "—",
        "ESTABLISHED",
        "connected",
    );
    // RFC 9293 SHLD-3: new data after close() draws RST (SEQ=SEG.ACK) and ends the connection;
    // after shutdown(SHUT_WR) it is read.
    for st in ["FIN-WAIT-1 (after close)", "FIN-WAIT-2 (after close)"] {
        let next = "CLOSED (quiet time)";
        assert_reaction(&rows, (st, "DATA,ACK", "at RCV.NXT"), "RST", next, "—");
        assert_eq!(
            cell(&rows, st, "DATA,ACK", "at RCV.NXT")["reply_numbers"],
            "seq=SEG.ACK"
        );
    }
    assert_reaction(
        &rows,
        ("FIN-WAIT-2 (after shutdown)", "DATA,ACK", "at RCV.NXT"),
        "ACK",
        "FIN-WAIT-2",
        "data",
    );
    // RFC 1337 F1 (the baseline): every RST is dropped in TIME-WAIT, with no challenge ACK.
    for case in ["at RCV.NXT", "in window, after RCV.NXT"] {
        assert_reaction(&rows, ("TIME-WAIT", "RST", case), "—", "TIME-WAIT", "—");
    }
    // A LISTEN opens on any SYN without ACK or RST (RFC 9293 §3.10.7.2), choosing a real ISS.
    let r = cell(&rows, "LISTEN", "SYN,FIN", "any numbers");
    assert_eq!(
        (&r["reply"], &r["next_state"]),
        (&"SYN,ACK".into(), &"SYN-RECEIVED".into())
    );
    assert_eq!(r["reply_numbers"], "seq=ISS ack=RCV.NXT");
}
