//! Walks a scenario (a list of [`Step`]s) through the model from the initial state.
//!
//! Each step must be enabled. Where a step hides a choice (an ISS), the replay succeeds if some
//! choice lets the whole scenario run: a depth-first search over the choices, first choice first,
//! backtracking when a later step fails. When no choice works, the failure reported is the one at
//! the longest prefix reached, since that is the step the author most likely got wrong.

use crate::config::Config;
use crate::step::{successors, Step, Stuck};
use crate::system::State;
use std::collections::HashSet;

/// A step taken: its index in the scenario, the ISS chosen where the step left it open, and the
/// state after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Taken {
    pub index: usize,
    pub chose: Option<u8>,
    pub state: State,
}

/// The scenario cannot run: step `index` is stuck in `state`, after the steps `taken`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub index: usize,
    pub state: State,
    pub taken: Vec<Taken>,
    pub why: Stuck,
}

/// Runs the scenario. `Ok` holds one [`Taken`] per step; `Err` the failure that got furthest.
pub fn replay(cfg: &Config, steps: &[Step]) -> Result<Vec<Taken>, Box<Failure>> {
    let mut search = Search {
        cfg,
        steps,
        path: Vec::new(),
        best: None,
        dead: HashSet::new(),
    };
    if search.walk(0, State::initial()) {
        return Ok(search.path);
    }
    // `walk` fails only after recording a failure; the fallback is unreachable but keeps the
    // function total.
    Err(Box::new(search.best.unwrap_or(Failure {
        index: 0,
        state: State::initial(),
        taken: Vec::new(),
        why: Stuck::NotEnabled {
            enabled: Vec::new(),
        },
    })))
}

struct Search<'a> {
    cfg: &'a Config,
    steps: &'a [Step],
    path: Vec<Taken>,
    /// The failure at the longest prefix so far (the first one found among equally long ones).
    best: Option<Failure>,
    /// (step index, state) pairs already known to fail: different choices often meet again.
    dead: HashSet<(usize, State)>,
}

/// One step of the depth-first search: the successors of `state` for step `index`, and the next
/// one to try. The search keeps these on a heap-allocated stack, not the call stack, so a
/// scenario of any length cannot overflow it.
struct Frame {
    index: usize,
    state: State,
    next: Vec<crate::step::Successor>,
    at: usize,
}

/// What entering step `index` in a state found.
enum Entered {
    /// The scenario has no more steps: it ran.
    Done,
    /// The step cannot be taken there (or is known to fail).
    Failed,
    Frame(Frame),
}

impl Search<'_> {
    /// Takes steps `index..` from `state`; true when the whole rest of the scenario runs.
    fn walk(&mut self, index: usize, state: State) -> bool {
        let mut stack = match self.enter(index, state) {
            Entered::Done => return true,
            Entered::Failed => return false,
            Entered::Frame(f) => vec![f],
        };
        while let Some(top) = stack.last_mut() {
            if let Some(succ) = top.next.get(top.at).copied() {
                top.at += 1;
                let index = top.index;
                self.path.push(Taken {
                    index,
                    chose: succ.chose,
                    state: succ.state,
                });
                match self.enter(index + 1, succ.state) {
                    Entered::Done => return true,
                    Entered::Failed => {
                        self.path.pop();
                    }
                    Entered::Frame(f) => stack.push(f),
                }
            } else if let Some(done) = stack.pop() {
                // Every choice failed: this (step, state) is dead, and the step that led here is
                // taken back.
                self.dead.insert((done.index, done.state));
                if !stack.is_empty() {
                    self.path.pop();
                }
            }
        }
        false
    }

    fn enter(&mut self, index: usize, state: State) -> Entered {
        if index == self.steps.len() {
            return Entered::Done;
        }
        if self.dead.contains(&(index, state)) {
            return Entered::Failed;
        }
        match successors(self.cfg, &state, &self.steps[index]) {
            Err(why) => {
                if self.best.as_ref().is_none_or(|b| index > b.index) {
                    self.best = Some(Failure {
                        index,
                        state,
                        taken: self.path.clone(),
                        why,
                    });
                }
                self.dead.insert((index, state));
                Entered::Failed
            }
            Ok(next) => Entered::Frame(Frame {
                index,
                state,
                next,
                at: 0,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steps(text: &[&str]) -> Vec<Step> {
        text.iter()
            .map(|t| Step::parse(t).expect("parses"))
            .collect()
    }

    #[test]
    fn reports_the_longest_prefix() {
        let cfg = Config::default();
        let f = replay(&cfg, &steps(&["A connect", "B listen", "deliver B->A SYN"])).unwrap_err();
        assert_eq!(f.index, 2);
        assert_eq!(f.taken.len(), 2);
    }

    /// A scenario far longer than any call stack would allow for a recursive walk (it once
    /// overflowed the stack past about 21,000 steps).
    #[test]
    fn a_very_long_scenario_replays_without_overflowing_the_stack() {
        let cfg = Config::default();
        let mut text = vec![
            "A connect",
            "B listen",
            "deliver A->B SYN",
            "deliver B->A SYN,ACK",
        ];
        text.push("deliver A->B ACK");
        let mut long = steps(&text);
        let expect = Step::parse("expect A ESTABLISHED").expect("parses");
        long.extend(std::iter::repeat_n(expect, 30_000));
        let run = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || replay(&cfg, &long).map(|t| t.len()))
            .expect("thread")
            .join()
            .expect("no overflow");
        assert_eq!(run.ok(), Some(30_005));
    }

    #[test]
    fn takes_the_first_choice_that_works() {
        let cfg = Config {
            isn: crate::config::IsnPolicy::Any,
            ..Config::default()
        };
        let run = replay(&cfg, &steps(&["A connect", "B listen"])).expect("runs");
        assert_eq!(run[0].chose, Some(0));
        assert_eq!(run[1].chose, None);
    }
}
