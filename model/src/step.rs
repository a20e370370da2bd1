//! One step of a scenario, as written in a replay file (`A connect`, `deliver A->B SYN,ACK #2`,
//! `tick 3`, `expect A ESTABLISHED`), and how a step is matched against the enabled actions.
//!
//! A step never names a sequence number. A segment is named by its direction and its exact flag
//! set; where several in-flight segments match, `#k` picks the k-th oldest. Where a step hides a
//! nondeterministic choice (the ISS of a connect, or of a listener taking a SYN), [`successors`]
//! returns one successor per choice and the caller searches (see [`crate::replay`]). The text
//! [`crate::system::describe`] prints for an action is itself a step, with the choice pinned:
//! `A connect (ISS=2)`.

use crate::config::Config;
use crate::endpoint::{End, Side};
use crate::segment::{flags, Segment};
use crate::system::{actions, apply, describe, Action, Choice, State};
use crate::tcp_state::TcpState;
use std::fmt;

/// A segment as a scenario names it: direction, exact flag set, and rank among equal ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SegmentRef {
    pub from: Side,
    /// Control bits (`flags::*`).
    pub flags: u8,
    /// The segment carries data (`DATA` in the flag list).
    pub data: bool,
    /// 1 for the oldest matching segment, k for the k-th oldest.
    pub k: u8,
}

impl SegmentRef {
    pub fn matches(&self, seg: &Segment) -> bool {
        seg.from == self.from && seg.flags == self.flags && (seg.len > 0) == self.data
    }

    /// The index in the network of the k-th oldest matching segment: largest age first, ties in
    /// the network's (canonical) order, the order [`describe`] ranks by.
    pub fn find(&self, s: &State) -> Option<usize> {
        let mut found: Vec<(u8, usize)> = s
            .net
            .segments()
            .iter()
            .enumerate()
            .filter(|(_, seg)| self.matches(seg))
            .map(|(i, seg)| (u8::MAX - seg.age, i))
            .collect();
        found.sort_unstable();
        found.get(self.k as usize - 1).map(|&(_, i)| i)
    }
}

/// A check of the current state (`expect ...`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expectation {
    /// The endpoint is in this RFC 9293 state.
    State(Side, TcpState),
    /// Nothing is in flight.
    NetEmpty,
    /// The application saw "connection reset": a valid RST closed the endpoint's last connection.
    Reset(Side),
}

/// One scenario step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Active open; `iss` pins the ISS (`A connect (ISS=2)`), else every allowed ISS is a choice.
    Connect(Side, Option<u8>),
    /// `listen`, `send`, `read`, `close`, `shutdown`, `abort`, or a host fault (`crash`, `down`).
    Call(Action),
    /// Deliver a segment; `iss` pins the ISS a LISTEN endpoint chooses when it takes a SYN.
    Deliver(SegmentRef, Option<u8>),
    Lose(SegmentRef),
    Dup(SegmentRef),
    /// `tick` or `tick N`: N ticks, each of which must be enabled.
    Tick(u8),
    Expect(Expectation),
}

/// Why a step cannot be taken in a state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stuck {
    /// The step matches no enabled action. `enabled` lists those that are, in replay syntax.
    NotEnabled { enabled: Vec<String> },
    /// An `expect` does not hold: `found` is what the state shows instead.
    Expectation { expected: String, found: String },
}

fn side(word: &str) -> Result<Side, String> {
    Side::parse(word).ok_or_else(|| format!("unknown endpoint '{word}' (use A or B)"))
}

/// Parses `SYN,ACK` (any order, any case; `DATA` marks a segment with data).
fn parse_flags(text: &str) -> Result<(u8, bool), String> {
    let mut bits = 0u8;
    let mut data = false;
    for name in text.split(',') {
        let name = name.trim();
        let bit = match name.to_ascii_uppercase().as_str() {
            "SYN" => flags::SYN,
            "ACK" => flags::ACK,
            "FIN" => flags::FIN,
            "RST" => flags::RST,
            "DATA" if !data => {
                data = true;
                continue;
            }
            "" => return Err(format!("malformed segment '{text}': empty flag name")),
            _ if name.eq_ignore_ascii_case("DATA") => {
                return Err(format!("malformed segment '{text}': DATA twice"))
            }
            _ => {
                return Err(format!(
                    "malformed segment '{text}': unknown flag '{name}' (flags: SYN, ACK, FIN, RST, DATA)"
                ))
            }
        };
        if bits & bit != 0 {
            return Err(format!("malformed segment '{text}': {name} twice"));
        }
        bits |= bit;
    }
    if bits == 0 {
        return Err(format!(
            "malformed segment '{text}': a segment has at least one of SYN, ACK, FIN, RST"
        ));
    }
    Ok((bits, data))
}

