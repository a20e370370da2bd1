//! The properties tcpmc checks, each with a stable kebab-case name and a one-line description.
//!
//! Invariants read ghost bits that the model sets in the transition that breaks a rule (DESIGN §3)
//! or a predicate on the state. Reachability properties are coverage: a model that never reaches a
//! state cannot pass a property about it, so an unreached state is reported, not hidden.

mod invariants;
mod reachability;

use tcpmc_model::{Config, State, TcpModel};

/// What kind of verdict a property has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Must hold in every reachable state: HOLDS or VIOLATED (with the shortest counterexample).
    Invariant,
    /// Coverage: some reachable state satisfies it: REACHED (with the shortest witness) or NOT
    /// REACHED.
    Reachability,
}

/// A property in the registry. Liveness ("whenever P, eventually Q") is a further kind with its
/// own graph-based check; its properties join this registry under their own names.
#[derive(Clone, Copy)]
pub struct PropertyDef {
    pub name: &'static str,
    pub description: &'static str,
    pub kind: Kind,
    /// For an invariant: the condition that must hold. For reachability: the goal.
    pub condition: fn(&Config, &State) -> bool,
}

impl PropertyDef {
    /// True when this state decides the property: violates an invariant or reaches a goal.
    pub fn discovered_by(&self, cfg: &Config, s: &State) -> bool {
        match self.kind {
            Kind::Invariant => !(self.condition)(cfg, s),
            Kind::Reachability => (self.condition)(cfg, s),
        }
    }
}

/// Number of registered properties.
pub const COUNT: usize = invariants::INVARIANTS.len() + reachability::REACHABILITY.len();

/// Every property, in the order reports list them.
pub static REGISTRY: [PropertyDef; COUNT] = {
    let mut all = [invariants::INVARIANTS[0]; COUNT];
    let mut i = 0;
    while i < invariants::INVARIANTS.len() {
        all[i] = invariants::INVARIANTS[i];
        i += 1;
    }
    let mut j = 0;
    while j < reachability::REACHABILITY.len() {
        all[i + j] = reachability::REACHABILITY[j];
        j += 1;
    }
    all
};

/// Every property, in the order reports list them.
pub fn registry() -> &'static [PropertyDef] {
    &REGISTRY
}

/// Looks a property up by name.
pub fn find(name: &str) -> Option<&'static PropertyDef> {
    REGISTRY.iter().find(|p| p.name == name)
}

/// The properties as stateright properties (for stateright's checkers and Explorer).
pub fn stateright_properties() -> Vec<stateright::Property<TcpModel>> {
    // stateright takes `fn(&M, &S) -> bool`; the registry is indexed by position so each
    // property gets its own function through a small table of monomorphic shims.
    shims::all()
}

mod shims;
