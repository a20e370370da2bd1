//! Walks a timed scenario through the dense-time model ([`DenseModel`]) from its initial state.
//!
//! Each step is matched by its text against [`DenseModel::describe`] of the actions enabled in
//! the zone state it is taken from (case and runs of blanks aside; a `connect` or a delivery
//! written without its `(ISS=n)` matches every choice). Several enabled actions may read alike
//! (equal segments in different slots, whose clocks differ; the ISS choices), so the walk is a
//! depth-first search, as in the tick replay. Once every step is matched, the times written are
//! checked for the whole path by [`DenseModel::timeline_at`]; a path whose times do not fit is
//! given up for the next one, and if none fits, the failure is the first one's.

use crate::dense::semantics::{DenseAction, DenseModel, Moment, Untimed, ZoneState};
use crate::step::{check, Expectation, Stuck};
use crate::system::State;
use std::collections::HashSet;

/// The most complete paths whose times are tried before the replay gives up.
const MAX_PATHS: usize = 10_000;

/// One step of a timed scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimedStep {
    /// The action in the replay syntax, without its time (ignored for an expectation).
    pub text: String,
    /// When it happens, if the scenario says.
    pub time: Option<Moment>,
    /// An `expect` line instead of an action.
    pub expect: Option<Expectation>,
}

/// A step taken: its index in the scenario, the action (none for an expectation) and its text
/// as the model describes it, and the zone state after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DenseTaken {
    pub index: usize,
    pub action: Option<DenseAction>,
    pub described: Option<String>,
    pub state: ZoneState,
}

/// A replay that ran: the steps taken, and per step its time and the state shown at that time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DenseRun {
    pub taken: Vec<DenseTaken>,
    pub times: Vec<(Moment, State)>,
}

/// Why a timed scenario cannot run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DenseFailure {
    /// Step `index` is stuck in `state` (not enabled, or an expectation fails), after `taken`.
    Stuck {
        index: usize,
        state: Box<ZoneState>,
        taken: Vec<DenseTaken>,
        why: Stuck,
    },
    /// Every step matched, and the time written on step `index` does not fit the path.
    Time {
        index: usize,
        written: Moment,
        earliest: Moment,
        latest: Option<Moment>,
    },
    /// No timed run at all (a bug of the model), or too many paths read like the scenario.
    Other(String),
}

/// Normalised text: lower case, single blanks.
fn norm(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase()
}

/// Whether `written` names the action described as `described`: the same text, or the same
/// without a trailing choice `(ISS=n)` / `(zero=n)`.
fn names(written: &str, described: &str) -> bool {
    let d = norm(described);
    if written == d {
        return true;
    }
    match d.rsplit_once(" (") {
        Some((head, tail)) if tail.ends_with(')') && tail.contains('=') => written == head,
        _ => false,
    }
}

/// The candidates of step `index` in `state`: enabled actions whose description matches.
fn candidates(
    model: &DenseModel,
    state: &ZoneState,
    written: &str,
) -> Result<Vec<(DenseAction, String, ZoneState)>, Vec<String>> {
    let mut enabled = Vec::new();
    model.enabled(state, &mut enabled);
    let mut all = Vec::new();
    let mut out = Vec::new();
    for a in enabled {
        let Some((next, _)) = model.successor(state, a) else {
            continue;
        };
        let d = model.describe(state, &a);
        if names(written, &d) {
            out.push((a, d.clone(), next));
        }
        if !all.contains(&d) {
            all.push(d);
        }
    }
    if out.is_empty() {
        Err(all)
    } else {
        Ok(out)
    }
}

struct Frame {
    index: usize,
    state: ZoneState,
    next: Vec<(Option<DenseAction>, Option<String>, ZoneState)>,
    at: usize,
    /// Complete paths found before this frame was entered.
    ends_before: usize,
}

/// The search's state beside the path: what it knows fails, and the failure to report.
struct Walk<'a> {
    model: &'a DenseModel,
    steps: &'a [TimedStep],
    written: Vec<String>,
    dead: HashSet<(usize, ZoneState)>,
    /// The stuck step at the longest prefix (the first among equally long ones).
    best: Option<(usize, DenseFailure)>,
}

