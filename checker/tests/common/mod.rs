//! Running the `tcpmc` binary from the integration tests.
#![allow(dead_code)]

use std::process::{Command, Output};

/// Runs `tcpmc` with `args`.
pub fn tcpmc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tcpmc"))
        .args(args)
        .output()
        .expect("tcpmc runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A TCP port on 127.0.0.1 that was free a moment ago (the tests' servers listen on loopback only).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}
