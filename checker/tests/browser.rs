//! The Explorer in a real browser: `tcpmc explore` on loopback, Debian's headless Chromium driven
//! through WebDriver (chromedriver, Debian's `chromium-driver`) with the `fantoccini` client. It
//! loads the page, takes `A connect (ISS=0)` and `B listen`, and checks the state text and the
//! message sequence chart.
//!
//! Without /usr/bin/chromium or /usr/bin/chromedriver (`CHROMIUM=` and `CHROMEDRIVER=` point
//! elsewhere) when the tests are built, cargo reports it ignored, with the reason (build.rs). `TCPMC_BROWSER_SCREENSHOT=FILE.png`
//! saves a screenshot of the page after the checks.

mod common;

use anyhow::{anyhow, bail, ensure, Context, Result};
use common::free_port;
use fantoccini::error::CmdError;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How long one step (a page load, an element to appear) may take.
const TIMEOUT: Duration = Duration::from_secs(30);

/// A child process, killed with everything it started when dropped (on failure too).
struct Guard {
    child: Child,
    /// Kept open so that the child never writes to a closed pipe.
    _stdout: Option<BufReader<ChildStdout>>,
}

impl Guard {
    /// Spawns `cmd` as the leader of a new process group, so that dropping the guard also ends
    /// the processes it starts (chromedriver starts Chromium and its helpers).
    fn spawn(cmd: &mut Command) -> std::io::Result<Guard> {
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(cmd, 0);
        Ok(Guard {
            child: cmd.spawn()?,
            _stdout: None,
        })
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Ok(pid) = libc::pid_t::try_from(self.child.id()) {
            // SAFETY: kill(2) on the process group this guard's child leads.
            unsafe {
                libc::kill(-pid, libc::SIGKILL);
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh temporary directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let dir =
            std::env::temp_dir().join(format!("tcpmc-browser-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn wait_for_port(port: u16, what: &str) {
    let deadline = Instant::now() + TIMEOUT;
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "{what} never answered on port {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Starts `tcpmc explore` in the empty directory `cwd` (a ./ui folder would replace its page) and
/// returns it with the URL it prints.
fn start_explorer(cwd: &Path) -> (Guard, String) {
    let port = free_port();
    let mut explorer = Guard::spawn(
        Command::new(env!("CARGO_BIN_EXE_tcpmc"))
            .args(["explore", "--port", &port.to_string()])
            .current_dir(cwd)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null()),
    )
    .expect("tcpmc explore starts");
    let mut stdout = BufReader::new(explorer.child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    explorer._stdout = Some(stdout);
    let url = first
        .strip_prefix("tcpmc explorer: ")
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no URL in {first:?}"))
        .to_string();
    assert!(
        url.starts_with(&format!("http://127.0.0.1:{port}/")),
        "{url}"
    );
    wait_for_port(port, "tcpmc explore");
    (explorer, url)
}

/// Starts chromedriver on a free loopback port; returns it with its URL.
fn start_chromedriver(chromedriver: &Path, log: &Path) -> (Guard, String) {
    let port = free_port();
    let driver = Guard::spawn(
        Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    )
    .expect("chromedriver starts");
    wait_for_port(port, "chromedriver");
    (driver, format!("http://127.0.0.1:{port}"))
}

/// The path in environment variable `var`, or `default`.
fn program(var: &str, default: &str) -> PathBuf {
    std::env::var_os(var)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(default))
}

#[test]
#[cfg_attr(
    tcpmc_no_chromium,
    ignore = "needs Chromium and ChromeDriver (apt-get install chromium chromium-driver)"
)]
fn explorer_in_headless_chromium() {
    let chromium = program("CHROMIUM", "/usr/bin/chromium");
    let chromedriver = program("CHROMEDRIVER", "/usr/bin/chromedriver");
    // The build found both (build.rs); if one went missing since, this fails rather than passes.
    for path in [&chromium, &chromedriver] {
        assert!(path.is_file(), "{} not found", path.display());
    }

    // Dropped in reverse order: the runtime, chromedriver (and Chromium), the explorer, then the
    // temporary directory.
    let work = TempDir::new();
    let cwd = work.0.join("cwd");
    std::fs::create_dir(&cwd).unwrap();
    let (_explorer, url) = start_explorer(&cwd);
    println!("explorer at {url}");
    let log = work.0.join("chromedriver.log");
    let (_driver, driver_url) = start_chromedriver(&chromedriver, &log);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let screenshot = std::env::var_os("TCPMC_BROWSER_SCREENSHOT").map(PathBuf::from);
    let profile = work.0.join("chromium-profile");
    let result = runtime.block_on(session(
        &driver_url,
        &chromium,
        &profile,
        &url,
        screenshot.as_deref(),
    ));
    if let Err(e) = result {
        let log = std::fs::read_to_string(&log).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(20).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        panic!(
            "browser test failed: {e:#}\nchromedriver log (last lines):\n{}",
            tail.join("\n")
        );
    }
}

/// Opens a Chromium session, runs the checks and closes the session (which ends Chromium) whether
/// they passed or not.
async fn session(
    driver_url: &str,
    chromium: &Path,
    profile: &Path,
    url: &str,
    screenshot: Option<&Path>,
) -> Result<()> {
    let args = [
        "--headless".to_string(),
        "--no-sandbox".to_string(),
        "--disable-gpu".to_string(),
        "--disable-quic".to_string(),
        "--no-first-run".to_string(),
        "--disable-background-networking".to_string(),
        "--disable-component-update".to_string(),
        "--disable-sync".to_string(),
        "--window-size=1400,1000".to_string(),
        format!("--user-data-dir={}", profile.display()),
    ];
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), json!("chrome"));
    caps.insert(
        "goog:chromeOptions".into(),
        json!({ "binary": chromium, "args": args }),
    );
    let client = ClientBuilder::new(HttpConnector::new())
        .capabilities(caps)
        .connect(driver_url)
        .await
        .context("a WebDriver session with chromedriver")?;
    let checked = checks(&client, url, screenshot).await;
    let closed = client.close().await;
    checked?;
    closed.context("closing the session")
}

fn check(cond: bool, what: &str) -> Result<()> {
    ensure!(cond, "check failed: {what}");
    println!("ok: {what}");
    Ok(())
}

/// Waits until `locator` finds an element.
async fn wait_for(
    c: &Client,
    locator: Locator<'_>,
    what: &str,
) -> Result<fantoccini::elements::Element> {
    c.wait()
        .at_most(TIMEOUT)
        .for_element(locator)
        .await
        .map_err(|e| anyhow!("waiting for {what}: {e}"))
}

/// Clicks the link whose text is exactly `name`, once it appears. The list of choices is redrawn
/// after each step, so a link found just before a redraw is found again.
async fn click_link(c: &Client, name: &str) -> Result<()> {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let link = wait_for(c, Locator::LinkText(name), &format!("link {name:?}")).await?;
        match link.click().await {
            Ok(()) => return Ok(()),
            Err(e) if e.is_stale_element_reference() && Instant::now() < deadline => continue,
            Err(e) => bail!("clicking link {name:?}: {e}"),
        }
    }
}

