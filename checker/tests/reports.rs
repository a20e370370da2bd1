//! The pictures as a user gets them from the `tcpmc` binary: `check --out DIR`, `diagram` and
//! `graph`. Every DOT file must parse back with graphviz-rust; SVG is checked where Graphviz's
//! `dot` is installed (CI installs it).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::{stderr, tcpmc};

/// A fresh directory for one test.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tcpmc-reports-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn parses(path: &Path) {
    let text = std::fs::read_to_string(path).expect("read DOT");
    if let Err(e) = graphviz_rust::parse(&text) {
        panic!("{} does not parse: {e}", path.display());
    }
}

fn dot_installed() -> bool {
    tcpmc_reports::svg::dot_on_path().is_some()
}

/// A fast violating check: a 10-step counterexample of normal-close-never-reset.
const VIOLATING: &[&str] = &[
    "check",
    "--time-wait",
    "0",
    "--data-b",
    "0",
    "--a-listens",
    "false",
    "--property",
    "normal-close-never-reset",
    "--stop-early",
];

/// A state space of about 2 000 states.
const TINY: &[&str] = &[
    "--incarnations",
    "1",
    "--data-a",
    "0",
    "--data-b",
    "0",
    "--a-listens",
    "false",
];

fn check_out(dir: &Path) -> Output {
    let mut args = VIOLATING.to_vec();
    let d = dir.to_str().expect("utf-8 path");
    args.extend(["--out", d]);
    tcpmc(&args)
}

/// The files of a directory, sorted, with their contents.
fn contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| {
            let e = e.expect("entry");
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("read file"),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn check_out_writes_dot_svg_and_json_for_each_violation() {
    let dir = temp_dir("check-out");
    let o = check_out(&dir);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let p = "normal-close-never-reset";
    for f in [format!("{p}.trace.dot"), format!("{p}.msc.dot")] {
        parses(&dir.join(f));
    }
    let trace = std::fs::read_to_string(dir.join(format!("{p}.trace.dot"))).expect("trace");
    assert!(trace.contains("step 10: the property is violated"));
    assert!(trace.contains("-> \"step10\" [label=\" deliver A->B RST \""));
    let msc = std::fs::read_to_string(dir.join(format!("{p}.msc.dot"))).expect("msc");
    assert!(msc.contains("violates normal-close-never-reset"));
    assert!(msc.contains("RST seq=2 c1"));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("report.json")).expect("report.json"))
            .expect("report.json is JSON");
    assert_eq!(json["verdicts"][0]["name"], p);
    assert_eq!(json["verdicts"][0]["verdict"], "VIOLATED");
    assert_eq!(
        json["verdicts"][0]["steps"].as_array().map(Vec::len),
        Some(11)
    );
    if dot_installed() {
        for f in [format!("{p}.trace.svg"), format!("{p}.msc.svg")] {
            let svg = std::fs::read_to_string(dir.join(&f)).expect("svg written");
            assert!(svg.contains("<svg"), "{f} is not SVG");
        }
        assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    }
}

#[test]
fn without_dot_the_dot_files_come_with_one_line_on_how_to_render() {
    let dir = temp_dir("no-dot");
    let empty = temp_dir("empty-path");
    std::fs::create_dir_all(&empty).expect("empty dir");
    let mut args = VIOLATING.to_vec();
    let d = dir.to_str().expect("utf-8 path");
    args.extend(["--out", d]);
    let o = Command::new(env!("CARGO_BIN_EXE_tcpmc"))
        .args(&args)
        .env("PATH", &empty)
        .output()
        .expect("tcpmc runs");
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "dot not found on PATH: render with  dot -Tsvg FILE.dot -o FILE.svg\n"
    );
    let names: Vec<String> = contents(&dir).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "normal-close-never-reset.msc.dot",
            "normal-close-never-reset.trace.dot",
            "report.json"
        ]
    );
}

#[test]
fn two_runs_write_byte_identical_files() {
    let (d1, d2) = (temp_dir("run1"), temp_dir("run2"));
    check_out(&d1);
    check_out(&d2);
    let (c1, c2) = (contents(&d1), contents(&d2));
    assert_eq!(c1.len(), c2.len());
    for ((n1, b1), (n2, b2)) in c1.iter().zip(&c2) {
        assert_eq!(n1, n2);
        if n1 == "report.json" {
            // The timings differ from run to run; everything else must not.
            let strip = |b: &[u8]| {
                let mut v: serde_json::Value = serde_json::from_slice(b).expect("JSON");
                for k in ["seconds", "states_per_second"] {
                    v["stats"][k] = serde_json::Value::Null;
                }
                v
            };
            assert_eq!(strip(b1), strip(b2));
        } else {
            assert!(b1 == b2, "{n1} differs between two runs");
        }
    }
}

