//! The Explorer behind `tcpmc explore`: stateright's web UI over the model, reading like TCP.
//!
//! [`ExplorerModel`] wraps [`TcpModel`] by delegation and changes only what the Explorer shows:
//!
//! - a state ([`Shown`]) prints as both endpoints (RFC state name, sequence variables, timer,
//!   connection id) and the segments in flight, the model's own `Display`; the Explorer formats
//!   states with `{:#?}`, so that is this type's `Debug`;
//! - an action ([`Labelled`]) carries the state it is taken from, so it prints in replay syntax
//!   (`deliver A->B FIN,ACK`, which needs the segment's flags), the Explorer's action links use
//!   `format_action`, which sees only the action;
//! - `as_svg` draws the path so far as a message sequence chart, from the reports' message
//!   extraction ([`tcpmc_reports::msc::messages`]);
//! - the properties are tcpmc's state properties (invariants and coverage goals).
//!
//! Transitions, boundary and property conditions are the wrapped model's, unchanged.

use std::fmt;
use std::net::{SocketAddr, TcpListener};
use std::path::Path as FsPath;

use stateright::{Model, Path, Property};
use tcpmc_model::system::describe;
use tcpmc_model::{Action, Config, State, TcpModel};
use tcpmc_reports::msc_svg::msc_svg;
use tcpmc_reports::report::steps;

use crate::input::error::InputError;

/// A state as the Explorer shows it: the TCP view, then the ghost bookkeeping.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Shown(pub State);

impl fmt::Debug for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.0;
        // The endpoint columns are padded for the reports; trailing blanks would only clutter.
        for line in s.to_string().lines() {
            writeln!(f, "{}", line.trim_end())?;
        }
        write!(f, "next connection: c{}", s.next_conn)?;
        let verdicts: Vec<&str> = [
            (
                tcpmc_model::system::ghost::STALE_ACCEPTED,
                "stale segment accepted",
            ),
            (
                tcpmc_model::system::ghost::STALE_DATA,
                "stale data delivered",
            ),
            (tcpmc_model::system::ghost::ASSASSINATED, "assassinated"),
            (
                tcpmc_model::system::ghost::NORMAL_CLOSE_RESET,
                "normal close reset",
            ),
            (
                tcpmc_model::system::ghost::GHOST_CONNECTION,
                "ghost connection",
            ),
        ]
        .iter()
        .filter(|(bit, _)| s.ghost & bit != 0)
        .map(|(_, name)| *name)
        .collect();
        if !verdicts.is_empty() {
            write!(f, "\nbroken: {}", verdicts.join(", "))?;
        }
        let aborted: Vec<String> = (0..8)
            .filter(|c| s.aborted_conns & (1 << c) != 0)
            .map(|c| format!("c{c}"))
            .collect();
        if !aborted.is_empty() {
            write!(f, "\naborted or given up: {}", aborted.join(" "))?;
        }
        Ok(())
    }
}

/// An action with the state it is taken from, so that it can name its segment by flags.
#[derive(Clone, Copy, PartialEq)]
pub struct Labelled {
    pub from: State,
    pub action: Action,
}

impl Labelled {
    /// The action in replay syntax.
    pub fn label(&self) -> String {
        describe(&self.from, &self.action)
    }
}

impl fmt::Debug for Labelled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

/// [`TcpModel`] as stateright's Explorer shows it.
#[derive(Clone)]
pub struct ExplorerModel {
    pub inner: TcpModel,
}

impl ExplorerModel {
    /// The model of `cfg` with tcpmc's state properties.
    pub fn new(cfg: Config) -> ExplorerModel {
        ExplorerModel {
            inner: TcpModel::new(cfg).with_properties(tcpmc_properties::stateright_properties()),
        }
    }
}

/// stateright's `Property` takes a plain `fn`; one monomorphic shim per index of the wrapped
/// model's properties.
fn shim<const I: usize>(m: &ExplorerModel, s: &Shown) -> bool {
    (m.inner.properties[I].condition)(&m.inner, &s.0)
}

type Condition = fn(&ExplorerModel, &Shown) -> bool;

macro_rules! shims {
    ($($i:literal)*) => {
        const SHIMS: &[Condition] = &[$(shim::<$i>),*];
    };
}

shims!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31
       32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47);

impl Model for ExplorerModel {
    type State = Shown;
    type Action = Labelled;

    fn init_states(&self) -> Vec<Shown> {
        self.inner.init_states().into_iter().map(Shown).collect()
    }

    fn actions(&self, state: &Shown, actions: &mut Vec<Labelled>) {
        let mut inner = Vec::new();
        self.inner.actions(&state.0, &mut inner);
        actions.extend(inner.into_iter().map(|action| Labelled {
            from: state.0,
            action,
        }));
    }

    fn next_state(&self, state: &Shown, action: Labelled) -> Option<Shown> {
        self.inner.next_state(&state.0, action.action).map(Shown)
    }

    fn format_action(&self, action: &Labelled) -> String {
        action.label()
    }

    /// The Explorer's state panel shows this for a step: the action, then the state it leads to.
    fn format_step(&self, last_state: &Shown, action: Labelled) -> Option<String> {
        let next = self.next_state(last_state, action)?;
        Some(format!("{}\n{:?}", action.label(), next))
    }

    fn as_svg(&self, path: Path<Shown, Labelled>) -> Option<String> {
        let path = path.into_vec();
        let states: Vec<State> = path.iter().map(|(s, _)| s.0).collect();
        let actions: Vec<Action> = path
            .iter()
            .filter_map(|(_, a)| a.map(|a| a.action))
            .collect();
        Some(msc_svg(&steps(&states, &actions)))
    }

