//! `tcpmc replay FILE`: walks a scenario through the model and prints each step with the state
//! after it, ending with `OK`, or names the first step that cannot be taken.

use crate::input::cli::ReplayArgs;
use crate::input::error::InputError;
use crate::input::scenario_file::{self, Scenario};
use std::process::ExitCode;
use tcpmc_model::config::MAX_NET;
use tcpmc_model::dense::replay::{path_of, replay_dense, DenseFailure, DenseTaken};
use tcpmc_model::dense::{DenseModel, Moment};
use tcpmc_model::replay::{replay, Taken};
use tcpmc_model::step::{Step, Stuck};
use tcpmc_model::system::Choice;
use tcpmc_model::{State, Time};

/// What a replay printed and how it ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub text: String,
    /// True when every step ran (exit status 0), false otherwise (exit status 1).
    pub ok: bool,
}

/// Runs the scenario and renders the result.
pub fn run(scenario: &Scenario) -> Outcome {
    if scenario.cfg.time == Time::Dense {
        return run_dense(scenario);
    }
    let steps: Vec<Step> = scenario.lines.iter().map(|l| l.step).collect();
    match replay(&scenario.cfg, &steps) {
        Ok(taken) => {
            let mut text = render_steps(scenario, &taken);
            text.push_str("OK\n");
            Outcome { text, ok: true }
        }
        Err(f) => {
            let f = *f;
            let mut text = render_steps(scenario, &f.taken);
            if f.taken.is_empty() {
                text.push_str("initial state\n");
                text.push_str(&indent(&f.state));
            }
            let line = &scenario.lines[f.index];
            // A state cut by the network bound is where the replay usually gets stuck: a send
            // did not fit, so the segment the next step names was never put in flight.
            let bound = if f.state.cut {
                format!(
                    ": the network bound was reached (max_in_flight={}, state cut)",
                    scenario.cfg.max_in_flight
                )
            } else {
                String::new()
            };
            text.push_str(&stuck_lines(line.number, &line.text, f.why, &bound));
            if f.state.cut && usize::from(scenario.cfg.max_in_flight) < MAX_NET {
                text.push_str(&format!(
                    "hint: add 'config max_in_flight=N' (at most {MAX_NET})\n"
                ));
            }
            Outcome { text, ok: false }
        }
    }
}

/// A scenario under dense time (`config time=dense`): each step matched against the dense
/// model's actions, the times written checked for the whole path. Printed as the tick replay
/// does, each step with its time where the file gives none (`  [t=2]`) and its state shown at
/// that time; a time that does not fit is one line naming the step and the times it could have.
fn run_dense(scenario: &Scenario) -> Outcome {
    let cfg = &scenario.cfg;
    let model = DenseModel::new(cfg.clone());
    let steps: Vec<_> = scenario.timed.iter().map(|l| l.step.clone()).collect();
    let show = |m: &Moment| m.show(cfg);
    match replay_dense(&model, &steps) {
        Ok(run) => {
            let mut text = String::new();
            for (t, (time, state)) in run.taken.iter().zip(&run.times) {
                let line = &scenario.timed[t.index];
                text.push_str(&format!("L{}: {}", line.number, line.text));
                // Where the step left a choice open, the action taken.
                if let Some(d) = t.described.as_deref() {
                    if !d.eq_ignore_ascii_case(line.step.text.trim()) {
                        text.push_str(&format!("  [took {d}]"));
                    }
                }
                if line.step.time.is_none() && t.action.is_some() {
                    text.push_str(&format!("  [t={}]", show(time)));
                }
                text.push('\n');
                if t.action.is_some() {
                    text.push_str(&indent(state));
                }
            }
            text.push_str("OK\n");
            Outcome { text, ok: true }
        }
        Err(DenseFailure::Time {
            index,
            written,
            earliest,
            latest,
        }) => {
            let line = &scenario.timed[index];
            let range = match latest {
                Some(l) if l == earliest => format!("only at t={}", show(&l)),
                Some(l) => format!("from t={} to t={}", show(&earliest), show(&l)),
                None => format!("from t={} on", show(&earliest)),
            };
            Outcome {
                text: format!(
                    "line {}: step '{}' cannot happen at t={}: this path allows it {range}\n",
                    line.number,
                    line.step.text,
                    show(&written)
                ),
                ok: false,
            }
        }
        Err(DenseFailure::Stuck {
            index,
            state,
            taken,
            why,
        }) => {
            let mut text = render_dense_prefix(scenario, &model, &taken);
            if taken.is_empty() {
                text.push_str("initial state\n");
                text.push_str(&indent(&state.s));
            }
            let line = &scenario.timed[index];
            text.push_str(&stuck_lines(line.number, &line.text, why, ""));
            Outcome { text, ok: false }
        }
        Err(DenseFailure::Other(why)) => Outcome {
            text: format!("{why}\n"),
            ok: false,
        },
    }
}