#[test]
fn an_unusable_out_directory_is_one_line_and_exit_2() {
    let file = temp_dir("not-a-dir");
    std::fs::write(&file, "x").expect("write");
    let mut args = VIOLATING.to_vec();
    let f = file.to_str().expect("utf-8 path");
    args.extend(["--out", f]);
    let o = tcpmc(&args);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("cannot create --out directory"));
}

#[test]
fn graph_writes_the_state_space_of_a_tiny_configuration() {
    let dir = temp_dir("graph");
    std::fs::create_dir_all(&dir).expect("dir");
    let out = dir.join("space.dot");
    let mut args = vec!["graph", "--out", out.to_str().expect("utf-8")];
    args.extend(TINY);
    let o = tcpmc(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    parses(&out);
    let text = std::fs::read_to_string(&out).expect("graph");
    assert!(text.contains("\"s0\"[label=\"A CLOSED\\nB CLOSED\\nnet 0\""));
    assert!(text.contains("xlabel=\"initial\""));
    assert!(text.contains("label=\"A connect (ISS=0)\""));
    // Same configuration, same bytes.
    let again = dir.join("again.dot");
    let mut args = vec!["graph", "--out", again.to_str().expect("utf-8")];
    args.extend(TINY);
    tcpmc(&args);
    assert!(std::fs::read(&out).ok() == std::fs::read(&again).ok());
}

#[test]
fn graph_marks_violating_states_red() {
    let dir = temp_dir("graph-red");
    std::fs::create_dir_all(&dir).expect("dir");
    let out = dir.join("space.dot");
    let mut args = vec![
        "graph",
        "--out",
        out.to_str().expect("utf-8"),
        "--time-wait",
        "0",
    ];
    args.extend(TINY);
    let o = tcpmc(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).expect("graph");
    assert!(text.contains("violates normal-close-never-reset"));
    assert!(text.contains("fillcolor=\"#ffd7d5\""));
}

#[test]
fn graph_refuses_above_the_limit_before_writing() {
    let dir = temp_dir("graph-big");
    std::fs::create_dir_all(&dir).expect("dir");
    let out = dir.join("space.dot");
    let mut args = vec![
        "graph",
        "--out",
        out.to_str().expect("utf-8"),
        "--max-states",
        "100",
    ];
    args.extend(TINY);
    let o = tcpmc(&args);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "tcpmc: the state space has more than 100 states; raise --max-states or shrink the configuration (e.g. --incarnations 1 --data-a 0 --data-b 0)\n"
    );
    assert!(!out.exists());
}

#[test]
fn diagram_shows_eleven_states_per_endpoint_against_the_rfc_figure() {
    // Two incarnations: both sides may connect, so simultaneous open is reachable.
    let o = tcpmc(&[
        "diagram",
        "--data-a",
        "0",
        "--data-b",
        "0",
        "--a-listens",
        "false",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = String::from_utf8(o.stdout).expect("utf-8");
    if let Err(e) = graphviz_rust::parse(&text) {
        panic!("diagram does not parse: {e}");
    }
    for side in ["A", "B"] {
        for st in [
            "CLOSED",
            "LISTEN",
            "SYN-SENT",
            "SYN-RECEIVED",
            "ESTABLISHED",
            "FIN-WAIT-1",
            "FIN-WAIT-2",
            "CLOSE-WAIT",
            "CLOSING",
            "LAST-ACK",
            "TIME-WAIT",
        ] {
            assert!(
                text.contains(&format!("\"{side}/{st}\"[label=\"{st}\"")),
                "{side} {st} missing"
            );
        }
        // Simultaneous open: in the figure and taken by the model.
        assert!(text.contains(&format!(
            "\"{side}/SYN-SENT\" -> \"{side}/SYN-RECEIVED\" [label=\"rcv SYN / snd SYN,ACK\" class=\"rfc-figure\""
        )));
    }
    // A never listens here: its LISTEN edges are figure-only (dashed).
    assert!(
        text.contains("\"A/CLOSED\" -> \"A/LISTEN\" [label=\"passive OPEN\" class=\"figure-only\"")
    );
    // The model's own additions, e.g. an abort, are coloured.
    assert!(text.contains("\"A/ESTABLISHED\" -> \"A/CLOSED\" [label=\"ABORT / snd RST"));
    assert!(text.contains("class=\"model-only\""));
    assert!(text.contains("legend"));
}

#[test]
fn diagram_renders_svg_when_asked_and_dot_exists() {
    if !dot_installed() {
        eprintln!("dot not installed: SVG rendering not checked");
        return;
    }
    let dir = temp_dir("diagram-svg");
    std::fs::create_dir_all(&dir).expect("dir");
    let out = dir.join("diagram.svg");
    let mut args = vec!["diagram", "--out", out.to_str().expect("utf-8")];
    args.extend(TINY);
    let o = tcpmc(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    parses(&dir.join("diagram.dot"));
    let svg = std::fs::read_to_string(&out).expect("svg");
    assert!(svg.contains("<svg"));
}
