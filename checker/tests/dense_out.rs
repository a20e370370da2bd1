//! `tcpmc check --time dense --out DIR` (README, "Dense time"): the tick check's counterexample
//! files with each step's time in both pictures, and a timed scenario that `tcpmc replay`
//! replays; a time the path cannot meet fails the replay with one line.
//!
//! The configuration: MSL 2, TIME-WAIT 2, one connection, A only connects (1–2 s). Its
//! counterexample to `normal-close-never-reset` has B's FIN retransmitted at t=1 and A's
//! TIME-WAIT ending at t=2, the instant B's RST arrives.

mod common;

use common::{stderr, stdout, tcpmc};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const PROPERTY: &str = "normal-close-never-reset";

fn check_args(unit_ms: &str) -> Vec<String> {
    [
        "check",
        "--time",
        "dense",
        "--msl",
        "2",
        "--time-wait",
        "2",
        "--incarnations",
        "1",
        "--data-a",
        "0",
        "--data-b",
        "0",
        "--a-listens",
        "false",
        "--time-unit-ms",
        unit_ms,
        "--property",
        PROPERTY,
        "--quiet",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tcpmc-dense-out-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// The check with `--out`, once per unit of time: 0 (ticks) and 200 ms (seconds).
fn written(unit_ms: &'static str) -> &'static Path {
    static TICKS: OnceLock<PathBuf> = OnceLock::new();
    static SECONDS: OnceLock<PathBuf> = OnceLock::new();
    let cell = if unit_ms == "0" { &TICKS } else { &SECONDS };
    cell.get_or_init(|| {
        let dir = temp_dir(&format!("unit{unit_ms}"));
        let mut args = check_args(unit_ms);
        args.extend(["--out".to_string(), dir.display().to_string()]);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = tcpmc(&refs);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}{}",
            stdout(&out),
            stderr(&out)
        );
        dir
    })
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// `tcpmc replay` on `path`; a file of the tests' own (not one the check wrote) is removed.
fn replay(path: &Path) -> std::process::Output {
    let out = tcpmc(&["replay", &path.display().to_string()]);
    if !path.starts_with(written("0")) && !path.starts_with(written("200")) {
        let _ = std::fs::remove_file(path);
    }
    out
}

/// A copy of the written scenario with `edit` applied, as `name`.
fn edited(unit_ms: &'static str, name: &str, edit: impl Fn(&str) -> String) -> PathBuf {
    let text = read(written(unit_ms), &format!("{PROPERTY}.scenario"));
    let path = temp_dir(name).with_extension("scenario");
    std::fs::write(&path, edit(&text)).expect("writable temp dir");
    path
}

#[test]
fn dense_out_writes_the_tick_files_with_each_step_time_in_both_pictures() {
    let dir = written("0");
    for f in ["report.json", "trace.dot", "msc.dot", "scenario"] {
        let name = if f == "report.json" {
            f.to_string()
        } else {
            format!("{PROPERTY}.{f}")
        };
        assert!(dir.join(&name).is_file(), "{name} not written");
    }
    let trace = read(dir, &format!("{PROPERTY}.trace.dot"));
    assert!(
        trace.contains("label=\" [t=1] B rexmt timer fires \""),
        "{trace}"
    );
    assert!(trace.contains("step 13, t=2"), "{trace}");
    assert!(
        trace.contains("step 15, t=2: the property is violated"),
        "{trace}"
    );
    let msc = read(dir, &format!("{PROPERTY}.msc.dot"));
    assert!(
        msc.contains("label=\"12. [t=1] B rexmt timer fires\""),
        "{msc}"
    );
    assert!(msc.contains("label=\"step [time]\""), "{msc}");
    // The delivered segments are still arrows to the receiver, not losses.
    assert!(
        msc.contains("\"b12\" -> \"a14\" [xlabel=\"FIN,ACK"),
        "{msc}"
    );
    // The JSON report keeps the action and its time apart.
    let json = read(dir, "report.json");
    assert!(json.contains("\"time\": \"1\""), "{json}");
    assert!(
        json.contains("\"action\": \"B rexmt timer fires\""),
        "{json}"
    );
}

#[test]
fn dense_out_shows_times_in_seconds_with_a_time_unit() {
    let dir = written("200");
    let trace = read(dir, &format!("{PROPERTY}.trace.dot"));
    assert!(
        trace.contains("label=\" [t=0.2s] B rexmt timer fires \""),
        "{trace}"
    );
    let scenario = read(dir, &format!("{PROPERTY}.scenario"));
    assert!(
        scenario.contains("\n[t=0.2s] B rexmt timer fires\n"),
        "{scenario}"
    );
    assert!(
        scenario.contains("\nconfig time_unit_ms=200\n"),
        "{scenario}"
    );
}

#[test]
fn the_written_scenario_replays_with_exit_0() {
    for unit in ["0", "200"] {
        let path = written(unit).join(format!("{PROPERTY}.scenario"));
        let text = std::fs::read_to_string(&path).expect("written");
        assert!(text.contains("\nconfig time=dense\n"), "{text}");
        assert!(text.contains("\nconfig max_in_flight=3\n"), "{text}");
        let out = replay(&path);
        let shown = stdout(&out);
        assert_eq!(out.status.code(), Some(0), "{shown}{}", stderr(&out));
        assert!(shown.ends_with("OK\n"), "{shown}");
        assert!(
            shown.contains("B: LISTEN       quiet=4t (reset)"),
            "{shown}"
        );
    }
}

#[test]
fn a_replayed_time_the_path_cannot_meet_fails_with_one_line_and_exit_1() {
    // B's retransmission timer (RTO 1) was set at t=0: it fires at t=1, not earlier.
    let path = edited("0", "early", |t| {
        t.replace("[t=1] B rexmt timer fires", "[t=0.5] B rexmt timer fires")
    });
    let out = replay(&path);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let line = "line 27: step 'B rexmt timer fires' cannot happen at t=0.5: this path allows it only at t=1\n";
    assert_eq!(stdout(&out), line);
    assert_eq!(stderr(&out), "");
    // In seconds, and a range: A's close may come at any time before B's timer forces it.
    let path = edited("200", "late", |t| {
        t.replace("[t=0s] A close", "[t=5s] A close")
    });
    let out = replay(&path);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert_eq!(
        stdout(&out),
        "line 21: step 'A close' cannot happen at t=5s: this path allows it from t=0s to t=0.2s\n"
    );
}

#[test]
fn a_replay_at_feasible_later_times_passes() {
    // The ACK may be lost later, and steps without a time take the
    // earliest the others allow; `A connect` without its ISS takes the one that works.
    let path = edited("0", "later", |t| {
        t.replace("[t=0] lose A->B ACK", "[t=0.75] lose A->B ACK")
            .replace("[t=0] A connect (ISS=0)", "A connect")
            .replace("[t=2] deliver B->A FIN,ACK", "deliver B->A FIN,ACK")
    });
    let out = replay(&path);
    let shown = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert!(
        shown.contains("A connect  [took A connect (ISS=0)]  [t=0]\n"),
        "{shown}"
    );
    assert!(shown.contains("deliver B->A FIN,ACK  [t=2]\n"), "{shown}");
    assert!(shown.ends_with("OK\n"), "{shown}");
}

#[test]
fn timed_scenarios_refuse_what_they_cannot_mean() {
    let cases = [
        // A time under ticks.
        ("B listen\n[t=1] A connect\n", "line 2: a step with a time ('[t=...]') needs dense time: add 'config time=dense' before the first step"),
        // Seconds without a unit of time.
        ("config time=dense\n[t=1s] B listen\n", "line 2: time '1s' is in seconds, and the configuration has no unit of time (config time_unit_ms=N)"),
        ("config time=dense\n[t=x] B listen\n", "line 2: malformed time 'x' (use a number of units such as 3 or 2.5, or seconds such as 51.2s)"),
        ("config time=dense\nB listen\ntick\n", "line 3: no 'tick' under dense time: time passes between steps; give a step its time instead ('[t=2] A close')"),
        ("config time=dense\n[t=0] expect A CLOSED\n", "line 2: an 'expect' takes no time"),
    ];
    for (k, (text, line)) in cases.iter().enumerate() {
        let path = temp_dir(&format!("bad{k}")).with_extension("scenario");
        std::fs::write(&path, text).expect("writable temp dir");
        let out = replay(&path);
        assert_eq!(out.status.code(), Some(2), "{text}");
        assert_eq!(stderr(&out), format!("tcpmc: {line}\n"), "{text}");
    }
    // A step the dense model does not have: exit 1, with what is enabled.
    let path = temp_dir("stuck").with_extension("scenario");
    std::fs::write(&path, "config time=dense\nB listen\nA rexmt timer fires\n").expect("temp");
    let out = replay(&path);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains(
            "line 3: step 'A rexmt timer fires' is not enabled\nenabled here: A connect (ISS=0), "
        ),
        "{}",
        stdout(&out)
    );
}
