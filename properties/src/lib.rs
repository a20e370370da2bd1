//! The properties tcpmc checks, each with a stable kebab-case name and a one-line description.
//!
//! Invariants read ghost bits that the model sets in the transition that breaks a rule
//! (docs/model.md, "Connection ids" and "Properties") or a predicate on the state. Reachability
//! properties are coverage: a model that never reaches a state cannot pass a property about it,
//! so an unreached state is reported, not hidden.

mod invariants;
mod liveness;
mod reachability;

use tcpmc_model::{Config, State, TcpModel, TcpState};

/// What kind of verdict a property has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Must hold in every reachable state: HOLDS or VIOLATED (with the shortest counterexample).
    Invariant,
    /// Coverage: some reachable state satisfies it: REACHED (with the shortest witness) or NOT
    /// REACHED.
    Reachability,
    /// Liveness: an endpoint in this state eventually leaves it, on either side: HOLDS, or
    /// VIOLATED with a lasso (stem + fair cycle), decided on the explicit graph under fairness.
    Terminates(TcpState),
}

/// A property in the registry.
#[derive(Clone, Copy)]
pub struct PropertyDef {
    pub name: &'static str,
    pub description: &'static str,
    pub kind: Kind,
    /// For an invariant: the condition that must hold. For reachability: the goal. Unused for
    /// liveness (the kind says which state must terminate).
    pub condition: fn(&Config, &State) -> bool,
}

impl PropertyDef {
    /// True when this state decides the property: violates an invariant or reaches a goal.
    /// Never true for liveness, which no single state decides.
    pub fn discovered_by(&self, cfg: &Config, s: &State) -> bool {
        match self.kind {
            Kind::Invariant => !(self.condition)(cfg, s),
            Kind::Reachability => (self.condition)(cfg, s),
            Kind::Terminates(_) => false,
        }
    }

    /// A safety or coverage property, decided state by state.
    pub fn is_state_property(&self) -> bool {
        !matches!(self.kind, Kind::Terminates(_))
    }
}

/// Number of registered properties.
pub const COUNT: usize =
    invariants::INVARIANTS.len() + reachability::REACHABILITY.len() + liveness::LIVENESS.len();

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
    let mut k = 0;
    while k < liveness::LIVENESS.len() {
        all[i + j + k] = liveness::LIVENESS[k];
        k += 1;
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

/// The state properties as stateright properties (for stateright's checkers and Explorer);
/// liveness is left out, since stateright 0.31 cannot decide it (docs/model.md, "Liveness and
/// fairness").
pub fn stateright_properties() -> Vec<stateright::Property<TcpModel>> {
    // stateright takes `fn(&M, &S) -> bool`; the registry is indexed by position so each
    // property gets its own function through a small table of monomorphic shims.
    shims::all()
}

mod shims;

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_are_unique_kebab_case_and_described() {
        let mut seen = HashSet::new();
        for p in registry() {
            assert!(seen.insert(p.name), "duplicate {}", p.name);
            assert!(
                p.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{} is not kebab-case",
                p.name
            );
            assert!(!p.description.is_empty());
        }
        assert_eq!(
            registry()
                .iter()
                .filter(|p| p.kind == Kind::Invariant)
                .count(),
            7
        );
        assert_eq!(
            registry()
                .iter()
                .filter(|p| p.kind == Kind::Reachability)
                .count(),
            24
        );
    }

    #[test]
    fn initial_state_satisfies_every_invariant_and_reaches_only_closed() {
        let cfg = Config::default();
        let init = State::initial();
        let discovered: Vec<&str> = registry()
            .iter()
            .filter(|p| p.discovered_by(&cfg, &init))
            .map(|p| p.name)
            .collect();
        assert_eq!(discovered, vec!["reach-a-closed", "reach-b-closed"]);
    }

    #[test]
    fn stateright_properties_mirror_the_registry() {
        let names: Vec<&str> = stateright_properties().iter().map(|p| p.name).collect();
        let want: Vec<&str> = registry()
            .iter()
            .filter(|p| p.is_state_property())
            .map(|p| p.name)
            .collect();
        assert_eq!(names, want);
    }
}
