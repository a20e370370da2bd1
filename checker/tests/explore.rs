//! `tcpmc explore`: stateright's Explorer over HTTP. Starts the binary on a free port and reads
//! its JSON API (`/.status`, `/.states/...`) with a hand-written HTTP/1.1 client.

mod common;

use common::{free_port, stderr, tcpmc};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The explorer process; killed when dropped.
struct Explorer {
    child: Child,
    port: u16,
    /// Kept open so that the explorer never writes to a closed pipe.
    _stdout: BufReader<std::process::ChildStdout>,
}

impl Drop for Explorer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `tcpmc explore --port P ARGS`, checks the URL line and waits until it answers.
fn start(args: &[&str]) -> Explorer {
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tcpmc"))
        .arg("explore")
        .args(["--port", &port.to_string()])
        .args(args)
        .current_dir(std::env::temp_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("tcpmc explore starts");
    let mut first = String::new();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    stdout.read_line(&mut first).unwrap();
    let explorer = Explorer {
        child,
        port,
        _stdout: stdout,
    };
    assert!(
        first.starts_with(&format!("tcpmc explorer: http://127.0.0.1:{port}/")),
        "{first}"
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "the explorer never answered");
        std::thread::sleep(Duration::from_millis(50));
    }
    explorer
}

/// One request; returns the status code and the body.
fn request(port: u16, method: &str, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8(raw).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").expect("an HTTP response");
    let code = head.split(' ').nth(1).unwrap().parse().unwrap();
    // tiny_http answers with a Content-Length or, for large bodies, chunked.
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_string()
    };
    (code, body)
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    loop {
        let (size, rest) = body.split_once("\r\n").unwrap();
        let size = usize::from_str_radix(size.trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.push_str(&rest[..size]);
        body = &rest[size + 2..];
    }
}

fn get_json(port: u16, path: &str) -> Value {
    let (code, body) = request(port, "GET", path);
    assert_eq!(code, 200, "GET {path}: {body}");
    serde_json::from_str(&body).unwrap()
}

/// The step whose action is `label` among the next steps of `path`; returns its path.
fn follow(port: u16, path: &str, label: &str) -> (String, Value) {
    let steps = get_json(port, &format!("/.states{path}"));
    let step = steps
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["action"] == label)
        .unwrap_or_else(|| panic!("no '{label}' after {path}: {steps}"))
        .clone();
    let index = step["actionIndex"].as_u64().unwrap();
    (format!("{path}/{index}"), step)
}

