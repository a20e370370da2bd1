//! stateright's `Property` takes a plain `fn(&M, &S) -> bool`; one monomorphic shim per registry
//! index turns each registry entry into one.

use crate::{Kind, REGISTRY};
use stateright::Property;
use tcpmc_model::{State, TcpModel};

fn shim<const I: usize>(m: &TcpModel, s: &State) -> bool {
    (REGISTRY[I].condition)(&m.cfg, s)
}

fn make<const I: usize>() -> Property<TcpModel> {
    let p = &REGISTRY[I];
    match p.kind {
        Kind::Invariant => Property::always(p.name, shim::<I>),
        Kind::Reachability => Property::sometimes(p.name, shim::<I>),
        Kind::Terminates(_) => unreachable!("liveness has no stateright shim"),
    }
}

macro_rules! shims {
    ($($i:literal)*) => {
        pub(crate) fn all() -> Vec<Property<TcpModel>> {
            let all = vec![$(make::<$i>()),*];
            let state_properties = REGISTRY.iter().filter(|p| p.is_state_property()).count();
            assert_eq!(all.len(), state_properties, "one shim per state property");
            all
        }
    };
}

shims!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30);
