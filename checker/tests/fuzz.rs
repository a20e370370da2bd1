//! Fuzzing on stable Rust, inside `cargo test`: every parser of user input gets a deterministic,
//! seeded random-mutation fuzzer over a corpus for a bounded time. Each input must give Ok or one
//! line of bounded length, never a panic.
//!
//! The corpus of a target is `checker/tests/corpus/<target>/` (small files; the scenario target
//! also reads `examples/`), plus generated seeds too large to keep: a 1 MB token and a
//! 25,000-line scenario. `TCPMC_FUZZ_SECS` sets the seconds per target (default 2),
//! `TCPMC_FUZZ_SEED` the seed (default 15). A failure names the seed, the iteration and the
//! input, and saves the input under the test's target directory, to be added to the corpus.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tcpmc::commands::sweep::parse_param;
use tcpmc::input::error::MAX_LINE;
use tcpmc::input::scenario_file;
use tcpmc::input::settings::{field_names, parse_config, variant_config};
use tcpmc::input::variant::VARIANTS;

// The fuzzer's generator: splitmix64, the same on every machine.
use tcpmc_model::rng::SplitMix64 as Rng;

/// Largest mutated input: big enough for any structure, small enough for many runs a second.
const MAX_INPUT: usize = 16 * 1024;

/// Bytes that matter to some parser.
const BYTES: &[u8] = b"\0\n\r\t =,.+-#\"'`[]{}:()0123456789>\\\xff\xc3";

/// Numbers at the edges of the fields' types and ranges.
const NUMBERS: &[&str] = &[
    "0",
    "1",
    "-1",
    "8",
    "32",
    "64",
    "255",
    "256",
    "65536",
    "18446744073709551615",
    "18446744073709551616",
];

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One mutation of `input`: flips, inserts, deletions, dictionary words, copies, splices with
/// another seed, truncation, numbers swapped for edge values, lines swapped.
fn mutate(rng: &mut Rng, input: &[u8], corpus: &[Vec<u8>], dict: &[String]) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(v.len() + 1);
        match rng.below(10) {
            0 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] ^= 1 << rng.below(8);
            }
            1 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] = BYTES[rng.below(BYTES.len())];
            }
            2 => v.insert(at, BYTES[rng.below(BYTES.len())]),
            3 if !v.is_empty() => {
                let end = (at + 1 + rng.below(16)).min(v.len());
                v.drain(at.min(end)..end);
            }
            4 if !dict.is_empty() => {
                let w = dict[rng.below(dict.len())].as_bytes();
                v.splice(at..at, w.iter().copied());
            }
            5 if !v.is_empty() => {
                let from = rng.below(v.len());
                let len = 1 + rng.below((v.len() - from).min(64));
                let chunk: Vec<u8> = v[from..from + len].to_vec();
                for _ in 0..1 + rng.below(3) {
                    v.splice(at..at, chunk.iter().copied());
                }
            }
            6 => {
                let other = &corpus[rng.below(corpus.len())];
                if !other.is_empty() {
                    let from = rng.below(other.len());
                    let len = 1 + rng.below((other.len() - from).min(128));
                    v.splice(at..at, other[from..from + len].iter().copied());
                }
            }
            7 => v.truncate(at),
            8 => {
                if let Some(i) = (at..v.len()).find(|&i| v[i].is_ascii_digit()) {
                    let end = (i..v.len())
                        .find(|&j| !v[j].is_ascii_digit())
                        .unwrap_or(v.len());
                    let n = NUMBERS[rng.below(NUMBERS.len())].as_bytes();
                    v.splice(i..end, n.iter().copied());
                }
            }
            _ => {
                let text = String::from_utf8_lossy(&v).into_owned();
                let mut lines: Vec<&str> = text.split('\n').collect();
                if lines.len() > 1 {
                    let (a, b) = (rng.below(lines.len()), rng.below(lines.len()));
                    lines.swap(a, b);
                }
                v = lines.join("\n").into_bytes();
            }
        }
    }
    v.truncate(MAX_INPUT);
    v
}

/// The small seeds of a target: `checker/tests/corpus/<name>/*`.
fn corpus(name: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(name);
    files(&dir)
}

fn files(dir: &Path) -> Vec<Vec<u8>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read(p).expect("a corpus file"))
        .collect()
}

