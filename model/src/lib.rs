//! tcpmc's model of the TCP connection lifecycle: two endpoints running RFC 9293's state machine
//! over a lossy, duplicating, reordering network with a bounded segment lifetime, and time.
//!
//! `docs/model.md` fixes the modelling decisions; this crate implements them.
//!
//! The modules form layers; each uses only the ones below it:
//! - `state`: the state, its parts (endpoint, segment, network, sequence space, TCP state,
//!   configuration), the action names and a transition's context;
//! - `lifecycle`: the moves that more than one handler makes (CLOSED, LISTEN, TIME-WAIT, …) and
//!   the ISN policy;
//! - `events`: one handler per kind of event (user calls, segment arrival, time, host faults);
//! - `system`: the dispatcher (`apply`, `actions`, `describe`);
//! - on top, the users of those layers: [`TcpModel`] here, `step`, `replay`, `reaction`,
//!   `fixtures` and `state_hash`; `rng` (a seeded generator) and `dense` (zones, for dense time)
//!   stand apart.

pub mod dense;
pub mod events;
pub mod fixtures;
pub mod lifecycle;
pub mod reaction;
pub mod replay;
pub mod rng;
pub mod state;
pub mod state_hash;
pub mod step;
pub mod system;

// The data modules keep their old paths (`tcpmc_model::config::...`) for other crates.
pub use state::{config, endpoint, network, segment, seq, tcp_state};

pub use config::{Config, ConfigError, MslBound, Time};
pub use endpoint::{End, Endpoint, Side, Timer, TimerKind};
pub use segment::Segment;
pub use system::{Action, State};
pub use tcp_state::TcpState;

use stateright::{Model, Property};

/// The stateright model: a configuration plus the properties to check against it.
#[derive(Clone)]
pub struct TcpModel {
    pub cfg: Config,
    pub properties: Vec<Property<TcpModel>>,
}

impl TcpModel {
    pub fn new(cfg: Config) -> TcpModel {
        TcpModel {
            cfg,
            properties: Vec::new(),
        }
    }

    pub fn with_properties(mut self, properties: Vec<Property<TcpModel>>) -> TcpModel {
        self.properties = properties;
        self
    }
}

impl Model for TcpModel {
    type State = State;
    type Action = Action;

    fn init_states(&self) -> Vec<State> {
        vec![State::initial()]
    }

    fn actions(&self, state: &State, actions: &mut Vec<Action>) {
        system::actions(&self.cfg, state, actions);
    }

    fn next_state(&self, state: &State, action: Action) -> Option<State> {
        system::apply(&self.cfg, state, action)
    }

    fn format_action(&self, action: &Action) -> String {
        format!("{action:?}")
    }

    fn format_step(&self, last_state: &State, action: Action) -> Option<String> {
        let next = self.next_state(last_state, action)?;
        Some(format!(
            "{}\n{}",
            system::describe(last_state, &action),
            next
        ))
    }

    fn properties(&self) -> Vec<Property<Self>> {
        self.properties.clone()
    }

    fn within_boundary(&self, state: &State) -> bool {
        !state.cut
    }
}