/// Parses `(ISS=n)` into its choice byte; with `zero_too`, also `(zero=n)` (the place of the
/// receiver's absolute 0, `State::zero`).
fn parse_choice(word: &str, zero_too: bool) -> Option<Result<u8, String>> {
    let inner = word.strip_prefix("(")?.strip_suffix(")")?;
    let (key, value) = inner.split_once('=')?;
    let key = key.trim();
    let zero = key.eq_ignore_ascii_case("zero");
    if !key.eq_ignore_ascii_case("ISS") && !zero {
        return None;
    }
    if zero && !zero_too {
        return Some(Err(format!("'{word}': only a delivery chooses zero")));
    }
    let what = if zero { "zero" } else { "ISS" };
    Some(
        value
            .trim()
            .parse::<u8>()
            .ok()
            .filter(|&v| v < 64)
            .map(|v| {
                if zero {
                    Choice::Zero(v).byte()
                } else {
                    Choice::Iss(v).byte()
                }
            })
            .ok_or_else(|| format!("malformed choice '{word}': {what} must be a number below 64")),
    )
}

/// Parses `A->B FLAGS [#k] [(ISS=n) | (zero=n)]`.
fn parse_segment(words: &[&str], verb: &str) -> Result<(SegmentRef, Option<u8>), String> {
    let usage = format!("malformed step: use '{verb} A->B FLAGS' (e.g. '{verb} A->B SYN,ACK')");
    let (dir, flag_text) = match words {
        [dir, flag_text, ..] => (*dir, *flag_text),
        _ => return Err(usage),
    };
    let (from, to) = dir
        .split_once("->")
        .ok_or_else(|| format!("malformed segment direction '{dir}' (use A->B or B->A)"))?;
    let from = side(from.trim())?;
    let to = side(to.trim())?;
    if to != from.peer() {
        return Err(format!(
            "malformed segment direction '{dir}' (use A->B or B->A)"
        ));
    }
    let (bits, data) = parse_flags(flag_text)?;
    let mut k = 1u8;
    let mut iss = None;
    for word in &words[2..] {
        if let Some(rank) = word.strip_prefix('#') {
            k = rank
                .parse::<u8>()
                .ok()
                .filter(|&k| k >= 1)
                .ok_or_else(|| format!("malformed rank '{word}' (use #1, #2, ...)"))?;
        } else if let Some(choice) = parse_choice(word, true) {
            if verb != "deliver" {
                return Err(format!("'{verb}' takes no ISS choice"));
            }
            iss = Some(choice?);
        } else {
            return Err(format!("unexpected '{word}' after the segment"));
        }
    }
    let seg = SegmentRef {
        from,
        flags: bits,
        data,
        k,
    };
    Ok((seg, iss))
}

impl Step {
    /// Parses one step (a line without its comment). Errors are one line, without line number.
    pub fn parse(text: &str) -> Result<Step, String> {
        // `(ISS=n)` may be written with a space inside the parentheses; glue it back.
        let text = text.replace("( ", "(").replace(" )", ")");
        let words: Vec<&str> = text.split_whitespace().collect();
        let Some(&first) = words.first() else {
            return Err("empty step".into());
        };
        match first.to_ascii_lowercase().as_str() {
            "deliver" => {
                let (seg, iss) = parse_segment(&words[1..], "deliver")?;
                Ok(Step::Deliver(seg, iss))
            }
            "lose" => Ok(Step::Lose(parse_segment(&words[1..], "lose")?.0)),
            "dup" => Ok(Step::Dup(parse_segment(&words[1..], "dup")?.0)),
            "tick" => match words[1..] {
                [] => Ok(Step::Tick(1)),
                [n] => n
                    .parse::<u8>()
                    .ok()
                    .filter(|&n| n >= 1)
                    .map(Step::Tick)
                    .ok_or_else(|| format!("malformed tick count '{n}' (use 1..=255)")),
                _ => Err("malformed step: use 'tick' or 'tick N'".into()),
            },
            "expect" => Ok(Step::Expect(parse_expectation(&words[1..])?)),
            _ => parse_call(&words),
        }
    }
}

fn parse_expectation(words: &[&str]) -> Result<Expectation, String> {
    match words {
        [net, empty] if net.eq_ignore_ascii_case("net") && empty.eq_ignore_ascii_case("empty") => {
            Ok(Expectation::NetEmpty)
        }
        [who, what] => {
            let side = side(who)?;
            if what.eq_ignore_ascii_case("reset") {
                return Ok(Expectation::Reset(side));
            }
            TcpState::parse(what)
                .map(|st| Expectation::State(side, st))
                .ok_or_else(|| {
                    format!("unknown state '{what}' (an RFC 9293 state such as ESTABLISHED, or 'reset')")
                })
        }
        _ => Err(
            "malformed expect: use 'expect A STATE', 'expect A reset' or 'expect net empty'".into(),
        ),
    }
}