/// A rejection must be one line of at most [`MAX_LINE`] characters (and "…").
fn check_error(target: &str, msg: &str) -> Result<(), String> {
    if msg.contains('\n') || msg.contains('\r') {
        return Err(format!("{target}: a two-line error: {msg:?}"));
    }
    if msg.trim().is_empty() {
        return Err(format!("{target}: an empty error"));
    }
    let n = msg.chars().count();
    if n > MAX_LINE + 1 {
        return Err(format!("{target}: an error of {n} characters"));
    }
    Ok(())
}

/// The input as the failure shows and saves it.
fn report(target: &str, seed: u64, iteration: usize, input: &[u8], why: &str) -> ! {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-failures");
    let _ = std::fs::create_dir_all(&dir);
    let file = dir.join(format!("{target}-{seed}-{iteration}"));
    let _ = std::fs::write(&file, input);
    let shown = String::from_utf8_lossy(&input[..input.len().min(400)]).into_owned();
    panic!(
        "fuzz {target}: {why}\nseed {seed}, iteration {iteration}, input saved to {}:\n{shown:?}",
        file.display()
    );
}

/// Runs `parse` on every seed, then on mutations of them until the time is up.
fn fuzz(
    target: &str,
    seeds: Vec<Vec<u8>>,
    big: Vec<Vec<u8>>,
    dict: Vec<String>,
    parse: impl Fn(&str) -> Result<(), String>,
) {
    let seed = env_or("TCPMC_FUZZ_SEED", 15);
    let budget = Duration::from_secs_f64(env_or("TCPMC_FUZZ_SECS", 2) as f64);
    let mut rng = Rng(seed
        ^ target
            .bytes()
            .fold(0u64, |h, b| h.rotate_left(5) ^ u64::from(b)));
    let one = |i: usize, input: &[u8]| {
        let text = String::from_utf8_lossy(input);
        match catch_unwind(AssertUnwindSafe(|| parse(&text))) {
            Err(_) => report(target, seed, i, input, "panicked"),
            Ok(Err(msg)) => {
                if let Err(why) = check_error(target, &msg) {
                    report(target, seed, i, input, &why);
                }
            }
            Ok(Ok(())) => {}
        }
    };
    // The large seeds run once each, unmutated, and must be quick.
    for (i, input) in big.iter().enumerate() {
        let start = Instant::now();
        one(i, input);
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{target}: a {}-byte seed took {:?}",
            input.len(),
            start.elapsed()
        );
    }
    let mut pool = seeds;
    assert!(!pool.is_empty(), "{target}: no seeds");
    for (i, input) in pool.iter().enumerate() {
        one(i, input);
    }
    let start = Instant::now();
    let mut runs = 0usize;
    while start.elapsed() < budget && runs < 2_000_000 {
        let parent = pool[rng.below(pool.len())].clone();
        let child = mutate(&mut rng, &parent, &pool, &dict);
        one(runs, &child);
        // Keep a few mutants as parents: deeper structures than the seeds alone reach.
        if rng.below(16) == 0 && pool.len() < 512 {
            pool.push(child);
        }
        runs += 1;
    }
    println!("fuzz {target}: {runs} inputs in {:.1?}", start.elapsed());
}

fn words(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// A megabyte in one token.
fn megabyte() -> String {
    "x".repeat(1 << 20)
}

#[test]
fn fuzz_scenario_files() {
    let mut seeds = corpus("scenario");
    seeds.extend(files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples"),
    ));
    let mb = megabyte();
    let long: String =
        std::iter::repeat_n("B listen\nA connect\nA abort\n# a comment\n", 6_250).collect();
    assert_eq!(long.lines().count(), 25_000);
    let big = vec![
        format!("A {mb}\n"),
        format!("deliver A->B {mb}\n"),
        format!("config {mb}=1\n"),
        format!("config isn={mb}\n"),
        format!("variant {mb}\n"),
        format!("A{}connect\n", " ".repeat(1 << 20)),
        long,
    ];
    let mut dict = words(&[
        "A ",
        "B ",
        "connect",
        "listen",
        "send",
        "read",
        "close",
        "shutdown",
        "abort",
        "crash",
        "down",
        "deliver ",
        "lose ",
        "dup ",
        "A->B ",
        "B->A ",
        "SYN",
        "ACK",
        "FIN",
        "RST",
        "DATA",
        ",",
        "#",
        " #2",
        " (ISS=",
        ")",
        " (zero=1)",
        "tick",
        "tick 255",
        "expect ",
        "ESTABLISHED",
        "TIME_WAIT",
        "reset",
        "net empty",
        "config ",
        "variant ",
        "=",
        "\n",
    ]);
    dict.extend(field_names().into_iter().map(|f| format!("config {f}=")));
    dict.extend(VARIANTS.iter().map(|v| v.name.to_string()));
    fuzz(
        "scenario",
        seeds,
        big.into_iter().map(String::into_bytes).collect(),
        dict,
        |s| {
            scenario_file::parse(s)
                .map(|_| ())
                .map_err(|e| format!("tcpmc: {e}"))
        },
    );
}