#[test]
fn status_states_actions_and_the_chart() {
    let ex = start(&[]);
    let status = get_json(ex.port, "/.status");
    let names: Vec<&str> = status["properties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p[1].as_str().unwrap())
        .collect();
    assert!(names.contains(&"no-stale-segment-accepted"), "{names:?}");
    assert!(names.contains(&"reach-simultaneous-close"), "{names:?}");
    assert!(status["model"].as_str().unwrap().contains("ExplorerModel"));

    let init = get_json(ex.port, "/.states");
    let init = &init[0];
    let state = init["state"].as_str().unwrap();
    assert!(
        state.starts_with("A: CLOSED\nB: CLOSED\nnet: empty"),
        "{state}"
    );
    assert!(init["svg"].as_str().unwrap().starts_with("<svg"));

    // Action links are in replay syntax; the state after each one reads like TCP.
    let (p1, s1) = follow(ex.port, "/0", "A connect (ISS=0)");
    assert!(
        s1["state"]
            .as_str()
            .unwrap()
            .starts_with("A: SYN-SENT     iss=0 una=0 nxt=1 rcv=0 rexmt=1t retries=0 c1"),
        "{s1}"
    );
    let (p2, _) = follow(ex.port, &p1, "B listen");
    let (p3, s3) = follow(ex.port, &p2, "deliver A->B SYN (ISS=0)");
    let outcome = s3["outcome"].as_str().unwrap();
    assert!(
        outcome.starts_with("deliver A->B SYN (ISS=0)\nA: SYN-SENT"),
        "{outcome}"
    );
    assert!(outcome.contains("B: SYN-RECEIVED iss=0 una=0 nxt=1 rcv=1"));
    assert!(outcome.contains("net: [B->A SYN,ACK seq=0 ack=1 c1 age=0]"));
    // The chart of the path so far: lifelines, the steps, the SYN arrow and the SYN,ACK in flight.
    let svg = s3["svg"].as_str().unwrap();
    assert!(svg.contains(">A</text>") && svg.contains(">B</text>"));
    assert!(svg.contains("3. deliver A-&gt;B SYN (ISS=0)"), "{svg}");
    assert!(svg.contains("SYN seq=0 c1") && svg.contains("SYN,ACK seq=0 ack=1 c1"));
    let (_, s4) = follow(ex.port, &p3, "deliver B->A SYN,ACK");
    assert!(s4["state"].as_str().unwrap().starts_with("A: ESTABLISHED"));

    // A path that does not exist.
    let (code, _) = request(ex.port, "GET", "/.states/0/999");
    assert_eq!(code, 404);
    // The page itself.
    let (code, page) = request(ex.port, "GET", "/");
    assert_eq!(code, 200);
    assert!(page.contains("<html"), "{page}");
}

#[test]
fn a_counterexample_found_by_run_to_completion_opens_from_the_properties() {
    // TIME-WAIT 0 breaks normal-close-never-reset; a small configuration keeps the search short.
    let ex = start(&[
        "--time-wait",
        "0",
        "--incarnations",
        "1",
        "--data-a",
        "0",
        "--data-b",
        "0",
        "--a-listens",
        "false",
        "--b-connects",
        "false",
    ]);
    let (code, _) = request(ex.port, "POST", "/.runtocompletion");
    assert_eq!(code, 200);
    let deadline = Instant::now() + Duration::from_secs(60);
    let path = loop {
        let status = get_json(ex.port, "/.status");
        let found = status["properties"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p[1] == "normal-close-never-reset")
            .unwrap()[2]
            .as_str()
            .map(str::to_string);
        if let Some(path) = found {
            break path;
        }
        assert!(Instant::now() < deadline, "no counterexample: {status}");
        std::thread::sleep(Duration::from_millis(100));
    };
    // The UI opens `#/steps/<path>`: the states of every prefix of the path.
    let indices: Vec<&str> = path.split('/').collect();
    let parent = format!("/{}", indices[..indices.len() - 1].join("/"));
    let last: usize = indices.last().unwrap().parse().unwrap();
    let steps = get_json(ex.port, &format!("/.states{parent}"));
    let step = steps
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["actionIndex"] == last)
        .unwrap();
    let state = step["state"].as_str().unwrap();
    // stateright's own search picks the discovered state nondeterministically and not always the
    // first one (docs/model.md, "Properties"), so the endpoint may have left its "(reset)" end
    // behind (e.g. listened again); the ghost record of the broken rule stays in every later state.
    assert!(state.contains("broken: normal close reset"), "{state}");
}

#[test]
fn bad_input_is_one_line_and_status_2() {
    let o = tcpmc(&["explore", "--variant", "solaris"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "tcpmc: unknown variant 'solaris' (tcpmc variants lists them)\n"
    );
    let o = tcpmc(&["explore", "--msl", "0"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    // A port already in use.
    let busy = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port().to_string();
    let o = tcpmc(&["explore", "--port", &port]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with(&format!("tcpmc: cannot listen on 127.0.0.1:{port}: ")),
        "{}",
        stderr(&o)
    );
    assert_eq!(stderr(&o).lines().count(), 1);
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_it_cleanly() {
    let ex = start(&[]);
    let pid = ex.child.id().to_string();
    let killed = Command::new("kill").args(["-INT", &pid]).status().unwrap();
    assert!(killed.success());
    let mut ex = ex;
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = ex.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "still running after SIGINT");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
}