/// `A connect`, `B listen`, ...
fn parse_call(words: &[&str]) -> Result<Step, String> {
    let (who, verb, rest) = match words {
        [who, verb, rest @ ..] => (*who, *verb, rest),
        [word] => return Err(format!("unknown step '{word}'")),
        [] => return Err("empty step".into()),
    };
    let Some(side) = Side::parse(who) else {
        return Err(format!(
            "unknown step '{who}' (a step starts with A, B, deliver, lose, dup, tick or expect)"
        ));
    };
    let verb = verb.to_ascii_lowercase();
    if verb == "connect" {
        return match rest {
            [] => Ok(Step::Connect(side, None)),
            [choice] => match parse_choice(choice, false) {
                Some(iss) => Ok(Step::Connect(side, Some(iss?))),
                None => Err(format!("unexpected '{choice}' after 'connect'")),
            },
            _ => Err("malformed step: use 'A connect' or 'A connect (ISS=n)'".into()),
        };
    }
    if let Some(extra) = rest.first() {
        return Err(format!("unexpected '{extra}' after '{verb}'"));
    }
    let action = match verb.as_str() {
        "listen" => Action::Listen(side),
        "send" => Action::Send(side),
        "read" => Action::Read(side),
        "close" => Action::Close(side),
        "shutdown" => Action::Shutdown(side),
        "abort" => Action::Abort(side),
        // Host faults, enabled only with `config host_fault=crash` / `host_fault=down`.
        "crash" => Action::Crash(side),
        "down" => Action::Down(side),
        _ => {
            return Err(format!(
                "unknown verb '{verb}' (connect, listen, send, read, close, shutdown, abort, crash, down)"
            ))
        }
    };
    Ok(Step::Call(action))
}

/// A successor of a step: the ISS chosen where the step hid that choice, and the state reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Successor {
    pub chose: Option<u8>,
    pub state: State,
}

/// Every way `step` can be taken from `s` (more than one only where it hides an ISS choice), or
/// why it cannot. A step is taken only through an enabled action (`system::actions`).
pub fn successors(cfg: &Config, s: &State, step: &Step) -> Result<Vec<Successor>, Stuck> {
    let mut enabled = Vec::new();
    actions(cfg, s, &mut enabled);
    let not_enabled = |enabled: &[Action]| Stuck::NotEnabled {
        enabled: enabled.iter().map(|a| describe(s, a)).collect(),
    };
    // The enabled actions that match, with the choice each makes (if the step left it open).
    let chosen: Vec<(Action, Option<u8>)> = match *step {
        Step::Expect(e) => {
            check(s, &e)?;
            return Ok(vec![Successor {
                chose: None,
                state: *s,
            }]);
        }
        Step::Tick(n) => {
            let mut t = *s;
            for _ in 0..n {
                let mut now = Vec::new();
                actions(cfg, &t, &mut now);
                if !now.contains(&Action::Tick) {
                    let names = now.iter().map(|a| describe(&t, a)).collect();
                    return Err(Stuck::NotEnabled { enabled: names });
                }
                t = apply(cfg, &t, Action::Tick).ok_or_else(|| not_enabled(&now))?;
            }
            return Ok(vec![Successor {
                chose: None,
                state: t,
            }]);
        }
        Step::Call(a) => enabled
            .iter()
            .filter(|&&e| e == a)
            .map(|&e| (e, None))
            .collect(),
        Step::Connect(side, pinned) => enabled
            .iter()
            .filter_map(|&e| match e {
                Action::Connect(sd, iss) if sd == side && pinned.is_none_or(|p| p == iss) => {
                    Some((e, pinned.is_none().then_some(iss)))
                }
                _ => None,
            })
            .collect(),
        Step::Deliver(r, pinned) => match first_equal(s, &r) {
            None => Vec::new(),
            Some(i) => {
                let hides_choice = enabled.iter().any(|e| {
                    matches!(e, Action::Deliver(j, iss)
                        if *j as usize == i && *iss != crate::system::NO_CHOICE)
                });
                enabled
                    .iter()
                    .filter_map(|&e| match e {
                        Action::Deliver(j, iss)
                            if j as usize == i
                                && (!hides_choice || pinned.is_none_or(|p| p == iss)) =>
                        {
                            Some((e, (hides_choice && pinned.is_none()).then_some(iss)))
                        }
                        _ => None,
                    })
                    .collect()
            }
        },
        Step::Lose(r) => match first_equal(s, &r) {
            None => Vec::new(),
            Some(i) => enabled
                .iter()
                .filter(|&&e| e == Action::Lose(i as u8))
                .map(|&e| (e, None))
                .collect(),
        },
        Step::Dup(r) => match first_equal(s, &r) {
            None => Vec::new(),
            Some(i) => enabled
                .iter()
                .filter(|&&e| e == Action::Duplicate(i as u8))
                .map(|&e| (e, None))
                .collect(),
        },
    };
    let out: Vec<Successor> = chosen
        .into_iter()
        .filter_map(|(a, chose)| apply(cfg, s, a).map(|state| Successor { chose, state }))
        .collect();
    if out.is_empty() {
        return Err(not_enabled(&enabled));
    }
    Ok(out)
}

