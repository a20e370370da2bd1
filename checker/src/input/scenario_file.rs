//! Reads a scenario file: one step per line, `#` starts a comment, and `config key=value` and
//! `variant NAME` lines before the first step. Every error is one line naming the line number.
//!
//! A replay follows one path, so the bound on segments in flight only gets in its way: unless the
//! file (a `config max_in_flight=N` line) or its variant sets it, a scenario runs with the largest
//! bound the model allows, [`MAX_NET`].
//!
//! Under dense time (`config time=dense`, or a variant that sets it) the steps are
//! [`TimedLine`]s: `[t=TIME] STEP` or `STEP`, STEP in the dense report's syntax (no `tick`; `A
//! rexmt timer fires`, `die (age MSL-1) A->B SYN`), TIME in units or, with `time_unit_ms`, in
//! seconds (`51.2s`); `tcpmc replay` walks them through the dense model.

use crate::input::error::InputError;
use crate::input::settings::{self, apply_variants};
use serde_json::Value;
use std::path::Path;
use tcpmc_model::config::MAX_NET;
use tcpmc_model::dense::replay::TimedStep;
use tcpmc_model::dense::Moment;
use tcpmc_model::step::Step;
use tcpmc_model::{Config, Time};

/// A step with where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// 1-based line number in the file.
    pub number: usize,
    /// The step as written (comment and surrounding blanks removed).
    pub text: String,
    pub step: Step,
}

/// A step of a scenario under dense time (`config time=dense`), with where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimedLine {
    /// 1-based line number in the file.
    pub number: usize,
    /// The step as written, its time included (comment and surrounding blanks removed).
    pub text: String,
    pub step: TimedStep,
}

/// A parsed scenario: the configuration it runs under and its steps: `lines` under ticks,
/// `timed` under dense time (the other one is empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    pub cfg: Config,
    pub lines: Vec<Line>,
    pub timed: Vec<TimedLine>,
}

/// Reads and parses a scenario file.
pub fn load(path: &Path) -> Result<Scenario, InputError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        InputError::bounded(format!("cannot read scenario file {}: {e}", path.display()))
    })?;
    parse(&text)
}

/// An error at a line: one line, with any token of the file cut short.
fn at(number: usize, msg: impl std::fmt::Display) -> InputError {
    InputError::bounded(format!("line {number}: {msg}"))
}

/// Parses a scenario's text.
pub fn parse(text: &str) -> Result<Scenario, InputError> {
    let mut variant: Option<usize> = None;
    let mut cfg = replay_defaults();
    // (line, field) of every config line, to name the line an invalid combination comes from.
    let mut set_at: Vec<(usize, String)> = Vec::new();
    let mut lines = Vec::new();
    let mut timed = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let number = i + 1;
        let content = strip_comment(raw);
        if content.is_empty() {
            continue;
        }
        let (head, rest) = match content.split_once(char::is_whitespace) {
            Some((h, r)) => (h, r.trim()),
            None => (content.as_str(), ""),
        };
        match head.to_ascii_lowercase().as_str() {
            "config" | "variant" if !lines.is_empty() || !timed.is_empty() => {
                return Err(at(
                    number,
                    format!("'{head}' must come before the first step"),
                ));
            }
            "variant" => {
                if rest.is_empty() || rest.contains(char::is_whitespace) {
                    return Err(at(number, "malformed variant line: use 'variant NAME'"));
                }
                if let Some(first) = variant {
                    return Err(at(
                        number,
                        format!("a second variant (the first is on line {first})"),
                    ));
                }
                if !set_at.is_empty() {
                    return Err(at(number, "'variant' must come before the 'config' lines"));
                }
                // The variant's fields on top of the replay defaults: a variant that sets
                // max_in_flight keeps its bound, any other runs with MAX_NET.
                cfg = apply_variants(replay_defaults(), rest).map_err(|e| at(number, e))?;
                variant = Some(number);
            }
            "config" => {
                let (key, value) = rest
                    .split_once('=')
                    .map(|(k, v)| (k.trim(), v.trim()))
                    .filter(|(k, v)| !k.is_empty() && !v.is_empty())
                    .ok_or_else(|| at(number, "malformed config line: use 'config key=value'"))?;
                if !settings::field_names().iter().any(|f| f == key) {
                    return Err(at(number, settings::unknown_key(key)));
                }
                // The value as JSON if it parses (numbers, booleans), else as a string (`any`).
                let value = serde_json::from_str::<Value>(value)
                    .unwrap_or_else(|_| Value::String(value.to_string()));
                cfg = settings::merge(cfg, &[(key, value)])
                    .map_err(|e| at(number, format!("config {key}: {e}")))?;
                set_at.push((number, key.to_string()));
            }
            _ if cfg.time == Time::Dense => {
                let step = timed_step(&content, &cfg).map_err(|e| at(number, e))?;
                timed.push(TimedLine {
                    number,
                    text: content.split_whitespace().collect::<Vec<_>>().join(" "),
                    step,
                });
            }
            _ if content.starts_with("[t=") => {
                return Err(at(
                    number,
                    "a step with a time ('[t=...]') needs dense time: add 'config time=dense' before the first step",
                ));
            }
            _ => {
                let step = Step::parse(&content).map_err(|e| at(number, e))?;
                lines.push(Line {
                    number,
                    // Echoed with every step: runs of blanks would make it any length.
                    text: content.split_whitespace().collect::<Vec<_>>().join(" "),
                    step,
                });
            }
        }
    }
    if let Err(e) = cfg.validate() {
        let number = set_at
            .iter()
            .rev()
            .find(|(_, k)| k == e.field)
            .or(set_at.last())
            .map(|(n, _)| *n)
            .unwrap_or(1);
        return Err(at(number, e));
    }
    Ok(Scenario { cfg, lines, timed })
}