impl Walk<'_> {
    /// Enters step `index` in `state`: a frame to explore, or `None` when it fails (recorded).
    fn enter(
        &mut self,
        index: usize,
        state: ZoneState,
        path: &[DenseTaken],
        ends: usize,
    ) -> Option<Frame> {
        if self.dead.contains(&(index, state)) {
            return None;
        }
        let found = match &self.steps[index].expect {
            Some(e) => check(&state.s, e).map(|()| vec![(None, None, state)]),
            None => candidates(self.model, &state, &self.written[index])
                .map(|c| {
                    c.into_iter()
                        .map(|(a, d, n)| (Some(a), Some(d), n))
                        .collect()
                })
                .map_err(|enabled| Stuck::NotEnabled { enabled }),
        };
        match found {
            Ok(next) => Some(Frame {
                index,
                state,
                next,
                at: 0,
                ends_before: ends,
            }),
            Err(why) => {
                if self.best.as_ref().is_none_or(|(len, _)| path.len() > *len) {
                    let f = DenseFailure::Stuck {
                        index,
                        state: Box::new(state),
                        taken: path.to_vec(),
                        why,
                    };
                    self.best = Some((path.len(), f));
                }
                None
            }
        }
    }
}

/// Runs the timed scenario. `Ok` has one [`DenseTaken`] per step.
pub fn replay_dense(model: &DenseModel, steps: &[TimedStep]) -> Result<DenseRun, DenseFailure> {
    let initial = model.initial();
    if steps.is_empty() {
        return Ok(DenseRun {
            taken: Vec::new(),
            times: Vec::new(),
        });
    }
    let mut walk = Walk {
        model,
        steps,
        written: steps.iter().map(|s| norm(&s.text)).collect(),
        dead: HashSet::new(),
        best: None,
    };
    let mut path: Vec<DenseTaken> = Vec::new();
    let mut time_failure: Option<DenseFailure> = None;
    let mut ends = 0usize;
    let mut stack: Vec<Frame> = Vec::new();
    if let Some(f) = walk.enter(0, initial, &path, ends) {
        stack.push(f);
    }
    while let Some(top) = stack.last_mut() {
        if let Some((action, described, next)) = top.next.get(top.at).cloned() {
            top.at += 1;
            let index = top.index;
            path.push(DenseTaken {
                index,
                action,
                described,
                state: next,
            });
            if index + 1 == steps.len() {
                ends += 1;
                match timed(model, initial, &path, steps) {
                    Ok(times) => return Ok(DenseRun { taken: path, times }),
                    Err(f) => {
                        if time_failure.is_none() {
                            time_failure = Some(f);
                        }
                        if ends >= MAX_PATHS {
                            break;
                        }
                    }
                }
                path.pop();
            } else {
                match walk.enter(index + 1, next, &path, ends) {
                    Some(f) => stack.push(f),
                    None => {
                        path.pop();
                    }
                }
            }
        } else if let Some(done) = stack.pop() {
            // No complete path below: whatever led here, this (step, state) fails.
            if ends == done.ends_before {
                walk.dead.insert((done.index, done.state));
            }
            if !stack.is_empty() {
                path.pop();
            }
        }
    }
    Err(time_failure
        .or(walk.best.map(|(_, f)| f))
        .unwrap_or_else(|| DenseFailure::Other("the scenario could not be replayed".into())))
}

fn no_run() -> DenseFailure {
    DenseFailure::Other("the path has no timed run (a bug of the dense model)".into())
}

/// The states and actions of a walk (expectations left out), and per step its state's index.
pub fn path_of(
    initial: ZoneState,
    taken: &[DenseTaken],
) -> (Vec<ZoneState>, Vec<DenseAction>, Vec<usize>) {
    let mut states = vec![initial];
    let mut actions = Vec::new();
    let mut at = Vec::new();
    for t in taken {
        if let Some(a) = t.action {
            actions.push(a);
            states.push(t.state);
        }
        at.push(states.len() - 1);
    }
    (states, actions, at)
}

