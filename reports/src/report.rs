//! The result of a check as plain data (serde), independent of how it is printed.

use serde::Serialize;
use tcpmc_model::endpoint::TimerKind;
use tcpmc_model::system::describe;
use tcpmc_model::{Action, Config, Endpoint, Segment, State};

/// Counts of the search.
#[derive(Clone, Debug, Serialize)]
pub struct Stats {
    pub unique_states: u64,
    pub generated_states: u64,
    /// Distinct states outside the `max_in_flight` bound (not explored).
    pub states_cut: u64,
    pub depth: usize,
    pub seconds: f64,
    pub states_per_second: f64,
    pub threads: usize,
    /// How the safety search ran: `bfs`, `dfs`, or `dfs+bfs` (auto: DFS for the verdicts, BFS
    /// only for the shortest counterexamples). With a DFS, `depth` is the deepest DFS stack.
    pub search: String,
    /// Bytes held by the search's visited-state table(s) at the end.
    pub table_bytes: u64,
}

/// What every search counts, from which [`Stats::new`] makes the report's statistics.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SearchCounts {
    pub unique: u64,
    pub generated: u64,
    pub cut: u64,
    pub depth: usize,
    pub seconds: f64,
    pub table_bytes: u64,
}

impl Stats {
    /// The statistics of a search run with `threads` threads, named `search`; the rate is
    /// generated states per second (0 for a run too short to time).
    pub fn new(c: SearchCounts, threads: usize, search: &str) -> Stats {
        Stats {
            unique_states: c.unique,
            generated_states: c.generated,
            states_cut: c.cut,
            depth: c.depth,
            seconds: c.seconds,
            states_per_second: if c.seconds > 0.0 {
                c.generated as f64 / c.seconds
            } else {
                0.0
            },
            threads,
            search: search.to_string(),
            table_bytes: c.table_bytes,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum VerdictKind {
    Holds,
    Violated,
    Reached,
    NotReached,
}

impl VerdictKind {
    pub fn label(self) -> &'static str {
        match self {
            VerdictKind::Holds => "HOLDS",
            VerdictKind::Violated => "VIOLATED",
            VerdictKind::Reached => "REACHED",
            VerdictKind::NotReached => "NOT REACHED",
        }
    }
}

/// One property's verdict; `steps` is the shortest counterexample (or witness).
#[derive(Clone, Debug, Serialize)]
pub struct Verdict {
    pub name: String,
    pub description: String,
    pub kind: String,
    pub verdict: VerdictKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub steps: Option<Vec<Step>>,
    /// Liveness: the step at which the lasso's cycle starts (the last step returns to it, or,
    /// when it is the last step, the system stays there forever).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loop_start: Option<usize>,
    /// Liveness: the fairness under which the verdict was decided.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fairness: Option<String>,
}

/// Size of the explicit graph built for liveness.
#[derive(Clone, Debug, Serialize)]
pub struct GraphStats {
    pub states: u64,
    pub edges: u64,
    pub states_cut: u64,
    pub seconds: f64,
    pub bytes: u64,
    pub bytes_per_state: f64,
}

impl GraphStats {
    /// The statistics of a built graph of `states` states holding `bytes` bytes.
    pub fn new(states: u64, edges: u64, states_cut: u64, seconds: f64, bytes: u64) -> GraphStats {
        GraphStats {
            states,
            edges,
            states_cut,
            seconds,
            bytes,
            bytes_per_state: bytes as f64 / states.max(1) as f64,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct EndpointView {
    pub state: String,
    pub iss: u8,
    pub snd_una: u8,
    pub snd_nxt: u8,
    pub rcv_nxt: u8,
    pub unread: u8,
    pub timer: String,
    pub retries: u8,
    pub connection: u8,
    pub text: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct SegmentView {
    pub from: String,
    pub flags: String,
    /// `null` for an RST whose SEQ is the sender's absolute 0 before anything placed it in the
    /// rotated numbering (`--rst-seq-zero`; shown as `0abs`).
    pub seq: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ack: Option<u8>,
    pub len: u8,
    pub connection: u8,
    pub age: u8,
    pub text: String,
}

/// One step of a trace: the action taken (none for the initial state) and the state after it.
#[derive(Clone, Debug, Serialize)]
pub struct Step {
    pub index: usize,
    /// When the step happens, as shown (`2`, `51.2s`): dense-time counterexamples only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    pub a: EndpointView,
    pub b: EndpointView,
    pub network: Vec<SegmentView>,
}

/// Everything `tcpmc check` found.
#[derive(Clone, Debug, Serialize)]
pub struct CheckReport {
    pub config: Config,
    pub stats: Stats,
    /// Present when liveness properties were checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub graph: Option<GraphStats>,
    pub verdicts: Vec<Verdict>,
    /// The whole reachable state space was explored (false after --stop-early ended the search).
    pub complete: bool,
    /// The `tcpmc check` command line that reproduces this check (printed as `reproduce:` in the
    /// text report; the JSON field keeps the name `replay`).
    pub replay: String,
}

impl CheckReport {
    /// Some invariant was violated (exit status 1).
    pub fn violated(&self) -> bool {
        self.verdicts
            .iter()
            .any(|v| v.verdict == VerdictKind::Violated)
    }
}

pub fn endpoint_view(e: &Endpoint) -> EndpointView {
    EndpointView {
        state: e.state.rfc_name().to_string(),
        iss: e.iss,
        snd_una: e.snd_una,
        snd_nxt: e.snd_nxt,
        rcv_nxt: e.rcv_nxt,
        unread: e.unread,
        timer: match e.timer.kind {
            TimerKind::Off => "off".into(),
            TimerKind::Retransmit => format!("retransmit {}", e.timer.ticks),
            TimerKind::TimeWait => format!("time-wait {}", e.timer.ticks),
            TimerKind::Quiet => format!("quiet {}", e.timer.ticks),
            TimerKind::FinWait2 => format!("fin-wait-2 {}", e.timer.ticks),
        },
        retries: e.retries,
        connection: e.conn,
        text: e.to_string().trim_end().to_string(),
    }
}

pub fn segment_view(s: &Segment) -> SegmentView {
    SegmentView {
        from: s.from.to_string(),
        flags: s.flag_names(),
        seq: (s.seq != tcpmc_model::segment::SEQ_ZERO).then_some(s.seq),
        ack: s.has(tcpmc_model::segment::flags::ACK).then_some(s.ack),
        len: s.len,
        connection: s.conn,
        age: s.age,
        text: s.to_string(),
    }
}

/// Turns a trace (states and the actions between them) into steps.
pub fn steps(states: &[State], actions: &[Action]) -> Vec<Step> {
    states
        .iter()
        .enumerate()
        .map(|(i, s)| Step {
            index: i,
            time: None,
            action: (i > 0).then(|| describe(&states[i - 1], &actions[i - 1])),
            a: endpoint_view(&s.ep[0]),
            b: endpoint_view(&s.ep[1]),
            network: s.net.segments().iter().map(segment_view).collect(),
        })
        .collect()
}
