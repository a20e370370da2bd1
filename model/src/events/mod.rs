//! One handler per kind of event; each uses the lifecycle and the state, never another handler.

pub mod arrival;
pub mod faults;
pub mod timers;
pub mod user;