/// The segment the reference names, as the index of the first of its run of equal segments (the
/// index `system::actions` enables; equal segments lead to equal states).
fn first_equal(s: &State, r: &SegmentRef) -> Option<usize> {
    let i = r.find(s)?;
    let seg = s.net.get(i);
    s.net.segments().iter().position(|o| *o == seg)
}

/// Checks an expectation against a state.
pub fn check(s: &State, e: &Expectation) -> Result<(), Stuck> {
    let (ok, found) = match *e {
        Expectation::State(side, st) => {
            let now = s.ep(side).state;
            (now == st, format!("{side} {now}"))
        }
        Expectation::NetEmpty => (s.net.is_empty(), net_text(s)),
        Expectation::Reset(side) => {
            let e = s.ep(side);
            let how = match e.end {
                End::Reset => "reset",
                End::None | End::Normal => "not reset",
                End::TimedOut => "timed out, not reset",
                End::Aborted => "aborted, not reset",
            };
            (e.end == End::Reset, format!("{side} {} ({how})", e.state))
        }
    };
    if ok {
        Ok(())
    } else {
        Err(Stuck::Expectation {
            expected: e.to_string(),
            found,
        })
    }
}

fn net_text(s: &State) -> String {
    if s.net.is_empty() {
        return "net empty".into();
    }
    let segs: Vec<String> = s.net.segments().iter().map(|g| format!("[{g}]")).collect();
    format!("net: {}", segs.join(" "))
}

impl fmt::Display for Expectation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expectation::State(side, st) => write!(f, "{side} {st}"),
            Expectation::NetEmpty => write!(f, "net empty"),
            Expectation::Reset(side) => write!(f, "{side} reset"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_kind_of_step() {
        assert_eq!(Step::parse("A connect"), Ok(Step::Connect(Side::A, None)));
        assert_eq!(
            Step::parse("b connect (ISS=3)"),
            Ok(Step::Connect(Side::B, Some(3)))
        );
        assert_eq!(
            Step::parse("B listen"),
            Ok(Step::Call(Action::Listen(Side::B)))
        );
        assert_eq!(
            Step::parse("deliver B->A ack,syn #2"),
            Ok(Step::Deliver(
                SegmentRef {
                    from: Side::B,
                    flags: flags::SYN | flags::ACK,
                    data: false,
                    k: 2
                },
                None
            ))
        );
        assert_eq!(
            Step::parse("deliver B->A RST,ACK (zero=1)"),
            Ok(Step::Deliver(
                SegmentRef {
                    from: Side::B,
                    flags: flags::RST | flags::ACK,
                    data: false,
                    k: 1
                },
                Some(Choice::Zero(1).byte())
            ))
        );
        assert!(Step::parse("A connect (zero=1)").is_err());
        assert!(Step::parse("deliver A->B SYN (ISS=64)").is_err());
        assert_eq!(Step::parse("tick 3"), Ok(Step::Tick(3)));
        assert_eq!(
            Step::parse("expect A fin_wait_2"),
            Ok(Step::Expect(Expectation::State(
                Side::A,
                TcpState::FinWait2
            )))
        );
        assert_eq!(
            Step::parse("expect net empty"),
            Ok(Step::Expect(Expectation::NetEmpty))
        );
    }

    #[test]
    fn rejects_malformed_steps_with_one_line() {
        for bad in [
            "A jump",
            "deliver A->A SYN",
            "deliver A->B SYNACK",
            "deliver A->B SYN,SYN",
            "deliver A->B",
            "tick 0",
            "expect A OPEN",
            "frobnicate",
        ] {
            let e = Step::parse(bad).unwrap_err();
            assert!(!e.contains('\n'), "{bad}: {e}");
        }
    }

    #[test]
    fn describe_output_is_a_step() {
        let cfg = Config::default();
        let s = State::initial();
        let mut enabled = Vec::new();
        actions(&cfg, &s, &mut enabled);
        for a in enabled {
            let step = Step::parse(&describe(&s, &a)).expect("describe output parses");
            let succ = successors(&cfg, &s, &step).expect("enabled");
            assert_eq!(succ.len(), 1);
            assert_eq!(Some(succ[0].state), apply(&cfg, &s, a));
        }
    }
}
