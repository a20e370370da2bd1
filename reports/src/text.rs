//! The human-readable report of `tcpmc check`.

use crate::report::{CheckReport, Step, VerdictKind};
use std::fmt::Write;
use tcpmc_model::Config;

/// `key=value` pairs of every configuration field, in declaration order; the fields of time
/// (`time`, `time_unit_ms`, `msl_bound`, `orphan_retries`, `backoff`, `rto_max`) follow, each only
/// where it is not the default, so that tick configurations read as they always have.
pub fn config_line(cfg: &Config) -> String {
    let mut line = base_config_line(cfg);
    let d = Config::default();
    let c = cfg;
    if c.time != d.time {
        let _ = write!(line, " time={}", c.time);
    }
    if c.time_unit_ms != d.time_unit_ms {
        let _ = write!(line, " time_unit_ms={}", c.time_unit_ms);
    }
    if c.msl_bound != d.msl_bound {
        let _ = write!(line, " msl_bound={}", c.msl_bound);
    }
    if let Some(r) = c.orphan_retries {
        let _ = write!(line, " orphan_retries={r}");
    }
    if c.backoff != d.backoff {
        let _ = write!(line, " backoff={}", c.backoff);
    }
    if c.rto_max != d.rto_max {
        let _ = write!(line, " rto_max={}", c.rto_max);
    }
    line
}

fn base_config_line(cfg: &Config) -> String {
    let c = cfg;
    format!(
        "msl={} time_wait={} seq_space={} window={} max_in_flight={} incarnations={} data_a={} data_b={} \
         retries={} rto={} unlimited_retransmissions={} fin_wait_2_timeout={} host_fault={} loss={} \
         duplication={} quiet_time={} passive_close_wait={} rst_in_time_wait={} rst_seq_zero={} active_rst={} time_wait_rules={} \
         data_after_close={} segment_checks={} rst_syn_rules={} quiet_after={} tw_connect={} isn={} isn_choices={} \
         syn_in_time_wait={} network_full={} abort={} shutdown={} linger_zero={} app_reads={} \
         tw_reuse={} timestamps={} a_listens={} b_connects={}",
        c.msl,
        c.time_wait_ticks(),
        c.seq_space,
        c.window,
        c.max_in_flight,
        c.incarnations,
        c.data_a,
        c.data_b,
        c.retries,
        c.rto,
        c.unlimited_retransmissions,
        c.fin_wait_2_timeout,
        c.host_fault,
        c.loss,
        c.duplication,
        c.quiet_ticks(),
        c.passive_close_wait,
        c.rst_in_time_wait,
        c.rst_seq_zero,
        c.active_rst,
        c.time_wait_rules,
        c.data_after_close,
        c.segment_checks,
        c.rst_syn_rules,
        c.quiet_after,
        c.tw_connect,
        c.isn,
        c.isn_choices,
        c.syn_in_time_wait,
        c.network_full,
        c.abort,
        c.shutdown,
        c.linger_zero,
        c.app_reads,
        c.tw_reuse,
        c.timestamps,
        c.a_listens,
        c.b_connects
    )
}

/// Renders one trace as numbered steps: the action, then both endpoints and the network.
pub fn trace(steps: &[Step]) -> String {
    lasso(steps, None)
}