/// The times of a complete walk, with the scenario's times fixed; per scenario step, its time
/// and state shown then.
fn timed(
    model: &DenseModel,
    initial: ZoneState,
    taken: &[DenseTaken],
    steps: &[TimedStep],
) -> Result<Vec<(Moment, State)>, DenseFailure> {
    let (states, actions, at) = path_of(initial, taken);
    let mut fixed: Vec<Option<Moment>> = vec![None; states.len()];
    // The scenario step that fixed each path step's time.
    let mut by: Vec<usize> = vec![0; states.len()];
    for (t, &k) in taken.iter().zip(&at) {
        if let (Some(time), Some(_)) = (steps[t.index].time, t.action) {
            fixed[k] = Some(time);
            by[k] = t.index;
        }
    }
    match model.timeline_at(&states, &actions, &fixed) {
        Ok(line) => Ok(at.iter().map(|&k| line[k]).collect()),
        Err(Untimed::Infeasible {
            step,
            earliest,
            latest,
        }) => Err(DenseFailure::Time {
            index: by[step],
            written: fixed[step].unwrap_or(earliest),
            earliest,
            latest,
        }),
        Err(_) => Err(no_run()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Config;

    fn step(text: &str, time: Option<Moment>) -> TimedStep {
        TimedStep {
            text: text.into(),
            time,
            expect: None,
        }
    }

    #[test]
    fn a_connect_without_its_iss_matches_every_choice() {
        assert!(names("a connect", "A connect (ISS=0)"));
        assert!(names("a connect (iss=0)", "A connect (ISS=0)"));
        assert!(!names("a connect (iss=1)", "A connect (ISS=0)"));
        assert!(!names("a close", "A connect (ISS=0)"));
    }

    #[test]
    fn times_read_in_units_and_in_seconds() {
        let ticks = Config::default();
        let ms = Config {
            time_unit_ms: 200,
            ..Config::default()
        };
        assert_eq!(
            Moment::parse("2.50", &ticks),
            Ok(Moment { num: 25, den: 10 })
        );
        assert_eq!(Moment::parse("51.2s", &ms), Ok(Moment { num: 256, den: 1 }));
        assert_eq!(Moment::parse("0.1s", &ms), Ok(Moment { num: 5, den: 10 }));
        assert_eq!(
            Moment::parse("51.2s", &ms).map(|m| m.show(&ms)),
            Ok("51.2s".into())
        );
        assert!(Moment::parse("1s", &ticks).is_err());
        assert!(Moment::parse("-1", &ticks).is_err());
        assert!(Moment::parse("1.", &ticks).is_err());
        let thirds = Config {
            time_unit_ms: 3,
            ..Config::default()
        };
        assert!(Moment::parse("0.001s", &thirds).is_err());
    }

    #[test]
    fn a_timer_fires_only_when_due() {
        let cfg = Config {
            incarnations: 1,
            data_a: 0,
            data_b: 0,
            ..Config::default()
        };
        let model = DenseModel::new(cfg.clone());
        let at = |t: &str| Some(Moment::parse(t, &cfg).expect("a time"));
        // MSL 1: the SYN lives no time, so it is lost before A's timer can run out.
        let base = [
            step("B listen", at("0")),
            step("A connect", at("0")),
            step("lose A->B SYN", None),
        ];
        let mut ok = base.to_vec();
        ok.push(step("A rexmt timer fires", None));
        let run = replay_dense(&model, &ok).expect("it runs");
        assert_eq!(run.times[3].0, Moment { num: 1, den: 1 });
        // With no time fixed, the times are those of `timeline`.
        let (states, actions, _) = path_of(model.initial(), &run.taken);
        let free = model.timeline_at(&states, &actions, &vec![None; states.len()]);
        assert_eq!(free.ok(), model.timeline(&states, &actions));
        let mut early = base.to_vec();
        early.push(step("A rexmt timer fires", at("0.5")));
        match replay_dense(&model, &early) {
            Err(DenseFailure::Time {
                index,
                earliest,
                latest,
                ..
            }) => {
                assert_eq!(index, 3);
                assert_eq!(earliest, Moment { num: 1, den: 1 });
                assert_eq!(latest, Some(Moment { num: 1, den: 1 }));
            }
            other => panic!("{other:?}"),
        }
    }
}
