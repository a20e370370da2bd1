//! tcpmc's model of the TCP connection lifecycle: two endpoints running RFC 9293's state machine
//! over a lossy, duplicating, reordering network with a bounded segment lifetime, and time.
//!
//! `../shared/DESIGN.md` fixes the modelling decisions; this crate implements them.

pub mod arrival;
pub mod config;
pub mod endpoint;
pub mod faults;
pub mod fixtures;
pub mod network;
pub mod reaction;
pub mod replay;
pub mod segment;
pub mod seq;
pub mod state_hash;
pub mod step;
pub mod system;
pub mod tcp_state;
pub mod timers;
pub mod user;

pub use config::{Config, ConfigError};
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
