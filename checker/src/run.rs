//! Runs a check: the search over the model with the chosen properties, turned into a report.

use crate::engine::{self, Goals};
use tcpmc_model::{Config, State, TcpModel};
use tcpmc_properties::{Kind, PropertyDef};
use tcpmc_reports::report::steps;
use tcpmc_reports::{CheckReport, Stats, Verdict, VerdictKind};

/// The properties of a check, as goals for the search.
pub struct Selected(pub Vec<&'static PropertyDef>);

impl Goals<TcpModel> for Selected {
    fn count(&self) -> usize {
        self.0.len()
    }

    fn discovered(&self, model: &TcpModel, index: usize, state: &State) -> bool {
        self.0[index].discovered_by(&model.cfg, state)
    }
}

/// Checks `props` against the model of `cfg` with `threads` workers.
pub fn check(
    cfg: &Config,
    props: &[&'static PropertyDef],
    threads: usize,
    stop_early: bool,
) -> CheckReport {
    let model = TcpModel::new(cfg.clone());
    let goals = Selected(props.to_vec());
    let outcome = engine::bfs(&model, &goals, threads, stop_early);
    let verdicts = props
        .iter()
        .zip(&outcome.discoveries)
        .map(|(p, d)| {
            let verdict = match (p.kind, d.is_some()) {
                (Kind::Invariant, false) => VerdictKind::Holds,
                (Kind::Invariant, true) => VerdictKind::Violated,
                (Kind::Reachability, true) => VerdictKind::Reached,
                (Kind::Reachability, false) => VerdictKind::NotReached,
            };
            Verdict {
                name: p.name.to_string(),
                description: p.description.to_string(),
                kind: match p.kind {
                    Kind::Invariant => "invariant",
                    Kind::Reachability => "reachability",
                }
                .to_string(),
                verdict,
                steps: d.as_ref().map(|t| steps(&t.states, &t.actions)),
            }
        })
        .collect::<Vec<_>>();
    let mut replay = vec!["tcpmc check".to_string()];
    replay.extend(crate::settings::flags_from_default(cfg));
    for v in verdicts
        .iter()
        .filter(|v| v.verdict == VerdictKind::Violated)
    {
        replay.push(format!("--property {}", v.name));
    }
    let seconds = outcome.seconds;
    CheckReport {
        config: cfg.clone(),
        stats: Stats {
            unique_states: outcome.unique,
            generated_states: outcome.generated,
            states_cut: outcome.cut,
            depth: outcome.depth,
            seconds,
            states_per_second: if seconds > 0.0 {
                outcome.generated as f64 / seconds
            } else {
                0.0
            },
            threads,
        },
        verdicts,
        complete: outcome.complete,
        replay: replay.join(" "),
    }
}