/// The `textContent` of each element matching `selector` inside the chart.
async fn chart_texts(c: &Client, selector: &str) -> Result<Vec<String>> {
    let script = "const chart = document.querySelector('section.main-flex-right svg.tcpmc-msc');\
                  return [...chart.querySelectorAll(arguments[0])].map(e => e.textContent);";
    let value = c
        .execute(script, vec![json!(selector)])
        .await
        .map_err(|e: CmdError| anyhow!("reading {selector} in the chart: {e}"))?;
    serde_json::from_value(value).with_context(|| format!("{selector} as a list of strings"))
}

/// The checks, as a person would click: the page, the initial state, two actions, then the state
/// text and the chart.
async fn checks(c: &Client, url: &str, screenshot: Option<&Path>) -> Result<()> {
    c.goto(url).await.context("loading the explorer")?;

    // The properties panel lists tcpmc's properties.
    wait_for(
        c,
        Locator::XPath("//*[text()[contains(., 'no-stale-segment-accepted')]]"),
        "no-stale-segment-accepted in the properties panel",
    )
    .await?;
    check(true, "the properties panel lists no-stale-segment-accepted")?;

    // The initial state, then two actions in replay syntax. Each click waits for a choice that
    // only the new state offers: the old list may still show.
    click_link(c, "Init 0").await?;
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let current = c.current_url().await.context("the page's URL")?;
        if current.fragment() == Some("/steps/0") {
            break;
        }
        ensure!(
            Instant::now() < deadline,
            "the URL never became #/steps/0: {current}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    click_link(c, "A connect (ISS=0)").await?;
    wait_for(
        c,
        Locator::LinkText("lose A->B SYN"),
        "link \"lose A->B SYN\"",
    )
    .await?;
    click_link(c, "B listen").await?;
    wait_for(
        c,
        Locator::LinkText("deliver A->B SYN (ISS=0)"),
        "link \"deliver A->B SYN (ISS=0)\"",
    )
    .await?;
    check(
        true,
        "after 'A connect (ISS=0)' and 'B listen', 'deliver A->B SYN (ISS=0)' is offered",
    )?;

    let state = wait_for(
        c,
        Locator::Css("section.main-flex-right div.font-small"),
        "the state panel",
    )
    .await?;
    let text = state.text().await.context("the state panel's text")?;
    println!("{text}");
    check(
        text.starts_with("B listen"),
        "the state panel starts with the action taken",
    )?;
    // A: SYN-SENT, one or more spaces, then its variables.
    let a_vars = text.lines().any(|line| {
        line.strip_prefix("A: SYN-SENT ").is_some_and(|rest| {
            rest.trim_start_matches(' ')
                .starts_with("iss=0 una=0 nxt=1 rcv=0 rexmt=1t retries=0 c1")
        })
    });
    check(a_vars, "A is SYN-SENT with its variables")?;
    check(text.contains("B: LISTEN"), "B is LISTEN")?;
    check(
        text.contains("net: [A->B SYN seq=0 c1 age=0]"),
        "the SYN is in flight",
    )?;

    wait_for(
        c,
        Locator::Css("section.main-flex-right svg.tcpmc-msc"),
        "the sequence chart",
    )
    .await?;
    let lifelines = chart_texts(c, "text.lifeline").await?;
    check(lifelines == ["A", "B"], "the chart has lifelines A and B")?;
    let rows = chart_texts(c, "text.step").await?;
    check(
        rows == ["0. initial state", "1. A connect (ISS=0)", "2. B listen"],
        &format!("the chart has one row per step: {rows:?}"),
    )?;
    let segments = chart_texts(c, "text.segment-label").await?;
    check(
        segments.iter().any(|s| s == "SYN seq=0 c1"),
        "the chart draws the SYN in flight",
    )?;

    if let Some(path) = screenshot {
        let png = c.screenshot().await.context("a screenshot")?;
        std::fs::write(path, png).with_context(|| format!("writing {}", path.display()))?;
        println!("screenshot: {}", path.display());
    }
    Ok(())
}