fn config_dict() -> Vec<String> {
    let mut dict = words(&[
        "=",
        " = ",
        "\"",
        "'",
        "[",
        "]",
        "{",
        "}",
        ":",
        ",",
        "\n",
        "true",
        "false",
        "null",
        "\"any\"",
        "#",
        "[[",
        "]]",
        "1979-05-27",
    ]);
    dict.extend(field_names());
    dict.extend(field_names().into_iter().map(|f| format!("\"{f}\": ")));
    dict
}

#[test]
fn fuzz_toml_configs() {
    let mb = megabyte();
    let big = vec![
        format!("{mb} = 1\n"),
        format!("isn = \"{mb}\"\n"),
        format!("msl = {}\n", "9".repeat(1 << 20)),
        "msl = 1\n".repeat(25_000),
    ];
    fuzz(
        "toml",
        corpus("toml"),
        big.into_iter().map(String::into_bytes).collect(),
        config_dict(),
        |s| {
            parse_config(s, "toml", "fuzz.toml")
                .map(|_| ())
                .map_err(|e| e.0)
        },
    );
}

#[test]
fn fuzz_json_configs() {
    let mb = megabyte();
    let big = vec![
        format!("{{\"{mb}\": 1}}"),
        format!("{{\"isn\": \"{mb}\"}}"),
        format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000)),
        format!("{{\"msl\": {}}}", "9".repeat(1 << 20)),
    ];
    fuzz(
        "json",
        corpus("json"),
        big.into_iter().map(String::into_bytes).collect(),
        config_dict(),
        |s| {
            parse_config(s, "json", "fuzz.json")
                .map(|_| ())
                .map_err(|e| e.0)
        },
    );
}

#[test]
fn fuzz_variant_lists() {
    let mb = megabyte();
    let big = vec![
        mb.clone(),
        format!("linux,{mb}"),
        format!("short-time-wait={mb}"),
        ",".repeat(1 << 20),
        "baseline,".repeat(100_000),
    ];
    let mut dict = words(&[",", "+", "=", " ", "=3", "=256"]);
    dict.extend(VARIANTS.iter().map(|v| v.name.to_string()));
    fuzz(
        "variant",
        corpus("variant"),
        big.into_iter().map(String::into_bytes).collect(),
        dict,
        // `--variant` takes the list as it is, `sweep --variants` with `+` inside an entry.
        |s| {
            variant_config(s).map_err(|e| e.0)?;
            variant_config(&s.replace('+', ","))
                .map(|_| ())
                .map_err(|e| e.0)
        },
    );
}

#[test]
fn fuzz_sweep_params() {
    let mb = megabyte();
    let big = vec![
        format!("msl={mb}"),
        format!("{mb}=1"),
        format!("time_wait={}", "1,".repeat(300_000)),
        format!("time_wait=0..{}", "9".repeat(1 << 20)),
    ];
    let mut dict = words(&["=", "..", "..=", ",", "-", "_"]);
    dict.extend(field_names());
    dict.extend(NUMBERS.iter().map(|n| n.to_string()));
    fuzz(
        "param",
        corpus("param"),
        big.into_iter().map(String::into_bytes).collect(),
        dict,
        |s| parse_param(s).map(|_| ()).map_err(|e| e.0),
    );
}

/// `tcpmc explore`, killed when dropped.
struct Explorer(Child);

