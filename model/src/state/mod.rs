//! The bottom layer: the state, its parts and a transition's context, for every layer above.

pub mod action;
pub mod config;
pub(crate) mod ctx;
pub mod endpoint;
pub mod global;
pub mod network;
pub mod segment;
pub mod seq;
pub mod tcp_state;