/// Renders a trace whose steps from `loop_start` on form a cycle (liveness counterexamples).
pub fn lasso(steps: &[Step], loop_start: Option<usize>) -> String {
    let mut out = String::new();
    let last = steps.len().saturating_sub(1);
    for s in steps {
        let mark = match loop_start {
            Some(k) if k == s.index && k == last => {
                "   <- stays here forever: no fair action is enabled"
            }
            Some(k) if k == s.index => "   <- the cycle starts here",
            Some(k) if s.index == last && k < last => "   <- back to the state of step {k}",
            _ => "",
        };
        let mark = mark.replace("{k}", &loop_start.unwrap_or(0).to_string());
        match (&s.action, &s.time) {
            (None, _) => writeln!(out, "  {:>3}. (initial state){mark}", s.index),
            (Some(a), None) => writeln!(out, "  {:>3}. {a}{mark}", s.index),
            (Some(a), Some(t)) => writeln!(out, "  {:>3}. [t={t}] {a}{mark}", s.index),
        }
        .ok();
        writeln!(out, "       A: {}", s.a.text).ok();
        writeln!(out, "       B: {}", s.b.text).ok();
        if s.network.is_empty() {
            writeln!(out, "       net: empty").ok();
        } else {
            let segs: Vec<String> = s.network.iter().map(|g| format!("[{}]", g.text)).collect();
            writeln!(out, "       net: {}", segs.join(" ")).ok();
        }
    }
    out
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// The whole report.
pub fn render(r: &CheckReport) -> String {
    let mut out = String::new();
    let st = &r.stats;
    writeln!(out, "configuration: {}", config_line(&r.config)).ok();
    // A DFS reports its deepest stack; every breadth-first search its number of levels.
    let depth = if st.search.starts_with("dfs") {
        "max DFS stack"
    } else {
        "depth"
    };
    writeln!(
        out,
        "states: {} unique, {} generated, {depth} {}, {:.2} s, {:.0} states/s, {} thread{}{}",
        st.unique_states,
        st.generated_states,
        st.depth,
        st.seconds,
        st.states_per_second,
        st.threads,
        if st.threads == 1 { "" } else { "s" },
        if st.search == "bfs" {
            String::new()
        } else {
            format!(", search {}", st.search)
        }
    )
    .ok();
    if st.states_cut > 0 {
        writeln!(
            out,
            "bound: {} states cut (a send found {} segments in flight; network_full=cut): HOLDS means within bounds",
            st.states_cut, r.config.max_in_flight
        )
        .ok();
    } else if r.config.network_full == tcpmc_model::config::NetworkFull::Drop {
        writeln!(
            out,
            "bound: a send to a full network is lost (network_full=drop); no state cut"
        )
        .ok();
    } else {
        writeln!(out, "bound: no state cut").ok();
    }
    if let Some(g) = &r.graph {
        writeln!(
            out,
            "liveness graph: {} states, {} edges, {} cut, {:.2} s, {:.0} bytes/state",
            g.states, g.edges, g.states_cut, g.seconds, g.bytes_per_state
        )
        .ok();
    }
    let within = if st.states_cut > 0 {
        " (within bounds)"
    } else {
        ""
    };
    if !r.complete {
        writeln!(
            out,
            "partial: the search stopped once every chosen property was decided (--stop-early); the counts are not the state space"
        )
        .ok();
    }
    writeln!(out).ok();
    for v in &r.verdicts {
        let extra = match (&v.steps, v.verdict) {
            (Some(s), VerdictKind::Violated) => match v.loop_start {
                Some(k) => format!("lasso: stem {k} + cycle {}", s.len() - 1 - k),
                None => format!("counterexample: {}", plural(s.len() - 1, "step")),
            },
            (Some(s), VerdictKind::Reached) => format!("({})", plural(s.len() - 1, "step")),
            (_, VerdictKind::Holds) => within.trim().to_string(),
            _ => String::new(),
        };
        writeln!(out, "{:<12}{:<33}{}", v.verdict.label(), v.name, extra).ok();
    }
    if let Some(f) = r.verdicts.iter().find_map(|v| v.fairness.as_ref()) {
        writeln!(out, "liveness decided under: {f}").ok();
    }
    for v in r
        .verdicts
        .iter()
        .filter(|v| v.verdict == VerdictKind::Violated)
    {
        let steps = v.steps.as_deref().unwrap_or(&[]);
        let n = steps.len().saturating_sub(1);
        writeln!(out).ok();
        match v.loop_start {
            None => writeln!(
                out,
                "VIOLATED {} — {}\nshortest counterexample, {}:",
                v.name,
                v.description,
                plural(n, "step")
            ),
            Some(k) => writeln!(
                out,
                "VIOLATED {} — {}\ncounterexample: a stem of {}, then a cycle of {} that never leaves, under {}:",
                v.name,
                v.description,
                plural(k, "step"),
                plural(n - k, "step"),
                v.fairness.as_deref().unwrap_or("no fairness")
            ),
        }
        .ok();
        out.push_str(&lasso(steps, v.loop_start));
    }
    let checked = r
        .verdicts
        .iter()
        .filter(|v| v.kind != "reachability")
        .count();
    let violated = r
        .verdicts
        .iter()
        .filter(|v| v.verdict == VerdictKind::Violated)
        .count();
    let goals = r
        .verdicts
        .iter()
        .filter(|v| v.kind == "reachability")
        .count();
    let reached = r
        .verdicts
        .iter()
        .filter(|v| v.verdict == VerdictKind::Reached)
        .count();
    writeln!(out).ok();
    if violated > 0 {
        writeln!(out, "result: {violated} of {checked} properties VIOLATED").ok();
        // Labelled "reproduce", not "replay": it is a `tcpmc check` command line, while
        // `tcpmc replay` walks a scenario file. The JSON field keeps its name `replay`.
        writeln!(out, "reproduce: {}", r.replay).ok();
    } else if checked > 0 {
        writeln!(out, "result: all {checked} properties hold{within}").ok();
    }
    if goals > 0 {
        writeln!(out, "coverage: {reached} of {goals} goals reached").ok();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::steps;
    use tcpmc_model::system::{apply, Action, State};
    use tcpmc_model::Side;

    #[test]
    fn trace_snapshot() {
        let cfg = Config::default();
        let s0 = State::initial();
        let s1 = apply(&cfg, &s0, Action::Connect(Side::A, 0)).unwrap();
        let s2 = apply(&cfg, &s1, Action::Listen(Side::B)).unwrap();
        let text = trace(&steps(
            &[s0, s1, s2],
            &[Action::Connect(Side::A, 0), Action::Listen(Side::B)],
        ));
        assert_eq!(
            text,
            "    0. (initial state)
       A: CLOSED
       B: CLOSED
       net: empty
    1. A connect (ISS=0)
       A: SYN-SENT     iss=0 una=0 nxt=1 rcv=0 rexmt=1t retries=0 c1
       B: CLOSED
       net: [A->B SYN seq=0 c1 age=0]
    2. B listen
       A: SYN-SENT     iss=0 una=0 nxt=1 rcv=0 rexmt=1t retries=0 c1
       B: LISTEN
       net: [A->B SYN seq=0 c1 age=0]
"
        );
    }

    #[test]
    fn config_line_names_every_field() {
        let line = config_line(&Config::default());
        assert!(line.starts_with("msl=1 time_wait=2 seq_space=8 window=2"));
        assert!(line.ends_with("a_listens=true b_connects=true"));
    }
}