/// A step under dense time: `[t=TIME] STEP` or `STEP`. The time is in units (`3`, `2.5`), or in
/// seconds (`51.2s`) when the configuration has a unit of time. STEP is a step of the tick
/// syntax but `tick` (time passes between the steps), or a step of the dense model alone: a
/// timer that fires (`A rexmt timer fires`), a segment that dies of old age (`die (age MSL-1)
/// A->B SYN`). An `expect` takes no time.
fn timed_step(content: &str, cfg: &Config) -> Result<TimedStep, String> {
    let (time, text) = match content.strip_prefix("[t=") {
        Some(rest) => {
            let (t, text) = rest.split_once(']').ok_or_else(|| {
                "malformed time: use '[t=TIME] STEP' (e.g. '[t=2] A close')".to_string()
            })?;
            (Some(Moment::parse(t.trim(), cfg)?), text.trim())
        }
        None => (None, content),
    };
    if text.is_empty() {
        return Err("a time without a step: use '[t=TIME] STEP' (e.g. '[t=2] A close')".into());
    }
    let words: Vec<String> = text
        .split_whitespace()
        .map(|w| w.to_ascii_lowercase())
        .collect();
    let dense_only = matches!(words.as_slice(), [side, _, timer, fires] if (side == "a" || side == "b") && timer == "timer" && fires == "fires")
        || words.first().is_some_and(|w| w == "die");
    let mut expect = None;
    if !dense_only {
        match Step::parse(text)? {
            Step::Tick(_) => {
                return Err("no 'tick' under dense time: time passes between steps; give a step its time instead ('[t=2] A close')".into())
            }
            Step::Expect(e) if time.is_some() => {
                let _ = e;
                return Err("an 'expect' takes no time".into());
            }
            Step::Expect(e) => expect = Some(e),
            _ => {}
        }
    }
    Ok(TimedStep {
        text: text.to_string(),
        time,
        expect,
    })
}

/// The configuration a scenario starts from: the defaults with the largest network bound.
pub fn replay_defaults() -> Config {
    Config {
        max_in_flight: MAX_NET as u8,
        ..Config::default()
    }
}

/// The line without its comment. A `#` that begins a word and is followed by a digit is a rank
/// (`deliver A->B ACK #2`), not a comment.
fn strip_comment(raw: &str) -> String {
    let mut out = String::new();
    let mut prev_blank = true;
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '#' {
            let rank = prev_blank && chars.peek().is_some_and(|d| d.is_ascii_digit());
            if !rank {
                break;
            }
        }
        prev_blank = c.is_whitespace();
        out.push(c);
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_ranks_and_config() {
        let s = parse(
            "# a comment\nconfig isn=any\nconfig max_in_flight=6 # trailing\n\nA connect\ndeliver A->B SYN #2 # second\n",
        )
        .unwrap();
        assert_eq!(s.cfg.isn, tcpmc_model::config::IsnPolicy::Any);
        assert_eq!(s.cfg.max_in_flight, 6);
        assert_eq!(s.lines.len(), 2);
        assert_eq!(s.lines[1].number, 6);
        assert_eq!(s.lines[1].text, "deliver A->B SYN #2");
    }

    #[test]
    fn a_replay_runs_with_the_largest_network_bound_unless_told_otherwise() {
        assert_eq!(
            parse("A connect\n").unwrap().cfg.max_in_flight,
            MAX_NET as u8
        );
        let v = parse("variant unread-close\nA connect\n").unwrap().cfg;
        assert_eq!((v.max_in_flight, v.app_reads), (MAX_NET as u8, false));
        let c = parse("config max_in_flight=2\nA connect\n").unwrap().cfg;
        assert_eq!(c.max_in_flight, 2);
        // Everything else is the default configuration.
        assert_eq!(
            Config {
                max_in_flight: Config::default().max_in_flight,
                ..parse("A connect\n").unwrap().cfg
            },
            Config::default()
        );
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse("A connect\nA jump\n").unwrap_err();
        assert!(e.0.starts_with("line 2: "), "{e}");
        let e = parse("config window=9\nA connect\n").unwrap_err();
        assert!(
            e.0.starts_with("line 1: invalid configuration: window = 9"),
            "{e}"
        );
        let e = parse("config bogus=1\n").unwrap_err();
        assert_eq!(
            e.0,
            "line 1: unknown key `bogus` (tcpmc check --help lists them)"
        );
        let e = parse("config msll=1\n").unwrap_err();
        assert_eq!(
            e.0,
            "line 1: unknown key `msll`; did you mean `msl`? (tcpmc check --help lists them)"
        );
        let long = "x".repeat(1 << 20);
        let e = parse(&format!("A {long}\n")).unwrap_err();
        assert!(e.0.len() < 200, "{} bytes", e.0.len());
        let e = parse("A connect\nconfig msl=2\n").unwrap_err();
        assert_eq!(e.0, "line 2: 'config' must come before the first step");
        let e = parse("variant solaris\n").unwrap_err();
        assert_eq!(
            e.0,
            "line 1: unknown variant 'solaris' (tcpmc variants lists them)"
        );
        // Only the final combination must be valid.
        assert!(parse("config window=6\nconfig seq_space=16\n").is_ok());
    }
}