/// Why line `number` (`text`) could not be taken, `note` after the reason: one line, and for a
/// step that is not enabled a second listing what is.
fn stuck_lines(number: usize, text: &str, why: Stuck, note: &str) -> String {
    match why {
        Stuck::NotEnabled { enabled } => {
            let list = if enabled.is_empty() {
                "nothing".to_string()
            } else {
                enabled.join(", ")
            };
            format!("line {number}: step '{text}' is not enabled{note}\nenabled here: {list}\n")
        }
        Stuck::Expectation { expected, found } => {
            format!("line {number}: expected {expected}, found {found}{note}\n")
        }
    }
}

/// The steps taken before a stuck one, each at its earliest time on that prefix (the times
/// written are checked only once the whole scenario matches).
fn render_dense_prefix(scenario: &Scenario, model: &DenseModel, taken: &[DenseTaken]) -> String {
    let (states, actions, at) = path_of(model.initial(), taken);
    let none = vec![None; states.len()];
    let times = model.timeline_at(&states, &actions, &none).ok();
    let mut text = String::new();
    for (t, &k) in taken.iter().zip(&at) {
        let line = &scenario.timed[t.index];
        text.push_str(&format!("L{}: {}", line.number, line.text));
        if let (Some(times), Some(_)) = (&times, t.action) {
            text.push_str(&format!(
                "  [earliest t={}]",
                times[k].0.show(&scenario.cfg)
            ));
        }
        text.push('\n');
        if t.action.is_some() {
            let shown = times.as_ref().map(|v| v[k].1).unwrap_or(t.state.s);
            text.push_str(&indent(&shown));
        }
    }
    text
}

/// `L<line>: <step as written>` (with the choice the search made), then the state after it.
fn render_steps(scenario: &Scenario, taken: &[Taken]) -> String {
    let mut text = String::new();
    for t in taken {
        let line = &scenario.lines[t.index];
        text.push_str(&format!("L{}: {}", line.number, line.text));
        match t.chose.map(Choice::of) {
            Some(Choice::Iss(iss)) => text.push_str(&format!("  [chose ISS={iss}]")),
            Some(Choice::Zero(z)) => text.push_str(&format!("  [chose zero={z}]")),
            _ => {}
        }
        text.push('\n');
        if !matches!(line.step, Step::Expect(_)) {
            text.push_str(&indent(&t.state));
        }
    }
    text
}

fn indent(s: &State) -> String {
    s.to_string()
        .lines()
        .map(|l| format!("    {}\n", l.trim_end()))
        .collect()
}

/// `tcpmc replay FILE`: exit status 0 when every step ran, 1 when one could not.
pub fn replay_command(args: &ReplayArgs) -> Result<ExitCode, InputError> {
    let scenario = scenario_file::load(&args.file)?;
    let outcome = run(&scenario);
    print!("{}", outcome.text);
    Ok(if outcome.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