    fn properties(&self) -> Vec<Property<Self>> {
        assert!(
            self.inner.properties.len() <= SHIMS.len(),
            "one explorer shim per property"
        );
        self.inner
            .properties
            .iter()
            .zip(SHIMS)
            .map(|(p, condition)| Property {
                expectation: p.expectation.clone(),
                name: p.name,
                condition: *condition,
            })
            .collect()
    }

    fn within_boundary(&self, state: &Shown) -> bool {
        self.inner.within_boundary(&state.0)
    }
}

/// The address is free to listen on (stateright's `serve` panics when it is not).
pub fn check_address(addr: SocketAddr) -> Result<(), InputError> {
    TcpListener::bind(addr)
        .map(drop)
        .map_err(|e| InputError(format!("cannot listen on {addr}: {e}")))
}

/// A note when the working directory has a `./ui/` folder, whose files stateright serves in
/// place of the Explorer's own page.
pub fn ui_folder_note(cwd: &FsPath) -> Option<String> {
    let ui = cwd.join("ui");
    ["index.htm", "app.js", "app.css"]
        .iter()
        .any(|f| ui.join(f).exists())
        .then(|| {
            format!(
                "tcpmc explorer: note: {} exists; stateright serves its files instead of the \
                 built-in page (run from another directory to avoid it)",
                ui.display()
            )
        })
}

/// Serves the Explorer on `addr`; blocks for good (Ctrl-C ends the process).
pub fn serve(cfg: Config, addr: SocketAddr) {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    ExplorerModel::new(cfg)
        .checker()
        .threads(threads)
        .serve(addr);
}

/// Ctrl-C (and SIGTERM) print `stopped` and exit with status 0 instead of dying on the signal.
#[cfg(unix)]
pub fn stop_cleanly_on_interrupt() {
    extern "C" fn on_signal(_: libc::c_int) {
        const MSG: &[u8] = b"\ntcpmc explorer: stopped\n";
        // Only async-signal-safe calls here: write(2) and _exit(2).
        unsafe {
            libc::write(2, MSG.as_ptr().cast(), MSG.len());
            libc::_exit(0);
        }
    }
    let handler: extern "C" fn(libc::c_int) = on_signal;
    unsafe {
        libc::signal(libc::SIGINT, handler as libc::sighandler_t);
        libc::signal(libc::SIGTERM, handler as libc::sighandler_t);
    }
}

#[cfg(not(unix))]
pub fn stop_cleanly_on_interrupt() {}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> ExplorerModel {
        ExplorerModel::new(Config::default())
    }

    fn take(m: &ExplorerModel, s: &Shown, label: &str) -> (Labelled, Shown) {
        let mut acts = Vec::new();
        m.actions(s, &mut acts);
        let a = *acts
            .iter()
            .find(|a| a.label() == label)
            .unwrap_or_else(|| panic!("{label} not enabled in {acts:?}"));
        (a, m.next_state(s, a).unwrap())
    }

    #[test]
    fn states_read_like_tcp_and_actions_in_replay_syntax() {
        let m = model();
        let init = m.init_states()[0];
        let shown = format!("{init:#?}");
        assert!(shown.starts_with("A: CLOSED"), "{shown}");
        assert!(shown.contains("B: CLOSED") && shown.contains("net: empty"));
        let (a, s1) = take(&m, &init, "A connect (ISS=0)");
        assert_eq!(m.format_action(&a), "A connect (ISS=0)");
        let (_, s2) = take(&m, &s1, "B listen");
        let (d, _) = take(&m, &s2, "deliver A->B SYN (ISS=0)");
        let step = m.format_step(&s2, d).unwrap();
        assert!(
            step.starts_with("deliver A->B SYN (ISS=0)\nA: SYN-SENT"),
            "{step}"
        );
        assert!(step.contains("B: SYN-RECEIVED"), "{step}");
        assert!(
            step.contains("[B->A SYN,ACK seq=0 ack=1 c1 age=0]"),
            "{step}"
        );
    }

    #[test]
    fn the_svg_is_the_sequence_chart_of_the_path() {
        let m = model();
        let init = m.init_states()[0];
        let (a1, s1) = take(&m, &init, "A connect (ISS=0)");
        let (a2, _) = take(&m, &s1, "B listen");
        let path = Path::from_actions(&m, init, [a1, a2].iter()).unwrap();
        let svg = m.as_svg(path).unwrap();
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("1. A connect (ISS=0)") && svg.contains("2. B listen"));
        assert!(svg.contains("SYN seq=0 c1"), "{svg}");
    }

    #[test]
    fn the_properties_are_tcpmcs_and_keep_their_conditions() {
        let m = model();
        let props = m.properties();
        assert_eq!(props.len(), m.inner.properties.len());
        let init = m.init_states()[0];
        for (p, q) in props.iter().zip(&m.inner.properties) {
            assert_eq!((p.name, &p.expectation), (q.name, &q.expectation));
            assert_eq!((p.condition)(&m, &init), (q.condition)(&m.inner, &init.0));
        }
        assert!(props.iter().any(|p| p.name == "no-stale-segment-accepted"));
    }

    #[test]
    fn a_busy_address_is_bad_input() {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap();
        let e = check_address(addr).unwrap_err();
        assert!(
            e.0.starts_with(&format!("cannot listen on {addr}")),
            "{}",
            e.0
        );
    }
}
