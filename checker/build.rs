//! Finds, when the tests are built, what this machine lacks for the tests that need it, so that
//! such a test is marked `#[ignore = "why"]` and cargo reports it as ignored, never as passed:
//! - `tcpmc_no_netns`: not root, or no /dev/net/tun (the `tcpmc conform` tests);
//! - `tcpmc_no_chromium`: no Chromium or ChromeDriver (the Explorer's browser test);
//! - `tcpmc_no_parallel`: no GNU parallel (the distributed sweep test).
//!
//! A test whose capability was found here but fails at run time fails: it is never skipped
//! silently.

use std::path::Path;

fn uid_is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|e| e == "0"))
        })
        .unwrap_or(false)
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()))
        .unwrap_or(false)
}

fn program(var: &str, default: &str) -> bool {
    println!("cargo:rerun-if-env-changed={var}");
    match std::env::var_os(var) {
        Some(p) => Path::new(&p).is_file(),
        None => Path::new(default).is_file(),
    }
}

fn main() {
    for cfg in ["tcpmc_no_netns", "tcpmc_no_chromium", "tcpmc_no_parallel"] {
        println!("cargo:rustc-check-cfg=cfg({cfg})");
    }
    println!("cargo:rerun-if-changed=build.rs");
    for path in [
        "/dev/net/tun",
        "/usr/bin/chromium",
        "/usr/bin/chromedriver",
        "/usr/bin/parallel",
    ] {
        println!("cargo:rerun-if-changed={path}");
    }
    if !(uid_is_root() && Path::new("/dev/net/tun").exists()) {
        println!("cargo:rustc-cfg=tcpmc_no_netns");
    }
    if !(program("CHROMIUM", "/usr/bin/chromium")
        && program("CHROMEDRIVER", "/usr/bin/chromedriver"))
    {
        println!("cargo:rustc-cfg=tcpmc_no_chromium");
    }
    if !on_path("parallel") {
        println!("cargo:rustc-cfg=tcpmc_no_parallel");
    }
}