impl Drop for Explorer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// GET `path`: the status and the body (tiny_http answers small bodies whole, larger ones
/// chunked; only the first chunk's line structure matters here).
fn get(port: u16, path: &str) -> Option<(u16, Vec<u8>)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).ok()?;
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let code = head.split(' ').nth(1)?.parse().ok()?;
    let body = &raw[split + 4..];
    if head.contains("transfer-encoding: chunked") {
        return Some((code, dechunk(body)?));
    }
    Some((code, body.to_vec()))
}

/// A chunked HTTP body, joined.
fn dechunk(mut body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line = body.windows(2).position(|w| w == b"\r\n")?;
        let size =
            usize::from_str_radix(std::str::from_utf8(&body[..line]).ok()?.trim(), 16).ok()?;
        if size == 0 {
            return Some(out);
        }
        let start = line + 2;
        out.extend_from_slice(body.get(start..start + size)?);
        body = body.get(start + size + 2..)?;
    }
}

/// The Explorer's path parser (stateright's `/.states/<init>/<action>/...`, which tcpmc serves
/// as it is) on mutated paths: every answer is a JSON list of states or a one-line 404, and the
/// server stays up. stateright repeats a bad path in its 404 whole, so the bound here is the
/// path's own length, not [`MAX_LINE`].
#[test]
fn fuzz_explorer_paths() {
    let port = common::free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_tcpmc"))
        .args(["explore", "--port", &port.to_string()])
        .args(["--incarnations", "1", "--data-a", "0", "--data-b", "0"])
        .args(["--a-listens", "false"])
        .current_dir(std::env::temp_dir())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("tcpmc explore starts");
    let _explorer = Explorer(child);
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "the explorer never answered");
        std::thread::sleep(Duration::from_millis(50));
    }
    // Paths are sent as they are, so the mutations keep to characters a request line allows.
    const SAFE: &[u8] = b"0123456789/.-_%+azAZ~";
    let seed = env_or("TCPMC_FUZZ_SEED", 15);
    let budget = Duration::from_secs_f64(env_or("TCPMC_FUZZ_SECS", 2) as f64);
    let mut rng = Rng(seed);
    let mut pool: Vec<Vec<u8>> = corpus("explorer");
    pool.push(format!("/.states/{}", "x".repeat(1 << 16)).into_bytes());
    pool.push(format!("/.states/0{}", "/0".repeat(300)).into_bytes());
    let dict = words(&[
        "/",
        "0",
        "1",
        "2",
        "/.states",
        "/0",
        "//",
        "99999999999999999999",
    ]);
    let seeds = pool.len();
    let start = Instant::now();
    let mut i = 0usize;
    while i < seeds || (start.elapsed() < budget && i < 100_000) {
        let path = if i < seeds {
            pool[i].clone()
        } else {
            let parent = pool[rng.below(pool.len())].clone();
            let mut p = mutate(&mut rng, &parent, &pool, &dict);
            p.retain(|b| SAFE.contains(b));
            p.truncate(4096);
            if !p.starts_with(b"/") {
                p.insert(0, b'/');
            }
            p
        };
        let text = String::from_utf8_lossy(&path).into_owned();
        let Some((code, body)) = get(port, &text) else {
            report("explorer", seed, i, &path, "no answer: the explorer died")
        };
        match code {
            200 if text.starts_with("/.states") => {
                if !serde_json::from_slice::<serde_json::Value>(&body).is_ok_and(|v| v.is_array()) {
                    report("explorer", seed, i, &path, "a 200 that is not a JSON list");
                }
            }
            200 => {}
            404 => {
                let body = String::from_utf8_lossy(&body);
                if body.contains('\n') || body.len() > text.len() + 100 {
                    report(
                        "explorer",
                        seed,
                        i,
                        &path,
                        "a 404 that is not one short line",
                    );
                }
            }
            other => report("explorer", seed, i, &path, &format!("status {other}")),
        }
        if i >= seeds && rng.below(16) == 0 && pool.len() < 256 {
            pool.push(path);
        }
        i += 1;
    }
    assert!(
        get(port, "/.status").is_some_and(|(c, _)| c == 200),
        "the explorer is still up"
    );
    println!("fuzz explorer: {i} paths in {:.1?}", start.elapsed());
}
