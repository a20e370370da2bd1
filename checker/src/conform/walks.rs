//! The `walks` suite: seeded random walks of the model, each run against the kernel step by step.
//! A walk takes only steps the kernel can be driven through without waiting on its clock: no
//! tick (the kernel's timers run in real time; a retransmission it makes meanwhile is set aside),
//! no fault of the kernel's host, and no call of its application on a connection that accept()
//! cannot have returned yet. The kernel is A in even walks and B in odd ones. A walk's choices
//! come from its seed alone (splitmix64), the same on every machine.

use super::difference;
use super::netns::Namespace;
use super::path::{self, Kind, PathStep};
use super::table::{Outcome, Verdict};
use crate::progress::Meter;
use tcpmc_model::rng::SplitMix64;
use tcpmc_model::system::{actions, apply, describe};
use tcpmc_model::{Action, Config, Side, State, TcpState};

/// The longest walk.
pub const MAX_STEPS: usize = 24;

/// Whether the walk may take `a` with the kernel as `kernel`.
fn runnable(s: &State, a: &Action, kernel: Side) -> bool {
    let e = &s.ep[kernel.index()];
    match Kind::of(s, a) {
        Kind::Tick => false,
        Kind::Fault(side) => side != kernel,
        Kind::Call(side, call) if side == kernel => {
            use super::path::Call;
            let unaccepted = e.state == TcpState::SynReceived && e.passive();
            !unaccepted || matches!(call, Call::Listen | Call::Connect)
        }
        _ => true,
    }
}

/// Walk `index` of the run seeded with `seed`.
pub fn walk(cfg: &Config, seed: u64, index: u64, kernel: Side) -> Vec<PathStep> {
    let mut rng = SplitMix64(seed ^ index.wrapping_mul(0xA076_1D64_78BD_642F));
    let mut s = State::initial();
    let mut out = Vec::new();
    let mut enabled = Vec::new();
    while out.len() < MAX_STEPS {
        enabled.clear();
        actions(cfg, &s, &mut enabled);
        enabled.retain(|a| runnable(&s, a, kernel));
        if enabled.is_empty() {
            break;
        }
        let a = enabled[rng.below(enabled.len())];
        let Some(next) = apply(cfg, &s, a) else {
            break;
        };
        if next.cut {
            break;
        }
        out.push(PathStep {
            text: describe(&s, &a),
            kind: Kind::of(&s, &a),
            before: s,
            after: next,
        });
        s = next;
    }
    out
}

/// Runs `n` walks; `variant` names the configuration in the scenarios written for differences.
pub fn run(
    ns: &Namespace,
    cfg: &Config,
    variant: &str,
    n: u64,
    seed: u64,
    meter: &Meter,
) -> Vec<Outcome> {
    meter.set_items(0, n);
    (0..n)
        .map(|i| {
            let kernel = if i % 2 == 0 { Side::A } else { Side::B };
            let steps = walk(cfg, seed, i, kernel);
            let k = i as u16;
            let run = path::run(
                ns,
                cfg,
                kernel,
                &steps,
                (30000 + k, 60000 + (k % 5000)),
                false,
            );
            let name = format!("walk {i} (seed {seed})");
            let header = vec![format!("variant {variant}")];
            let text = difference::scenario(&name, &header, &steps, &run, kernel);
            let mut o = path::outcome(&name, kernel, steps.len(), run);
            // Walks are many: the table groups them by the kernel's role.
            std::mem::swap(&mut o.state, &mut o.segment);
            if o.verdict == Verdict::Differ {
                o.replay = text;
            }
            meter.item_done();
            o
        })
        .collect()
}
