//! A short fixed trace for the renderers' tests: built with the model's own `apply`, choosing each
//! action by its replay name so the trace reads like a scenario. Also the tests' DOT checks
//! (parsing, round trip, snapshots).

use crate::report::{steps, Step};
use tcpmc_model::system::{actions, apply, describe};
use tcpmc_model::{Config, State};

/// The replay names of the trace: a handshake whose final ACK is lost, then A's first data.
pub const SCRIPT: &[&str] = &[
    "A connect (ISS=0)",
    "B listen",
    "deliver A->B SYN (ISS=0)",
    "deliver B->A SYN,ACK",
    "lose A->B ACK",
    "A send",
];

/// The states and actions of [`SCRIPT`] from the initial state.
pub fn small_trace() -> Vec<Step> {
    let cfg = Config::default();
    let mut states = vec![State::initial()];
    let mut acts = Vec::new();
    for name in SCRIPT {
        let s = *states.last().expect("non-empty");
        let mut enabled = Vec::new();
        actions(&cfg, &s, &mut enabled);
        let a = enabled
            .into_iter()
            .find(|a| describe(&s, a) == *name)
            .unwrap_or_else(|| panic!("{name} is not enabled in\n{s}"));
        states.push(apply(&cfg, &s, a).expect("enabled actions apply"));
        acts.push(a);
    }
    steps(&states, &acts)
}

/// Asserts that graphviz-rust parses `dot`.
pub fn parses(dot: &str) {
    if let Err(e) = graphviz_rust::parse(dot) {
        panic!("graphviz-rust cannot parse the DOT: {e}\n{dot}");
    }
}

/// Asserts that `graph`, printed, parses back to the same AST: the printed text says exactly what
/// the builder built, nothing lost to quoting or to the grammar.
pub fn round_trips(graph: &graphviz_rust::dot_structures::Graph) {
    let text = crate::dot::print(graph);
    match graphviz_rust::parse(&text) {
        Ok(back) => assert_eq!(
            &back, graph,
            "the printed DOT reads back differently:\n{text}"
        ),
        Err(e) => panic!("graphviz-rust cannot parse the printed DOT: {e}\n{text}"),
    }
}

/// Compares `got` with `tests/snapshots/NAME`; `UPDATE_SNAPSHOTS=1` rewrites the file instead
/// (then review the diff).
pub fn snapshot(name: &str, got: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, got).expect("write snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(got, expected, "snapshot {name} differs; got:\n{got}");
}
